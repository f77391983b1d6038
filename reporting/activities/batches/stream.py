"""Reading rows chunk by chunk: each checked, matched to the report it changes, and planned."""

import queue
import sys
import threading
from collections import defaultdict
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from config.api.exceptions import RowErrors, RowsInvalid
from config.api.fields import month_str
from config.db import locks
from config.db.batches import (
    BatchResult,
    KeysSeen,
    row_error,
)
from reporting.activities.models import ActivityReport
from reporting.activities.rows import parse_report
from reporting.activities.services import submission_key
from reporting.approvals.holds import Key, approved_message, submissions_hold
from reporting.common.references import ReferenceIndex
from reporting.periods.services import periods_hold
from reporting.quality.checks import problem_of

from .writer import _Writer

ADVISORY_LOCK_NAMESPACE = locks.BATCH_PARTNER


# Rows read, checked and written at a time. A fifth of a full JSON batch: while one chunk
# is written the next is read (_read_ahead), so even one batch overlaps its reading (Python)
# with its writing (the database); a chunk more costs a few statements (bench/ingest.py).
READ_CHUNK = 1_000
SWITCH_INTERVAL = 0.0002  # seconds (_read_ahead)


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


_DONE = object()


def _read_ahead(rows, *, user, references: ReferenceIndex, history: bool):
    """(rows read, valid rows, errors) chunk by chunk. The rows are read and checked by a
    thread of its own, one chunk ahead: while this thread waits for the database to write a
    chunk, that one reads the next (Python's lock is free during the wait), so a large
    import costs about the larger of the two, not their sum. The checks run no query (the
    reference data is loaded here first) and in the caller's language; whatever the reading
    raises (an unreadable file, too many rows) is raised here."""
    for kind in ("partner", "indicator", "location"):
        references.get(kind, "")  # loaded now, on this thread's connection
    chunks: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()
    language = translation.get_language()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            with translation.override(language):
                chunk, count = [], 0
                for item in rows:
                    chunk.append(item)
                    if len(chunk) == READ_CHUNK:
                        count += len(chunk)
                        if not put(
                            (
                                count,
                                *_read(chunk, user=user, references=references, history=history),
                            )
                        ):
                            return
                        chunk = []
                if chunk:
                    count += len(chunk)
                    put((count, *_read(chunk, user=user, references=references, history=history)))
            put(_DONE)
        except BaseException as error:  # raised again on the caller's thread
            put(error)

    reader = threading.Thread(target=read, name="batch-reader", daemon=True)
    with _quick_switches():
        reader.start()
        try:
            while (item := chunks.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()  # the caller stopped (an error, a cancel): the reader stops too
            reader.join()


@contextmanager
def _quick_switches():
    """Each answer from the database wakes the writing thread, which then waits for
    Python's lock while the reader computes: up to the switch interval (5 ms) per
    statement, many times per chunk. A shorter interval while both run hands it over
    sooner."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


class _Stream:
    """A batch read, checked and written a chunk of rows at a time, so a 500,000-row import
    holds one chunk in memory (plus each row's key) and its writes overlap its reading.

    Still all or nothing: everything runs in run_batch's transaction, and once a row is
    found invalid nothing more is written (the rest is only checked, so that every problem
    comes back) and the transaction is rolled back. Rows are matched against the reports
    as they were before the batch: look-ups skip the reports it created (ids from
    `created_from` on) and keep the keys of those it updated as they were first found."""

    def __init__(self, result: BatchResult, *, user, replace_months: bool, channel: str):
        self.result, self.user, self.replace_months = result, user, replace_months
        self.references = ReferenceIndex()
        self.writer = _Writer(result, user=user, references=self.references, channel=channel)
        self.found, self.seen = _Existing(), KeysSeen()
        self.errors = RowErrors()
        self.partners: set[int] = set()  # locked
        self.months: set[date] = set()  # of the rows and of the reports they change
        self.locked: set[date] = set()
        self.keys: set[Key] = set()  # (partner, country, month) of the rows and their reports
        self.approved: set[Key] = set()
        self.batch_months: set[tuple[int, date]] = set()  # (partner, month) of the rows
        self.targeted: set[int] = set()  # replace=months: reports a row names

    def take(self, count: int, parsed: list, errors: list, progress) -> None:
        """One chunk: `count` rows read so far, the chunk's valid rows and its errors."""
        self.errors += errors
        progress.validated(count)
        partners = {c.partner_id for _, c in parsed} - self.partners
        _lock_partners(partners)
        self.partners |= partners
        self.found.look_up(
            parsed, replace_months=self.replace_months, below=self.writer.created_from
        )
        plan = _plan(parsed, self.found, self.errors, self.seen)
        targeted = {target for _, _, target in plan if target is not None}
        reports = {r.pk: r for r in ActivityReport.objects.filter(pk__any=targeted)}
        plan = [(index, candidate, reports.get(target)) for index, candidate, target in plan]
        months = {c.month for _, c in parsed} | {t.month for _, _, t in plan if t is not None}
        if months - self.months:
            self.locked |= periods_hold(months=months - self.months)
            self.months |= months
        keys = {submission_key(c, self.references) for _, c in parsed} | {
            submission_key(t, self.references) for _, _, t in plan if t is not None
        }
        if keys - self.keys:
            self.approved |= submissions_hold(keys=keys - self.keys)
            self.keys |= keys
        self.errors += _locked_month_errors(plan, self.locked)
        self.errors += _approved_month_errors(plan, self.approved, self.references)
        if self.replace_months:
            self.targeted |= targeted
            self.batch_months |= {(c.partner_id, c.month) for _, c, _ in plan}
        if self.errors:
            return  # nothing more is written; the rest is still checked
        creates, updates = self.writer.plan(plan)
        if not self.result.dry_run:
            progress.writing()
            self.writer.write(creates, updates)
            progress.written(self.writer.written)

    def finish(self, progress) -> None:
        if self.errors:
            raise RowsInvalid(self.errors)
        stale_ids = self.found.stale(self.batch_months, self.targeted)
        stale = list(ActivityReport.objects.filter(pk__any=stale_ids).order_by("pk"))
        keys = {submission_key(r, self.references) for r in stale}
        approved = (keys & self.approved) | submissions_hold(keys=keys - self.keys)
        if approved:  # replace=months would delete reports of an approved month
            month = min(m for _, _, m in approved)
            raise RowsInvalid([row_error(None, "month", "month_approved", approved_message(month))])
        if not self.result.dry_run:
            progress.writing()
        self.writer.finish(stale, self.months)
        progress.written(self.writer.written)


def _read(
    rows, *, user, references, history: bool = False
) -> tuple[list[tuple[int, ActivityReport]], list[dict]]:
    """Each row read and checked against the 5W rules: (row, candidate) of the valid ones,
    and the errors of the others."""
    parsed, errors = [], []
    for index, raw in rows:
        row = parse_report(raw, user=user, references=references, history=history)
        errors += [problem_of(v, row=index) for v in row.violations]
        report_id = _report_id(raw, index, errors)
        if row.ok and report_id is not False:
            row.candidate.__dict__["_report_id"] = report_id
            parsed.append((index, row.candidate))
    return parsed, errors


def _report_id(raw, index: int, errors: list) -> int | None | bool:
    """The id a row names (an exported row sent back), None if none, False if unreadable."""
    value = raw.get("id") if isinstance(raw, dict) else None
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if type(value) is not int or not 0 < value < 2**63:
        message = _("Expected the id of one of your reports (a whole number); got %(value)s.") % {
            "value": repr(value)
        }  # fmt: skip
        errors.append(row_error(index, "id", "invalid", message))
        return False
    return value


class _Existing:
    """Keys of the live reports a batch could touch, as plain tuples (a partner's month can
    hold thousands of reports), gathered chunk by chunk; full rows are read only for those
    it does touch. A report keeps the keys it had when first found."""

    def __init__(self):
        self.by_external_id: dict[tuple, int] = {}
        self.by_natural_key: dict[tuple, list[int]] = defaultdict(list)
        self.month_of: dict[int, tuple] = {}  # id -> (partner, month)
        self.months_read: set[tuple[int, date]] = set()  # replace=months: (partner, month)

    def look_up(self, parsed, *, replace_months: bool, below: int | None) -> None:
        """The reports these rows may name. `below`: ids from there on were created by this
        batch and are not looked at."""
        partner_ids = {c.partner_id for _, c in parsed}
        months = {c.month for _, c in parsed}
        external_ids = {c.external_id for _, c in parsed if c.external_id}
        report_ids = {c._report_id for _, c in parsed if c._report_id}
        names = {c.activity_name for _, c in parsed if not c.external_id and not c._report_id}
        # Separate look-ups, each on its own index ((partner, external_id), (partner,
        # activity_name), (partner, month)); OR-ed together PostgreSQL would filter the
        # partner's every report instead. `__any`: one array parameter, not thousands.
        live = ActivityReport.objects.filter(partner_id__in=partner_ids)
        if below is not None:
            live = live.filter(pk__lt=below)
        scopes = []
        if report_ids:
            scopes.append(live.filter(pk__any=report_ids))
        if external_ids:
            scopes.append(live.filter(external_id__any=external_ids))
        if names:
            scopes.append(live.filter(activity_name__any=names, month__any=months))
        pairs = {(c.partner_id, c.month) for _, c in parsed} - self.months_read
        if replace_months and pairs:
            partners, new_months = {p for p, _ in pairs}, {m for _, m in pairs}
            scopes.append(live.filter(partner_id__in=partners, month__any=new_months))
            self.months_read |= pairs
        for scope in scopes:
            self._add(scope.values_list("pk", "external_id", *ActivityReport.NATURAL_KEY))

    def _add(self, rows) -> None:
        for pk, external_id, *natural_key in rows:
            if pk in self.month_of:
                continue  # found earlier: its keys as they were then
            if external_id:
                self.by_external_id[(natural_key[0], external_id)] = pk
            self.by_natural_key[tuple(natural_key)].append(pk)
            self.month_of[pk] = (natural_key[0], natural_key[2])

    def stale(self, batch_months: set[tuple[int, date]], targeted: set[int]) -> set[int]:
        """replace=months: the partner's reports of the batch's months that no row names."""
        return {pk for pk, pm in self.month_of.items() if pm in batch_months} - targeted


def _plan(
    parsed, found: _Existing, errors: list, seen: KeysSeen
) -> list[tuple[int, ActivityReport, int | None]]:
    """(row, candidate, id of the report it updates or None) for each row. A row finds its
    report by `id` (an exported row sent back), else by external id, else by natural key;
    rows sharing a key or a report (in any chunk), or matching several reports, are
    errors."""
    plan = []
    for index, candidate in parsed:
        by_external_id = found.by_external_id.get((candidate.partner_id, candidate.external_id))
        if candidate._report_id:
            target, field_name = candidate._report_id, "id"
            key = ("report", target)
            if found.month_of.get(target, (None,))[0] != candidate.partner_id:
                message = _(
                    "No report %(id)s of %(partner)s to update; leave id empty to create a report."
                ) % {"id": target, "partner": candidate.partner.code}
                errors.append(row_error(index, "id", "does_not_exist", message))
                continue
            if candidate.external_id and by_external_id not in (None, target):
                message = _("Report %(id)s already has this external_id.") % {"id": by_external_id}
                errors.append(row_error(index, "external_id", "duplicate_report", message))
                continue
        elif candidate.external_id:
            key = ("external_id", candidate.partner_id, candidate.external_id)
            target = by_external_id
            field_name = "external_id"
        else:
            key = ("natural_key", *candidate.natural_key)
            matches = found.by_natural_key.get(candidate.natural_key, [])
            if len(matches) > 1:
                ids = ", ".join(str(m) for m in matches)
                message = _("Reports %(ids)s share this row's key; give an external_id.") % {
                    "ids": ids
                }
                errors.append(row_error(index, None, "ambiguous_natural_key", message))
                continue
            target = matches[0] if matches else None
            field_name = None
        if target is not None:  # two rows updating one report, however each found it
            key = ("report", target)
        duplicate = seen.duplicate(key, index, field_name)
        if duplicate:
            errors.append(duplicate)
            continue
        plan.append((index, candidate, target))
    return plan


def _locked_month_errors(plan, locked: set[date]) -> list[dict[str, Any]]:
    errors = []
    for index, candidate, target in plan if locked else ():
        for month in {candidate.month, target.month if target else candidate.month} & locked:
            message = _("Reporting month %(month)s is locked.") % {"month": month_str(month)}
            errors.append(row_error(index, "month", "period_locked", message))
    return errors


def _approved_month_errors(plan, approved: set[Key], references) -> list[dict[str, Any]]:
    errors = []
    for index, candidate, target in plan if approved else ():
        reports = (candidate, target) if target is not None else (candidate,)
        for key in {submission_key(r, references) for r in reports} & approved:
            errors.append(row_error(index, "month", "month_approved", approved_message(key[2])))
    return errors
