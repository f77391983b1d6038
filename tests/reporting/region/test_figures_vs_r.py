"""The platform's own figures, by their defaults, against the region's script for real:
`figures/people-reached/` and `figures/monthly-beneficiaries/` per admin1 and country,
month alone and January to month, equal fct_aggregate_data.R's Intersector rows value by
value, for each model, on reports that include rows with only totals and rows not RMRP."""

from datetime import date

import pytest

from reporting.figures.models import CountryFigureSettings
from reporting.locations.models import Location
from reporting.region.selectors import five_w_rows
from tests.reporting.region.rscript import needs_r, run_consolidation
from tests.reporting.region.test_service_vs_r import (
    lookup,
    store_reports,
    workbook_loaded,  # noqa: F401 (fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("workbook_loaded")]
MODELS = {"sum": "sum", "maxsector": "max_sector", "southernconemodel": "southern_cone"}
MONTHS = ("2024-01", "2024-02", "2024-03", "2024-04")
# The script's cumulated columns and where the figure's row holds each.
COLUMNS = {
    "Consolidated Total": ("people_reached",),
    "Consolidated In Destination": ("population", "in_destination"),
    "Consolidated In Transit": ("population", "in_transit"),
    "Consolidated Host Communities": ("population", "host_community"),
    "Consolidated Pendular": ("population", "pendular"),
    "Consolidated Returnees": ("population", "returnees"),
    "Consolidated Girls": ("age_sex", "girls"),
    "Consolidated Boys": ("age_sex", "boys"),
    "Consolidated Women": ("age_sex", "women"),
    "Consolidated Men": ("age_sex", "men"),
    "Consolidated Other under 18": ("age_sex", "other_under_18"),
    "Consolidated Other above 18": ("age_sex", "other_over_18"),
    "Consolidated CVA Beneficiaries": ("cva_people",),
}


def value(row: dict, path: tuple) -> int:
    for key in path:
        row = row[key]
    return row


def script_output(tmp_path, model: str, month_from: str) -> dict:
    """The script's Intersector rows of Peru: (admin1 name or Country level, month) -> row,
    run over the months from `month_from` to April (its cumulative columns start there)."""
    peru = [Location.objects.get(pcode="PER")]
    start = date(2024, int(month_from[5:]), 1)
    five_w = five_w_rows(countries=peru, month_from=start, month_to=date(2024, 4, 1))
    folder = tmp_path / f"{model}-{month_from}"
    folder.mkdir()
    rows = run_consolidation(folder, five_w, lookup(), proportions="pin", model=model)
    return {
        (r["Admin1"], r["Month"]): r
        for r in rows
        if r["Country"] == "Peru" and r["Subsector"] == "Intersector"
    }


@needs_r
@pytest.mark.parametrize("model", list(MODELS))
def test_people_reached_by_default_is_the_scripts_to_the_person(
    analyst,
    tmp_path,
    model,
):
    store_reports(seed=11, count=400, flawed=True)
    names = {
        a.pcode: a.region_name or a.name
        for a in Location.objects.filter(parent__pcode="PER", level="admin1")
    }
    compared = 0
    differences = []
    for month_from in ("2024-01", "2024-03"):  # January to month; a later start
        theirs = script_output(tmp_path, model, month_from)
        for by in ("admin1,month", "country,month"):
            body = analyst.get(
                "/api/v1/figures/people-reached/",
                {
                    "country": "PER",
                    "month_from": month_from,
                    "month_to": "2024-04",
                    "group_by": by,
                    "model": MODELS[model],
                },  # fmt: skip
            ).json()
            assert body["region_script"] is True, body
            for row in body["results"]:
                place = names[row["admin1"]] if "admin1" in row else "Country level"
                script = theirs[(place, row["month"])]
                for column, path in COLUMNS.items():
                    compared += 1
                    if float(script[column] or 0) != value(row, path):
                        differences.append((place, row["month"], column, script[column],
                                            value(row, path)))  # fmt: skip
    assert differences == []
    assert compared > 13 * 4 * 8  # every column of every admin1 reported and the country


@needs_r
def test_monthly_beneficiaries_by_default_are_the_scripts(
    analyst,
    tmp_path,
):
    store_reports(seed=12, count=300, flawed=True)
    theirs = script_output(tmp_path, "sum", "2024-01")
    names = {
        a.pcode: a.region_name or a.name
        for a in Location.objects.filter(parent__pcode="PER", level="admin1")
    }
    body = analyst.get(
        "/api/v1/figures/monthly-beneficiaries/",
        {
            "country": "PER",
            "month_from": "2024-01",
            "month_to": "2024-04",
            "group_by": "admin1,month",
        },  # fmt: skip
    ).json()
    ours = {(names[r["admin1"]], r["month"]): r["total"] for r in body["results"]}
    script = {
        key: float(row["Monthly Total Beneficiaries"])
        for key, row in theirs.items()
        if key[0] != "Country level" and float(row["Monthly Total Beneficiaries"])
    }
    assert ours == script and len(ours) > 4


def test_peru_may_still_count_rmrp_rows_only_and_the_answer_says_it_is_not_the_script(
    analyst,
):
    store_reports(seed=13, count=100)
    everything = analyst.get(
        "/api/v1/figures/people-reached/", {"country": "PER", "month": "2024-04", "model": "sum"}
    ).json()
    CountryFigureSettings.objects.create(country=Location.objects.get(pcode="PER"), rmrp_only=True)
    rmrp = analyst.get(
        "/api/v1/figures/people-reached/", {"country": "PER", "month": "2024-04", "model": "sum"}
    ).json()
    assert (everything["region_script"], rmrp["region_script"]) == (True, False)
    assert (everything["rmrp_only"], rmrp["rmrp_only"]) == (False, True)
    assert rmrp["results"][0]["people_reached"] < everything["results"][0]["people_reached"]
