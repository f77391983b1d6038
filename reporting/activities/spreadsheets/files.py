"""The files the service gives partners: the template and the error report."""

import io

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from config.api.spreadsheets import read_table
from config.api.xlsx import text_cell, xlsx_text
from reporting.activities.choices import DELIVERY_MECHANISM_ES, DeliveryMechanism
from reporting.quality.checks import with_region_checks

from .columns import COLUMNS, _blank, _is_hxl, label
from .reading import field_columns, read_header


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

    choices = {
        "partner": partners,
        "implementing_partner": partners,
        "indicator": indicators,
        "admin1": admin1,
        "admin2": admin2,
        "delivery_mechanism": _mechanism_labels(),
        "yes_no": [str(_("yes")), str(_("no"))],
    }
    ranges = _lists_sheet(workbook, choices)
    yes_no = {"implementation_setup", "rmrp", "covid19", "cva"}
    for n, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(n)
        sheet.column_dimensions[letter].width = max(12, len(label(column)) + 2)
        source = "yes_no" if column.key in yes_no else column.key
        if source in ranges:
            validation = DataValidation(type="list", formula1=ranges[source], allow_blank=True)
            validation.add(f"{letter}3:{letter}10000")
            sheet.add_data_validation(validation)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _mechanism_labels() -> list[str]:
    if (get_language() or "").startswith("es"):
        return [DELIVERY_MECHANISM_ES[m] for m in DeliveryMechanism]
    return [m.label for m in DeliveryMechanism]


def _lists_sheet(workbook, choices: dict[str, list]) -> dict[str, str]:
    """A hidden sheet with a column per list; the cell range of each, for drop-downs."""
    from openpyxl.utils import get_column_letter

    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"
    ranges = {}
    for n, (name, values) in enumerate(choices.items(), start=1):
        letter = get_column_letter(n)
        lists.cell(row=1, column=n, value=name)
        for r, value in enumerate(values, start=2):
            cell = lists.cell(row=r, column=n, value=xlsx_text(value))
            if isinstance(cell.value, str) and cell.value.startswith("="):
                text_cell(cell)
        ranges[name] = f"Lists!${letter}$2:${letter}${max(2, len(values) + 1)}"
    return ranges
