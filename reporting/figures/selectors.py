"""The figures analysts publish, computed from live 5W reports (selectors: reads only).

Every aggregate is one GROUP BY over the report table alone; codes, sectors and countries
come from the ReferenceIndex, and the cross-sector consolidation runs in Python over the
few thousand (month, admin1, sector) cells that query returns.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from config.db.generations import cached_by_month
from config.db.routing import read_alias
from indicators.choices import IndicatorType
from reporting.activities.models import AGE_SEX_FIELDS, POPULATION_FIELDS, ActivityReport
from reporting.common.references import ReferenceIndex
from reporting.figures.choices import Accumulation, ConsolidationModel
from reporting.figures.models import CountryFigureSettings, PlanTarget
from reporting.periods.choices import PeriodStatus
from reporting.periods.models import ReportingPeriod

GROUP_DIMENSIONS = ("month", "country", "admin1", "sector", "subsector", "partner")
CASH_DIMENSIONS = (*GROUP_DIMENSIONS, "delivery_mechanism")
# A dimension's codes and the names printed next to them (`admin1` and `admin1_name`).
NAMED_DIMENSIONS = {
    "country": "location", "admin1": "location", "sector": "sector", "subsector": "sector",
    "partner": "partner",
}  # fmt: skip


def with_names(dims: dict[str, Any], references: ReferenceIndex) -> dict[str, Any]:
    """The dimensions of a figure row, each code followed by its name, so an analyst's CSV
    reads without a lookup table."""
    names = references.names()
    out: dict[str, Any] = {}
    for dimension, value in dims.items():
        out[dimension] = value
        kind = NAMED_DIMENSIONS.get(dimension)
        if kind is not None:
            out[f"{dimension}_name"] = names[kind].get(value) if value else None
    return out


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


@dataclass(frozen=True)
class PeopleReachedSettings:
    """How people reached is consolidated, and where each choice came from: `query`,
    `country_setting` or `platform_default`."""

    model: str
    model_source: str
    accumulation: str
    accumulation_source: str
    rmrp_only: bool


def people_reached_settings(
    country_pcode: str | None, *, model: str | None = None, accumulation: str | None = None
) -> PeopleReachedSettings:
    """The request's choices, else the country's declaration, else the platform's default
    (max_sector, the regional monthly order, RMRP only)."""
    pcode = country_pcode or PLATFORM_COUNTRY
    setting = CountryFigureSettings.objects.filter(country__pcode=pcode).first()
    declared = "country_setting" if setting is not None else "platform_default"
    setting = setting or CountryFigureSettings()
    return PeopleReachedSettings(
        model=model or setting.consolidation_model,
        model_source="query" if model else declared,
        accumulation=accumulation or setting.accumulation,
        accumulation_source="query" if accumulation else declared,
        rmrp_only=setting.rmrp_only,
    )


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


def people_reached(
    *, query: FigureQuery, model: str, accumulation: str, references: ReferenceIndex
) -> list[dict]:
    """Consolidated people reached: Direct Assistance rows only, new beneficiaries from
    `month_from` (the plan year's start) up to each month asked, combined across sectors per
    admin1 by `model`; a country is the sum of its admin1s.

    `accumulation` orders the two steps. `monthly` (the regional consolidation): each
    month's sectors, at subsector level (Protection (General), Child Protection, GBV and
    Human Trafficking & Smuggling apart), are combined into one intersector row per admin1,
    and the months' rows are added. `cumulative`: subsectors roll into their sector, each
    sector's months are added, and the sectors are combined once."""
    indicators = references.indicator_facts()
    direct = {
        i for i, facts in indicators.items() if facts["type"] == IndicatorType.DIRECT_ASSISTANCE
    }
    group_partner = "partner" in query.group_by
    # Cells: (month, admin1, partner, sector or subsector) -> vector, for the months of the
    # range. Each month's cells are cached on their own (config.db.generations): a write to
    # the month being reported leaves the earlier months of a cumulative figure cached.
    by_month = cached_by_month(
        "people_cells_by_subsector",
        # What selects the reports, besides the months: each month's cells serve any range.
        [
            query_key(replace(query, month_from=None, month_to=None, group_by=[])),
            sorted(direct),
            group_partner,
        ],
        covered_months(query),
        lambda months: _people_cells(query, direct, indicators, group_partner, months),
    )
    roots = {facts["sector"]: facts["root_sector"] for facts in indicators.values()}
    targets = (
        _months(query.month_from, query.month_to) if "month" in query.group_by else [query.month_to]
    )
    results: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(VECTOR))
    for target in targets:
        sites = _consolidated_sites(by_month, target, query.group_by, roots, model, accumulation)
        for (admin1, partner, sector), vector in sites.items():
            key = _group_key(query.group_by, target, admin1, partner, sector, references.codes())
            _add(results[key], vector)
    return [
        _people_row(query.group_by, key, vector, references)
        for key, vector in sorted(results.items(), key=lambda kv: [str(k) for k in kv[0]])
    ]


