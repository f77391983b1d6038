"""The figures analysts publish, computed from live 5W reports (selectors: reads only).

Every aggregate is one GROUP BY over the report table alone; codes, sectors and countries
come from the ReferenceIndex, and the cross-sector consolidation runs in Python over the
few thousand (month, admin1, sector) cells that query returns.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet, Sum

from config.db.generations import cached_by_month
from config.db.routing import read_alias
from indicators.choices import IndicatorType
from reporting.activities.models import AGE_SEX_FIELDS, POPULATION_FIELDS, ActivityReport
from reporting.common.references import ReferenceIndex
from reporting.figures.choices import ConsolidationModel
from reporting.figures.models import CountryFigureSettings
from reporting.periods.choices import PeriodStatus
from reporting.periods.models import ReportingPeriod

GROUP_DIMENSIONS = ("month", "country", "admin1", "sector", "partner")


POP = [f for _, f in POPULATION_FIELDS]


AGE = [f for _, f in AGE_SEX_FIELDS]


VECTOR = [*POP, *AGE, "new", "cva_new"]


SOUTHERN_CONE_MAX = ("SHE", "FS", "HT", "WASH")


SOUTHERN_CONE_ADD = ("INT", "MPC", "HEA", "EDU")


SOUTHERN_CONE_PROTECTION = "PRT"


@dataclass
class FigureQuery:
    """What the caller asked for, with codes already resolved to ids."""

    month_from: date
    month_to: date
    group_by: list[str] = field(default_factory=list)
    admin1_ids: set[int] | None = None  # from country/admin1 filters
    indicator_ids: set[int] | None = None  # from the sector filter
    partner_id: int | None = None
    rmrp: bool | None = None
    cva: bool | None = None


def _months(start: date, end: date) -> list[date]:
    out, current = [], start
    while current <= end:
        out.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return out


def query_key(query: FigureQuery) -> dict:
    """The query as a cache key part: sets sorted, so equal queries give equal keys."""
    return {
        name: sorted(value) if isinstance(value, set) else value
        for name, value in asdict(query).items()
    }


def covered_months(query: FigureQuery) -> list[date]:
    return _months(query.month_from, query.month_to)


def provisional(start: date, end: date) -> bool:
    """A figure is provisional while any month it covers is still open."""
    locked = (
        ReportingPeriod.objects.using(read_alias())
        .filter(month__gte=start, month__lte=end, status=PeriodStatus.LOCKED)
        .count()
    )
    return locked < len(_months(start, end))


def _reports(
    query: FigureQuery, *, indicator_ids: set[int] | None = None, months: list[date] | None = None
) -> QuerySet:
    qs = ActivityReport.objects.using(read_alias())
    if months is not None:  # some months of the range only
        qs = qs.filter(month__any=months)
    else:
        qs = qs.filter(month__gte=query.month_from, month__lte=query.month_to)
    if query.admin1_ids is not None:
        qs = qs.filter(admin1_id__in=query.admin1_ids)
    ids = query.indicator_ids
    if indicator_ids is not None:
        ids = indicator_ids if ids is None else ids & indicator_ids
    if ids is not None:
        qs = qs.filter(indicator_id__in=ids)
    if query.partner_id is not None:
        qs = qs.filter(partner_id=query.partner_id)
    if query.rmrp is not None:
        qs = qs.filter(rmrp=query.rmrp)
    if query.cva is not None:
        qs = qs.filter(cva=query.cva)
    return qs


PLATFORM_COUNTRY = "PER"  # the platform's own country, when a query names none


def default_settings(country_pcode: str | None) -> tuple[str, bool, str]:
    """(model, rmrp_only, where they come from) for the country; without a declaration,
    max_sector and RMRP only."""
    pcode = country_pcode or PLATFORM_COUNTRY
    setting = CountryFigureSettings.objects.filter(country__pcode=pcode).first()
    if setting is None:
        return ConsolidationModel.MAX_SECTOR, True, "platform_default"
    return setting.consolidation_model, setting.rmrp_only, "country_setting"


# --- People reached -------------------------------------------------------------------------
def _consolidate(by_sector: dict[str, list[int]], model: str) -> list[int]:
    """Combine one admin1's sector vectors into one, by the declared model."""
    n = len(VECTOR)
    if model == ConsolidationModel.SUM:
        return [sum(v[i] for v in by_sector.values()) for i in range(n)]
    if model == ConsolidationModel.MAX_SECTOR:
        out = [max(v[i] for v in by_sector.values()) for i in range(n)]
    else:
        zero = [0] * n
        out = []
        for i in range(n):
            highest = max((by_sector.get(s, zero)[i] for s in SOUTHERN_CONE_MAX), default=0)
            protection = by_sector.get(SOUTHERN_CONE_PROTECTION, zero)[i]
            added = sum(by_sector.get(s, zero)[i] for s in SOUTHERN_CONE_ADD)
            out.append(highest + protection + added)
    # Across sectors the total is built from population types, then added (DOMAIN).
    out[VECTOR.index("new")] = sum(out[: len(POP)])
    return out


