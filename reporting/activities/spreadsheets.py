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

import ftfy
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from config.api.columns import register_hxl_tags, register_labels
from config.api.spreadsheets import SheetError, read_table
from config.api.xlsx import text_cell, xlsx_text
from reporting.activities.cells import spreadsheet_month
from reporting.activities.choices import DELIVERY_MECHANISM_ES, DeliveryMechanism
from reporting.quality.checks import with_region_checks


@dataclass(frozen=True)
class Column:
    label: str  # the 5W header, as in the template
    key: str  # the API field (dotted for breakdowns)
    hxl: str
    label_es: str  # the header of the regional Spanish 5W template
    aliases: tuple[str, ...] = ()  # other names seen in partners' files (either language)


COLUMNS = [
    Column("External ID", "external_id", "#meta +id", "ID externo", ("id externo",)),
    Column("Country", "country", "#country +code", "País", ("pais",)),
    Column("Admin1", "admin1", "#adm1 +code", "Admin1",
           ("admin 1", "departamento", "department", "estado")),
    Column("Admin2", "admin2", "#adm2 +code", "Admin2",
           ("admin 2", "provincia", "province", "municipio")),
    Column("Appealing organisation", "partner", "#org +name", "Organización principal",
           ("appealing organization", "organisation", "organization", "organizacion",
            "socio", "socio principal", "organizacion solicitante",
            "organizacion que reporta", "appealing org")),
    Column("Implementation set-up (yes/no)", "implementation_setup", "#org +impl +setup",
           "Configuración de implementación (sí/no)",
           ("implementation set up", "implementation setup", "configuracion de implementacion",
            "implementacion a traves de socio", "implementation")),
    Column("Implementing partner", "implementing_partner", "#org +impl", "Socio implementador",
           ("implementing organisation", "implementing organization", "socio implementador",
            "organizacion implementadora")),
    Column("Month", "month", "#date +month", "Mes", ("mes", "reporting month", "mes de reporte")),
    Column("Sector / subsector", "sector", "#sector", "Sector / subsector",
           ("sector", "subsector", "sector subsector")),
    Column("Indicator", "indicator", "#indicator +code", "Indicador", ("indicador",)),
    Column("Activity name", "activity_name", "#activity +name", "Nombre de la actividad",
           ("actividad", "activity", "nombre de actividad")),
    Column("Activity description", "activity_description", "#activity +description",
           "Descripción de la actividad",
           ("descripcion de la actividad", "description", "descripcion")),
    Column("RMRP activity (yes/no)", "rmrp", "#activity +rmrp", "Actividad RMRP (sí/no)",
           ("rmrp activity", "rmrp", "actividad rmrp", "rmrpactivity")),
    Column("COVID-19 situation (yes/no)", "covid19", "#activity +covid",
           "Situación COVID-19 (sí/no)",
           ("covid 19 situation", "covid 19", "covid", "situacion covid 19")),
    Column("CVA (yes/no)", "cva", "#activity +cva", "CVA (sí/no)",
           ("cva", "cash and voucher assistance", "transferencias monetarias",
            "asistencia en efectivo y cupones")),
    Column("Value in USD", "cva_value_usd", "#value +usd", "Valor en USD",
           ("cva value in usd", "cva value usd", "value usd", "cva value", "valor en usd",
            "valor usd", "valor cva en usd", "value")),
    Column("Delivery mechanism", "delivery_mechanism", "#delivery +type", "Mecanismo de entrega",
           ("cva delivery mechanism", "mecanismo de entrega", "mecanismo de entrega cva")),
    Column("Quantity of output", "quantity", "#output +num", "Cantidad de producto",
           ("quantity", "cantidad", "cantidad de output", "cantidad de producto",
            "quantity output")),
    Column("Total monthly beneficiaries", "total_beneficiaries", "#reached +total",
           "Beneficiarios totales",
           ("total beneficiaries", "total monthly beneficiaries", "beneficiarios totales",
            "total de beneficiarios", "beneficiarios totales mensuales",
            "total de beneficiarios mensuales", "total monthly")),
    Column("New beneficiaries of the month", "new_beneficiaries", "#reached +new",
           "Nuevos beneficiarios",
           ("new beneficiaries", "new monthly beneficiaries", "nuevos beneficiarios",
            "nuevos beneficiarios del mes")),
    Column("In destination", "population.in_destination", "#reached +new +destination",
           "En destino",
           ("population in destination", "refugees and migrants in destination", "en destino",
            "refugiados y migrantes en destino")),
    Column("In transit", "population.in_transit", "#reached +new +transit", "En tránsito",
           ("population in transit", "refugees and migrants in transit", "en transito",
            "refugiados y migrantes en transito")),
    Column("Host community", "population.host_community", "#reached +new +host",
           "Comunidad de acogida",
           ("population host community", "host communities", "comunidad de acogida",
            "comunidades de acogida", "comunidad receptora")),
    Column("Pendular", "population.pendular", "#reached +new +pendular", "Pendulares",
           ("population pendular", "pendulars", "pendulares", "pendular")),
    Column("Returnees", "population.returnees", "#reached +new +returnees", "Retornados",
           ("population returnees", "colombian returnees", "retornados",
            "colombianos retornados", "retornados colombianos")),
    Column("Girls (<18)", "age_sex.girls", "#reached +new +f +children", "Niñas (<18)",
           ("girls", "ninas")),
    Column("Boys (<18)", "age_sex.boys", "#reached +new +m +children", "Niños (<18)",
           ("boys", "ninos")),
    Column("Women", "age_sex.women", "#reached +new +f +adults", "Mujeres (>=18)",
           ("women", "mujeres", "mujeres 18")),
    Column("Men", "age_sex.men", "#reached +new +m +adults", "Hombres (>=18)",
           ("men", "hombres", "hombres 18")),
    Column("Other (<18)", "age_sex.other_under_18", "#reached +new +other +children",
           "Otros (<18)", ("other under 18", "otros lt 18", "otros menores de 18", "other under")),
    Column("Other (18+)", "age_sex.other_over_18", "#reached +new +other +adults",
           "Otros (>=18)", ("other over 18", "other 18 and over", "otros 18", "otros 18 plus",
                            "other above")),
]  # fmt: skip


