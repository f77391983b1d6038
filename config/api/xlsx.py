"""XLSX cells and files: text kept as text (never a formula), yes/no in the reader's
language, counts and months formatted so that Excel shows them in its reader's locale."""

import re
import tempfile
from collections.abc import Iterable
from datetime import date

from config.api.columns import HXL_TAGS, PLAIN, TableOptions, header_row


def xlsx_text(value, options: "TableOptions | None" = None):
    """A value for an XLSX cell: no control characters XML cannot hold; booleans as yes/no
    (sí/no). Text is kept as it is: xlsx_row makes sure none becomes a formula."""
    if isinstance(value, bool):
        options = options or PLAIN
        return options.yes if value else options.no
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def xlsx_row(sheet, values: Iterable, options: "TableOptions | None" = None) -> list:
    """A row for a write-only sheet: text starting with "=" goes in as a text cell, shown
    and read back as written and never evaluated (no apostrophe added to it)."""
    from openpyxl.cell import WriteOnlyCell

    out = []
    for value in values:
        value = xlsx_text(value, options)
        if isinstance(value, str) and value.startswith("="):
            value = text_cell(WriteOnlyCell(sheet, value=value))
        out.append(value)
    return out


def text_cell(cell):
    """The cell as text, whatever its value looks like (openpyxl makes "=..." a formula)."""
    cell.data_type = "s"
    return cell


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


XLSX_MAX_ROWS = 1_000_000  # Excel shows 1,048,576 rows


# Number formats by what a column's HXL hashtag says it holds: Excel shows them in its
# reader's locale (48.395 in Spanish, 48,395 in English; "abr 2021" / "Apr 2021").
COUNT_HASHTAGS = ("#reached", "#affected", "#inneed", "#targeted", "#output")


COUNT_FORMAT, MONTH_FORMAT = "#,##0", "mmm yyyy"


MONTH_TEXT = re.compile(r"^(\d{4})-(\d{2})$")


def _xlsx_formats(columns: list[str]) -> list[str | None]:
    out = []
    for column in columns:
        tag = HXL_TAGS.get(column, "")
        hashtag = tag.split(" ")[0]
        out.append(
            COUNT_FORMAT if hashtag in COUNT_HASHTAGS
            else MONTH_FORMAT if tag == "#date +month"
            else None
        )  # fmt: skip
    return out


def _formatted(sheet, values: list, formats: list[str | None]) -> list:
    """Counts and months as cells Excel formats for its reader: a count stays a number
    (with thousands separators shown), a month "2021-04" becomes the date of its first day
    shown as a month (it reads back as the same month)."""
    from openpyxl.cell import WriteOnlyCell

    out = []
    for value, number_format in zip(values, formats, strict=True):
        if number_format is COUNT_FORMAT and type(value) in (int, float):
            value = WriteOnlyCell(sheet, value=value)
            value.number_format = number_format
        elif number_format is MONTH_FORMAT and isinstance(value, str):
            month = MONTH_TEXT.match(value)
            if month and 1 <= int(month[2]) <= 12:
                value = WriteOnlyCell(sheet, value=date(int(month[1]), int(month[2]), 1))
                value.number_format = number_format
        out.append(value)
    return out


def xlsx_file(
    columns: list[str], rows: Iterable[dict], title: str, options: TableOptions = PLAIN,
    about: dict | None = None,
):  # fmt: skip
    """The table as a workbook; `about` (what the table says about itself: a figure's
    months, method...) on a second sheet, "About", a name and a value per row."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(header_row(columns, options))
    formats = _xlsx_formats(columns)
    plain = not any(formats)
    for row in rows:
        values = xlsx_row(sheet, (row.get(c) for c in columns), options)
        sheet.append(values if plain else _formatted(sheet, values, formats))
    if about:
        facts = workbook.create_sheet("About")
        for key, value in about.items():
            facts.append(xlsx_row(facts, (key, value), options))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (handed to FileResponse, which closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle
