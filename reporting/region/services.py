"""Writes of the region's own files: its proportions workbook (`Proportions.xlsx`) as it
is: sheets `pinproportions` and `targetproportions` into the age/sex proportions table,
`PiN 2022` and `Target` into the plan's people in need and targets."""

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from config.api.exceptions import RowErrors
from config.db.batches import row_error
from indicators.models import Sector
from reporting.activities.breakdowns import POPULATION_FIELDS
from reporting.common.references import _plain
from reporting.figures.models import SHARE_FIELDS
from reporting.figures.proportions import TOLERANCE, proportions_batch
from reporting.figures.services import plan_targets_upsert
from reporting.locations.models import Location
from reporting.region.consolidation import (
    AGES,
    COUNTRY_LEVEL,
    INTERSECTOR,
    POPULATIONS,
    SHARE_COLUMNS,
)
from reporting.region.workbook import SHEETS, PlanSheet, load_region_workbook

ALIASES = Path(settings.BASE_DIR) / "data" / "reference" / "region" / "aliases.csv"
# The region's population types, in the order of ours (reporting.activities.models).
POPULATION_TYPES = dict(zip(POPULATIONS, (key for key, _ in POPULATION_FIELDS), strict=True))
PLAN_POPULATIONS = {"Total": "", **POPULATION_TYPES}
PLAN_AGES = {"": "", **{age: age.lower() for age in AGES}}
PLAN_FIGURE = {"pin": "people_in_need", "target": "target"}


@dataclass
class SheetSummary:
    rows: int = 0
    stored: int = 0  # population types of rows, as table rows
    intersector_skipped: int = 0  # the script never reads them
    no_shares: int = 0  # population types without shares (NA): no row, as in the script
    all_zero: int = 0  # nobody of that population type
    off: int = 0  # shares not adding to exactly 1
    beyond_rounding: int = 0  # of those, off by more than TOLERANCE
    largest_difference: Decimal = Decimal(0)
    countries: list[str] = field(default_factory=list)


class RegionNames:
    """Countries, admin1 areas and subsectors by the names the region's files use (or our
    own names), accents and case aside; the closest ones for a name that is not there."""

    def __init__(self):
        locations = list(Location.objects.filter(level__in=("country", "admin1")))
        self.countries = {_plain(n): c for c in locations if c.level == "country"
                          for n in (c.region_name, c.name, c.name_es) if n}  # fmt: skip
        self.admin1: dict[int, dict[str, Location]] = {}
        for area in locations:
            if area.level == "admin1":
                names = self.admin1.setdefault(area.parent_id, {})
                for name in (area.region_name, area.name, area.name_es):
                    if name:
                        names.setdefault(_plain(name), area)
        self.sectors = {_plain(s.region_name): s for s in Sector.objects.all() if s.region_name}
        by_pcode = {area.pcode: area for area in locations}
        with open(ALIASES, encoding="utf-8", newline="") as handle:
            for alias in csv.DictReader(handle):  # the region's files spell a few differently
                area = by_pcode.get(alias["pcode"])
                if area is not None:
                    self.admin1.setdefault(area.parent_id, {})[_plain(alias["name"])] = area

    @staticmethod
    def closest(name: str, choices: dict[str, Any], label) -> str:
        import difflib

        close = difflib.get_close_matches(_plain(name), list(choices), n=3, cutoff=0.6)
        return ", ".join(dict.fromkeys(label(choices[c]) for c in close)) or _("none close")


