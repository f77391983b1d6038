"""The entry points: a batch (JSON) or the rows of a file, written all or nothing."""

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection

from config.db.batches import (
    BatchResult,
    assert_batch_size,
    run_batch,
)
from config.db.choices import ChangeChannel
from partners.models import User

from .stream import _read_ahead, _Stream


def activity_reports_batch(
    *,
    user: User,
    rows: list,
    dry_run: bool = False,
    replace_months: bool = False,
    channel: str = ChangeChannel.BULK,
    batch_id: uuid.UUID | None = None,
) -> BatchResult:
    assert_batch_size(rows, "reports")
    return activity_reports_write(
        user=user,
        rows=list(enumerate(rows)),  # a list: written again whole after a deadlock
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
    progress=None,
    keep_rows: bool = True,
    history: bool = False,
) -> BatchResult:
    """The engine behind batches and imports. `rows` yields (row number, raw report); the
    numbers are what errors and results refer to (batch positions, spreadsheet lines). Rows
    may be a generator: they are read once. A job passes `progress` (reporting.activities.
    jobs.Progress): told of rows validated and written, and of the phase; it may stop the
    run (a cancel), which rolls everything back. Without `keep_rows` the result holds
    counts only, not a line per row. `history`: rows breaking only the region's Consistency
    or Accuracy checks are written, flagged (reporting.activities.rows.parse_report)."""
    result = BatchResult(batch_id=batch_id or uuid.uuid4(), dry_run=dry_run, keep_rows=keep_rows)
    return run_batch(
        result,
        lambda: _run(
            result,
            user=user,
            rows=rows,
            replace_months=replace_months,
            channel=channel,
            progress=progress or NO_PROGRESS,
            history=history,
        ),  # fmt: skip
        what="reports",
        rerunnable=isinstance(rows, list | tuple),  # a file's rows are read once
    )


class _NoProgress:
    def validated(self, count: int) -> None: ...

    def writing(self) -> None: ...

    def written(self, count: int) -> None: ...


NO_PROGRESS = _NoProgress()


def _run(
    result: BatchResult, *, user, rows, replace_months: bool, channel: str, progress, history
) -> None:
    run = _Stream(result, user=user, replace_months=replace_months, channel=channel)
    if connection.vendor == "postgresql":
        # Foreign keys checked by each chunk's statements, while the next chunk is read,
        # rather than all together at the end (deferred, as Django declares them).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    read = _read_ahead(rows, user=user, references=run.references, history=history)
    for count, parsed, errors in read:
        result.flagged += sum(1 for _, candidate in parsed if candidate.quality_flags)
        run.take(count, parsed, errors, progress)
    run.finish(progress)
