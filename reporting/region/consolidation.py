"""The region's consolidation, step by step as `fct_aggregate_data.R` does it (the regional
platform's own script, MIT licence, (c) UNHCR): people reached per country x admin1 x
month x subsector, and the intersector figure by one of its three models.

Plain rows in, plain rows out, in the script's column names, so that a figure here and the
script's output can be compared value by value (tests/reporting/region/). What the script
does and this port keeps, where a reader might expect otherwise:

- Only Direct Assistance rows count, RMRP or not; a row whose indicator is unknown counts
  as not Direct Assistance. Rows with only totals (no breakdown) count in the totals.
- Sector figures are sums. `sum` adds the subsectors; `maxsector` splits each population
  type of each subsector into girls, boys, women and men by the proportions table, rounds
  each product as R does (half to even, on the double), takes the highest subsector per
  group and adds them up again; `southernconemodel` takes the highest of Shelter,
  Humanitarian Transportation, WASH and Food Security that way, adds Protection (General)
  and the sums of MPC, Integration, Health and Education, and leaves the other subsectors
  out of the intersector figure.
- A subsector with no row in the proportions table has no split (R's NA): the highest of a
  group that includes it is NA too, and that group counts 0 in the intersector figure. A
  row whose shares are all zero splits into zeros.
- The consolidated columns are cumulative over the months given, in order ("January to
  month" when the months are one year's); monthly totals are not.
- "Country level" rows add the admin1 rows; the template's rows (every platform x country x
  admin1 x month x subsector the region reports on) are there with zeros when nothing was
  reported.
"""

import math
from collections import defaultdict
from collections.abc import Iterable

POPULATIONS = ("Dest", "Transit", "HC", "Pendular", "Returnees")
AGES = ("Girls", "Boys", "Women", "Men")
# The 5W's population columns, in the order of POPULATIONS.
POPULATION_COLUMNS = ("IN_DESTINATION", "IN_TRANSIT", "Host_Communities", "PENDULARS", "Returnees")
AGE_COLUMNS = ("Girls", "Boys", "Women", "Men", "Other_under", "Other_above")
# The proportions table's column of a (population, age) share; the script's own spelling.
SHARE_COLUMNS = {
    (p, a): f"{p}_{'GIrls' if a == 'Girls' and p in ('Dest', 'Transit') else a}"
    for p in POPULATIONS
    for a in AGES
}
CONSOLIDATED = (
    "Monthly_Consolidated", "Consolidated_RMindestination", "Consolidated_RM_in_transit",
    "Consolidated_Host_Community", "Consolidated_RM_Pendulars",
    "Consolidated_Colombian_Returnees", "Consolidated_Girls", "Consolidated_Boys",
    "Consolidated_Women", "Consolidated_Men", "Consolidated_Other_under_18",
    "Consolidated_Other_above_18", "Consolidated_CVA_Beneficiaries",
)  # fmt: skip
MONTHLY = ("Monthly Total Beneficiaries", "Monthly CVA Beneficiaries")
# The script's output: these columns, the 13 consolidated ones cumulated under these names.
CUMULATED = (
    "Consolidated Total", "Consolidated In Destination", "Consolidated In Transit",
    "Consolidated Host Communities", "Consolidated Pendular", "Consolidated Returnees",
    "Consolidated Girls", "Consolidated Boys", "Consolidated Women", "Consolidated Men",
    "Consolidated Other under 18", "Consolidated Other above 18",
    "Consolidated CVA Beneficiaries",
)  # fmt: skip
OUTPUT = ("Platform", "Country", "Admin1", "Month", "Subsector", *MONTHLY, *CUMULATED,
          "Check PopType Breakdown", "Check AGD Breakdown", "Check CVA higher Total")  # fmt: skip
MODELS = ("sum", "maxsector", "southernconemodel")
INTERSECTOR, COUNTRY_LEVEL = "Intersector", "Country level"
SOUTHERN_CONE_MAX = ("Shelter", "Humanitarian Transportation", "WASH", "Food Security")
SOUTHERN_CONE_SUM = ("Multipurpose Cash Assistance (MPC)", "Integration", "Health", "Education")
PROTECTION_GENERAL = "Protection (General)"

Key = tuple[str, str, str, str]  # Country, Admin1, Month, Subsector