def label(column: Column) -> str:
    """The column's header in the request's language."""
    return column.label_es if (get_language() or "").startswith("es") else column.label


# The report's id: an export uploads back as is, each row updating the report it shows.
ID_HEADERS = {"id", "report id", "id del reporte"}

# Columns an export or an error report adds that an upload ignores: values the service
# sets (read-only), names printed next to codes, the error report's own columns.
IGNORED_HEADERS = {
    "created at", "updated at", "created by", "updated by", "version", "deleted at", "row",
    "fila", "quality flags", "partner name", "implementing partner name", "admin1 name",
    "admin2 name", "creado el", "actualizado el", "creado por", "actualizado por",
    "eliminado el", "alertas de calidad", "nombre del socio", "nombre del admin1",
    "nombre del admin2", "nombre del indicador", "nombre del sector", "nombre del pais",
    "indicator name", "sector name", "country name",
    "platform",  # ActivityInfo's export: the country's platform, known from the country
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
register_labels({c.key: (c.label, c.label_es) for c in COLUMNS}, override=True)
register_labels({"quality_flags": ("Quality flags", "Alertas de calidad")})
HEADERS: dict[str, str] = {}


for _column in COLUMNS:
    for _name in (_column.label, _column.label_es, _column.key, *_column.aliases):
        # One header, one column: a name two columns claim would be read as either.
        assert HEADERS.setdefault(normalize(_name), _column.key) == _column.key, _name


HEADERS.update({"other lt 18": "age_sex.other_under_18", "other 18 plus": "age_sex.other_over_18"})


# --- Reading ------------------------------------------------------------------------------


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _is_hxl(cells) -> bool:
    """Every filled cell a hashtag (#adm1+code): HXL's line under the header. Stops at the
    first filled cell that is not one (every data row, at once)."""
    filled = False
    for cell in cells:
        text = "" if cell is None else str(cell).strip()
        if text and not text.startswith("#"):
            return False
        filled = filled or bool(text)
    return filled


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
                "duplicate_columns",
                _("Columns %(first)s and %(second)s both mean %(key)s.")
                % {"first": repr(seen[key]), "second": repr(text), "key": key},
            )
        else:
            seen[key] = text
        keys.append(key)
    if unknown:
        raise SheetError(
            "unknown_columns",
            _(
                "Unknown columns: %(columns)s. Use the 5W column names of the template or the "
                "API field names."
            ) % {"columns": ", ".join(repr(u) for u in unknown)},
        )  # fmt: skip
    missing = REQUIRED_KEYS - seen.keys()
    if missing:
        labels = [str(label(c)) for c in COLUMNS if c.key in missing]
        raise SheetError(
            "missing_columns", _("Missing columns: %(columns)s.") % {"columns": ", ".join(labels)}
        )
    return keys


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


