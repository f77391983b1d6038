"""The web console: pages for people who do not write code, on the API's own rules (the
session user, the same roles and partner scoping). Figures come through the API views
(config.api.internal), uploads through the import service, month locks through the periods
service."""

from datetime import date
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required as _login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.api.exceptions import RequestTooLarge
from config.api.fields import month_str, parse_month
from config.api.spreadsheets import SheetError, read_table
from indicators.models import Sector
from partners.authentication import speak_to
from partners.models import Partner
from partners.permissions import can_write_for_partner, can_write_reports
from reporting.activities.imports import in_reader_language
from reporting.activities.jobs import import_submit
from reporting.activities.models import ActivityReport, Import
from reporting.activities.selectors import imports_visible_to
from reporting.approvals.models import MonthSubmission
from reporting.locations.models import Location
from reporting.periods.choices import PeriodStatus
from reporting.periods.models import ReportingPeriod
from reporting.periods.services import periods_set_status


def login_required(view):
    """Signed-in users only (else the login page), answered in their chosen language."""

    @_login_required
    @wraps(view)
    def page(request, *args, **kwargs):
        speak_to(request, request.user)
        return view(request, *args, **kwargs)

    return page


FILTERS = ("month", "country", "admin1", "sector", "partner")


def _choices() -> dict[str, list[tuple[str, str]]]:
    """(code, name) for each filter's drop-down: people choose names, the API gets codes."""
    locations = Location.objects.filter(level__in=["country", "admin1"]).order_by("name")
    return {
        "country": [(x.pcode, x.name) for x in locations if x.level == "country"],
        "admin1": [(x.pcode, x.name) for x in locations if x.level == "admin1"],
        "sector": list(
            Sector.objects.filter(parent=None).order_by("name").values_list("code", "name")
        ),
        "partner": list(Partner.objects.order_by("name").values_list("code", "name")),
    }


def _latest_month() -> date | None:
    return ActivityReport.objects.aggregate(latest=Max("month"))["latest"]


def _upload_size_ok(request, upload) -> bool:
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return False
    if upload.size > settings.IMPORT_MAX_BYTES:
        messages.error(request, _("The file is larger than the import limit."))
        return False
    return True


@login_required
def imports(request):
    if request.method == "POST":
        if not can_write_reports(request.user):  # the API's rule (PartnerRecordPermission)
            raise PermissionDenied
        upload = request.FILES.get("file")
        if not _upload_size_ok(request, upload):
            return redirect("console-imports")
        try:
            record = import_submit(
                user=request.user, file_name=upload.name, content=upload.read(),
                dry_run=request.POST.get("dry_run") == "on",
                replace_months=request.POST.get("replace_months") == "on",
            )  # fmt: skip
        except SheetError as error:
            messages.error(request, error.message)
            return redirect("console-imports")
        except RequestTooLarge as error:
            messages.error(request, str(error.detail))
            return redirect("console-imports")
        return redirect("console-import", pk=record.pk)
    history = imports_visible_to(user=request.user).defer("content", "errors").order_by("-pk")
    context = {"imports": history[:50], "can_upload": can_write_reports(request.user)}
    return render(request, "console/imports.html", context)


def _visible_import(request, pk: int) -> Import:
    try:
        return imports_visible_to(user=request.user).get(pk=pk)
    except Import.DoesNotExist:
        raise Http404 from None


def _error_grid(record: Import) -> dict:
    """The rows with errors, every cell as uploaded, the bad ones marked with their
    messages: {"header": [...], "rows": [(row number, [(value, [messages])])]}."""
    by_row: dict[int | None, dict[str, list[str]]] = {}
    for error in in_reader_language(record.errors):
        by_row.setdefault(error.get("row"), {}).setdefault(error.get("column") or "", []).append(
            error["message"]
        )
    header, rows = [], []
    try:
        table = read_table(bytes(record.content), record.file_format)
        for number, cells in table:
            if not header:
                header = ["" if c is None else str(c).strip() for c in cells]
                continue
            if number in by_row:
                marks = by_row[number]
                padded = [*cells, *[None] * (len(header) - len(cells))]
                row = [
                    ("" if v is None else v, marks.get(h, []))
                    for h, v in zip(header, padded, strict=False)  # a longer row: cut
                ]
                rows.append((number, row, marks.get("", [])))
    except SheetError:
        pass
    file_errors = [m for m in by_row.get(None, {}).values() for m in m]
    return {"header": header, "rows": rows[:500], "file_errors": file_errors}


@login_required
def import_detail(request, pk: int):
    record = _visible_import(request, pk)
    running = record.status in Import.Status.running()
    grid = _error_grid(record) if record.errors else None
    can_confirm = record.status == Import.Status.VALIDATED and _may_confirm(request.user, record)
    context = {"record": record, "running": running, "grid": grid, "can_confirm": can_confirm}
    return render(request, "console/import_detail.html", context)