def r_round(value: float | None) -> float | None:
    """R's round(x, 0): half to even on the double, NA stays NA."""
    if value is None or math.isnan(value):
        return None
    return float(round(value))


def _sum(values: Iterable) -> float | None:
    """R's sum(): NA if any is NA."""
    total = 0.0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def _max(values: Iterable) -> float | None:
    """R's max(): NA if any is NA."""
    values = list(values)
    return None if any(v is None for v in values) else max(values)


def _na_rm_sum(values: Iterable) -> float:
    return sum(v for v in values if v is not None)


def consolidate(
    rows: Iterable[dict], proportions: dict[tuple[str, str, str], dict[str, float]],
    template: Iterable[tuple[str, str, str, str, str]], model: str,
) -> list[dict]:  # fmt: skip
    """`rows`: 5W rows with the script's column names and `IndicatorType`; `proportions`:
    (Country, Admin1, Subsector) -> {share column: share}; `template`: (Platform, Country,
    Admin1, Month, Subsector). The script's output rows, sorted by Country, Admin1,
    Subsector, Month."""
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}")
    direct = [r for r in rows if r.get("IndicatorType") == "Direct Assistance"]
    months = {r["Month"] for r in direct}
    monthly = _monthly_totals(direct)
    sectors = _sector_sums(direct)
    intersector = {
        "sum": _sum_model,
        "maxsector": _max_model,
        "southernconemodel": _southern_cone_model,
    }[model](sectors, proportions)
    consolidated = {**sectors, **intersector}
    consolidated.update(_country_level(consolidated))
    return _final(consolidated, monthly, [t for t in template if t[3] in months])


def _number(row: dict, column: str) -> float:
    value = row.get(column)
    return 0.0 if value in (None, "") else float(value)


def _monthly_totals(direct: list[dict]) -> dict[Key, dict[str, float]]:
    out: dict[Key, dict[str, float]] = defaultdict(lambda: dict.fromkeys(MONTHLY, 0.0))
    for row in direct:
        key = (row["Country"], row["Admin1"], row["Month"])
        total = _number(row, "Total_monthly")
        cva = total if row.get("CVA") == "Yes" else 0.0
        for subsector in (row["Subsector"], INTERSECTOR):
            out[(*key, subsector)]["Monthly Total Beneficiaries"] += total
            out[(*key, subsector)]["Monthly CVA Beneficiaries"] += cva
    for (country, _admin1, month, subsector), values in list(out.items()):
        level = out[(country, COUNTRY_LEVEL, month, subsector)]
        for column in MONTHLY:
            level[column] += values[column]
    return dict(out)


def _sector_sums(direct: list[dict]) -> dict[Key, dict[str, float]]:
    """Per subsector: new beneficiaries, each population type and age/sex group, and the
    cash beneficiaries, summed (the script's `consallsectors`)."""
    columns = ("New_beneficiaries", *POPULATION_COLUMNS, *AGE_COLUMNS)
    out: dict[Key, dict[str, float]] = {}
    for row in direct:
        key = (row["Country"], row["Admin1"], row["Month"], row["Subsector"])
        sums = out.setdefault(key, dict.fromkeys(CONSOLIDATED, 0.0))
        for column, target in zip(columns, CONSOLIDATED[:12], strict=True):
            sums[target] += _number(row, column)
        if row.get("CVA") == "Yes":
            sums["Consolidated_CVA_Beneficiaries"] += _number(row, "New_beneficiaries")
    return out


def _add(into: dict[str, float], values: dict[str, float]) -> None:
    for column in CONSOLIDATED:
        into[column] += values[column]


def _sum_model(sectors, proportions) -> dict[Key, dict[str, float]]:
    out: dict[Key, dict[str, float]] = {}
    for (country, admin1, month, _subsector), values in sectors.items():
        _add(
            out.setdefault((country, admin1, month, INTERSECTOR), dict.fromkeys(CONSOLIDATED, 0.0)),
            values,
        )
    return out


def _split(key: Key, values: dict[str, float], proportions) -> dict[tuple[str, str], float | None]:
    """(population, age) -> round(people of the population type x its share), NA where
    the table has no row for the subsector."""
    shares = proportions.get((key[0], key[1], key[3]))
    out = {}
    for population, column in zip(POPULATIONS, CONSOLIDATED[1:6], strict=True):
        for age in AGES:
            share = None if shares is None else shares.get(SHARE_COLUMNS[(population, age)])
            out[(population, age)] = None if share is None else r_round(values[column] * share)
    return out


