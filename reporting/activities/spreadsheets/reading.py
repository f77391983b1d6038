"""A 5W file's rows as raw reports, and problems placed on the file's own columns."""

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import ftfy
from django.utils.translation import gettext as _

from config.api.spreadsheets import SheetError, read_table
from reporting.activities.cells import spreadsheet_month

from .columns import _blank, _is_hxl, header_keys


def _month(value) -> str:
    """The month as the API writes it, when the cell holds one as Excel writes it
    (cells.spreadsheet_month); else the cell as it is, for the row's error."""
    return spreadsheet_month(value) or str(value).strip()


def _cell(key: str, value) -> Any:
    if isinstance(value, str):
        value = value.strip()
    if key == "month":
        return _month(value)
    if isinstance(value, float) and value.is_integer() and key != "cva_value_usd":
        return int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def raw_reports(
    content: bytes, file_format: str, repaired: list[int] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, raw report in API shape) for each data row of the file. Text that
    arrived double-encoded ("naturalizaciÃ³n") is repaired with ftfy; `repaired[0]` counts
    the cells it changed."""
    repaired = repaired if repaired is not None else [0]
    table = read_table(content, file_format)
    keys = None
    for number, cells in table:
        if _blank(cells):
            continue
        if keys is None:
            keys = header_keys(cells)
            continue
        if _is_hxl(cells):
            continue
        raw: dict[str, Any] = {}
        for key, value in zip(keys, cells, strict=False):
            if key is None or value is None or value == "":
                continue
            if isinstance(value, str) and not value.isascii():  # ASCII cannot be mojibake
                fixed = ftfy.fix_encoding(value)
                repaired[0] += fixed != value
                value = fixed
            value = _cell(key, value)
            if "." in key:
                group, name = key.split(".")
                raw.setdefault(group, {})[name] = value
            else:
                raw[key] = value
        yield number, raw
    if keys is None:
        raise SheetError("empty_file", _("The file has no header row."))


# --- Writing ------------------------------------------------------------------------------
def read_header(content: bytes, file_format: str) -> list[str]:
    """The file's header row, as the user wrote it."""
    for _number, cells in read_table(content, file_format):
        if not _blank(cells):
            return ["" if c is None else str(c).strip() for c in cells]
    return []


def field_columns(header: list[str]) -> dict[str, tuple[int, str]]:
    """API field -> (column index, the user's header) for every column the upload read; a
    breakdown group ("population") points at its first column."""
    try:
        keys = header_keys(header)
    except SheetError:
        return {}
    out: dict[str, tuple[int, str]] = {}
    for index, key in enumerate(keys):
        if key is None:
            continue
        out.setdefault(key, (index, header[index]))
        if "." in key:
            out.setdefault(key.split(".")[0], (index, header[index]))
    return out


def with_columns(errors: list[dict], header: list[str]) -> list[dict]:
    """Each row error with `column`: the user's header for its field (null when the
    problem is the whole row's)."""
    columns = field_columns(header)
    return [{**e, "column": columns.get(e.get("field") or "", (None, None))[1]} for e in errors]
