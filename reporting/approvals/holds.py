"""Writers hold the submissions of the months they write, as they hold the months
(reporting.periods.services.periods_hold): a shared row lock, in key order, before they
check. Approving takes an exclusive one (approvals.services), so a write in flight when a
coordinator approves its month commits before the approval does, or waits for it and is
refused: once a month answers as approved, nothing in it changes until it is reopened."""

from collections.abc import Iterable
from datetime import date

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from config.api.exceptions import Conflict
from config.api.fields import month_str
from reporting.approvals.choices import SubmissionStatus
from reporting.approvals.models import MonthSubmission

Key = tuple[int, int, date]  # (partner id, country id, month)


def submissions_hold(*, keys: Iterable[Key]) -> set[Key]:
    """Hold these organisations' months for the current transaction; return the approved
    ones. Keys seen for the first time are recorded as drafts."""
    keys = sorted(set(keys), key=lambda k: (k[2], k[1], k[0]))
    if not keys:
        return set()
    MonthSubmission.objects.bulk_create(
        [MonthSubmission(partner_id=p, country_id=c, month=m) for p, c, m in keys],
        ignore_conflicts=True,
    )
    wanted = Q()
    for partner, country, month in keys:
        wanted |= Q(partner_id=partner, country_id=country, month=month)
    rows = MonthSubmission.objects.filter(wanted).order_by("month", "country", "partner")
    rows = rows.values_list("partner", "country", "month", "status")
    if connection.vendor == "postgresql":  # SQLite serialises writers at BEGIN already
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} FOR SHARE", params)
            found = cursor.fetchall()
    else:
        found = list(rows)
    return {(p, c, m) for p, c, m, status in found if status == SubmissionStatus.APPROVED}


def approved_message(month: date) -> str:
    return _(
        "Your organisation's reports of %(month)s in this country are approved; ask a "
        "coordinator to reopen the month to change them."
    ) % {"month": month_str(month)}


def submissions_assert_open(*, keys: Iterable[Key]) -> None:
    """Refuse writes into approved months (409 `month_approved`)."""
    approved = sorted(submissions_hold(keys=keys), key=lambda k: k[2])
    if approved:
        raise Conflict(
            approved_message(approved[0][2]),
            code="month_approved",
            extra={"months": sorted({month_str(m) for _, _, m in approved})},
        )
