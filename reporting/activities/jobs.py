"""5W imports as background jobs (django-tasks): a large file is queued, a worker reads,
checks and writes it in one transaction (all or nothing), and reports its progress on a
connection of its own so that `GET /imports/{id}/` sees it while the rows are uncommitted.

A cancel, an invalid row, a killed worker or a lost database connection all leave no row of
the file written: the transaction never commits. A worker that stopped is noticed by
`imports_reap` (housekeeping): on PostgreSQL because the job's transaction-scoped advisory
lock is free, on SQLite because its heartbeat is old; the import is queued again, or marked
failed after IMPORT_MAX_ATTEMPTS.
"""

import logging
from datetime import timedelta

import psycopg
from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from config.api.exceptions import RequestTooLarge, RowsInvalid
from config.api.spreadsheets import SheetError
from config.db import locks
from config.db.outbox import record_events
from reporting.activities.figure_cells import fold_cell_deltas
from reporting.activities.imports import (
    import_create,
    import_event,
    rejection_fields,
    write_import_rows,
)
from reporting.activities.models import Import

logger = logging.getLogger("reporting.jobs")
LOCK_NAMESPACE = locks.IMPORT_JOB  # pg_advisory_xact_lock(namespace, import id) while a job runs
STALE_SQLITE = timedelta(minutes=30)  # no heartbeat inside a SQLite write transaction
Status = Import.Status


class ImportCancelled(Exception):
    pass


class Progress:
    """What the engine tells a job as it goes, written through the `jobs` connection (in
    autocommit, so visible at once); it also notices a cancel. SQLite holds one writer at a
    time, so there the counts are written only between the job's phases."""

    def __init__(self, import_id: int):
        self.import_id = import_id
        self.live = connections["jobs"].vendor == "postgresql"

    def _jobs(self):
        return Import.objects.using("jobs").filter(pk=self.import_id)

    def _update(self, **fields) -> None:
        if self.live:
            self._jobs().update(heartbeat_at=timezone.now(), **fields)

    def _check(self) -> None:
        if self._jobs().filter(cancel_requested=True).exists():
            raise ImportCancelled

    def validated(self, count: int) -> None:
        self._check()
        self._update(rows_validated=count)

    def writing(self) -> None:
        self._check()
        self._update(status=Status.WRITING)

    def written(self, count: int) -> None:
        self._check()  # a cancel that came while writing: still nothing committed
        self._update(rows_written=count)


def import_submit(
    *, user, file_name: str, content: bytes, dry_run: bool = False,
    replace_months: bool = False, force_job: bool = False, partner_id: int | None = None,
    history: bool = False,
) -> Import:  # fmt: skip
    """An upload through any door (the API, the console): run at once, or, over
    IMPORT_ASYNC_BYTES or with `force_job`, queued as a job (`run_as_job`) that starts once
    the caller's transaction commits. Raises SheetError as import_create does. `partner_id`:
    whose import it is (a coordinator confirming a partner's dry run keeps the partner's)."""
    as_job = force_job or len(content) > settings.IMPORT_ASYNC_BYTES
    record = import_create(
        user=user, file_name=file_name, content=content, dry_run=dry_run,
        replace_months=replace_months, as_job=as_job, partner_id=partner_id, history=history,
    )  # fmt: skip
    if as_job:
        import_enqueue(record)
    return record


def import_enqueue(record: Import) -> None:
    """Queue the import's job once the transaction that created it commits."""
    transaction.on_commit(lambda: run_import.enqueue(record.pk))


@task()
def run_import(import_id: int) -> str:
    return import_run(import_id)


def import_run(import_id: int) -> str:
    """Run a queued import; returns its final status."""
    claimed = Import.objects.filter(
        pk=import_id, status=Status.QUEUED, cancel_requested=False
    ).update(status=Status.VALIDATING, attempts=F("attempts") + 1, heartbeat_at=timezone.now())
    if not claimed:
        Import.objects.filter(pk=import_id, status=Status.QUEUED, cancel_requested=True).update(
            status=Status.CANCELLED, finished_at=timezone.now()
        )
        return _status(import_id)
    # The file apart from the record (which is saved again at the end, without it): one
    # copy of it in memory, not two.
    record = Import.objects.select_related("uploaded_by").defer("content").get(pk=import_id)
    content, counter, repaired = b"", [0], [0]
    try:
        content = _content(import_id)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, import_id]
                    )
            result = write_import_rows(
                record, content, dry_run=record.dry_run, counter=counter, repaired=repaired,
                progress=Progress(import_id),
            )  # fmt: skip
            _finish(
                record, Status.VALIDATED if record.dry_run else Status.COMPLETED, counter[0],
                created=result.created, updated=result.updated, unchanged=result.unchanged,
                text_repaired=repaired[0], flagged=result.flagged,
                deleted=result.deleted, rows_written=result.created + result.updated
                + result.deleted,
            )  # fmt: skip
    except RowsInvalid as invalid:
        fields = rejection_fields(
            invalid, content, record.file_format,
            again=lambda: write_import_rows(record, content, dry_run=True),
        )  # fmt: skip
        _finish(record, Status.REJECTED, counter[0], **fields)
    except (SheetError, RequestTooLarge) as error:
        code = getattr(error, "code", None) or error.get_codes()
        message = getattr(error, "message", None) or str(error.detail)
        errors = [{"row": None, "field": "file", "code": code, "message": message}]
        _finish(record, Status.REJECTED, counter[0], errors=errors, errors_total=1)
    except ImportCancelled:
        _finish(record, Status.CANCELLED, counter[0])
    except DatabaseError as error:  # the database went away: try again, a few times
        logger.warning("import %s stopped: %s", import_id, error)
        _retry_or_fail(import_id, f"The database connection was lost: {error}")
    except Exception as error:
        logger.exception("import %s failed", import_id)
        _finish(record, Status.FAILED, counter[0], failure=f"{type(error).__name__}: {error}")
    status = _status(import_id)
    if status == Status.COMPLETED:
        _fold_figure_cells(import_id)
    return status


