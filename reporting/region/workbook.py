"""The region's proportions workbook (`Proportions.xlsx`) as it is: sheets `pinproportions`
and `targetproportions`, one row per country x admin1 x subsector with the age/sex shares
of each population type (`Dest_GIrls` ... `Returnees_Men`, the region's own spelling)."""

import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from config.api.spreadsheets import SheetError
from reporting.region.consolidation import SHARE_COLUMNS

SHEETS = {"pin": "pinproportions", "target": "targetproportions"}
KEYS = ("Country", "Admin1", "Subsector")

Shares = dict[tuple[str, str, str], dict[str, float | None]]


@dataclass
class ProportionsSheet:
    """One sheet: its shares by (Country, Admin1, Subsector), and each key's spreadsheet row
    (for messages)."""

    shares: Shares = field(default_factory=dict)
    rows: dict[tuple[str, str, str], int] = field(default_factory=dict)


def read_proportions_workbook(content: bytes) -> dict[str, ProportionsSheet]:
    """{"pin": sheet, "target": sheet}. SheetError `missing_sheets` names the sheets it
    expects when the workbook has neither; `missing_columns` a column a sheet lacks."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (openpyxl raises many kinds for a file it cannot read)
        raise SheetError("invalid_file", _("The file is not an Excel workbook (XLSX).")) from None
    found = {variant: name for variant, name in SHEETS.items() if name in workbook.sheetnames}
    if not found:
        raise SheetError(
            "missing_sheets",
            _("The workbook has no sheet %(expected)s; it has %(has)s.")
            % {"expected": " or ".join(SHEETS.values()), "has": ", ".join(workbook.sheetnames)},
        )
    return {variant: _read_sheet(workbook[name]) for variant, name in found.items()}


def _read_sheet(sheet) -> ProportionsSheet:
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    wanted = [*KEYS, *SHARE_COLUMNS.values()]
    missing = [c for c in wanted if c not in header]
    if missing:
        raise SheetError(
            "missing_columns",
            _("Sheet %(sheet)s has no column %(columns)s.")
            % {"sheet": sheet.title, "columns": ", ".join(missing)},
        )
    index = {name: header.index(name) for name in wanted}
    out = ProportionsSheet()
    for number, cells in enumerate(rows, start=2):
        if not any(c not in (None, "") for c in cells):
            continue
        key = tuple(str(cells[index[k]] or "").strip() for k in KEYS)
        out.shares[key] = {
            column: _share(cells[index[column]]) for column in SHARE_COLUMNS.values()
        }
        out.rows[key] = number
    return out


def _share(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