def proportions_workbook_upload(*, user, content: bytes, dry_run: bool = False) -> dict:
    """Load the workbook, all or nothing. Each row of the share sheets gives a table row per
    population type with shares (none where the workbook leaves them empty, as the script
    reads NA); `Country level` is the country as a whole; `Intersector` rows are skipped
    (the script never reads them). The table of each variant and country the workbook
    covers is replaced: rows it no longer has are deleted. Shares are kept as the region
    has them, even where they do not add up to 1 (its figures are computed with them): the
    answer counts them, and those off by more than rounding. The plan sheets (`PiN 2022`,
    `Target`) replace the plan's people in need and targets of their year for the countries
    they cover (`Intersector`: all sectors together). Raises SheetError for a workbook
    without the sheets, RowsInvalid with every unknown name (and the closest ones)."""
    share_sheets, plan_sheets = load_region_workbook(content)
    names, errors, rows = RegionNames(), RowErrors(), []
    summaries: dict[str, dict] = {}
    replace: dict[str, set[int]] = {}
    for variant, sheet in share_sheets.items():
        summary = SheetSummary()
        countries: set[Location] = set()
        for key, shares in sheet.shares.items():
            number, summary.rows = sheet.rows[key], summary.rows + 1
            if key[2] == INTERSECTOR:
                summary.intersector_skipped += 1
                continue
            place = _place(names, key, number, SHEETS[variant], errors)
            if place is None:
                continue
            countries.add(place[0])
            rows += _table_rows(number, variant, place, shares, summary)
        summary.countries = sorted(c.pcode for c in countries)
        summaries[SHEETS[variant]] = _summary_data(summary)
        replace[variant] = _places_of(names, countries)
    plan_rows, plan_replace = _plan_rows(names, plan_sheets, errors, summaries)
    with transaction.atomic():
        result = proportions_batch(
            user=user, rows=rows, errors=errors, dry_run=False, replace=replace,
            keep_rows=False, sums_checked=False,
        )  # fmt: skip
        plan = {"created": 0, "updated": 0, "deleted": 0}
        if plan_rows:
            plan = plan_targets_upsert(rows=plan_rows, user=user, replace=plan_replace)
        if dry_run:
            transaction.set_rollback(True)
    return {
        "batch_id": str(result.batch_id), "dry_run": dry_run,
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
        "deleted": result.deleted, "plan_figures": plan, "sheets": summaries,
    }  # fmt: skip


def _places_of(names: "RegionNames", countries) -> set[int]:
    """Each country and its admin1 areas: the scope a sheet's table replaces."""
    scope = set()
    for country in countries:
        scope |= {country.pk, *(a.pk for a in names.admin1.get(country.pk, {}).values())}
    return scope


def _plan_rows(names, sheets: dict[str, PlanSheet], errors, summaries) -> tuple[list, dict]:
    """The plan sheets as plan-figure rows ((row number, fields)), people in need and
    target of one cell in one row; and {plan year: places} they replace."""
    cells: dict[tuple, tuple[int, dict]] = {}
    replace: dict[int, set[int]] = {}
    for variant, sheet in sheets.items():
        countries: set[Location] = set()
        for first, second, key in sheet.conflicts:
            message = _(
                "Rows %(first)s and %(second)s both give %(key)s, with different figures; "
                "keep one."
            ) % {"first": first, "second": second, "key": " / ".join(key)}  # fmt: skip
            errors.append(row_error(second, f"{sheet.name}.Subsector", "duplicate", message))
        for number, column, value in sheet.bad_cells:
            message = _("%(value)s is not a whole number of people.") % {"value": repr(value)}
            errors.append(row_error(number, f"{sheet.name}.{column}", "invalid", message))
        for key, figures in sheet.figures.items():
            number = sheet.rows[key]
            whole = key[2] == INTERSECTOR
            place = _place(names, key if not whole else (*key[:2], ""), number, sheet.name,
                           errors, any_sector=whole)  # fmt: skip
            if place is None:
                continue
            countries.add(place[0])
            for (population, age), people in figures.items():
                cell = (sheet.year, place[1].pk, place[2] and place[2].pk,
                        PLAN_POPULATIONS[population], PLAN_AGES[age])  # fmt: skip
                row = cells.setdefault(cell, (number, {
                    "plan_year": sheet.year, "admin1": place[1], "sector": place[2],
                    "population_type": cell[3], "age_sex": cell[4],
                }))  # fmt: skip
                row[1][PLAN_FIGURE[variant]] = people
        replace.setdefault(sheet.year, set()).update(_places_of(names, countries))
        summaries[sheet.name] = {
            "plan_year": sheet.year, "rows": len(sheet.figures) + sheet.empty_rows,
            "empty_rows": sheet.empty_rows, "countries": sorted(c.pcode for c in countries),
        }  # fmt: skip
    return list(cells.values()), replace


