"""Writing the planned chunks: creates and updates in set-based statements, with history."""

import operator
from datetime import date

from django.utils import timezone

from config.db.batches import (
    BatchResult,
)
from config.db.bulk import bulk_insert, bulk_insert_objects, bulk_insert_per_value, bulk_update
from config.db.choices import HistoryAction
from config.db.generations import data_changed
from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry
from reporting.activities.services import batch_events
from reporting.activities.snapshots import report_values


class _Writer:
    """Creates, updates and (replace=months) deletes of one batch, chunk by chunk, with
    their history and events."""

    def __init__(self, result: BatchResult, *, user, references, channel: str):
        self.result, self.user, self.references = result, user, references
        self.channel, self.now = channel, timezone.now()
        self.history: list[dict] = []
        self.created_from: int | None = None  # the first id this batch gave a report
        self.written = 0
        # What the batch changed, per organisation: one event each at the end (not one per
        # report: a 500,000-row import is one event, whose subscribers fetch the rows).
        self.changed: dict[int, dict] = {}

    def record(self, report, action, before, after) -> None:
        if self.result.dry_run:
            return
        self.history.append(
            {"report_id": report.pk, "action": action, "channel": self.channel,
             "batch_id": self.result.batch_id, "version": report.version,
             "changed_at": self.now, "changed_by_id": self.user.pk, "before": before,
             "after": after}
        )  # fmt: skip

    def plan(self, plan) -> tuple[list, list]:
        """New reports to insert, and changed ones to update (unchanged ones are counted)."""
        creates, updates = [], []
        now, user = self.now, self.user
        for index, candidate, target in plan:
            if target is None:
                # Straight into the instance (as rows._candidate builds it): the descriptors'
                # checks cost more than the rest of a create here.
                candidate.__dict__.update(
                    created_at=now, updated_at=now, created_by_id=user.pk,
                    updated_by_id=user.pk, version=1,
                )  # fmt: skip
                candidate._state.fields_cache.update(created_by=user, updated_by=user)
                creates.append((index, candidate))
            elif self._apply(index, candidate, target):
                updates.append(target)
        self.result.created += len(creates)
        if self.result.dry_run:
            self.result.add_rows((index, "created", None) for index, _ in creates)
        return creates, updates

    def _apply(self, index: int, candidate, target) -> bool:
        """The row's values onto the report; True if that changed it."""
        before = report_values(target, self.references)
        # The candidate's values straight into the report's dict (attnames: ids, not
        # objects), and its related objects into the relation cache: per field setattr
        # through Django's descriptors cost more than the rest of an update here.
        target.__dict__.update(
            zip(WRITABLE_ATTNAMES, WRITABLE_VALUES(candidate.__dict__), strict=True)
        )
        if candidate.external_id is None:
            # An id-less row keeps the id a partner system gave the report.
            target.__dict__["external_id"] = before["external_id"]
        target._state.fields_cache = dict(candidate._state.fields_cache)
        after = report_values(target, self.references)
        if after == before:
            self.result.add(index, "unchanged", target.pk)
            return False
        target.version += 1
        target.updated_at, target.updated_by = self.now, self.user
        self.record(target, HistoryAction.UPDATE, before, after)
        self.result.add(index, "updated", target.pk)
        return True

    def write(self, creates, updates) -> None:
        """One chunk's creates and updates, with their history and events."""
        self._insert(creates)
        bulk_update(updates, [*WRITABLE_FIELDS, "version", "updated_at", "updated_by"])
        self._flush_history()
        created = [report for _index, report in creates]
        for action, reports in (("created", created), ("updated", updates)):
            self._changed(action, reports)
        self.written += len(creates) + len(updates)

    def finish(self, stale, months: set[date]) -> None:
        """replace=months: the stale reports deleted; the months marked as changed."""
        result = self.result
        result.deleted, result.deleted_ids = len(stale), [r.pk for r in stale]
        if not result.dry_run:
            self._delete(stale)
            self._flush_history()
            self._changed("deleted", stale)
            batch_events(self.changed, batch_id=self.result.batch_id, channel=self.channel,
                         user=self.user)  # fmt: skip
            self.written += len(stale)
            data_changed(months)  # last: its row locks are held until the commit (see there)
        result.rows.sort(key=lambda r: r.row)

    def _changed(self, action: str, reports) -> None:
        for report in reports:
            counts = self.changed.setdefault(
                report.partner_id, {"created": 0, "updated": 0, "deleted": 0, "months": set()}
            )
            counts[action] += 1
            counts["months"].add(report.month)

    def _flush_history(self) -> None:
        bulk_insert(ActivityReportHistoryEntry, self.history, with_ids=False)
        self.history.clear()

    def _insert(self, creates) -> None:
        if not creates:
            return
        bulk_insert_objects([report for _, report in creates])
        ids = [report.pk for _, report in creates]
        if self.created_from is None:
            self.created_from = min(ids)
        # A create's history entry holds no values: its `after` is derived when read
        # (activities.history) from the report row or the next entry's `before`. So the
        # entries differ only in their report and the database builds them itself.
        bulk_insert_per_value(
            ActivityReportHistoryEntry,
            "report_id",
            ids,
            {"action": HistoryAction.CREATE, "channel": self.channel,
             "batch_id": self.result.batch_id, "version": 1, "changed_at": self.now,
             "changed_by_id": self.user.pk},
        )  # fmt: skip
        self.result.add_rows((index, "created", r.pk) for index, r in creates)

    def _delete(self, stale) -> None:
        for report in stale:
            before = report_values(report, self.references)
            report.version += 1
            report.updated_at = report.deleted_at = self.now
            report.updated_by = self.user
            self.record(report, HistoryAction.DELETE, before, None)
        bulk_update(stale, ["version", "updated_at", "deleted_at", "updated_by"])


WRITABLE_FIELDS = [
    f.name
    for f in ActivityReport._meta.concrete_fields
    if f.editable and not f.primary_key and f.name not in {"deleted_at"}
]


WRITABLE_ATTNAMES = [ActivityReport._meta.get_field(name).attname for name in WRITABLE_FIELDS]


WRITABLE_VALUES = operator.itemgetter(*WRITABLE_ATTNAMES)
