"""People reached per sector against the plan's targets and people in need."""

from collections import defaultdict
from dataclasses import replace

from config.db.routing import read_alias
from reporting.common.references import ReferenceIndex
from reporting.figures.choices import Accumulation, ConsolidationModel
from reporting.figures.models import PlanTarget
from reporting.figures.selectors.common import (
    FigureQuery,
    with_names,
)
from reporting.figures.selectors.people_reached import people_reached


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
