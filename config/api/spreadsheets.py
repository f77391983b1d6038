"""Tables from spreadsheets and back: a CSV or XLSX file read as rows of cells, within
limits counted from what the file holds (never from what it declares), and rows written as
CSV (UTF-8 with BOM, formulas neutralised) or XLSX."""

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from config.api.columns import PLAIN, TableOptions
from config.api.exceptions import RowErrors, flatten_errors
from config.api.exports import csv_line, unguarded
from config.api.fields import number
from config.api.xlsx import text_cell, xlsx_text


class SheetError(Exception):
    """The file cannot be read as a 5W table (400, nothing written)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def detect_format(content: bytes, file_name: str) -> str:
    if content[:4] == b"PK\x03\x04":
        return "xlsx"
    if file_name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise SheetError("invalid_file", _("The file is named like Excel but is not an XLSX file."))
    return "csv"


def _encoding(content: bytes) -> str:
    """utf-8 (with or without BOM) if the whole file is valid UTF-8, else cp1252 (what
    Excel writes on Windows). Checked piece by piece: a 100 MiB file is never held as
    text at once."""
    if b"\x00" in content:
        raise SheetError("invalid_file", _("The file contains NUL bytes: not a CSV text file."))
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(content)
    try:
        for start in range(0, len(content), 1 << 20):
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


# What a 5W file can really hold: far more columns than the template has, never the
# thousands a spreadsheet allows. Counted from the cells found, not from what the file
# declares about itself (an XLSX may claim A1:XFD1048576 and hold five cells).
MAX_COLUMNS = 200


# Text shared by the cells of an XLSX (xl/sharedStrings.xml), unpacked. 50,000 rows of
# unique activity names and descriptions take about a tenth of this; a file holding more is
# built to fill memory (each byte costs Python several).
MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024


# Blank and header lines come on top of IMPORT_MAX_ROWS data rows, but not without end.
EXTRA_LINES = 1_000


def _csv_rows(content: bytes) -> Iterator[list[Any]]:
    encoding = _encoding(content)
    first_line = content[:65536].split(b"\n", 1)[0]
    counts = {d: first_line.count(d.encode()) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))  # ties: a comma
    # Decoded as it is read: the text of a 100 MiB file never sits in memory whole (a
    # StringIO of it would hold four bytes per character).
    text = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, errors="replace", newline="")
    try:
        yield from csv.reader(text, delimiter=delimiter)
    except csv.Error as error:
        raise SheetError(
            "invalid_file", _("Unreadable CSV: %(error)s.") % {"error": error}
        ) from None


def _xlsx_rows(content: bytes) -> Iterator[list[Any]]:
    import openpyxl

    # Sizes as the archive states them are what zipfile lets out: a member inflating past
    # its stated size fails its check instead of growing.
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sizes = {info.filename: info.file_size for info in archive.infolist()}
    except (zipfile.BadZipFile, ValueError):
        raise SheetError(
            "invalid_file", _("Unreadable XLSX file (not a valid zip archive).")
        ) from None
    if sum(sizes.values()) > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise SheetError(
            "invalid_file", _("The XLSX file unpacks to more than the import limit (zip bomb?).")
        )
    if sizes.get("xl/sharedStrings.xml", 0) > MAX_SHARED_STRINGS_BYTES:
        raise SheetError(
            "invalid_file",
            _("The XLSX file holds more than %(mib)s MiB of text; no 5W sheet needs that much.")
            % {"mib": MAX_SHARED_STRINGS_BYTES // 2**20},
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Rows as they are in the file, not padded to the dimension the file declares.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
        workbook.close()
    except SheetError:
        raise
    except Exception as error:  # openpyxl raises many kinds on damaged files
        raise SheetError(
            "invalid_file", _("Unreadable XLSX file: %(error)s.") % {"error": type(error).__name__}
        ) from None


def read_table(content: bytes, file_format: str) -> Iterator[tuple[int, list[Any]]]:
    """(spreadsheet row number, cells) for every row, blank ones included, trailing empty
    cells dropped. Stops with SheetError at a row wider than MAX_COLUMNS, or past the
    number of lines any import may hold."""
    rows = _xlsx_rows(content) if file_format == "xlsx" else _csv_rows(content)
    last_line = settings.IMPORT_MAX_ROWS + EXTRA_LINES
    for row_number, cells in enumerate(rows, start=1):
        if row_number > last_line:
            raise SheetError(
                "too_many_rows",
                _("An import holds at most %(limit)s rows; split the file.")
                % {"limit": number(settings.IMPORT_MAX_ROWS)},
            )
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        cells = [unguarded(c) if isinstance(c, str) and "'" in c else c for c in cells]
        if len(cells) > MAX_COLUMNS:
            raise SheetError(
                "too_many_columns",
                _("Row %(row)s has %(count)s columns; a 5W file has at most %(max)s.")
                % {"row": row_number, "count": number(len(cells)), "max": MAX_COLUMNS},
            )
        yield row_number, cells


def write_csv(rows: Iterable[list], options: TableOptions = PLAIN) -> bytes:
    # BOM: Excel opens UTF-8 correctly.
    return ("\ufeff" + "".join(csv_line(row, options) for row in rows)).encode("utf-8")


def write_xlsx(
    rows: Iterable[list], title: str, marks: dict[tuple[int, int], str] | None = None
) -> bytes:
    """A workbook of `rows` (the first one bold); each cell in `marks` ((row, column), from
    0) is highlighted and carries the mark as a comment."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    marks = marks or {}
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    red = PatternFill("solid", fgColor="FFC7CE")
    for n, row in enumerate(rows):
        cells = []
        for c, value in enumerate(row):
            value = xlsx_text(value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith("="):
                text_cell(cell)
            if n == 0:
                cell.font = Font(bold=True)
            mark = marks.get((n, c))
            if mark:
                cell.fill = red
                cell.comment = Comment(mark, "R4V", width=320, height=120)
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def validated_rows(
    table: Iterator[tuple[int, list[Any]]],
    serializer: Callable[[dict], Any],
    *,
    columns: set[str] | None = None,
) -> tuple[list[tuple[int, dict]], RowErrors]:
    """A reference-data file's rows through `serializer(raw)`: ([(row number, validated
    data)], [{row, field, code, message}]). The first non-empty row is the header
    (lower-cased); empty rows are skipped; with `columns`, other columns are ignored (an
    export uploads back as is) and a missing one is a `missing_columns` SheetError. More
    than REFERENCE_MAX_ROWS data rows is a `too_many_rows` SheetError, read no further."""
    header, rows, errors, count = None, [], RowErrors(), 0
    limit = settings.REFERENCE_MAX_ROWS
    for row_number, cells in table:
        if not any(c not in (None, "") for c in cells):
            continue
        if header is None:
            header = [str(c or "").strip().lower() for c in cells]
            missing = sorted((columns or set()) - set(header))
            if missing:
                raise SheetError(
                    "missing_columns",
                    _("The file has no column %(columns)s.") % {"columns": ", ".join(missing)},
                )
            continue
        count += 1
        if count > limit:
            raise SheetError(
                "too_many_rows",
                _("A reference-data file holds at most %(limit)s rows; split it.")
                % {"limit": f"{limit:,}"},
            )
        raw = {
            k: v
            for k, v in zip(header, cells, strict=False)
            if k and (columns is None or k in columns) and v not in (None, "")
        }
        checked = serializer(raw)
        if checked.is_valid():
            rows.append((row_number, dict(checked.validated_data)))
        else:
            errors += [{"row": row_number, **e} for e in flatten_errors(checked.errors)]
    return rows, errors


def uploaded_rows(
    file, serializer: Callable[[dict], Any], *, columns: set[str] | None = None
) -> tuple[list[tuple[int, dict]], RowErrors]:
    """validated_rows of an uploaded CSV or XLSX reference-data file; a file that cannot be
    read as a table is a 400 naming `file` (nothing written)."""
    from rest_framework.exceptions import ErrorDetail, ValidationError

    content = file.read()
    try:
        table = read_table(content, detect_format(content, file.name or ""))
        return validated_rows(table, serializer, columns=columns)
    except SheetError as error:
        raise ValidationError({"file": [ErrorDetail(error.message, error.code)]}) from None
