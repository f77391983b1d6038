from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api.exceptions import Conflict
from config.api.fields import month_str
from config.db.generations import data_changed
from config.db.outbox import record_events
from reporting.approvals.choices import SubmissionStatus
from reporting.approvals.models import MonthSubmission
from reporting.periods.choices import PeriodStatus
from reporting.periods.models import ReportingPeriod


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
            _("Reporting month %(months)s is locked; ask a coordinator to unlock it.")
            % {"months": names},
            code="period_locked",
            extra={"months": [month_str(m) for m in locked]},
        )


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
        action = "locked" if status == PeriodStatus.LOCKED else "unlocked"
        events = [
            (f"period.{action}", None, {"month": month_str(p.month), "reason": reason})
            for p in changed
        ]
        if action == "locked":
            # No report of a locked month changes: its figures are final, unless a month
            # an organisation submitted there still awaits approval (approvals).
            pending = set(
                MonthSubmission.objects.filter(
                    month__in=[p.month for p in changed], status__in=SubmissionStatus.pending()
                ).values_list("month", flat=True)
            )
            events += [
                ("figures.final", None, {"month": month_str(p.month)})
                for p in changed
                if p.month not in pending
            ]
        record_events(events)
    return changed