def _place(
    names: RegionNames, key, number: int, sheet: str, errors, any_sector: bool = False
) -> tuple | None:
    """(country, admin1 location or the country itself, sector) of a row, or None with its
    errors added. `any_sector`: the row is of all sectors together (sector None)."""
    country_name, admin1_name, subsector = key
    country = names.countries.get(_plain(country_name))
    sector = names.sectors.get(_plain(subsector))
    area = None
    if country is None:
        message = _("Unknown country %(name)s; closest: %(closest)s.") % {
            "name": repr(country_name),
            "closest": names.closest(country_name, names.countries, lambda c: c.region_name),
        }  # fmt: skip
        errors.append(row_error(number, f"{sheet}.Country", "unknown_country", message))
    elif admin1_name == COUNTRY_LEVEL or _plain(admin1_name) in (
        _plain(country.region_name),
        _plain(country.name),
    ):  # the country as a whole ("Costa Rica" of Costa Rica too)
        area = country
    else:
        areas = names.admin1.get(country.pk, {})
        area = areas.get(_plain(admin1_name))
        if area is None:
            message = _("Unknown admin1 %(name)s of %(country)s; closest: %(closest)s.") % {
                "name": repr(admin1_name), "country": country.region_name,
                "closest": names.closest(admin1_name, areas, lambda a: a.region_name or a.name),
            }  # fmt: skip
            errors.append(row_error(number, f"{sheet}.Admin1", "unknown_admin1", message))
    if sector is None and not any_sector:
        message = _("Unknown subsector %(name)s; closest: %(closest)s.") % {
            "name": repr(subsector),
            "closest": names.closest(subsector, names.sectors, lambda s: s.region_name),
        }  # fmt: skip
        errors.append(row_error(number, f"{sheet}.Subsector", "unknown_subsector", message))
    if country is None or area is None or (sector is None and not any_sector):
        return None
    return country, area, sector


def _table_rows(number: int, variant: str, place, shares: dict, summary: SheetSummary) -> list:
    _country, area, sector = place
    out = []
    for population, population_type in POPULATION_TYPES.items():
        values = [shares[SHARE_COLUMNS[(population, age)]] for age in AGES]
        if any(v is None for v in values):
            summary.no_shares += 1
            continue
        # Stored exactly as the workbook holds them (the script multiplies by these
        # doubles); counted as 0.99 or 1.01 in the answer, as a reader of the sheet sees them.
        decimals = [float(v) for v in values]
        total = sum((Decimal(str(round(v, 6))) for v in values), Decimal(0))
        if total == 0:
            summary.all_zero += 1
        elif total != 1:  # kept as the region has it: its figures are computed with it
            summary.off += 1
            summary.beyond_rounding += abs(total - 1) > TOLERANCE
            summary.largest_difference = max(summary.largest_difference, abs(total - 1))
        data = {"admin1": area, "sector": sector, "variant": variant,
                "population_type": population_type,
                **dict(zip(SHARE_FIELDS, decimals, strict=True))}  # fmt: skip
        out.append((number, data))
        summary.stored += 1
    return out


def _summary_data(summary: SheetSummary) -> dict:
    return {
        "rows": summary.rows, "stored": summary.stored,
        "intersector_skipped": summary.intersector_skipped, "no_shares": summary.no_shares,
        "all_zero": summary.all_zero, "not_adding_to_1": summary.off,
        "beyond_rounding": summary.beyond_rounding,
        "largest_difference": float(summary.largest_difference),
        "countries": summary.countries,
    }  # fmt: skip