@login_required
@require_POST
def import_confirm(request, pk: int):
    """Write a file whose dry run passed: the same stored file, imported for real."""
    record = _visible_import(request, pk)
    if not _may_confirm(request.user, record):
        raise PermissionDenied
    if record.status != Import.Status.VALIDATED:
        messages.error(request, _("Only a dry run that passed can be confirmed."))
        return redirect("console-import", pk=pk)
    done = import_submit(
        user=request.user, file_name=record.file_name, content=bytes(record.content),
        replace_months=record.replace_months, partner_id=record.partner_id,
    )  # fmt: skip
    return redirect("console-import", pk=done.pk)


def _may_confirm(user, record: Import) -> bool:
    """The owning organisation's reporters, or a coordinator (the import stays theirs)."""
    return can_write_reports(user) and can_write_for_partner(user, record.partner_id)


def _months_up_to(month: date, count: int) -> list[date]:
    out = []
    year, number = month.year, month.month
    for _n in range(count):
        out.append(date(year, number, 1))
        year, number = (year, number - 1) if number > 1 else (year - 1, 12)
    return out[::-1]


@login_required
def completeness(request):
    """Coordinators and analysts: which organisation reported which month, which months are
    locked; coordinators lock and unlock."""
    if not request.user.reads_everything:
        raise PermissionDenied
    if request.method == "POST":
        return _lock_or_unlock(request)
    latest = parse_month(request.GET.get("month", "")) or _latest_month()
    latest = latest or date.today().replace(day=1)
    count = request.GET.get("months", "6")
    months = _months_up_to(latest, int(count) if count.isdigit() and 1 <= int(count) <= 24 else 6)
    counts = {
        (row["partner_id"], row["month"]): row["n"]
        for row in ActivityReport.objects.filter(month__in=months)
        .values("partner_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    }
    locked = set(
        ReportingPeriod.objects.filter(month__in=months, status=PeriodStatus.LOCKED).values_list(
            "month", flat=True
        )
    )
    states = month_states(months)
    partners = Partner.objects.order_by("code")
    matrix = [
        (p, [(m, counts.get((p.pk, m), 0), m in locked, states.get((p.pk, m), NOT_REPORTED))
             for m in months])
        for p in partners
    ]  # fmt: skip
    # Per organisation: the months it reported of those shown, and its reports in them.
    matrix = [
        (p, cells, sum(1 for c in cells if c[1]), sum(c[1] for c in cells)) for p, cells in matrix
    ]
    totals = [
        (m, {state: sum(1 for _, cells, *_t in matrix if cells[n][3] == state)
             for state in STATES})
        for n, m in enumerate(months)
    ]  # fmt: skip
    context = {"months": [(m, m in locked) for m in months], "matrix": matrix,
               "last": month_str(latest), "count": len(months), "totals": totals,
               "states": [(s, STATE_LABELS[s]) for s in STATES],
               "reports_total": sum(total for *_c, total in matrix),
               "reported_per_month": [sum(1 for _, cells, *_t in matrix if cells[n][1])
                                      for n in range(len(months))]}  # fmt: skip
    return render(request, "console/completeness.html", context)


NOT_REPORTED = "not_reported"
# Where an organisation's month stands, across its countries: the step it waits for most.
STATES = (NOT_REPORTED, "draft", "submitted", "returned", "approved")
STATE_LABELS = {NOT_REPORTED: gettext_lazy("not reported"), "draft": gettext_lazy("not submitted"),
                "submitted": gettext_lazy("submitted"), "returned": gettext_lazy("returned"),
                "approved": gettext_lazy("approved")}  # fmt: skip
PRECEDENCE = {"returned": 0, "reopened": 0, "submitted": 1, "draft": 2, "approved": 3}


def month_states(months: list[date]) -> dict[tuple[int, date], str]:
    """(partner id, month) -> its state: returned if any of its countries was returned or
    reopened, else submitted if any awaits review, else not submitted if any is only
    reported, else approved."""
    found: dict[tuple[int, date], str] = {}
    rows = MonthSubmission.objects.filter(month__in=months).values_list(
        "partner", "month", "status"
    )
    for partner, month, status in rows:
        state = "returned" if status == "reopened" else status
        current = found.get((partner, month))
        if current is None or PRECEDENCE[state] < PRECEDENCE[current]:
            found[(partner, month)] = state
    return found


def _lock_or_unlock(request):
    if not request.user.is_coordinator:
        raise PermissionDenied
    month = parse_month(request.POST.get("month", ""))
    reason = request.POST.get("reason", "").strip()
    status = request.POST.get("status")
    if month is None or not reason or status not in PeriodStatus.values:
        messages.error(request, _("Give a month, lock or unlock, and a reason."))
        return redirect("console-completeness")
    periods_set_status(month=month, status=status, reason=reason, user=request.user)
    messages.success(request, _("%(month)s is now %(status)s.") % {
        "month": month_str(month), "status": PeriodStatus(status).label,
    })  # fmt: skip
    return redirect("console-completeness")