def _add(total: list[int], vector: list[int]) -> None:
    for i, value in enumerate(vector):
        total[i] += value


def _consolidated_sites(by_month, target, group_by, roots, model, accumulation) -> dict:
    """{(admin1, partner or None, sector or None): people reached up to `target`}. Grouped
    by sector (or subsector) nothing is combined: each row is one sector's sum."""
    by_sector = "sector" in group_by or "subsector" in group_by
    months = [m for m in sorted(by_month) if m <= target]
    sites: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(VECTOR))
    if by_sector or accumulation == Accumulation.MONTHLY:
        for month in months:
            per_site: dict[tuple, dict[str, list[int]]] = defaultdict(dict)
            for (admin1, partner, sector), vector in by_month[month].items():
                if "sector" in group_by:
                    sector = roots[sector]
                key = (admin1, partner, sector if by_sector else None)
                _add(per_site[key].setdefault(sector, [0] * len(VECTOR)), vector)
            for key, sectors in per_site.items():
                _add(
                    sites[key],
                    _consolidate(sectors, model) if not by_sector else sum_vectors(sectors),
                )
        return sites
    # Cumulative: each (root) sector's months first, then one consolidation per site.
    per_site = defaultdict(lambda: defaultdict(lambda: [0] * len(VECTOR)))
    for month in months:
        for (admin1, partner, sector), vector in by_month[month].items():
            _add(per_site[(admin1, partner, None)][roots[sector]], vector)
    return {key: _consolidate(sectors, model) for key, sectors in per_site.items()}


def sum_vectors(vectors: dict[str, list[int]]) -> list[int]:
    return [sum(column) for column in zip(*vectors.values(), strict=True)]


def _people_cells(query, direct, indicators, group_partner, months) -> dict[date, dict]:
    """{month: {(admin1, partner or None, sector or subsector): vector} for `months`, one
    query."""
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
        sector = indicators[row["indicator_id"]]["sector"]  # subsector level; rolled up later
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
        "subsector": sector,
        "partner": codes["partner"][partner][0] if partner else None,
    }
    return tuple(values[g] for g in group_by)


def _people_row(group_by, key, vector, references: ReferenceIndex) -> dict[str, Any]:
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
        **with_names(dict(zip(group_by, key, strict=True)), references),
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
        elif g == "subsector":
            out[g] = indicators[row["indicator_id"]]["sector"]
        elif g == "delivery_mechanism":
            out[g] = row["delivery_mechanism"]
    return out


