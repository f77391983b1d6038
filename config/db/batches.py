"""What every batch of rows (5W reports, border crossings; JSON or a spreadsheet) shares:
its size limit, its result, its per-row errors, the check that no two rows share a key,
and the transaction that makes it all or nothing.

A domain's batch reads its rows, plans each (create, update, unchanged, delete) and writes
with one statement per table (config.db.bulk); `run_batch` wraps that in one transaction:
a dry run rolls it back, and a row written by a concurrent request at the same moment
(a unique index violated) answers 409 `concurrent_write` with nothing written.
"""

import copy
import logging
import random
import time
import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils.translation import gettext as _

from config.api.exceptions import Conflict, RequestTooLarge
from config.api.fields import number


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
    flagged: int = 0  # rows kept with quality flags (a history import's)
    rows: list[BatchRow] = field(default_factory=list)
    deleted_ids: list[int] = field(default_factory=list)
    keep_rows: bool = True  # False: counts only (an import of 500,000 rows answers counts)

    def add(self, row: int, action: str, pk: int | None) -> None:
        if self.keep_rows:
            self.rows.append(BatchRow(row, action, pk))
        setattr(self, action, getattr(self, action) + 1)

    def add_rows(self, rows) -> None:
        """(row, action, id) of many rows at once; the caller counts them."""
        if self.keep_rows:
            self.rows.extend(BatchRow(*row) for row in rows)


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


def row_error(row: int, field_name: str | None, code: str, message: str) -> dict[str, Any]:
    return {"row": row, "field": field_name, "code": code, "message": message}


def assert_batch_size(rows: list, what: str) -> None:
    """413 `batch_too_large` past API_MAX_BATCH_ROWS."""
    limit = settings.API_MAX_BATCH_ROWS
    if len(rows) > limit:
        raise RequestTooLarge(
            _("A batch holds at most %(limit)s %(what)s; this one has %(count)s.")
            % {"limit": number(limit), "what": what, "count": number(len(rows))},
            code="batch_too_large",
        )


class KeysSeen:
    """The first row of each key in a batch; a later row with the same key is an error.

    A 500,000-row import streams through in chunks while this remembers every key, so it
    keeps each key's 64-bit hash rather than the key (its strings would be most of a job's
    memory). Two different keys sharing a hash in one file (odds about 10^-8 at 500,000
    rows) would be reported as a duplicate: an error to read, never a wrong write."""

    def __init__(self):
        self._first: dict[int, int] = {}

    def duplicate(self, key: Hashable, row: int, field_name: str | None = None) -> dict | None:
        """None for the first row of `key` (remembered); the row error for a later one."""
        first = self._first.setdefault(hash(key), row)
        if first == row:
            return None
        return row_error(
            row,
            field_name,
            "duplicate_in_batch",
            _("Row %(row)s of this batch has the same key.") % {"row": first},
        )


logger = logging.getLogger(__name__)
DEADLOCK = "40P01"  # two batches locking the same rows in opposite orders (PostgreSQL)
# A batch PostgreSQL picked to undo in a deadlock is run again this many times, after a short
# random pause, before it answers 409 (the other batch has gone on by then).
DEADLOCK_RETRIES = 3


def run_batch(
    result: BatchResult, write: Callable[[], None], *, what: str, rerunnable: bool = True
) -> BatchResult:
    """`write()` in one transaction: rolled back for a dry run, and answered 409
    `concurrent_write` (nothing written) if a concurrent request took one of its keys. A
    deadlock is not the client's problem: the batch is written again from the start (when
    it is the whole transaction and `write` can run twice: its rows are not a stream read
    once), up to DEADLOCK_RETRIES times, before answering 409."""
    retries = (
        DEADLOCK_RETRIES if rerunnable and not transaction.get_connection().in_atomic_block else 0
    )
    initial = copy.deepcopy(result)
    for attempt in range(retries + 1):
        try:
            with transaction.atomic():
                write()
                if result.dry_run:
                    transaction.set_rollback(True)
            return result
        except (IntegrityError, OperationalError) as error:
            deadlock = getattr(error.__cause__, "sqlstate", None) == DEADLOCK
            if isinstance(error, OperationalError) and not deadlock:
                raise
            if deadlock and attempt < retries:
                logger.info("batch of %s undone by a deadlock; writing it again", what)
                result.__dict__.update(copy.deepcopy(initial).__dict__)
                time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))
                continue
            raise Conflict(
                _("Another request wrote the same %(what)s at the same time; send the batch again.")
                % {"what": what},
                code="concurrent_write",
            ) from None
    return result
