"""Reads for the region's consolidation: the service's reports, proportions and reference
data as the region's script sees its 5W, its proportions workbook and its template."""

import csv
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import translation

from config.api.fields import month_str
from config.db.routing import read_alias
from indicators.models import Indicator, Sector
from reporting.activities.models import ActivityReport
from reporting.figures.models import AgeSexProportions
from reporting.locations.models import Location
from reporting.region.consolidation import (
    AGES,
    COUNTRY_LEVEL,
    INTERSECTOR,
    POPULATIONS,
    SHARE_COLUMNS,
    consolidate,
)
from reporting.region.services import POPULATION_TYPES

TEMPLATE = Path(settings.BASE_DIR) / "data" / "reference" / "region" / "admin1.csv"
NUMBERS = {
    "Total_monthly": "total_beneficiaries", "New_beneficiaries": "new_beneficiaries",
    "IN_DESTINATION": "pop_in_destination", "IN_TRANSIT": "pop_in_transit",
    "Host_Communities": "pop_host_community", "PENDULARS": "pop_pendular",
    "Returnees": "pop_returnees", "Girls": "girls", "Boys": "boys", "Women": "women",
    "Men": "men", "Other_under": "other_under_18", "Other_above": "other_over_18",
}  # fmt: skip


def _region_name(location: Location) -> str:
    return location.region_name or location.name


def five_w_rows(*, countries: list[Location], month_from: date, month_to: date) -> list[dict]:
    """The live reports of `countries` and months as the script's 5W rows (with each
    indicator's type, which the script takes from its lookup)."""
    alias = read_alias()
    areas = {
        a.pk: a for a in Location.objects.using(alias).filter(parent__in=countries, level="admin1")
    }
    by_id = {c.pk: c for c in countries}
    indicators = {
        i.pk: i for i in Indicator.objects.using(alias).select_related("sector")
    }  # fmt: skip
    with translation.override("en"):  # the region's own words, whoever asks
        types = {pk: str(i.get_indicator_type_display()) for pk, i in indicators.items()}
    reports = (
        ActivityReport.objects.using(alias)
        .filter(admin1_id__in=list(areas), month__gte=month_from, month__lte=month_to)
        .values("admin1_id", "indicator_id", "month", "cva", "rmrp", *NUMBERS.values())
    )
    rows = []
    for report in reports.iterator(chunk_size=5000):
        area, indicator = areas[report["admin1_id"]], indicators[report["indicator_id"]]
        row = {
            "Country": _region_name(by_id[area.parent_id]), "Admin1": _region_name(area),
            "Month": month_str(report["month"]),
            "Subsector": indicator.sector.region_name or indicator.sector.name,
            "Indicator": indicator.name, "IndicatorType": types[indicator.pk],
            "CVA": "Yes" if report["cva"] else "No",
            "RMRPActivity": "Yes" if report["rmrp"] else "No",
        }  # fmt: skip
        for column, field in NUMBERS.items():
            row[column] = report[field] or 0
        rows.append(row)
    return rows


def shares(*, variant: str, countries: list[Location]) -> dict:
    """The proportions table as the script reads its workbook: (Country, Admin1, Subsector)
    -> {share column: share}; a population type without a row has no shares (NA)."""
    alias = read_alias()
    out: dict[tuple[str, str, str], dict] = {}
    rows = (
        AgeSexProportions.objects.using(alias)
        .filter(Q(admin1__in=countries) | Q(admin1__parent__in=countries), variant=variant)
        .select_related("admin1__parent", "sector")
    )
    population_of = {key: population for population, key in POPULATION_TYPES.items()}
    for row in rows:
        if row.admin1.level == "country":
            key = (_region_name(row.admin1), COUNTRY_LEVEL, row.sector.region_name)
        else:
            key = (_region_name(row.admin1.parent), _region_name(row.admin1),
                   row.sector.region_name)  # fmt: skip
        cell = out.setdefault(key, {})
        population = population_of[row.population_type]
        for age, field in zip(AGES, ("girls", "boys", "women", "men"), strict=True):
            cell[SHARE_COLUMNS[(population, age)]] = float(getattr(row, field))
    for cell in out.values():  # population types without a row: NA
        for population in POPULATIONS:
            for age in AGES:
                cell.setdefault(SHARE_COLUMNS[(population, age)], None)
    return out


def template(*, countries: list[Location], months: list[str]) -> list[tuple]:
    """The region's template for `countries` and `months`: every platform x country x
    admin1 (as its admin1 list names them, "Country level" included) x subsector
    (Intersector included), as `Consolidated_Template.xlsx` lists them for 2024."""
    names = {_region_name(c) for c in countries}
    subsectors = sorted(
        {s.region_name for s in Sector.objects.using(read_alias()) if s.region_name} | {INTERSECTOR}
    )
    with open(TEMPLATE, encoding="utf-8", newline="") as handle:
        places = [r for r in csv.DictReader(handle) if r["country"] in names]
    return [
        (place["platform"], place["country"], place["admin1"], month, subsector)
        for place in places
        for month in months
        for subsector in subsectors
    ]


def region_consolidation(
    *, countries: list[Location], month_from: date, month_to: date, model: str, variant: str
) -> list[dict]:
    """fct_aggregate_data's output for `countries` over the months, from the service's data."""
    rows = five_w_rows(countries=countries, month_from=month_from, month_to=month_to)
    months = sorted({r["Month"] for r in rows})
    return consolidate(
        rows,
        shares(variant=variant, countries=countries),
        template(countries=countries, months=months),
        model,
    )
