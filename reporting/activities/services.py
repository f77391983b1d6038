"""Writes of single activity reports: every path (API, batches, imports)
goes through these functions, so locks, history and concurrency rules hold everywhere.
"""

from typing import Any

from django.db import transaction
from django.urls import reverse

from config.api.exceptions import Conflict, InvalidRecord
from config.db.choices import ChangeChannel
from config.db.outbox import record_events
from config.db.versioning import VersionedRecords
from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry
from reporting.activities.snapshots import report_values
from reporting.activities.validation import activity_report_violations
from reporting.approvals.holds import Key, submissions_assert_open
from reporting.common.references import ReferenceIndex
from reporting.periods.services import periods_assert_open
from reporting.quality.checks import problem_of


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
        extra["existing_url"] = reverse("activityreport-detail", kwargs={"pk": existing_id})
    return Conflict(detail, code=code, extra=extra)


REPORTS = VersionedRecords(
    live=lambda: ActivityReport.objects,
    history_model=ActivityReportHistoryEntry,
    subject="report",
    duplicate=lambda report: duplicate_report(report, None),
)


def _values(references: ReferenceIndex):
    return lambda report: report_values(report, references)


def submission_key(report: ActivityReport, references: ReferenceIndex) -> Key:
    """The organisation's month in a country that a report belongs to (approvals)."""
    country = references.object_by_id("location", report.admin1_id).parent_id
    return (report.partner_id, country, report.month)


def _assert_writable(reports: list[ActivityReport], references: ReferenceIndex) -> None:
    """Their months are open (not locked) and not approved for their organisation."""
    periods_assert_open(months={r.month for r in reports})
    submissions_assert_open(keys={submission_key(r, references) for r in reports})


def _assert_valid(report: ActivityReport, references: ReferenceIndex) -> None:
    """The 5W rules on the row as it will be stored (with related objects, no query)."""
    references.attach([report])
    violations = activity_report_violations(report)
    if violations:
        raise InvalidRecord([problem_of(v) for v in violations])


def report_event(action: str, report: ActivityReport, *, channel: str, user) -> tuple:
    """The outbox event of a report's change: only its own organisation hears of it."""
    return (
        f"activity_report.{action}",
        report.partner_id,
        {"id": report.pk, "external_id": report.external_id, "month": f"{report.month:%Y-%m}",
         "version": report.version, "channel": channel,
         "changed_by": getattr(user, "username", None)},
    )  # fmt: skip


BATCH_EVENT = "activity_reports.batch"


def batch_events(changed: dict[int, dict], *, batch_id, channel: str, user) -> None:
    """One event per organisation for a batch or import: how many of its reports were
    created, updated and deleted, in which months, and the query that lists them (their
    history names the batch). Single writes keep one event per report (report_event)."""
    query = f"{reverse('activityreport-list')}?batch_id={batch_id}"
    record_events(
        (BATCH_EVENT, partner_id,
         {"batch_id": str(batch_id), "channel": channel,
          "changed_by": getattr(user, "username", None), "created": counts["created"],
          "updated": counts["updated"], "deleted": counts["deleted"],
          "months": sorted(f"{m:%Y-%m}" for m in counts["months"]), "reports": query})
        for partner_id, counts in sorted(changed.items())
        if counts["created"] or counts["updated"] or counts["deleted"]
    )  # fmt: skip


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

    def check(report):
        _assert_writable([report], references)
        _assert_key_free(report)

    report = REPORTS.create(
        ActivityReport(**data), values=_values(references), user=user, channel=channel,
        batch_id=batch_id, check=check,
    )  # fmt: skip
    record_events([report_event("created", report, channel=channel, user=user)])
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
    """Apply validated `data` to the report as it is now (locked): the rules are checked
    again on the result, so two concurrent changes cannot store a row neither would allow."""
    references = references or ReferenceIndex()

    def check(current, previous):
        _assert_writable([previous, current], references)
        _assert_valid(current, references)
        _assert_key_free(current)

    updated = REPORTS.update(
        report.pk, data, values=_values(references), user=user, channel=channel,
        expected_version=expected_version, batch_id=batch_id, check=check,
    )  # fmt: skip
    if updated.version != report.version:  # a change that changed nothing is no news
        record_events([report_event("updated", updated, channel=channel, user=user)])
    return updated


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
    REPORTS.delete(
        report.pk, values=_values(references), user=user, channel=channel,
        expected_version=expected_version, batch_id=batch_id,
        check=lambda current: _assert_writable([current], references),
    )  # fmt: skip
    report.version += 1
    record_events([report_event("deleted", report, channel=channel, user=user)])