def _fold_figure_cells(import_id: int) -> None:
    """A large import leaves one pending change per figure cell and chunk: fold them now
    (committed), so that figures read thousands of cells again, not every change. The
    import is done whatever happens here; housekeeping folds what is left."""
    try:
        fold_cell_deltas()
    except DatabaseError:
        logger.warning("import %s: figure cells not folded now", import_id, exc_info=True)


def _status(import_id: int) -> str:
    return Import.objects.values_list("status", flat=True).get(pk=import_id)


def _content(import_id: int) -> bytes:
    """The uploaded file. PostgreSQL sends it in binary: as text (hex) a 100 MiB file would
    arrive as 200 MiB before becoming bytes."""
    if connection.vendor != "postgresql":
        return bytes(Import.objects.values_list("content", flat=True).get(pk=import_id))
    connection.ensure_connection()
    table = connection.ops.quote_name(Import._meta.db_table)
    # A server-side-binding cursor: Django's client-side ones cannot take binary results.
    with psycopg.Cursor(connection.connection) as cursor:
        sql = f"SELECT content FROM {table} WHERE id = %s"  # noqa: S608
        return bytes(cursor.execute(sql, [import_id], binary=True).fetchone()[0])


def _finish(record: Import, status: str, rows: int, **fields) -> None:
    """The import's outcome, saved with the rows it wrote (in their transaction) or alone."""
    for name, value in {"status": status, "rows": rows, "finished_at": timezone.now(),
                        "heartbeat_at": timezone.now(), **fields}.items():  # fmt: skip
        setattr(record, name, value)
    if status in (Status.VALIDATED, Status.COMPLETED, Status.REJECTED):
        record.rows_validated = rows  # every row was read and checked
        record.failure = ""  # an earlier attempt's reason no longer holds (`attempts` tells)
    if status != Status.COMPLETED:
        record.rows_written = 0
    with transaction.atomic():
        record.save()
        record_events([import_event(record)])


def _retry_or_fail(import_id: int, reason: str) -> None:
    from django.db import close_old_connections

    close_old_connections()
    record = Import.objects.defer("content").get(pk=import_id)
    if record.attempts < settings.IMPORT_MAX_ATTEMPTS:
        Import.objects.filter(pk=import_id).update(
            status=Status.QUEUED, rows_validated=0, rows_written=0, failure=reason
        )
        run_import.using(run_after=timezone.now() + timedelta(seconds=5 * record.attempts)).enqueue(
            import_id
        )
    else:
        with transaction.atomic():
            Import.objects.filter(pk=import_id).update(
                status=Status.FAILED, failure=reason, finished_at=timezone.now()
            )
            record_events([import_event(Import.objects.defer("content").get(pk=import_id))])


def import_cancel(record: Import) -> str:
    """Cancel a queued import at once; ask a running one to stop (it rolls back)."""
    now = timezone.now()
    if Import.objects.filter(pk=record.pk, status=Status.QUEUED).update(
        status=Status.CANCELLED, cancel_requested=True, finished_at=now
    ):
        return Status.CANCELLED
    Import.objects.filter(pk=record.pk, status__in=[Status.VALIDATING, Status.WRITING]).update(
        cancel_requested=True
    )
    return _status(record.pk)


def imports_reap() -> int:
    """Imports whose worker stopped (killed, machine lost): queued again, or failed once
    they used their attempts. Returns how many were found."""
    found = 0
    running = Import.objects.filter(status__in=[Status.VALIDATING, Status.WRITING])
    for record in running.filter(heartbeat_at__lt=timezone.now() - timedelta(seconds=30)):
        if not _worker_gone(record):
            continue
        found += 1
        _retry_or_fail(record.pk, "The worker running this import stopped.")
    return found


def _worker_gone(record: Import) -> bool:
    if connection.vendor != "postgresql":
        return record.heartbeat_at < timezone.now() - STALE_SQLITE
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, record.pk])
        return bool(cursor.fetchone()[0])  # free: nobody runs it
