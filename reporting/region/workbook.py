"""The region's proportions workbook (`Proportions.xlsx`) as it is: sheets `pinproportions`
and `targetproportions`, one row per country x admin1 x subsector with the age/sex shares
of each population type (`Dest_GIrls` ... `Returnees_Men`, the region's own spelling); and
sheets `PiN 2022` and `Target`, the people in need and targets of the plan year their
headers name, per platform x country x admin1 x subsector, for all population types
(`Total`) and each, for all ages and sexes and each (`PiN Dest GIrls`, `PiN Dest Total`)."""

import io
import re
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


# "PiN 2022" / "Target" (a later plan's "PiN 2025" too), and their figure columns.
PLAN_SHEETS = {"pin": re.compile(r"^PiN( \d{4})?$"), "target": re.compile(r"^Target( \d{4})?$")}
PLAN_KEYS = ("Country", "Admin1", "Subsector")
PLAN_COLUMN = re.compile(
    r"^(?:PiN|Target)(?: (?P<year>\d{4}))? (?P<population>Total|Dest|Transit|HC|Pendular|"
    r"Returnees)(?: (?P<age>Girls|Boys|Women|Men|Total))?$",  # "Dest Total": all ages
    re.IGNORECASE,
)
Figures = dict[tuple[str, str], int]  # {(population, age or ""): people}


@dataclass
class PlanSheet:
    """One plan sheet: its plan year, figures by (Country, Admin1, Subsector), each key's
    row, the rows with no figure at all, and keys written twice with different figures."""

    name: str
    year: int
    figures: dict[tuple[str, str, str], Figures] = field(default_factory=dict)
    rows: dict[tuple[str, str, str], int] = field(default_factory=dict)
    empty_rows: int = 0
    conflicts: list[tuple[int, int, tuple]] = field(default_factory=list)
    bad_cells: list[tuple[int, str, object]] = field(default_factory=list)


def load_region_workbook(content: bytes) -> tuple[dict[str, ProportionsSheet], dict]:
    """({"pin"|"target": share sheet}, {"pin"|"target": PlanSheet}), each for the sheets
    the workbook has. SheetError `missing_sheets` names the sheets it expects when it has
    none of them; `missing_columns` a column a sheet lacks."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (openpyxl raises many kinds for a file it cannot read)
        raise SheetError("invalid_file", _("The file is not an Excel workbook (XLSX).")) from None
    found = {variant: name for variant, name in SHEETS.items() if name in workbook.sheetnames}
    plans = {
        variant: next(n for n in workbook.sheetnames if pattern.match(n.strip()))
        for variant, pattern in PLAN_SHEETS.items()
        if any(pattern.match(n.strip()) for n in workbook.sheetnames)
    }
    if not found and not plans:
        expected = [*SHEETS.values(), "PiN 2022", "Target"]
        raise SheetError(
            "missing_sheets",
            _("The workbook has no sheet %(expected)s; it has %(has)s.")
            % {"expected": " or ".join(expected), "has": ", ".join(workbook.sheetnames)},
        )
    return (
        {variant: _read_sheet(workbook[name]) for variant, name in found.items()},
        {variant: _read_plan_sheet(workbook[name]) for variant, name in plans.items()},
    )


def read_proportions_workbook(content: bytes) -> dict[str, ProportionsSheet]:
    """The share sheets of the workbook: {"pin": sheet, "target": sheet}."""
    return load_region_workbook(content)[0]


def _read_plan_sheet(sheet) -> PlanSheet:
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    keys = {}
    for key in PLAN_KEYS:  # "PiN Country" / "Target Admin1" / "Subsector"
        keys[key] = next((i for i, h in enumerate(header) if h.split(" ")[-1] == key), None)
    columns = {i: PLAN_COLUMN.match(h) for i, h in enumerate(header)}
    columns = {i: m for i, m in columns.items() if m}
    missing = [k for k, i in keys.items() if i is None] + ([] if columns else ["Total"])
    if missing:
        raise SheetError(
            "missing_columns",
            _("Sheet %(sheet)s has no column %(columns)s.")
            % {"sheet": sheet.title, "columns": ", ".join(missing)},
        )
    years = {int(m["year"]) for m in columns.values() if m["year"]}
    years |= {int(y) for y in re.findall(r"\d{4}", sheet.title)}
    if len(years) != 1:
        raise SheetError(
            "plan_year",
            _("Sheet %(sheet)s must name one plan year in its name or headers (%(found)s).")
            % {"sheet": sheet.title, "found": ", ".join(map(str, sorted(years))) or "none"},
        )
    out = PlanSheet(name=sheet.title, year=years.pop())
    for number, cells in enumerate(rows, start=2):
        if not any(c not in (None, "") for c in cells):
            continue
        key = tuple(str(_at(cells, keys[k]) or "").strip() for k in PLAN_KEYS)
        figures: Figures = {}
        for index, match in columns.items():
            value = _at(cells, index)
            if value is None or value == "":
                continue
            people = _people(value)
            if people is None:
                out.bad_cells.append((number, header[index], value))
                continue
            age = (match["age"] or "").capitalize().replace("Total", "")
            figures[(match["population"].capitalize().replace("Hc", "HC"), age)] = people
        if not figures:
            out.empty_rows += 1  # a row with its names only: no figure, nothing stored
            continue
        if key in out.figures:
            if out.figures[key] != figures:
                out.conflicts.append((out.rows[key], number, key))
            continue
        out.figures[key], out.rows[key] = figures, number
    return out


def _at(cells, index: int | None):
    return cells[index] if index is not None and index < len(cells) else None


def _people(value) -> int | None:
    """A whole, non-negative number of people (117 or 117.0), else None."""
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number >= 0 and number.is_integer() else None


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
