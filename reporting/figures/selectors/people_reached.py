"""People reached without double counting, by the regional consolidation (monthly order)
or the cumulative one."""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db.models import BigIntegerField, Q, Sum
from django.db.models.functions import Cast

from config.api.fields import months_between
from config.db.generations import cached_by_month
from indicators.choices import IndicatorType
from reporting.activities.breakdowns import AGE_SEX_FIELDS, POPULATION_FIELDS
from reporting.common.references import ReferenceIndex
from reporting.figures.choices import (
    Accumulation,
    ConsolidationModel,
    MissingShares,
    Proportions,
    Rounding,
)
from reporting.figures.proportions import Shares, proportions_shares, split
from reporting.figures.selectors.common import (
    AGE,
    POP,
    SOUTHERN_CONE_ADD,
    SOUTHERN_CONE_MAX,
    SOUTHERN_CONE_PROTECTION,
    VECTOR,
    FigureQuery,
    _reports,
    covered_months,
    plain_rows,
    query_key,
    report_count,
    with_names,
)

# --- People reached -------------------------------------------------------------------------
SPLIT_AGE_SEX = ("girls", "boys", "women", "men")  # the cells proportions split into
NO_SHARES = (0, 0, 0, 0)  # a population type with nobody in it needs no shares
AGE_INDEX = {group: VECTOR.index(group) for group in SPLIT_AGE_SEX}


def _highest(
    by_sector: dict[str, list[int]], sectors, shares: dict | None, unknown: list | None = None
) -> list[int]:
    """The max step over `sectors` of one admin1: each population type's (and age/sex
    group's) highest sector; with proportions (`shares`: {sector: {population field:
    shares}}), each sector's population types are split into girls, boys, women and men,
    and the highest sector is taken per population type x age/sex cell.

    With `unknown` (a list), a population type some sector has no shares for is R's NA, as
    in the region's script: the highest of its cells is unknown and counts 0 (and the
    population type is appended to `unknown` if anyone was in it). Without it, such a
    population type has nobody (the caller checked that with `_covered`)."""
    present = [s for s in sectors if s in by_sector]
    if not present:
        return [0] * len(VECTOR)
    if shares is None:
        return [max(by_sector[s][i] for s in present) for i in range(len(VECTOR))]
    out = [0] * len(VECTOR)
    tables = [shares.get(s, {}) for s in present]
    for p, population in enumerate(POP):
        people = [by_sector[s][p] for s in present]
        if not any(people):
            continue  # nobody of this type: its cells are 0, whatever the shares say
        splits = [
            split(n, table) if (table := t.get(population)) is not None else None
            for n, t in zip(people, tables, strict=True)
        ]
        if None in splits and unknown is not None:
            unknown.append(population)
            continue  # max(..., NA) is NA: these cells count 0
        cells = [max(column) for column in zip(*(sp or NO_SHARES for sp in splits), strict=True)]
        out[p] = sum(cells)
        for cell, group in zip(cells, SPLIT_AGE_SEX, strict=True):
            out[AGE_INDEX[group]] += cell
    out[VECTOR.index("cva_new")] = max(by_sector[s][VECTOR.index("cva_new")] for s in present)
    return out


def _covered(by_sector: dict[str, list[int]], sectors, shares: dict | None) -> bool:
    """Whether `shares` hold every population type that has people in `sectors`."""
    if shares is None:
        return False
    return all(
        population in shares.get(s, {})
        for s in sectors
        if s in by_sector
        for p, population in enumerate(POP)
        if by_sector[s][p]
    )


