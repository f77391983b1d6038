"""Writing many 5W reports at once: JSON batches and spreadsheet imports.

A batch is atomic (one invalid row and nothing is written; every problem comes back with
its row), upserts on the external id or else the natural key, can replace a partner's
months, and writes history naming the batch. Queries do not grow with the number of rows.
"""

from .engine import NO_PROGRESS, _NoProgress, _run, activity_reports_batch, activity_reports_write  # noqa: F401
from .stream import (  # noqa: F401
    _DONE,
    ADVISORY_LOCK_NAMESPACE,
    READ_CHUNK,
    _approved_month_errors,
    _Existing,
    _lock_partners,
    _locked_month_errors,
    _plan,
    _read,
    _read_ahead,
    _report_id,
    _Stream,
)
from .writer import WRITABLE_ATTNAMES, WRITABLE_FIELDS, WRITABLE_VALUES, _Writer  # noqa: F401
