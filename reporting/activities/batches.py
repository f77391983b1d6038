"""Writing many 5W reports at once: JSON batches and spreadsheet imports.

A batch is atomic (one invalid row and nothing is written; every problem comes back with
its row), upserts on the external id or else the natural key, can replace a partner's
months, and writes history naming the batch. Queries do not grow with the number of rows.
"""

import operator
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from config.api.exceptions import Conflict, RequestTooLarge, RowsInvalid
from config.api.fields import month_str
from config.db.bulk import bulk_insert, bulk_insert_objects, bulk_insert_per_value, bulk_update
from config.db.choices import ChangeChannel, HistoryAction
from config.db.generations import data_changed
from partners.models import User
from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry
from reporting.activities.rows import parse_report
from reporting.activities.snapshots import report_values
from reporting.common.references import ReferenceIndex
from reporting.periods.services import periods_hold

ADVISORY_LOCK_NAMESPACE = 5_005  # pg_advisory_xact_lock(namespace, partner id)


WRITE_CHUNK = 5_000  # rows per COPY: statements stay constant up to a full JSON batch


class BatchRow(NamedTuple):  # a tuple: a batch makes thousands
    row: int
    action: str  # created, updated, unchanged, deleted
    id: int | None


@dataclass
class BatchResult:
    batch_id: uuid.UUID
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    rows: list[BatchRow] = field(default_factory=list)
    deleted_ids: list[int] = field(default_factory=list)


def batch_result_data(result: BatchResult) -> dict[str, Any]:
    """The response body (documented by BatchResultSerializer), built directly: a
    serializer walking 5,000 row objects costs more than the rest of the response."""
    return {
        "batch_id": str(result.batch_id),
        "dry_run": result.dry_run,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "deleted": result.deleted,
        "rows": [{"row": r.row, "action": r.action, "id": r.id} for r in result.rows],
        "deleted_ids": result.deleted_ids,
    }


def _error(row: int, field_name: str | None, code: str, message: str) -> dict[str, Any]:
    return {"row": row, "field": field_name, "code": code, "message": message}