def _highest(group: list[tuple[Key, dict]], proportions) -> dict[str, float]:
    """The intersector row of one admin1 x month from the highest split of its subsectors
    (the script's `consmaxmerge`)."""
    splits = [_split(key, values, proportions) for key, values in group]
    best = {cell: _max(split[cell] for split in splits) for cell in SHARE_COLUMNS}
    row = dict.fromkeys(CONSOLIDATED, 0.0)
    for population, column in zip(POPULATIONS, CONSOLIDATED[1:6], strict=True):
        row[column] = _na_rm_sum(best[(population, age)] for age in AGES)
    for age, column in zip(AGES, CONSOLIDATED[6:10], strict=True):
        row[column] = _na_rm_sum(best[(population, age)] for population in POPULATIONS)
    row["Monthly_Consolidated"] = sum(row[c] for c in CONSOLIDATED[1:6])
    cva = _max(values["Consolidated_CVA_Beneficiaries"] for _, values in group)
    row["Consolidated_CVA_Beneficiaries"] = cva or 0.0
    return row


def _groups(sectors, subsectors=None) -> dict[tuple[str, str, str], list]:
    out: dict[tuple[str, str, str], list] = defaultdict(list)
    for key, values in sectors.items():
        if subsectors is None or key[3] in subsectors:
            out[key[:3]].append((key, values))
    return out


def _max_model(sectors, proportions) -> dict[Key, dict[str, float]]:
    return {
        (*place, INTERSECTOR): _highest(group, proportions)
        for place, group in _groups(sectors).items()
    }


def _southern_cone_model(sectors, proportions) -> dict[Key, dict[str, float]]:
    out: dict[Key, dict[str, float]] = {}

    def total(place) -> dict[str, float]:
        return out.setdefault((*place, INTERSECTOR), dict.fromkeys(CONSOLIDATED, 0.0))

    for place, group in _groups(sectors, SOUTHERN_CONE_MAX).items():
        _add(total(place), _highest(group, proportions))
    for place, group in _groups(sectors, (PROTECTION_GENERAL, *SOUTHERN_CONE_SUM)).items():
        for _key, values in group:
            _add(total(place), values)
    return out


def _country_level(consolidated) -> dict[Key, dict[str, float]]:
    out: dict[Key, dict[str, float]] = {}
    for (country, _admin1, month, subsector), values in consolidated.items():
        level = out.setdefault(
            (country, COUNTRY_LEVEL, month, subsector), dict.fromkeys(CONSOLIDATED, 0.0)
        )
        _add(level, values)
    return out


def _final(consolidated, monthly, template) -> list[dict]:
    platforms = {t[1:]: t[0] for t in template}
    keys = set(consolidated) | set(monthly) | set(platforms)
    series: dict[tuple[str, str, str], list[Key]] = defaultdict(list)
    for key in keys:
        series[(key[0], key[1], key[3])].append(key)
    out = []
    for group in sorted(series):
        running = dict.fromkeys(CUMULATED, 0.0)
        for key in sorted(series[group], key=lambda k: k[2]):
            values = consolidated.get(key, dict.fromkeys(CONSOLIDATED, 0.0))
            for column, name in zip(CONSOLIDATED, CUMULATED, strict=True):
                running[name] += values[column]
            out.append(_output_row(key, platforms.get(key), monthly.get(key), running))
    return out


def _output_row(key: Key, platform, monthly, running) -> dict:
    row = {"Platform": platform, "Country": key[0], "Admin1": key[1], "Month": key[2],
           "Subsector": key[3], **(monthly or dict.fromkeys(MONTHLY, 0.0)), **running}  # fmt: skip
    total = row["Consolidated Total"]
    populations = sum(row[c] for c in CUMULATED[1:6])
    ages = sum(row[c] for c in CUMULATED[6:12])
    row["Check PopType Breakdown"] = (
        "Ok" if total == 0 or total == populations else "Check Population Type breakdown"
    )
    row["Check AGD Breakdown"] = "Ok" if total == 0 or total == ages else "Check AGD breakdown"
    row["Check CVA higher Total"] = (
        "CVA Value higher than total" if row["Consolidated CVA Beneficiaries"] > total else "ok"
    )
    return row
