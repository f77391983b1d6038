"""Load the versioned reference data files idempotently: the region's partners, sectors and
indicators (data/reference/*.csv), and each country's locations and border points
(data/reference/countries/<ISO3>/*.csv). One country, several or all can be loaded.

Each file is upserted on its natural key; a second run changes nothing. Rows are never
deleted: a code that disappears from a file stays in the database (reports refer to it);
retire an indicator with `active=false` instead.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction

from config.api.fields import parse_bool
from indicators.models import Indicator, Sector
from partners.models import Partner
from reporting.border_flows.models import BorderPoint
from reporting.locations.models import Location, Platform

DEFAULT_DIRECTORY = Path(settings.BASE_DIR) / "data" / "reference"


@dataclass
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _bool(value: str) -> bool:
    return bool(value.strip()) and parse_bool(value)


def _upsert(
    model: type[models.Model],
    key: str,
    rows: list[dict[str, str]],
    convert: Callable[[dict[str, str]], dict[str, Any]],
    existing: dict[str, models.Model] | None = None,
) -> LoadCounts:
    """Upsert `rows` on `key`; `existing` (key -> object) is filled as rows are created."""
    counts = LoadCounts()
    if existing is None:
        existing = {getattr(obj, key): obj for obj in model.objects.all()}
    for row in rows:
        values = convert(row)
        obj = existing.get(row[key])
        if obj is None:
            obj = model(**{key: row[key]}, **values)
            obj.full_clean()
            obj.save()
            existing[row[key]] = obj
            counts.created += 1
        elif any(getattr(obj, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(obj, field, value)
            obj.full_clean()
            obj.save()
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts


def _read(directory: Path, name: str) -> list[dict[str, str]]:
    with open(directory / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class UnknownCountry(ValueError):
    """A country asked for has no folder of reference data."""


def reference_countries(directory: Path = DEFAULT_DIRECTORY) -> list[str]:
    """The countries with reference data: the ISO3 folders under `countries/`."""
    return sorted(p.name for p in (directory / "countries").iterdir() if p.is_dir())


@transaction.atomic
def reference_data_load(
    *, directory: Path = DEFAULT_DIRECTORY, countries: list[str] | None = None
) -> dict[str, LoadCounts]:
    """The shared files, then the locations and border points of `countries` (ISO3; all of
    them when None)."""
    available = reference_countries(directory)
    countries = available if countries is None else [c.upper() for c in countries]
    unknown = sorted(set(countries) - set(available))
    if unknown:
        raise UnknownCountry(
            f"No reference data for {', '.join(unknown)} in {directory / 'countries'} "
            f"(there is: {', '.join(available)})."
        )
    results: dict[str, LoadCounts] = {}
    results["partners"] = _upsert(
        Partner,
        "code",
        _read(directory, "partners.csv"),
        lambda r: {"name": r["name"], "type": r["type"], "appealing": _bool(r["appealing"])},
    )
    results["sectors"], results["indicators"] = _load_sectors_and_indicators(directory)
    platforms = {p.code: p for p in Platform.objects.all()}
    results["platforms"] = _upsert(
        Platform, "code", _read(directory, "platforms.csv"),
        lambda r: {"name": r["name"], "name_es": r["name_es"]}, platforms,
    )  # fmt: skip
    folders = [directory / "countries" / country for country in countries]
    results["locations"], by_pcode = _load_locations(folders, platforms)
    results["border_points"] = _upsert(
        BorderPoint,
        "code",
        [row for folder in folders for row in _read(folder, "border_points.csv")],
        lambda r: {
            "name": r["name"],
            "admin1": by_pcode[r["admin1"]],
            "admin2": by_pcode.get(r["admin2"]),
            "neighbour_country": r["neighbour_country"],
            "kind": r["kind"],
            "latitude": Decimal(r["latitude"]) if r["latitude"] else None,
            "longitude": Decimal(r["longitude"]) if r["longitude"] else None,
        },
    )
    return results


def _load_sectors_and_indicators(directory: Path) -> tuple[LoadCounts, LoadCounts]:
    # Top-level sectors first, so each parent exists before its subsectors are read.
    sectors = sorted(_read(directory, "sectors.csv"), key=lambda r: bool(r["parent"]))
    sector_by_code: dict[str, Sector] = {s.code: s for s in Sector.objects.all()}
    sector_counts = _upsert(
        Sector,
        "code",
        sectors,
        lambda r: {
            "name": r["name"],
            "name_es": r.get("name_es", ""),
            "parent": sector_by_code.get(r["parent"]),
            "region_name": r.get("region_name", ""),
        },
        sector_by_code,
    )
    indicator_counts = _upsert(
        Indicator,
        "code",
        _read(directory, "indicators.csv"),
        lambda r: {
            "name": r["name"],
            "name_es": r.get("name_es", ""),
            "sector": sector_by_code[r["sector"]],
            "indicator_type": r["indicator_type"],
            "unit": r["unit"],
            "active": _bool(r["active"]),
            # optional columns: the plan years whose catalogue has it (empty: any year)
            "first_plan_year": int(r["first_plan_year"]) if r.get("first_plan_year") else None,
            "last_plan_year": int(r["last_plan_year"]) if r.get("last_plan_year") else None,
        },
    )
    return sector_counts, indicator_counts


def _load_locations(
    folders: list[Path], platforms: dict[str, Platform]
) -> tuple[LoadCounts, dict[str, Location]]:
    level_order = {"country": 0, "admin1": 1, "admin2": 2}
    rows = [row for folder in folders for row in _read(folder, "locations.csv")]
    locations = sorted(rows, key=lambda r: level_order[r["level"]])
    by_pcode: dict[str, Location] = {loc.pcode: loc for loc in Location.objects.all()}

    def location_values(row: dict[str, str]) -> dict[str, Any]:
        return {
            "name": row["name"],
            "level": row["level"],
            "parent": by_pcode[row["parent"]] if row["parent"] else None,
            "name_es": row.get("name_es") or row["name"],
            "region_name": row.get("region_name", ""),
            "platform": platforms.get(row.get("platform") or ""),
        }

    # Sorted by level, so each parent is in `by_pcode` before its children are read.
    return _upsert(Location, "pcode", locations, location_values, by_pcode), by_pcode
