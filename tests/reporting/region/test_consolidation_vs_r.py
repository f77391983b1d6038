"""reporting.region.consolidation against the region's own script, run for real with R, on
scenarios of our own: every value of every row, for the three models with the pin and the
target proportions of the real `Proportions.xlsx`."""

import random

import pytest

from reporting.region.consolidation import CUMULATED, MONTHLY, OUTPUT, consolidate
from reporting.region.workbook import read_proportions_workbook
from tests.reporting.region.rscript import FILES, needs_r, run_consolidation

SUBSECTORS = [
    "Education", "Food Security", "Health", "Humanitarian Transportation", "Integration",
    "Multipurpose Cash Assistance (MPC)", "Nutrition", "Protection (Child Protection)",
    "Protection (GBV)", "Protection (General)", "Protection (Human Trafficking and Smuggling)",
    "Shelter", "WASH",
]  # fmt: skip
PLACES = {
    "Peru": ["Lima", "Tumbes", "Callao", "Arequipa", "La Libertad", "Piura", "Cusco", "Tacna"],
    "Argentina": ["Buenos Aires", "Mendoza", "Córdoba", "Jujuy", "Salta"],
}
MONTHS = ["2024-01", "2024-02", "2024-03", "2024-04"]


def lookup() -> list[dict]:
    rows = []
    for subsector in SUBSECTORS:
        for suffix, kind in (("people assisted", "Direct Assistance"),
                             ("people trained", "Capacity Building")):  # fmt: skip
            indicator = f"{subsector}: {suffix}"
            rows.append({"Subsector": subsector, "Indicator": indicator, "IndicatorType": kind,
                         "CODE": f"{SUBSECTORS.index(subsector)}{suffix[7]}",
                         "sectindic": f"{subsector} {indicator}"})  # fmt: skip
    return rows


def split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def scenario(seed: int, count: int = 400) -> list[dict]:
    """5W rows as ActivityInfo exports them: some with only totals, some cash, some not
    RMRP, some Capacity Building (left out), numbers whose splits land on halves."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        country = rng.choice(list(PLACES))
        subsector = rng.choice(SUBSECTORS)
        kind = "people assisted" if rng.random() < 0.9 else "people trained"
        total = rng.choice([rng.randint(0, 400), rng.choice([50, 150, 250, 350, 1, 2, 3])])
        new = rng.randint(0, total)
        row = {
            "Country": country, "Admin1": rng.choice(PLACES[country]), "Admin2": "",
            "Appealing_org": "Org", "Implementation": "No", "Implementing_partner": "",
            "Month": rng.choice(MONTHS), "Subsector": subsector,
            "Indicator": f"{subsector}: {kind}", "Activity_Name": f"Activity {n}",
            "Activity_Description": "", "RMRPActivity": rng.choice(["Yes", "No"]),
            "CVA": "Yes" if rng.random() < 0.2 else "No", "Value": 0,
            "Delivery_mechanism": "", "Quantity_output": 0, "Total_monthly": total,
            "New_beneficiaries": new, "Platform": "",
        }  # fmt: skip
        only_totals = rng.random() < 0.1
        populations = [0] * 5 if only_totals else split(rng, new, 5)
        ages = [0] * 6 if only_totals else split(rng, new, 6)
        for column, value in zip(
            ["IN_DESTINATION", "IN_TRANSIT", "Host_Communities", "PENDULARS", "Returnees"],
            populations, strict=True,
        ):  # fmt: skip
            row[column] = value
        for column, value in zip(
            ["Girls", "Boys", "Women", "Men", "Other_under", "Other_above"], ages, strict=True
        ):
            row[column] = value
        rows.append(row)
    return rows


def template() -> list[tuple]:
    import openpyxl

    workbook = openpyxl.load_workbook(FILES / "Consolidated_Template.xlsx", read_only=True)
    rows = workbook["All Countries"].iter_rows(values_only=True)
    next(rows)
    return [tuple(r[:5]) for r in rows]


def with_types(five_w: list[dict]) -> list[dict]:
    types = {(r["Subsector"], r["Indicator"]): r["IndicatorType"] for r in lookup()}
    return [{**r, "IndicatorType": types.get((r["Subsector"], r["Indicator"]))} for r in five_w]


def _value(text: str):
    try:
        return float(text)
    except ValueError:
        return text or None


@pytest.fixture(scope="module")
def workbook():
    return read_proportions_workbook((FILES / "Proportions.xlsx").read_bytes())


@needs_r
@pytest.mark.parametrize("proportions", ["pin", "target"])
@pytest.mark.parametrize("model", ["sum", "maxsector", "southernconemodel"])
def test_every_value_equals_the_scripts(tmp_path, workbook, model, proportions):
    five_w = scenario(seed=2024)
    expected = run_consolidation(tmp_path, five_w, lookup(), proportions=proportions,
                                 model=model)  # fmt: skip
    ours = consolidate(with_types(five_w), workbook[proportions].shares, template(), model)
    key = ("Country", "Admin1", "Month", "Subsector")
    by_key = {tuple(r[k] for k in key): r for r in ours}
    assert len(by_key) == len(ours) == len(expected)
    differences = []
    for row in expected:
        mine = by_key[tuple(row[k] for k in key)]
        for column in OUTPUT:
            if _value(row[column]) != mine[column]:
                differences.append((tuple(row[k] for k in key), column, row[column], mine[column]))
    assert differences == []
    compared = sum(1 for r in expected for c in (*MONTHLY, *CUMULATED) if float(r[c]))
    assert compared > 1000  # the scenario reaches far beyond zeros