def people_reached(*, query: FigureQuery, model: str, references: ReferenceIndex) -> list[dict]:
    """Consolidated people reached: Direct Assistance rows only, new beneficiaries summed
    from `month_from` (the plan year's start) to each month asked, combined across sectors
    per admin1 by `model`; a country is the sum of its admin1s."""
    codes = references.codes()
    indicators = references.indicator_facts()
    direct = {
        i for i, facts in indicators.items() if facts["type"] == IndicatorType.DIRECT_ASSISTANCE
    }
    group_partner = "partner" in query.group_by
    # Cells: (month, admin1, partner, sector) -> vector, for the months of the range. Each
    # month's cells are cached on their own (config.db.generations): a write to the month
    # being reported leaves the earlier months of a cumulative figure cached.
    by_month = cached_by_month(
        "people_cells",
        # What selects the reports, besides the months: each month's cells serve any range.
        [
            query_key(replace(query, month_from=None, month_to=None, group_by=[])),
            sorted(direct),
            group_partner,
        ],
        covered_months(query),
        lambda months: _people_cells(query, direct, indicators, group_partner, months),
    )
    cells = {
        (month, *site): vector for month, month_cells in by_month.items()
        for site, vector in month_cells.items()
    }  # fmt: skip

    targets = (
        _months(query.month_from, query.month_to) if "month" in query.group_by else [query.month_to]
    )
    group_sector = "sector" in query.group_by
    results: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(VECTOR))
    for target in targets:
        # Cumulative from the start of the range up to the target month.
        sites: dict[tuple, dict[str, list[int]]] = defaultdict(
            lambda: defaultdict(lambda: [0] * len(VECTOR))
        )
        for (month, admin1, partner, sector), vector in cells.items():
            if month > target:
                continue
            site = sites[(admin1, partner, sector if group_sector else None)][sector]
            for i, value in enumerate(vector):
                site[i] += value
        for (admin1, partner, sector), by_sector in sites.items():
            vector = (
                _consolidate(by_sector, model)
                if not group_sector
                else next(iter(by_sector.values()))
            )
            key = _group_key(query.group_by, target, admin1, partner, sector, codes)
            for i, value in enumerate(vector):
                results[key][i] += value
    return [
        _people_row(query.group_by, key, vector)
        for key, vector in sorted(results.items(), key=lambda kv: [str(k) for k in kv[0]])
    ]


def _people_cells(query, direct, indicators, group_partner, months) -> dict[date, dict]:
    """{month: {(admin1, partner or None, root sector): vector}} for `months`, one query."""
    keys = ["admin1_id", "indicator_id", "month"] + (["partner_id"] if group_partner else [])
    sums = {f: Sum(f) for f in [*POP, *AGE]}
    rows = (
        _reports(query, indicator_ids=direct, months=months)
        .values(*keys)
        .annotate(
            **sums,
            new=Sum("new_beneficiaries"),
            cva_new=Sum("new_beneficiaries", filter=Q(cva=True)),
        )
        .order_by()
    )
    out: dict[date, dict[tuple, list[int]]] = {month: {} for month in months}
    for row in rows:
        sector = indicators[row["indicator_id"]]["root_sector"]
        site = (row["admin1_id"], row.get("partner_id"), sector)
        cell = out[row["month"]].setdefault(site, [0] * len(VECTOR))
        for i, name in enumerate(VECTOR):
            cell[i] += row[name] or 0
    return out


def _group_key(group_by, month, admin1, partner, sector, codes) -> tuple:
    values = {
        "month": f"{month:%Y-%m}",
        "country": codes["location"][admin1][1],
        "admin1": codes["location"][admin1][0],
        "sector": sector,
        "partner": codes["partner"][partner][0] if partner else None,
    }
    return tuple(values[g] for g in group_by)


