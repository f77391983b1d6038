"""5W spreadsheets: reading uploads (CSV as Excel writes it, XLSX), mapping their columns
to report fields, writing error reports and the blank template.

Column headers are matched without regard to case, accents, surrounding spaces or
punctuation, in the 5W layout of the regional platform or as API field names.
"""

from .columns import (  # noqa: F401
    COLUMNS,
    HEADERS,
    ID_HEADERS,
    IGNORED_HEADERS,
    IGNORED_PATTERN,
    REQUIRED_KEYS,
    Column,
    _blank,
    _is_hxl,
    header_keys,
    label,
    normalize,
)
from .files import _instructions, _message, error_report, template_xlsx  # noqa: F401
from .reading import _cell, _month, field_columns, raw_reports, read_header, with_columns  # noqa: F401