def _message(error: dict, columns: dict) -> str:
    """`Girls (<18): Age/sex groups add up to... (AGDBreakdown)`: the user's header, the
    problem, and the region's check as its error report names it."""
    where = columns.get(error.get("field") or "", (None, error.get("field")))[1]
    message = f"{where}: {error['message']}" if where else error["message"]
    check = error.get("region_check")
    return f"{message} ({check['name']})" if check else message


def error_report(
    content: bytes, file_format: str, errors: list[dict]
) -> tuple[list[list], dict[tuple[int, int], str]]:
    """The uploaded rows as they were, after a `Row` column and before one `Error n` column
    per problem (messages name the user's headers); and the bad cells, {(row, column):
    messages}, for the XLSX report to highlight. It uploads back as is once fixed: `Row`
    and `Error n` columns are ignored."""
    header = read_header(content, file_format)
    columns = field_columns(header)
    errors = with_region_checks(errors)
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
            errors = [_("Error %(n)s") % {"n": n + 1} for n in range(width)]
            rows.append([_("Row"), *cells, *errors])
            continue
        padding = [None] * (len(header) - len(cells))
        if _is_hxl(cells):  # the template's hashtag row stays one, so the report uploads back
            rows.append(["#meta +row", *cells, *padding, *[""] * width])
            continue
        problems = by_row.get(number, [])
        messages = [_message(e, columns) for e in problems]
        for e, message in zip(problems, messages, strict=True):
            column = columns.get(e.get("field") or "", (None,))[0]
            cell = (len(rows), 1 + column if column is not None else 0)
            marks.setdefault(cell, []).append(message)
        rows.append([number, *cells, *padding, *messages, *[""] * (width - len(problems))])
    return rows, {cell: "\n".join(texts) for cell, texts in marks.items()}


def _instructions() -> list[str]:
    return [
        _("How to fill in this 5W sheet"),
        "",
        _(
            "One row per activity, indicator, place and month. Keep the first two rows: the "
            "headers and the HXL hashtags."
        ),
        _(
            "Codes: choose partners, indicators and places from the drop-down lists (a cell "
            "may hold just the code, e.g. PE15)."
        ),
        _("Month: YYYY-MM, e.g. 2021-03. Yes/no columns: yes or no."),
        _("Counts are whole numbers without thousands separators (1200, not 1.200)."),
        _(
            "Direct Assistance: new beneficiaries at most the total; the population types and "
            "the age/sex groups each add up to the new beneficiaries."
        ),
        _("Cash (CVA = yes): a value in USD and a delivery mechanism."),
        _(
            "Upload the file at /api/v1/imports/ (try dry_run=true first). If rows are wrong, "
            "download the error report, fix the highlighted cells and upload it as it is."
        ),
    ]


def template_xlsx(*, partners, indicators, admin1, admin2) -> bytes:
    """A blank 5W sheet in the request's language (headers, yes/no and mechanism lists,
    an instructions sheet), with the HXL row and drop-downs fed by a hidden Lists sheet."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    spanish = (get_language() or "").startswith("es")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "5W"
    sheet.append([label(c) for c in COLUMNS])
    sheet.append([c.hxl for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A3"

    guide = workbook.create_sheet(str(_("Instructions")))
    for line in _instructions():
        guide.append([str(line)])
    guide["A1"].font = Font(bold=True)
    guide.column_dimensions["A"].width = 110

    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"
    mechanisms = (
        [DELIVERY_MECHANISM_ES[m] for m in DeliveryMechanism]
        if spanish
        else [m.label for m in DeliveryMechanism]
    )
    choices = {
        "partner": partners,
        "implementing_partner": partners,
        "indicator": indicators,
        "admin1": admin1,
        "admin2": admin2,
        "delivery_mechanism": mechanisms,
        "yes_no": [str(_("yes")), str(_("no"))],
    }
    ranges = {}
    for n, (name, values) in enumerate(choices.items(), start=1):
        letter = get_column_letter(n)
        lists.cell(row=1, column=n, value=name)
        for r, value in enumerate(values, start=2):
            cell = lists.cell(row=r, column=n, value=xlsx_text(value))
            if isinstance(cell.value, str) and cell.value.startswith("="):
                text_cell(cell)
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
        sheet.column_dimensions[get_column_letter(n)].width = max(12, len(label(column)) + 2)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
