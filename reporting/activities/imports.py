"""Spreadsheet imports: a 5W file goes through the same engine as JSON batches (atomic,
dry run, upsert, replace=months, history), and the upload itself is recorded.
"""

import hashlib
import uuid
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from config.api.exceptions import RequestTooLarge, RowsInvalid
from config.api.fields import number
from config.api.spreadsheets import detect_format
from config.db.choices import ChangeChannel
from config.db.outbox import record_events
from reporting.activities.batches import activity_reports_write
from reporting.activities.models import Import
from reporting.activities.spreadsheets import raw_reports, read_header, with_columns


def limited_rows(rows: Iterator, counter: list[int]) -> Iterator:
    limit = settings.IMPORT_MAX_ROWS
    for item in rows:
        counter[0] += 1
        if counter[0] > limit:
            raise RequestTooLarge(
                _("An import holds at most %(limit)s rows; split the file.")
                % {"limit": number(limit)},
                code="too_many_rows",
            )
        yield item


def import_create(
    *, user, file_name: str, content: bytes, dry_run: bool = False,
    replace_months: bool = False, as_job: bool = False, partner_id: int | None = None,
    history: bool = False,
) -> Import:  # fmt: skip
    """Read and apply a 5W file. Raises SheetError when the file cannot be read as a 5W
    table; returns the Import, whose status says whether its rows were written. `as_job`:
    only record it, queued (reporting.activities.jobs runs it)."""
    file_format = detect_format(content, file_name)
    batch_id = uuid.uuid4()
    counter, repaired = [0], [0]
    upload = Import(
        uploaded_by=user,
        partner_id=partner_id or user.partner_id,
        file_name=file_name[:255],
        file_size=len(content),
        file_format=file_format,
        checksum=hashlib.sha256(content).hexdigest(),
        content=content,
        dry_run=dry_run,
        replace_months=replace_months,
        history=history,
        batch_id=batch_id,
    )
    if as_job:
        upload.status, upload.run_as_job = Import.Status.QUEUED, True
        if file_format == "csv":  # for the percentage; XLSX rows are known once read
            upload.rows_expected = max(0, content.count(b"\n") - 1)
        upload.save()
        return upload
    rejection: dict = {}
    with transaction.atomic():
        try:
            result = write_import_rows(
                upload, content, dry_run=dry_run, counter=counter, repaired=repaired
            )
        except RowsInvalid as invalid:
            upload.status = Import.Status.REJECTED
            again = lambda: write_import_rows(upload, content, dry_run=True)  # noqa: E731
            rejection = rejection_fields(invalid, content, file_format, again=again)
        else:
            upload.status = Import.Status.VALIDATED if dry_run else Import.Status.COMPLETED
            upload.created, upload.updated = result.created, result.updated
            upload.unchanged, upload.deleted = result.unchanged, result.deleted
            upload.flagged = result.flagged
        upload.rows, upload.text_repaired = counter[0], repaired[0]
        upload.save()
        # The problems in a statement of their own, not beside the file: a statement that
        # fails is written whole to the server's log.
        Import.objects.filter(pk=upload.pk).update(**rejection)
        for name, value in rejection.items():
            setattr(upload, name, value)
        record_events([import_event(upload)])
    return upload


def write_import_rows(
    upload: Import, content: bytes, *, dry_run: bool, counter: list[int] | None = None,
    repaired: list[int] | None = None, progress=None,
):  # fmt: skip
    """The import's rows through the batch engine with the import's options; `counter` and
    `repaired` count the rows read and the cells whose text was repaired."""
    rows = raw_reports(content, upload.file_format, [0] if repaired is None else repaired)
    return activity_reports_write(
        user=upload.uploaded_by,
        rows=limited_rows(rows, [0] if counter is None else counter),
        dry_run=dry_run,
        replace_months=upload.replace_months,
        channel=ChangeChannel.IMPORT,
        batch_id=upload.batch_id,
        progress=progress,
        keep_rows=False,
        history=upload.history,
    )


def rejection_fields(
    invalid: RowsInvalid, content: bytes, file_format: str, again: Callable | None = None
) -> dict:
    """What a rejected import keeps of its problems: the first ones with their columns (and
    their messages in every language of the service, `again` being the same run made
    again), the total, and per code those not listed."""
    errors = with_columns(invalid.errors, read_header(content, file_format))
    return {
        "errors": in_every_language(errors, again) if again else errors,
        "errors_total": invalid.errors_total,
        "errors_omitted": invalid.errors_omitted,
    }


def in_every_language(errors: list[dict], again: Callable) -> list[dict]:
    """Each problem with `messages`, its message in every language of the service, so that
    a stored import speaks the language of whoever reads it (`in_reader_language`), not
    only the uploader's. `again()` checks the same rows once more (nothing is written): in
    each other language it raises the same problems, in the same order, reworded."""
    current = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    messages = [{current: e["message"]} for e in errors]
    for code, _name in settings.LANGUAGES:
        if code[:2] == current:
            continue
        with translation.override(code):
            try:
                again()
            except RowsInvalid as other:
                for mine, theirs, out in zip(errors, other.errors, messages, strict=False):
                    if all(mine.get(k) == theirs.get(k) for k in ("row", "field", "code")):
                        out[code[:2]] = theirs["message"]
    return [{**e, "messages": m} for e, m in zip(errors, messages, strict=True)]


def in_reader_language(errors: list[dict]) -> list[dict]:
    """Stored problems with `message` in the language of the request (where they were
    stored in it), without the other languages."""
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    out = []
    for error in errors:
        error = dict(error)
        messages = error.pop("messages", None) or {}
        error["message"] = messages.get(language, error.get("message", ""))
        out.append(error)
    return out


def import_event(upload: Import) -> tuple:
    """import.finished (completed, validated) or import.failed (rejected, failed,
    cancelled), for the uploading organisation."""
    ok = upload.status in (Import.Status.COMPLETED, Import.Status.VALIDATED)
    return (
        f"import.{'finished' if ok else 'failed'}",
        upload.partner_id,
        {"id": upload.pk, "status": upload.status, "file_name": upload.file_name,
         "rows": upload.rows, "created": upload.created, "updated": upload.updated,
         "deleted": upload.deleted, "errors": upload.errors_total},
    )  # fmt: skip
