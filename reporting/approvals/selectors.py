from datetime import date

from django.db.models import QuerySet

from config.api.fields import month_str
from config.db.routing import read_alias
from reporting.approvals.choices import SubmissionStatus
from reporting.approvals.models import MonthSubmission


def submissions_visible_to(*, user) -> QuerySet:
    """Every organisation's months for analysts and coordinators; otherwise its own."""
    submissions = MonthSubmission.objects.all()
    if user is None or not user.is_authenticated:
        return submissions.none()
    if user.reads_everything:
        return submissions
    if user.partner_id is None:
        return submissions.none()
    return submissions.filter(partner_id=user.partner_id)


def approval_of(*, month_from: date, month_to: date, countries: list[str]) -> dict:
    """Which organisations' months a figure covers are approved, awaiting review, returned
    (or reopened) and only reported (draft), month by month; `all_approved` when every one
    of them is approved. One indexed query."""
    rows = (
        MonthSubmission.objects.using(read_alias())
        .filter(month__gte=month_from, month__lte=month_to, country__pcode__in=countries)
        .order_by("month", "partner__code")
        .values_list("month", "partner__code", "status")
    )
    months: dict[date, dict[str, list[str]]] = {}
    for month, partner, status in rows:
        lists = months.setdefault(month, {group: [] for group in STATUS_GROUPS.values()})
        group = lists[STATUS_GROUPS[status]]
        if partner not in group:  # one organisation, several countries
            group.append(partner)
    return {
        "all_approved": bool(months)
        and all(not any(v for k, v in m.items() if k != "approved") for m in months.values()),
        "months": [{"month": month_str(m), **lists} for m, lists in months.items()],
    }


STATUS_GROUPS = {
    SubmissionStatus.APPROVED: "approved",
    SubmissionStatus.SUBMITTED: "submitted",
    SubmissionStatus.RETURNED: "returned",
    SubmissionStatus.REOPENED: "returned",
    SubmissionStatus.DRAFT: "draft",
}
