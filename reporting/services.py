"""Writes of activity reports and reporting periods: every path (API, batches, imports)
goes through these functions, so locks, history and concurrency rules hold everywhere."""

from collections.abc import Iterable
from datetime import date
from functools import partial
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from config.exceptions import Conflict
from reporting.choices import ChangeChannel, HistoryAction, PeriodStatus
from reporting.generation import data_changed
from reporting.models import ActivityReport, ActivityReportHistoryEntry, ReportingPeriod
from reporting.references import ReferenceIndex
from reporting.snapshots import month_str, report_values
from reporting.versioning import bump, history_entry, lock_for_change


def periods_hold(*, months: Iterable[date]) -> set[date]:
    """Hold these months open for the current transaction and return those that are locked.

    Every writer takes a shared row lock on the months it writes, in month order, before
    it checks them; locking or unlocking takes an exclusive one (periods_set_status). So a
    write in flight when a coordinator locks its month commits before the lock does, or
    waits for it and is refused: a month answered as locked never changes afterwards.
    Months seen for the first time are recorded as open."""
    months = sorted(set(months))
    if not months:
        return set()
    ReportingPeriod.objects.bulk_create(
        [ReportingPeriod(month=m) for m in months], ignore_conflicts=True
    )
    periods = ReportingPeriod.objects.filter(month__in=months).order_by("month")
    if connection.vendor == "postgresql":  # SQLite serialises writers at BEGIN already
        sql, params = periods.values_list("month", "status").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} FOR SHARE", params)
            rows = cursor.fetchall()
    else:
        rows = list(periods.values_list("month", "status"))
    return {month for month, status in rows if status == PeriodStatus.LOCKED}


def periods_assert_open(*, months: Iterable[date]) -> None:
    """Refuse writes into locked months (409 `period_locked`), holding the others open for
    the rest of the transaction (periods_hold)."""
    locked = sorted(periods_hold(months=months))
    if locked:
        names = ", ".join(month_str(m) for m in locked)
        raise Conflict(
            f"Reporting month {names} is locked; ask a coordinator to unlock it.",
            code="period_locked",
            extra={"months": [month_str(m) for m in locked]},
        )


def _assert_key_free(report: ActivityReport) -> None:
    """409, naming the report that holds it, when another live report has this report's key:
    its external id, or (without one) its natural key."""
    others = ActivityReport.objects.exclude(pk=report.pk) if report.pk else ActivityReport.objects
    if report.external_id:
        clash = others.filter(partner_id=report.partner_id, external_id=report.external_id)
    else:
        key = dict(zip(ActivityReport.NATURAL_KEY, report.natural_key, strict=True))
        clash = others.filter(external_id__isnull=True, **key)
    existing = clash.values_list("pk", flat=True).first()
    if existing is not None:
        raise duplicate_report(report, existing)


def duplicate_report(report: ActivityReport, existing_id: int | None) -> Conflict:
    if report.external_id:
        code = "duplicate_external_id"
        detail = f"external_id {report.external_id!r} is already used by another report"
    else:
        code = "duplicate_report"
        detail = (
            "A report with the same partner, implementing partner, month, locations, "
            "indicator, activity name, RMRP, CVA and delivery mechanism already exists"
        )
    extra = {"existing_id": existing_id}
    if existing_id is not None:
        detail += f" (report {existing_id}); change that one instead."
        extra["existing_url"] = f"/api/v1/activity-reports/{existing_id}/"
    return Conflict(detail, code=code, extra=extra)


_history = partial(history_entry, ActivityReportHistoryEntry, "report")


@transaction.atomic
def activity_report_create(
    *,
    data: dict[str, Any],
    user,
    channel: str = ChangeChannel.API,
    batch_id=None,
    references: ReferenceIndex | None = None,
) -> ActivityReport:
    references = references or ReferenceIndex()
    periods_assert_open(months=[data["month"]])
    now = timezone.now()
    report = ActivityReport(
        **data, created_at=now, updated_at=now, created_by=user, updated_by=user, version=1
    )
    _assert_key_free(report)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Lost a race with another request creating the same report.
        raise duplicate_report(report, None) from None
    _history(
        report,
        action=HistoryAction.CREATE,
        user=user,
        channel=channel,
        before=None,
        after=report_values(report, references),
        batch_id=batch_id,
    ).save()
    return report


@transaction.atomic
def activity_report_update(
    *,
    report: ActivityReport,
    data: dict[str, Any],
    user,
    channel: str = ChangeChannel.API,
    expected_version: int | None = None,
    batch_id=None,
    references: ReferenceIndex | None = None,
) -> ActivityReport:
    """Apply validated `data`. A change that changes nothing keeps the version and history."""
    references = references or ReferenceIndex()
    current = lock_for_change(ActivityReport.objects, report.pk, expected_version)
    before = report_values(current, references)
    old_month = current.month
    for field, value in data.items():
        setattr(current, field, value)
    after = report_values(current, references)
    if after == before:
        return current
    periods_assert_open(months={old_month, current.month})
    _assert_key_free(current)
    bump(current, user)
    current.save()
    _history(
        current,
        action=HistoryAction.UPDATE,
        user=user,
        channel=channel,
        before=before,
        after=after,
        batch_id=batch_id,
    ).save()
    return current


@transaction.atomic
def activity_report_delete(
    *,
    report: ActivityReport,
    user,
    channel: str = ChangeChannel.API,
    expected_version: int | None = None,
    batch_id=None,
    references: ReferenceIndex | None = None,
) -> None:
    """Soft delete: the report leaves lists and figures; its history stays."""
    references = references or ReferenceIndex()
    current = lock_for_change(ActivityReport.objects, report.pk, expected_version)
    periods_assert_open(months=[current.month])
    before = report_values(current, references)
    current.save(update_fields=bump(current, user, delete=True))
    _history(
        current,
        action=HistoryAction.DELETE,
        user=user,
        channel=channel,
        before=before,
        after=None,
        batch_id=batch_id,
    ).save()


@transaction.atomic
def periods_set_status(
    *, month: date, status: str, reason: str, user, include_earlier: bool = False
) -> list[ReportingPeriod]:
    """Lock or unlock one month, or every known month up to it. Returns the periods changed."""
    ReportingPeriod.objects.get_or_create(month=month)
    periods = ReportingPeriod.objects.select_for_update()
    periods = periods.filter(month__lte=month) if include_earlier else periods.filter(month=month)
    changed = []
    now = timezone.now()
    for period in periods.exclude(status=status).order_by("month"):
        period.status = status
        period.reason = reason
        period.changed_at = now
        period.changed_by = user
        changed.append(period)
    ReportingPeriod.objects.bulk_update(changed, ["status", "reason", "changed_at", "changed_by"])
    if changed:
        data_changed({p.month for p in changed})  # figures say if their months are provisional
    return changed
