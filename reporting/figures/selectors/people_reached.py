"""People reached without double counting, by the regional consolidation (monthly order)
or the cumulative one."""

from collections import defaultdict
from dataclasses import replace
from datetime import date
from typing import Any

from django.db.models import Q, Sum

from config.db.generations import cached_by_month
from indicators.choices import IndicatorType
from reporting.activities.models import AGE_SEX_FIELDS, POPULATION_FIELDS
from reporting.common.references import ReferenceIndex
from reporting.figures.choices import Accumulation, ConsolidationModel
from reporting.figures.selectors.common import (
    AGE,
    POP,
    SOUTHERN_CONE_ADD,
    SOUTHERN_CONE_MAX,
    SOUTHERN_CONE_PROTECTION,
    VECTOR,
    FigureQuery,
    _months,
    _reports,
    covered_months,
    query_key,
    with_names,
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
