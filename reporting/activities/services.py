"""Writes of activity reports and reporting periods: every path (API, batches, imports)
goes through these functions, so locks, history and concurrency rules hold everywhere.
"""

from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.api.exceptions import Conflict
from config.db.choices import ChangeChannel, HistoryAction
from config.db.versioning import bump, history_entry, lock_for_change
from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry
from reporting.activities.snapshots import report_values
from reporting.common.references import ReferenceIndex
from reporting.periods.services import periods_assert_open


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
