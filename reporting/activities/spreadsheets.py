"""5W spreadsheets: reading uploads (CSV as Excel writes it, XLSX), mapping their columns
to report fields, writing error reports and the blank template.

Column headers are matched without regard to case, accents, surrounding spaces or
punctuation, in the 5W layout of the regional platform or as API field names.
"""

import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from config.api.exports import register_hxl_tags, xlsx_text
from config.api.spreadsheets import SheetError, read_table
from reporting.activities.choices import DeliveryMechanism


@dataclass(frozen=True)
class Column:
    label: str  # the 5W header, as in the template
    key: str  # the API field (dotted for breakdowns)
    hxl: str
    aliases: tuple[str, ...] = ()


COLUMNS = [
    Column("External ID", "external_id", "#meta +id", ("id externo",)),
    Column("Country", "country", "#country +code", ("pais",)),
    Column("Admin1", "admin1", "#adm1 +code", ("admin 1", "departamento", "department")),
    Column("Admin2", "admin2", "#adm2 +code", ("admin 2", "provincia", "province")),
    Column("Appealing organisation", "partner", "#org +name",
           ("appealing organization", "organisation", "organization", "organizacion", "socio")),
    Column("Implementation set-up (yes/no)", "implementation_setup", "#org +impl +setup",
           ("implementation set up", "implementation setup")),
    Column("Implementing partner", "implementing_partner", "#org +impl",
           ("implementing organisation", "implementing organization", "socio implementador")),
    Column("Month", "month", "#date +month", ("mes", "reporting month")),
    Column("Sector / subsector", "sector", "#sector", ("sector", "subsector", "sector subsector")),
    Column("Indicator", "indicator", "#indicator +code", ("indicador",)),
    Column("Activity name", "activity_name", "#activity +name", ("actividad", "activity")),
    Column("Activity description", "activity_description", "#activity +description",
           ("descripcion de la actividad", "description")),
    Column("RMRP activity (yes/no)", "rmrp", "#activity +rmrp", ("rmrp activity", "rmrp")),
    Column("COVID-19 situation (yes/no)", "covid19", "#activity +covid",
           ("covid 19 situation", "covid 19", "covid")),
    Column("CVA (yes/no)", "cva", "#activity +cva", ("cva", "cash and voucher assistance")),
    Column("Value in USD", "cva_value_usd", "#value +usd",
           ("cva value in usd", "cva value usd", "value usd", "cva value")),
    Column("Delivery mechanism", "delivery_mechanism", "#delivery +type",
           ("cva delivery mechanism", "mecanismo de entrega")),
    Column("Quantity of output", "quantity", "#output +num", ("quantity", "cantidad")),
    Column("Total monthly beneficiaries", "total_beneficiaries", "#reached +total",
           ("total beneficiaries", "total monthly beneficiaries")),
    Column("New beneficiaries of the month", "new_beneficiaries", "#reached +new",
           ("new beneficiaries", "new monthly beneficiaries")),
    Column("In destination", "population.in_destination", "#reached +new +destination",
           ("population in destination", "refugees and migrants in destination")),
    Column("In transit", "population.in_transit", "#reached +new +transit",
           ("population in transit", "refugees and migrants in transit")),
    Column("Host community", "population.host_community", "#reached +new +host",
           ("population host community", "host communities")),
    Column("Pendular", "population.pendular", "#reached +new +pendular",
           ("population pendular", "pendulars")),
    Column("Returnees", "population.returnees", "#reached +new +returnees",
           ("population returnees", "colombian returnees")),
    Column("Girls (<18)", "age_sex.girls", "#reached +new +f +children", ("girls", "ninas")),
    Column("Boys (<18)", "age_sex.boys", "#reached +new +m +children", ("boys", "ninos")),
    Column("Women", "age_sex.women", "#reached +new +f +adults", ("women", "mujeres")),
    Column("Men", "age_sex.men", "#reached +new +m +adults", ("men", "hombres")),
    Column("Other (<18)", "age_sex.other_under_18", "#reached +new +other +children",
           ("other under 18",)),
    Column("Other (18+)", "age_sex.other_over_18", "#reached +new +other +adults",
           ("other over 18", "other 18 and over")),
]  # fmt: skip