def _lock_partners(partner_ids: set[int]) -> None:
    """Serialise batches of the same partner (PostgreSQL); SQLite serialises all writers,
    and the unique constraints stop duplicates on either."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for partner_id in sorted(partner_ids):
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, partner_id]
            )


def activity_reports_batch(
    *,
    user: User,
    rows: list,
    dry_run: bool = False,
    replace_months: bool = False,
    channel: str = ChangeChannel.BULK,
    batch_id: uuid.UUID | None = None,
) -> BatchResult:
    limit = settings.API_MAX_BATCH_ROWS
    if len(rows) > limit:
        raise RequestTooLarge(
            f"A batch holds at most {limit:,} reports; this one has {len(rows):,}.",
            code="batch_too_large",
        )
    return activity_reports_write(
        user=user,
        rows=enumerate(rows),
        dry_run=dry_run,
        replace_months=replace_months,
        channel=channel,
        batch_id=batch_id,
    )


def activity_reports_write(
    *,
    user: User,
    rows: Iterable[tuple[int, Any]],
    dry_run: bool = False,
    replace_months: bool = False,
    channel: str = ChangeChannel.BULK,
    batch_id: uuid.UUID | None = None,
) -> BatchResult:
    """The engine behind batches and imports. `rows` yields (row number, raw report); the
    numbers are what errors and results refer to (batch positions, spreadsheet lines). Rows
    may be a generator: they are read once."""
    result = BatchResult(batch_id=batch_id or uuid.uuid4(), dry_run=dry_run)
    try:
        with transaction.atomic():
            _run(result, user=user, rows=rows, replace_months=replace_months, channel=channel)
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        raise Conflict(
            "Another request wrote the same reports at the same time; send the batch again.",
            code="concurrent_write",
        ) from None
    return result


def _run(result: BatchResult, *, user, rows, replace_months: bool, channel: str) -> None:
    references = ReferenceIndex()
    errors: list[dict[str, Any]] = []
    parsed = []
    for index, raw in rows:
        row = parse_report(raw, user=user, references=references)
        errors += [_error(index, v.field, v.code, v.message) for v in row.violations]
        if row.ok:
            parsed.append((index, row.candidate))

    partner_ids = {c.partner_id for _, c in parsed}
    _lock_partners(partner_ids)
    months = {c.month for _, c in parsed}
    external_ids = {c.external_id for _, c in parsed if c.external_id}
    # Keys of every live report the batch could touch, as plain tuples (a partner's month
    # can hold thousands of reports); full rows are read only for those it does touch.
    names = {c.activity_name for _, c in parsed if not c.external_id}
    # Separate look-ups, each on its own index ((partner, external_id), (partner,
    # activity_name), (partner, month)); OR-ed together PostgreSQL would filter the partner's
    # every report instead.
    # `__any`: one array parameter, not thousands (reporting.lookups).
    live = ActivityReport.objects.filter(partner_id__in=partner_ids)
    scopes = []
    if external_ids:
        scopes.append(live.filter(external_id__any=external_ids))
    if names:
        scopes.append(live.filter(activity_name__any=names, month__any=months))
    if replace_months:
        scopes.append(live.filter(month__any=months))
    by_external_id: dict[tuple, int] = {}
    by_natural_key: dict[tuple, list[int]] = defaultdict(list)
    month_of: dict[int, tuple] = {}
    for scope in scopes:
        for pk, external_id, *natural_key in scope.values_list(
            "pk", "external_id", *ActivityReport.NATURAL_KEY
        ):
            if pk in month_of:
                continue  # found by an earlier look-up
            if external_id:
                by_external_id[(natural_key[0], external_id)] = pk
            by_natural_key[tuple(natural_key)].append(pk)
            month_of[pk] = (natural_key[0], natural_key[2])  # (partner, month)

    seen: dict[tuple, int] = {}
    plan: list[tuple[int, ActivityReport, ActivityReport | None]] = []  # row, new, target
    for index, candidate in parsed:
        if candidate.external_id:
            key = ("external_id", candidate.partner_id, candidate.external_id)
            target = by_external_id.get(key[1:])
            field_name = "external_id"
        else:
            key = ("natural_key", *candidate.natural_key)
            matches = by_natural_key.get(candidate.natural_key, [])
            if len(matches) > 1:
                ids = ", ".join(str(m) for m in matches)
                errors.append(
                    _error(
                        index,
                        None,
                        "ambiguous_natural_key",
                        f"Reports {ids} share this row's key; give an external_id.",
                    )
                )
                continue
            target = matches[0] if matches else None
            field_name = None
        if key in seen:
            errors.append(
                _error(
                    index,
                    field_name,
                    "duplicate_in_batch",
                    f"Row {seen[key]} of this batch has the same key.",
                )
            )
            continue
        seen[key] = index
        plan.append((index, candidate, target))

    targeted = {target for _, _, target in plan if target is not None}
    stale_ids = set()
    if replace_months:
        batch_months = {(c.partner_id, c.month) for _, c, _ in plan}
        stale_ids = {pk for pk, pm in month_of.items() if pm in batch_months} - targeted
    reports = {r.pk: r for r in ActivityReport.objects.filter(pk__any=targeted | stale_ids)}
    plan = [(index, candidate, reports.get(target)) for index, candidate, target in plan]
    stale = [reports[pk] for pk in sorted(stale_ids)]

    touched_months = months | {t.month for _, _, t in plan if t is not None}
    locked = periods_hold(months=touched_months)
    if locked:
        for index, candidate, target in plan:
            for month in {candidate.month, target.month if target else candidate.month} & locked:
                errors.append(
                    _error(
                        index,
                        "month",
                        "period_locked",
                        f"Reporting month {month_str(month)} is locked.",
                    )
                )
    if errors:
        raise RowsInvalid(sorted(errors, key=lambda e: e["row"]))

    _write(
        result,
        user=user,
        plan=plan,
        stale=stale,
        references=references,
        channel=channel,
        months=touched_months,
    )  # fmt: skip


def _write(result, *, user, plan, stale, references, channel, months: set[date]) -> None:
    now = timezone.now()
    history: list[dict] = []

    def record(report, action, before, after):
        history.append(
            {"report_id": report.pk, "action": action, "channel": channel,
             "batch_id": result.batch_id, "version": report.version, "changed_at": now,
             "changed_by_id": user.pk, "before": before, "after": after}
        )  # fmt: skip
        if len(history) >= WRITE_CHUNK and not result.dry_run:
            bulk_insert(ActivityReportHistoryEntry, history, with_ids=False)
            history.clear()

    creates, updates = [], []
    for index, candidate, target in plan:
        if target is None:
            # Straight into the instance (as rows._candidate builds it): the descriptors'
            # checks cost more than the rest of a create here.
            candidate.__dict__.update(
                created_at=now, updated_at=now, created_by_id=user.pk, updated_by_id=user.pk,
                version=1,
            )  # fmt: skip
            candidate._state.fields_cache.update(created_by=user, updated_by=user)
            creates.append((index, candidate))
            continue
        before = report_values(target, references)
        # The candidate's values straight into the report's dict (attnames: ids, not
        # objects), and its related objects into the relation cache: per field setattr
        # through Django's descriptors cost more than the rest of an update here.
        changes = WRITABLE_VALUES(candidate.__dict__)
        target.__dict__.update(zip(WRITABLE_ATTNAMES, changes, strict=True))
        if candidate.external_id is None:
            # An id-less row keeps the id a partner system gave the report.
            target.__dict__["external_id"] = before["external_id"]
        target._state.fields_cache = dict(candidate._state.fields_cache)
        after = report_values(target, references)
        if after == before:
            result.rows.append(BatchRow(index, "unchanged", target.pk))
            result.unchanged += 1
            continue
        target.version += 1
        target.updated_at, target.updated_by = now, user
        updates.append(target)
        record(target, HistoryAction.UPDATE, before, after)
        result.rows.append(BatchRow(index, "updated", target.pk))
        result.updated += 1

    if result.dry_run:
        for index, _ in creates:
            result.rows.append(BatchRow(index, "created", None))
        result.created = len(creates)
        result.deleted = len(stale)
        result.deleted_ids = [r.pk for r in stale]
        result.rows.sort(key=lambda r: r.row)
        return

    # In chunks, so a 50,000-row import holds one chunk's history in memory at a time.
    for start in range(0, len(creates), WRITE_CHUNK):
        chunk = creates[start : start + WRITE_CHUNK]
        bulk_insert_objects([report for _, report in chunk])
        # A create's history entry holds no values: its `after` is derived when read
        # (reporting.history) from the report row or the next entry's `before`. So the
        # entries differ only in their report and the database builds them itself.
        bulk_insert_per_value(
            ActivityReportHistoryEntry,
            "report_id",
            [report.pk for _, report in chunk],
            {"action": HistoryAction.CREATE, "channel": channel, "batch_id": result.batch_id,
             "version": 1, "changed_at": now, "changed_by_id": user.pk},
        )  # fmt: skip
        result.rows.extend(BatchRow(index, "created", report.pk) for index, report in chunk)
    result.created = len(creates)
    bulk_update(updates, [*WRITABLE_FIELDS, "version", "updated_at", "updated_by"])
    for report in stale:
        before = report_values(report, references)
        report.version += 1
        report.updated_at = report.deleted_at = now
        report.updated_by = user
        record(report, HistoryAction.DELETE, before, None)
    bulk_update(stale, ["version", "updated_at", "deleted_at", "updated_by"])
    result.deleted = len(stale)
    result.deleted_ids = [r.pk for r in stale]
    bulk_insert(ActivityReportHistoryEntry, history, with_ids=False)
    data_changed(months)  # last: its row locks are held until the commit (see there)
    result.rows.sort(key=lambda r: r.row)


WRITABLE_FIELDS = [
    f.name
    for f in ActivityReport._meta.concrete_fields
    if f.editable and not f.primary_key and f.name not in {"deleted_at"}
]


WRITABLE_ATTNAMES = [ActivityReport._meta.get_field(name).attname for name in WRITABLE_FIELDS]


WRITABLE_VALUES = operator.itemgetter(*WRITABLE_ATTNAMES)