def _consolidate(
    by_sector: dict[str, list[int]],
    model: str,
    shares: dict | None = None,
    missing_shares: str = MissingShares.ZERO,
) -> tuple[list[int], bool]:
    """Combine one admin1's sector vectors into one, by the declared model; and whether
    proportions were wanted for its max step but lacked a share it needed (there, by
    `missing_shares`, those cells counted 0 or the per-population-type max applied)."""
    n = len(VECTOR)
    if model == ConsolidationModel.SUM:
        return [sum(v[i] for v in by_sector.values()) for i in range(n)], False
    step = list(by_sector) if model == ConsolidationModel.MAX_SECTOR else SOUTHERN_CONE_MAX
    if shares is not None and missing_shares == MissingShares.ZERO:
        unknown: list[str] = []
        out = _highest(by_sector, step, shares, unknown)
        missing = bool(unknown)
    else:
        covered = _covered(by_sector, step, shares)
        missing = shares is not None and not covered
        out = _highest(by_sector, step, shares if covered else None)
    # Across sectors the total is built from population types, then added (DOMAIN).
    new = VECTOR.index("new")
    out[new] = sum(out[: len(POP)])
    if model == ConsolidationModel.SOUTHERN_CONE:
        zero = [0] * n
        protection = by_sector.get(SOUTHERN_CONE_PROTECTION, zero)
        added = [sum(by_sector.get(s, zero)[i] for s in SOUTHERN_CONE_ADD) for i in range(n)]
        # The added sectors bring their own totals (a row with only a total counts there).
        out = [out[i] + protection[i] + added[i] for i in range(n)]
    return out, missing


def people_reached(
    *,
    query: FigureQuery,
    model: str,
    accumulation: str,
    references: ReferenceIndex,
    proportions: str = Proportions.NONE,
    uncovered: set[str] | None = None,
    method: "Method | None" = None,
) -> list[dict]:
    """Consolidated people reached: Direct Assistance rows only, new beneficiaries from
    `month_from` (the plan year's start) up to each month asked, combined across sectors per
    admin1 by `model`; a country is the sum of its admin1s.

    `accumulation` orders the two steps. `monthly` (the regional consolidation): each
    month's sectors, at subsector level (Protection (General), Child Protection, GBV and
    Human Trafficking & Smuggling apart), are combined into one intersector row per admin1,
    and the months' rows are added. `cumulative`: subsectors roll into their sector, each
    sector's months are added, and the sectors are combined once."""
    return people_reached_parts(
        parts=[(query, model, accumulation, proportions)],
        group_by=query.group_by,
        references=references,
        uncovered=uncovered,
        method=method,
    )


@dataclass(frozen=True)
class Method:
    """How the max step treats the proportions table: R's rounding and NA (the region's
    script, the default) or the alternatives an analyst may ask for."""

    rounding: str = Rounding.HALF_EVEN
    missing_shares: str = MissingShares.ZERO


def people_reached_parts(
    *,
    parts: list[tuple[FigureQuery, str, str, str]],
    group_by: list[str],
    references: ReferenceIndex,
    uncovered: set[str] | None = None,
    method: Method | None = None,
) -> list[dict]:
    """People reached over several parts of the region, each (query, model, accumulation,
    proportions) consolidated by its own rules (the queries cover disjoint admin1s: a
    country, or countries with the same settings), then added: the regional figure is the
    sum of its countries."""
    indicators = references.indicator_facts()
    direct = {
        i for i, facts in indicators.items() if facts["type"] == IndicatorType.DIRECT_ASSISTANCE
    }
    roots = {facts["sector"]: facts["root_sector"] for facts in indicators.values()}
    results: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(VECTOR))
    missing: set[int] = set()
    for query, model, accumulation, proportions in parts:
        _consolidate_part(
            query, model, accumulation, proportions, direct, indicators, roots, references,
            results, missing, method or Method(),
        )  # fmt: skip
    if uncovered is not None:
        uncovered.update(references.codes()["location"][a][0] for a in missing)
    return [
        _people_row(group_by, key, vector, references)
        for key, vector in sorted(results.items(), key=lambda kv: [str(k) for k in kv[0]])
    ]