CODE_KEYS = {"partner", "implementing_partner", "admin1", "admin2", "indicator", "country"}

# The report's id: an export uploads back as is, each row updating the report it shows.
ID_HEADERS = {"id", "report id", "id del reporte"}

# Columns an export or an error report adds that an upload ignores: values the service
# sets (read-only), names printed next to codes, the error report's own columns.
IGNORED_HEADERS = {
    "created at", "updated at", "created by", "updated by", "version", "deleted at", "row",
    "fila", "partner name", "implementing partner name", "admin1 name", "admin2 name",
    "indicator name", "sector name", "country name",
}  # fmt: skip
IGNORED_PATTERN = re.compile(r"(error|errores?) \d+")


REQUIRED_KEYS = {"month", "admin1", "indicator", "activity_name", "rmrp", "cva"}


def normalize(header: str) -> str:
    """'Girls (<18)' -> 'girls lt 18'; 'Año' -> 'ano'; 'total_beneficiaries' -> 'total
    beneficiaries'."""
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode()
    text = text.lower().replace("<", " lt ").replace("+", " plus ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


register_hxl_tags({c.key: c.hxl for c in COLUMNS})
HEADERS: dict[str, str] = {}


for _column in COLUMNS:
    for _name in (_column.label, _column.key, *_column.aliases):
        HEADERS[normalize(_name)] = _column.key


HEADERS.update({"other lt 18": "age_sex.other_under_18", "other 18 plus": "age_sex.other_over_18"})


# --- Reading ------------------------------------------------------------------------------


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _is_hxl(cells) -> bool:
    filled = [c for c in cells if c is not None and str(c).strip()]
    return bool(filled) and all(str(c).strip().startswith("#") for c in filled)


def header_keys(header: list[Any]) -> list[str | None]:
    """API key per column (None: a column to ignore); raises SheetError for unknown, doubled
    or missing columns."""
    keys, unknown, seen = [], [], {}
    for cell in header:
        text = "" if cell is None else str(cell).strip()
        plain = normalize(text)
        if not text or plain in IGNORED_HEADERS or IGNORED_PATTERN.fullmatch(plain):
            keys.append(None)
            continue
        key = "id" if plain in ID_HEADERS else HEADERS.get(plain)
        if key is None:
            unknown.append(text)
        elif key in seen:
            raise SheetError(
                "duplicate_columns", f"Columns {seen[key]!r} and {text!r} both mean {key}."
            )
        else:
            seen[key] = text
        keys.append(key)
    if unknown:
        raise SheetError(
            "unknown_columns",
            "Unknown columns: " + ", ".join(repr(u) for u in unknown)
            + ". Use the 5W column names of the template or the API field names.",
        )  # fmt: skip
    missing = REQUIRED_KEYS - seen.keys()
    if missing:
        labels = [c.label for c in COLUMNS if c.key in missing]
        raise SheetError("missing_columns", "Missing columns: " + ", ".join(labels) + ".")
    return keys


def _month(value) -> str:
    if isinstance(value, datetime | date):
        return f"{value:%Y-%m}"
    text = str(value).strip()
    if m := re.fullmatch(r"(\d{4})[-/](\d{1,2})(?:[-/]\d{1,2})?(?:[ T].*)?", text):
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    if m := re.fullmatch(r"(\d{1,2})[-/](\d{4})", text):
        return f"{m.group(2)}-{int(m.group(1)):02d}"
    return text


def _cell(key: str, value) -> Any:
    if isinstance(value, str):
        value = value.strip()
    if key == "month":
        return _month(value)
    if key in CODE_KEYS and isinstance(value, str):
        return value.split()[0]  # "PE24 Tumbes", "PRT-01 People receiving..." -> the code
    if isinstance(value, float) and value.is_integer() and key != "cva_value_usd":
        return int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def raw_reports(content: bytes, file_format: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, raw report in API shape) for each data row of the file."""
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
            value = _cell(key, value)
            if "." in key:
                group, name = key.split(".")
                raw.setdefault(group, {})[name] = value
            else:
                raw[key] = value
        yield number, raw
    if keys is None:
        raise SheetError("empty_file", "The file has no header row.")


# --- Writing ------------------------------------------------------------------------------
def read_header(content: bytes, file_format: str) -> list[str]:
    """The file's header row, as the user wrote it."""
    for _, cells in read_table(content, file_format):
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


def _message(error: dict, columns: dict) -> str:
    where = columns.get(error.get("field") or "", (None, error.get("field")))[1]
    return f"{where}: {error['message']}" if where else error["message"]


def error_report(
    content: bytes, file_format: str, errors: list[dict]
) -> tuple[list[list], dict[tuple[int, int], str]]:
    """The uploaded rows as they were, after a `Row` column and before one `Error n` column
    per problem (messages name the user's headers); and the bad cells, {(row, column):
    messages}, for the XLSX report to highlight. It uploads back as is once fixed: `Row`
    and `Error n` columns are ignored."""
    header = read_header(content, file_format)
    columns = field_columns(header)
    by_row: dict[int, list[dict]] = {}
    for e in errors:
        by_row.setdefault(e["row"], []).append(e)
    width = max((len(v) for v in by_row.values()), default=0)
    rows: list[list] = []
    marks: dict[tuple[int, int], list[str]] = {}
    started = False  # the header's width: every row's errors start after it
    for number, cells in read_table(content, file_format):
        if not started and not _blank(cells):
            started = True
            rows.append(["Row", *cells, *(f"Error {n + 1}" for n in range(width))])
            continue
        problems = by_row.get(number, [])
        padding = [None] * (len(header) - len(cells))
        messages = [_message(e, columns) for e in problems]
        for e, message in zip(problems, messages, strict=True):
            column = columns.get(e.get("field") or "", (None,))[0]
            cell = (len(rows), 1 + column if column is not None else 0)
            marks.setdefault(cell, []).append(message)
        rows.append([number, *cells, *padding, *messages, *[""] * (width - len(problems))])
    return rows, {cell: "\n".join(texts) for cell, texts in marks.items()}


def template_xlsx(*, partners, indicators, admin1, admin2) -> bytes:
    """A blank 5W sheet with the HXL row, and drop-downs fed by a hidden Lists sheet."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "5W"
    sheet.append([c.label for c in COLUMNS])
    sheet.append([c.hxl for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A3"

    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"
    choices = {
        "partner": partners,
        "implementing_partner": partners,
        "indicator": indicators,
        "admin1": admin1,
        "admin2": admin2,
        "delivery_mechanism": [m.label for m in DeliveryMechanism],
        "yes_no": ["yes", "no"],
    }
    ranges = {}
    for n, (name, values) in enumerate(choices.items(), start=1):
        letter = get_column_letter(n)
        lists.cell(row=1, column=n, value=name)
        for r, value in enumerate(values, start=2):
            lists.cell(row=r, column=n, value=xlsx_text(value))
        ranges[name] = f"Lists!${letter}$2:${letter}${max(2, len(values) + 1)}"
    yes_no = {"implementation_setup", "rmrp", "covid19", "cva"}
    for n, column in enumerate(COLUMNS, start=1):
        source = "yes_no" if column.key in yes_no else column.key
        if source not in ranges:
            continue
        validation = DataValidation(type="list", formula1=ranges[source], allow_blank=True)
        validation.add(f"{get_column_letter(n)}3:{get_column_letter(n)}10000")
        sheet.add_data_validation(validation)
    for n, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = max(12, len(column.label) + 2)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