def _people_row(group_by, key, vector) -> dict[str, Any]:
    named = dict(zip(VECTOR, vector, strict=True))
    total = named["new"]
    population = {api: named[f] for api, f in POPULATION_FIELDS}
    age_sex = {api: named[f] for api, f in AGE_SEX_FIELDS}
    flags = []
    if sum(population.values()) != total:
        flags.append("population_differs_from_total")
    if sum(age_sex.values()) != total:
        flags.append("age_sex_differs_from_total")
    if named["cva_new"] > total:
        flags.append("cva_people_exceed_total")
    return {
        **dict(zip(group_by, key, strict=True)),
        "people_reached": total,
        "population": population,
        "age_sex": age_sex,
        "cva_people": named["cva_new"],
        "flags": flags,
    }


# --- Monthly beneficiaries and indicator totals ------------------------------------------------
def _dimension_values(group_by, row, codes, indicators) -> dict[str, Any]:
    out = {}
    for g in group_by:
        if g == "month":
            out[g] = f"{row['month']:%Y-%m}"
        elif g == "admin1":
            out[g] = codes["location"][row["admin1_id"]][0]
        elif g == "country":
            out[g] = codes["location"][row["admin1_id"]][1]
        elif g == "partner":
            out[g] = codes["partner"][row["partner_id"]][0]
        elif g == "sector":
            out[g] = indicators[row["indicator_id"]]["root_sector"]
    return out


_COLUMN = {
    "month": "month",
    "admin1": "admin1_id",
    "country": "admin1_id",
    "partner": "partner_id",
    "sector": "indicator_id",
}


def monthly_beneficiaries(*, query: FigureQuery, references: ReferenceIndex) -> list[dict]:
    """Total monthly beneficiaries (people assisted each month, counted every month), with
    the RMRP / non-RMRP split, grouped as asked."""
    codes, indicators = references.codes(), references.indicator_facts()
    columns = sorted({_COLUMN[g] for g in query.group_by})
    rows = (
        _reports(query)
        .values(*columns)
        .annotate(
            rmrp_total=Sum("total_beneficiaries", filter=Q(rmrp=True)),
            other_total=Sum("total_beneficiaries", filter=Q(rmrp=False)),
        )
        .order_by()
    )
    out: dict[tuple, dict] = {}
    for row in rows:
        dims = _dimension_values(query.group_by, row, codes, indicators)
        key = tuple(dims.values())
        entry = out.setdefault(key, {**dims, "rmrp": 0, "no_rmrp": 0, "total": 0})
        entry["rmrp"] += row["rmrp_total"] or 0
        entry["no_rmrp"] += row["other_total"] or 0
        entry["total"] = entry["rmrp"] + entry["no_rmrp"]
    return [out[k] for k in sorted(out, key=lambda k: [str(v) for v in k])]


def indicator_totals(*, query: FigureQuery, references: ReferenceIndex) -> list[dict]:
    """Per indicator: quantity, total and new beneficiaries, and how many partners report."""
    codes, indicators = references.codes(), references.indicator_facts()
    group_by = [g for g in query.group_by if g != "sector"]  # the indicator fixes its sector
    columns = sorted({"indicator_id", "partner_id", *(_COLUMN[g] for g in group_by)})
    rows = (
        _reports(query)
        .values(*columns)
        .annotate(
            quantity=Sum("quantity"), total=Sum("total_beneficiaries"), new=Sum("new_beneficiaries")
        )
        .order_by()
    )
    out: dict[tuple, dict] = {}
    partners: dict[tuple, set[int]] = defaultdict(set)
    for row in rows:
        facts = indicators[row["indicator_id"]]
        dims = _dimension_values(group_by, row, codes, indicators)
        key = (facts["code"], *dims.values())
        entry = out.setdefault(
            key,
            {
                "indicator": facts["code"],
                "indicator_name": facts["name"],
                "unit": facts["unit"],
                "sector": facts["sector"],
                "indicator_type": facts["type"],
                **dims,
                "quantity": 0,
                "total_beneficiaries": 0,
                "new_beneficiaries": 0,
                "partners": 0,
            },
        )
        entry["quantity"] += row["quantity"] or 0
        entry["total_beneficiaries"] += row["total"] or 0
        entry["new_beneficiaries"] += row["new"] or 0
        partners[key].add(row["partner_id"])
    for key, entry in out.items():
        entry["partners"] = len(partners[key])
    return [out[k] for k in sorted(out, key=lambda k: [str(v) for v in k])]
