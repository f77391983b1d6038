"""The console's months: an organisation submits its month of a country; coordinators
approve, return or reopen it with a reason. The list is the API's answer for the signed-in
user (config.api.internal); the steps go through the approvals services, with the API's rules."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException

from config.api.fields import parse_month
from config.api.internal import api_get
from partners.choices import Role
from partners.models import Partner
from reporting.activities.validation import current_month
from reporting.approvals.choices import SubmissionAction, SubmissionStatus
from reporting.approvals.selectors import submissions_visible_to
from reporting.approvals.services import submission_decide, submission_submit
from reporting.console.views import _choices, login_required
from reporting.locations.models import Location

FILTERS = ("status", "country", "month")
DECISIONS = {
    "approve": SubmissionAction.APPROVED,
    "return": SubmissionAction.RETURNED,
    "reopen": SubmissionAction.REOPENED,
}


@login_required
def months(request):
    if request.method == "POST":
        _step(request)
        return redirect(request.get_full_path())
    params = {name: request.GET.get(name, "").strip() for name in FILTERS}
    params["page_size"] = 200
    status, data = api_get(request, "monthsubmission-list", params)
    rows = data["results"] if status == 200 else []
    labels = dict(SubmissionStatus.choices)
    for row in rows:
        row["status_label"] = labels.get(row["status"], row["status"])
    user = request.user
    context = {
        "rows": rows, "params": params, "statuses": SubmissionStatus.choices,
        "countries": _choices()["country"], "error": None if status == 200 else data.get("detail"),
        "may_submit": user.role == Role.REPORTER or user.is_coordinator,
        "partners": Partner.objects.order_by("name").values_list("code", "name")
        if user.is_coordinator else [],
        "this_month": f"{current_month():%Y-%m}",
    }  # fmt: skip
    return render(request, "console/months.html", context)


def _step(request) -> None:
    user, post = request.user, request.POST
    action = post.get("action", "")
    try:
        if action == "submit":
            _submit(request)
        elif action in DECISIONS:
            if not user.is_coordinator:
                raise PermissionDenied
            submission = submissions_visible_to(user=user).filter(pk=post.get("id") or 0).first()
            reason = post.get("reason", "").strip()
            if submission is None:
                messages.error(request, _("No such month."))
            elif action != "approve" and not reason:
                messages.error(request, _("Say why: the organisation reads it."))
            else:
                decided = submission_decide(
                    submission_id=submission.pk, action=DECISIONS[action], user=user, reason=reason
                )
                messages.success(request, _("%(partner)s %(country)s %(month)s: %(status)s.") % {
                    "partner": decided.partner.code, "country": decided.country.pcode,
                    "month": f"{decided.month:%Y-%m}", "status": decided.get_status_display(),
                })  # fmt: skip
    except APIException as refused:  # a step out of turn, a month being written
        messages.error(request, str(refused.detail))


def _submit(request) -> None:
    user, post = request.user, request.POST
    if not (user.role == Role.REPORTER or user.is_coordinator):
        raise PermissionDenied
    month = parse_month(post.get("month", ""))
    country = Location.objects.filter(pcode=post.get("country", ""), level="country").first()
    partner = (
        Partner.objects.filter(code=post.get("partner", "")).first()
        if user.is_coordinator
        else user.partner
    )
    if month is None or country is None or partner is None or month > current_month():
        messages.error(request, _("Choose a country, a month up to this one and, for "
                                  "coordinators, the organisation."))  # fmt: skip
        return
    submitted = submission_submit(partner=partner, country=country, month=month, user=user)
    messages.success(request, _("%(country)s %(month)s submitted: %(reports)s reports.") % {
        "country": country.pcode, "month": f"{month:%Y-%m}", "reports": submitted.reports,
    })  # fmt: skip
