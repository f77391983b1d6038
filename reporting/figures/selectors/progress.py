"""People reached per sector against the plan's targets and people in need."""

from collections import defaultdict
from dataclasses import replace

from django.db.models import Q

from config.db.routing import read_alias
from reporting.common.references import ReferenceIndex
from reporting.figures.choices import Accumulation, ConsolidationModel
from reporting.figures.models import PlanTarget
from reporting.figures.selectors.common import (
    FigureQuery,
    with_names,
)
from reporting.figures.selectors.people_reached import people_reached
from reporting.locations.choices import LocationLevel


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
    """{(geo..., sector): (target, people in need)} of the plan year of `month_to`, for
    sectors (not subsectors, not all sectors together), all ages and sexes: a cell's
    all-populations row, or else the sum of its population-type rows. Per country, the
    plan's figures of the country as a whole where it has them (the region's "Country
    level"), else the sum of its admin1 areas."""
    targets = PlanTarget.objects.using(read_alias()).filter(
        plan_year=query.month_to.year, age_sex="", sector__parent__isnull=True
    )
    if query.admin1_ids is not None:
        codes = references.codes()["location"]
        ids = {code: pk for pk, (code, _parent) in codes.items()}
        countries = {ids[codes[a][1]] for a in query.admin1_ids if codes[a][1] in ids}
        whole = [c for c in countries if references.admin1_ids_of(c) <= query.admin1_ids]
        targets = targets.filter(Q(admin1_id__in=query.admin1_ids) | Q(admin1_id__in=whole))
    if query.indicator_ids is not None:
        facts = references.indicator_facts()
        targets = targets.filter(
            sector__code__in={facts[i]["root_sector"] for i in query.indicator_ids}
        )
    if "admin1" in geo:
        targets = targets.exclude(admin1__level=LocationLevel.COUNTRY)
    cells: dict[tuple, dict[str, list]] = defaultdict(lambda: {"all": [], "typed": []})
    for place, sector, population_type, target, in_need in targets.values_list(
        "admin1_id", "sector__code", "population_type", "target", "people_in_need"
    ):
        cells[(place, sector)]["typed" if population_type else "all"].append((target, in_need))
    codes = references.codes()["location"]
    out: dict[tuple, list] = {}
    whole_countries = set()
    for (place, sector), rows in sorted(cells.items(), key=lambda c: codes[c[0][0]][1] is not None):
        chosen = rows["all"] or rows["typed"]
        code, parent = codes[place]
        if parent is None:  # the country as a whole comes first, and stands for it
            where = {"country": code}
            whole_countries.add((code, sector))
        elif (parent, sector) in whole_countries and "admin1" not in geo:
            continue
        else:
            where = {"admin1": code, "country": parent}
        key = (*(where[g] for g in geo), sector)
        totals = out.setdefault(key, [None, None])
        for index, values in enumerate(zip(*chosen, strict=True)):
            figures = [v for v in values if v is not None]
            if figures:
                totals[index] = (totals[index] or 0) + sum(figures)
    return {key: tuple(value) for key, value in out.items()}
