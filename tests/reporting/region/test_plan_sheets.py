"""The plan sheets of the region's Proportions.xlsx (`PiN 2022`, `Target`): people in need
and targets per country, admin1 (or the country as a whole), subsector (or all sectors
together), population type and age/sex group, loaded as they are, replacing what the
plan year had for the countries they cover."""

import io

import pytest

from reporting.figures.models import PlanTarget
from tests.reporting.region.rscript import FILES
from tests.reporting.region.test_service_vs_r import upload_workbook

pytestmark = pytest.mark.django_db
TARGETS = "/api/v1/targets/"


def _book():
    import openpyxl

    return openpyxl.load_workbook(FILES / "Proportions.xlsx")


def _bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def loaded(coordinator):
    response = upload_workbook(coordinator, (FILES / "Proportions.xlsx").read_bytes())
    assert response.status_code == 200, response.content
    return response.json()


def cell(admin1, sector, population_type="", age_sex="", year=2022):
    return PlanTarget.objects.get(
        plan_year=year, admin1__pcode=admin1, sector__code=sector,
        population_type=population_type, age_sex=age_sex,
    )  # fmt: skip


def test_people_in_need_and_targets_load_as_the_sheets_give_them(loaded):
    pin, target = loaded["sheets"]["PiN 2022"], loaded["sheets"]["Target"]
    assert (pin["plan_year"], target["plan_year"]) == (2022, 2022)
    assert len(pin["countries"]) == len(target["countries"]) == 17
    # Brazil, Acre, Education: PiN 52 girls, 52 boys, 7 women, 6 men, 117 in all;
    # 115 in destination (51 + 51 + 7 + 6), 2 in host communities; its target is 0.
    acre = PlanTarget.objects.get(
        plan_year=2022, admin1__name="Acre", sector__code="EDU", population_type="", age_sex=""
    )
    assert (acre.people_in_need, acre.target) == (117, 0)
    girls = PlanTarget.objects.get(
        plan_year=2022, admin1=acre.admin1, sector__code="EDU", population_type="",
        age_sex="girls",
    )  # fmt: skip
    assert girls.people_in_need == 52
    destination = PlanTarget.objects.get(
        plan_year=2022, admin1=acre.admin1, sector__code="EDU",
        population_type="in_destination", age_sex="",
    )  # fmt: skip
    assert destination.people_in_need == 115
    # Brazil as a whole ("Country level"), Education: PiN 91,384, target 17,947
    brazil = cell("BRA", "EDU")
    assert (brazil.people_in_need, brazil.target) == (91384, 17947)
    # Intersector: all sectors together, sector empty
    whole = PlanTarget.objects.filter(
        plan_year=2022, admin1__pcode="PER", sector=None, population_type="", age_sex=""
    ).get()
    assert whole.people_in_need > 0 and whole.target > 0


def test_a_row_with_its_names_only_is_no_figure_not_an_error(loaded):
    # Target has Bolivia / Country level / Nutrition twice: once empty, once with 4,373.
    assert loaded["sheets"]["Target"]["empty_rows"] >= 1
    assert cell("BOL", "NUT").target == 4373


def test_targets_of_the_plan_year_are_served_by_the_api(analyst, loaded):
    response = analyst.client.get(TARGETS, {"plan_year": 2022, "admin1": "BRA", "sector": "EDU"})
    assert response.status_code == 200
    rows = [r for r in response.json()["results"] if not r["age_sex"]
            and not r["population_type"]]  # fmt: skip
    assert [(r["people_in_need"], r["target"]) for r in rows] == [(91384, 17947)]
    # the country filter gives the country as a whole too; all_sectors its Intersector rows
    whole = analyst.client.get(
        TARGETS,
        {
            "plan_year": 2022,
            "country": "PER",
            "all_sectors": "true",
            "age_sex": "women",
            "page_size": 500,
        },  # fmt: skip
    ).json()["results"]
    assert whole and all(r["sector"] is None and r["age_sex"] == "women" for r in whole)
    assert "PER" in {r["admin1"] for r in whole} and "PE15" in {r["admin1"] for r in whole}


def test_a_second_upload_replaces_the_plan_of_the_countries_it_covers(coordinator, loaded):
    book = _book()
    sheet = book["Target"]
    for row in range(sheet.max_row, 1, -1):  # Peru's Tumbes gone from the targets
        if sheet.cell(row, 2).value == "Peru" and sheet.cell(row, 3).value == "Tumbes":
            sheet.delete_rows(row)
    pin = book["PiN 2022"]
    for row in range(pin.max_row, 1, -1):
        if pin.cell(row, 2).value == "Peru" and pin.cell(row, 3).value == "Tumbes":
            pin.delete_rows(row)
    again = upload_workbook(coordinator, _bytes(book))
    assert again.status_code == 200, again.content
    assert again.json()["plan_figures"]["deleted"] > 0
    assert not PlanTarget.objects.filter(admin1__pcode="PE24").exists()
    assert PlanTarget.objects.filter(admin1__pcode="PE15").exists()


def test_a_dry_run_counts_and_writes_nothing(coordinator):
    response = upload_workbook(
        coordinator, (FILES / "Proportions.xlsx").read_bytes(), dry_run="true"
    )
    assert response.status_code == 200, response.content
    assert response.json()["plan_figures"]["created"] > 10000
    assert not PlanTarget.objects.exists()


def test_a_figure_that_is_not_a_number_is_refused_and_nothing_loads(coordinator):
    book = _book()
    book["PiN 2022"].cell(2, 5).value = "cincuenta"
    book["Target"].cell(3, 2).value = "Brasill"
    response = upload_workbook(coordinator, _bytes(book))
    assert response.status_code == 422, response.content
    errors = {(e["row"], e["field"]): e for e in response.json()["errors"]}
    assert errors[(2, "PiN 2022.PiN 2022 Total Girls")]["code"] == "invalid"
    assert "closest: Brazil" in errors[(3, "Target.Country")]["message"]
    assert not PlanTarget.objects.exists()


def test_a_workbook_with_the_plan_sheets_only_loads_them(coordinator):
    book = _book()
    for name in ("pinproportions", "targetproportions"):
        del book[name]
    response = upload_workbook(coordinator, _bytes(book))
    assert response.status_code == 200, response.content
    assert set(response.json()["sheets"]) == {"PiN 2022", "Target"}
    assert cell("BRA", "EDU").people_in_need == 91384