def _consolidate_part(
    query, model, accumulation, proportions, direct, indicators, roots, references, results,
    missing, method,
) -> None:  # fmt: skip
    """One part's consolidated people reached, added into `results` (group key -> vector)."""
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
    targets = (
        months_between(query.month_from, query.month_to)
        if "month" in query.group_by
        else [query.month_to]
    )
    shares = None
    if proportions != Proportions.NONE and model != ConsolidationModel.SUM:
        shares = _shares_by_admin1(
            proportions_shares(proportions, query.admin1_ids, method.rounding)
        )
    for target in targets:
        sites = _consolidated_sites(
            by_month, target, query.group_by, roots, (model, method.missing_shares),
            accumulation, shares, missing,
        )  # fmt: skip
        for (admin1, partner, sector), vector in sites.items():
            key = _group_key(query.group_by, target, admin1, partner, sector, references.codes())
            _add(results[key], vector)


def _add(total: list[int], vector: list[int]) -> None:
    for i, value in enumerate(vector):
        total[i] += value


def _shares_by_admin1(shares: Shares) -> dict[int, dict[str, dict]]:
    out: dict[int, dict[str, dict]] = defaultdict(dict)
    for (admin1, sector), by_population in shares.items():
        out[admin1][sector] = by_population
    return out


def _consolidated_sites(
    by_month, target, group_by, roots, rules, accumulation, shares, missing
) -> dict:
    """{(admin1, partner or None, sector or None): people reached up to `target`}, by
    `rules` (model, missing shares). Grouped by sector (or subsector) nothing is combined:
    each row is one sector's sum. Admin1s whose proportions lacked a share their max step
    needed go into `missing`."""
    by_sector = "sector" in group_by or "subsector" in group_by
    months = [m for m in sorted(by_month) if m <= target]

    def combine(site: tuple, sectors: dict[str, list[int]]) -> list[int]:
        table = None if shares is None else shares.get(site[0], {})
        model, missing_shares = rules
        vector, uncovered = _consolidate(sectors, model, table, missing_shares)
        if uncovered:
            missing.add(site[0])
        return vector

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
                _add(sites[key], sum_vectors(sectors) if by_sector else combine(key, sectors))
        return sites
    # Cumulative: each (root) sector's months first, then one consolidation per site.
    per_site = defaultdict(lambda: defaultdict(lambda: [0] * len(VECTOR)))
    for month in months:
        for (admin1, partner, sector), vector in by_month[month].items():
            _add(per_site[(admin1, partner, None)][roots[sector]], vector)
    return {key: combine(key, sectors) for key, sectors in per_site.items()}


def sum_vectors(vectors: dict[str, list[int]]) -> list[int]:
    return [sum(column) for column in zip(*vectors.values(), strict=True)]


def _people_cells(query, direct, indicators, group_partner, months) -> dict[date, dict]:
    """{month: {(admin1, partner or None, subsector): vector} for `months`, one query
    summing by subsector in the database, its rows read as plain tuples of integers (a
    region's year is some 100,000 cells: Django's per-value converters, or numeric sums
    made Decimals, would cost more than the query)."""
    keys = ["month", "admin1_id", "indicator__sector__code"]
    keys += ["partner_id"] if group_partner else []
    whole = {f: Cast(Sum(f), BigIntegerField()) for f in [*POP, *AGE]}
    source = _reports(query, indicator_ids=direct, months=months, cells=not group_partner)
    rows = (
        source.values(*keys)
        .annotate(
            **whole,
            new=Cast(Sum("new_beneficiaries"), BigIntegerField()),
            cva_new=Cast(Sum("new_beneficiaries", filter=Q(cva=True)), BigIntegerField()),
            reports_n=Cast(report_count(source), BigIntegerField()),
        )
        .order_by()
    )
    out: dict[date, dict[tuple, list[int]]] = {month: {} for month in months}
    by_text = {m.isoformat(): m for m in months}  # SQLite answers dates as text
    for month, admin1, sector, *rest in plain_rows(rows):
        *values, reports = rest
        if not reports:
            continue  # changes that cancelled out: no report there
        partner = values.pop(0) if group_partner else None
        cell = out[by_text.get(month, month)].setdefault(
            (admin1, partner, sector), [0] * len(VECTOR)
        )
        for i, value in enumerate(values):
            cell[i] += value or 0
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
