"""Submission and approval of an organisation's month in a country: the workflow steps.

Every step locks the submission row (waiting at most APPROVAL_LOCK_WAIT_SECONDS for the
writes of that month in flight, which hold it shared: approvals.holds), checks the step is
allowed from where the month stands, and records who, when, why and how many reports, in
the audit trail, as a webhook event for the organisation, and as a data change (figures
say which of their months are approved)."""

from datetime import date

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api.exceptions import Conflict
from config.api.fields import iso_datetime, month_str
from config.db.generations import data_changed
from config.db.outbox import record_events
from reporting.activities.models import ActivityReport
from reporting.approvals.choices import SubmissionAction, SubmissionStatus
from reporting.approvals.models import MonthSubmission, MonthSubmissionEvent

S = SubmissionStatus


def _locked(submission_id: int) -> MonthSubmission:
    """The submission, locked against the writes of its month; 409 `month_being_written`
    when one of them holds it longer than APPROVAL_LOCK_WAIT_SECONDS."""
    rows = MonthSubmission.objects.select_for_update().select_related("partner", "country")
    if connection.vendor != "postgresql":  # SQLite serialises writers at BEGIN already
        return rows.get(pk=submission_id)
    wait = int(settings.APPROVAL_LOCK_WAIT_SECONDS * 1000)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {wait}")
            submission = rows.get(pk=submission_id)
            cursor.execute("SET LOCAL lock_timeout = 0")
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) != "55P03":  # lock_not_available
            raise
        raise Conflict(
            _("Reports of this month are being written right now; try again in a moment."),
            code="month_being_written",
            retry_after=5,
        ) from None
    return submission


def _reports(submission: MonthSubmission) -> int:
    return ActivityReport.objects.filter(
        partner_id=submission.partner_id,
        admin1__parent_id=submission.country_id,
        month=submission.month,
    ).count()


def _decision(submission: MonthSubmission) -> dict:
    return {
        "status": submission.status,
        "by": submission.changed_by.username if submission.changed_by_id else None,
        "at": iso_datetime(submission.changed_at) if submission.changed_at else None,
        "reason": submission.reason,
    }


def _step(submission: MonthSubmission, *, action: str, status: str, user, reason: str) -> None:
    submission.status = status
    submission.reason = reason
    submission.changed_at = timezone.now()
    submission.changed_by = user
    submission.reports = _reports(submission)
    submission.save(update_fields=["status", "reason", "changed_at", "changed_by", "reports"])
    MonthSubmissionEvent.objects.create(
        submission=submission, action=action, status=status, reason=reason,
        reports=submission.reports, at=submission.changed_at, by=user,
    )  # fmt: skip
    data = {
        "id": submission.pk, "partner": submission.partner.code,
        "country": submission.country.pcode, "month": month_str(submission.month),
        "status": status, "reports": submission.reports, "reason": reason,
        "by": user.username,
    }  # fmt: skip
    events = [(f"month.{action}", submission.partner_id, data)]
    if status == S.APPROVED and not _pending(submission.month, submission.country_id):
        # Every submitted month of this country is approved: its figures are final.
        final = {"month": month_str(submission.month), "country": submission.country.pcode}
        events.append(("figures.final", None, final))
    record_events(events)
    data_changed({submission.month})


def _pending(month: date, country_id: int) -> bool:
    return MonthSubmission.objects.filter(
        month=month, country_id=country_id, status__in=S.pending()
    ).exists()


@transaction.atomic
def submission_submit(*, partner, country, month: date, user) -> MonthSubmission:
    """The organisation's reports of the month in the country go to review."""
    MonthSubmission.objects.bulk_create(
        [MonthSubmission(partner=partner, country=country, month=month)], ignore_conflicts=True
    )
    submission = _locked(
        MonthSubmission.objects.get(partner=partner, country=country, month=month).pk
    )
    if submission.status == S.APPROVED:
        raise Conflict(
            _("This month is already approved; a coordinator reopens it before changes."),
            code="month_approved",
            extra={"decision": _decision(submission)},
        )
    if submission.status == S.SUBMITTED:
        raise Conflict(
            _("This month is already submitted and awaits review."),
            code="already_submitted",
            extra={"decision": _decision(submission)},
        )
    _step(submission, action=SubmissionAction.SUBMITTED, status=S.SUBMITTED, user=user, reason="")
    return submission


@transaction.atomic
def submission_decide(*, submission_id: int, action: str, user, reason: str) -> MonthSubmission:
    """A coordinator approves or returns a submitted month, or reopens an approved one.
    Of two coordinators deciding at once, the second is told the first one's decision."""
    submission = _locked(submission_id)
    if action == SubmissionAction.REOPENED:
        if submission.status != S.APPROVED:
            raise Conflict(
                _("Only an approved month is reopened; this one is %(status)s.")
                % {"status": submission.get_status_display().lower()},
                code="not_approved",
                extra={"decision": _decision(submission)},
            )
        status = S.REOPENED
    else:
        if submission.status in (S.APPROVED, S.RETURNED):
            raise Conflict(
                _("%(user)s already decided this month: %(status)s.")
                % {"user": _decision(submission)["by"], "status": submission.get_status_display()},
                code="already_decided",
                extra={"decision": _decision(submission)},
            )
        if submission.status != S.SUBMITTED:
            raise Conflict(
                _("The organisation has not submitted this month; it is %(status)s.")
                % {"status": submission.get_status_display().lower()},
                code="not_submitted",
                extra={"decision": _decision(submission)},
            )
        status = S.APPROVED if action == SubmissionAction.APPROVED else S.RETURNED
    _step(submission, action=action, status=status, user=user, reason=reason)
    return submission