_COLUMN = {
    "month": "month",
    "admin1": "admin1_id",
    "country": "admin1_id",
    "partner": "partner_id",
    "sector": "indicator_id",
    "subsector": "indicator_id",
    "delivery_mechanism": "delivery_mechanism",
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
        entry = out.setdefault(
            key, {**with_names(dims, references), "rmrp": 0, "no_rmrp": 0, "total": 0}
        )
        entry["rmrp"] += row["rmrp_total"] or 0
        entry["no_rmrp"] += row["other_total"] or 0
        entry["total"] = entry["rmrp"] + entry["no_rmrp"]
    return [out[k] for k in sorted(out, key=lambda k: [str(v) for v in k])]


def indicator_totals(*, query: FigureQuery, references: ReferenceIndex) -> list[dict]:
    """Per indicator: quantity, total and new beneficiaries, and how many partners report."""
    codes, indicators = references.codes(), references.indicator_facts()
    # The indicator fixes its sector and subsector.
    group_by = [g for g in query.group_by if g not in ("sector", "subsector")]
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
                "sector_name": references.names()["sector"].get(facts["sector"]),
                "indicator_type": facts["type"],
                **with_names(dims, references),
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


def cash_figures(*, query: FigureQuery, references: ReferenceIndex) -> list[dict]:
    """Cash and voucher assistance: the value in USD and the people it reached (total and
    new beneficiaries of CVA rows), grouped as asked (e.g. by sector, admin1, delivery
    mechanism, month)."""
    codes, indicators = references.codes(), references.indicator_facts()
    columns = sorted({_COLUMN[g] for g in query.group_by})
    rows = (
        _reports(replace(query, cva=True))
        .values(*columns)
        .annotate(
            value=Sum("cva_value_usd"),
            people=Sum("total_beneficiaries"),
            new=Sum("new_beneficiaries"),
            reports=Count("id"),
        )
        .order_by()
    )
    out: dict[tuple, dict] = {}
    for row in rows:
        dims = _dimension_values(query.group_by, row, codes, indicators)
        entry = out.setdefault(
            tuple(dims.values()),
            {**with_names(dims, references), "cva_value_usd": Decimal(0), "people": 0,
             "new_people": 0, "reports": 0},
        )  # fmt: skip
        entry["cva_value_usd"] += row["value"] or 0
        entry["people"] += row["people"] or 0
        entry["new_people"] += row["new"] or 0
        entry["reports"] += row["reports"]
    return [out[k] for k in sorted(out, key=lambda k: [str(v) for v in k])]


# --- Progress against the plan ------------------------------------------------------------------
def progress(*, query: FigureQuery, references: ReferenceIndex) -> list[dict]:
    """People reached per sector (cumulative from January, subsectors in their sector)
    against the plan year's target and people in need, per admin1 (or country)."""
    geo = [g for g in query.group_by if g in ("country", "admin1")] or ["admin1"]
    by_sector = replace(query, group_by=[*geo, "sector"])
    reached = {
        tuple(row[g] for g in (*geo, "sector")): row["people_reached"]
        for row in people_reached(
            query=by_sector,
            model=ConsolidationModel.SUM,
            accumulation=Accumulation.MONTHLY,
            references=references,
        )  # fmt: skip
    }
    planned = _plan_targets(query, geo, references)
    out = []
    for key in sorted(reached.keys() | planned.keys()):
        people = reached.get(key, 0)
        target, in_need = planned.get(key, (None, None))
        out.append(
            {
                **with_names(dict(zip((*geo, "sector"), key, strict=True)), references),
                "people_reached": people,
                "target": target,
                "people_in_need": in_need,
                "reached_pct_of_target": round(100 * people / target, 1) if target else None,
                "reached_pct_of_pin": round(100 * people / in_need, 1) if in_need else None,
            }
        )
    return out


def _plan_targets(query: FigureQuery, geo: list[str], references) -> dict[tuple, tuple]:
    """{(geo..., sector): (target, people in need)} of the plan year of `month_to`: a cell's
    all-populations row, or else the sum of its population-type rows."""
    targets = PlanTarget.objects.using(read_alias()).filter(plan_year=query.month_to.year)
    if query.admin1_ids is not None:
        targets = targets.filter(admin1_id__in=query.admin1_ids)
    if query.indicator_ids is not None:
        facts = references.indicator_facts()
        targets = targets.filter(
            sector__code__in={facts[i]["root_sector"] for i in query.indicator_ids}
        )
    cells: dict[tuple, dict[str, list]] = defaultdict(lambda: {"all": [], "typed": []})
    for admin1, sector, population_type, target, in_need in targets.values_list(
        "admin1_id", "sector__code", "population_type", "target", "people_in_need"
    ):
        cells[(admin1, sector)]["typed" if population_type else "all"].append((target, in_need))
    codes = references.codes()["location"]
    out: dict[tuple, list] = {}
    for (admin1, sector), rows in cells.items():
        chosen = rows["all"] or rows["typed"]
        place = {"admin1": codes[admin1][0], "country": codes[admin1][1]}
        key = (*(place[g] for g in geo), sector)
        totals = out.setdefault(key, [0, None])
        totals[0] += sum(t for t, _ in chosen)
        needs = [n for _, n in chosen if n is not None]
        if needs:
            totals[1] = (totals[1] or 0) + sum(needs)
    return {key: tuple(value) for key, value in out.items()}
