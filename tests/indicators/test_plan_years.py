"""The plan's indicator catalogue changes between years: each indicator names the plan
years whose catalogue has it, and a report's month picks its year's. A name two years'
catalogues share is read as the indicator of the report's year, never guessed."""

import pytest

from indicators.models import Indicator
from tests.reporting.activities.test_activity_reports import URL, payload

pytestmark = pytest.mark.django_db
INDICATORS = "/api/v1/indicators/"
NAME = "People receiving protection orientation and information"


@pytest.fixture
def two_catalogues():
    """PRT-01 was in the catalogues up to 2021; PRT-01B carries its name from 2022 on."""
    old = Indicator.objects.get(code="PRT-01")
    old.last_plan_year = 2021
    old.save()
    new = Indicator.objects.create(
        code="PRT-01B", name=old.name, sector=old.sector, indicator_type=old.indicator_type,
        first_plan_year=2022,
    )  # fmt: skip
    return old, new


def test_a_reports_month_picks_the_indicator_of_its_years_catalogue(reporter, two_catalogues):
    old, new = two_catalogues
    then = reporter.post(URL, payload(indicator=NAME, month="2021-03"))
    assert then.status_code == 201, then.content
    assert then.json()["indicator"] == "PRT-01"
    later = reporter.post(URL, payload(indicator=NAME, month="2022-03", external_id="x-2"))
    assert later.status_code == 201, later.content
    assert later.json()["indicator"] == "PRT-01B"


def test_an_indicator_outside_its_plan_years_is_refused_saying_which_to_use(
    reporter, two_catalogues
):
    response = reporter.post(URL, payload(indicator="PRT-01", month="2022-03"))
    assert response.status_code == 400, response.content
    error = next(e for e in response.json()["errors"] if e["field"] == "indicator")
    assert error["code"] == "indicator_not_in_plan_year"
    assert "-2021" in error["message"] and "plan_year=2022" in error["message"]
    assert error["region_check"]["name"] == "wrongsectindicator"


def test_the_catalogue_of_a_plan_year_is_one_filter_away(analyst, two_catalogues):
    codes_2021 = {i["code"] for i in analyst.get(f"{INDICATORS}?plan_year=2021&page_size=500")
                  .json()["results"]}  # fmt: skip
    codes_2022 = {i["code"] for i in analyst.get(f"{INDICATORS}?plan_year=2022&page_size=500")
                  .json()["results"]}  # fmt: skip
    assert "PRT-01" in codes_2021 and "PRT-01B" not in codes_2021
    assert "PRT-01B" in codes_2022 and "PRT-01" not in codes_2022
    assert "PRT-02" in codes_2021 & codes_2022  # no plan years: every year's catalogue
    shown = analyst.get(f"{INDICATORS}PRT-01B/").json()
    assert (shown["first_plan_year"], shown["last_plan_year"]) == (2022, None)


def test_plan_years_out_of_order_are_a_400(coordinator):
    response = coordinator.patch(
        f"{INDICATORS}PRT-02/", {"first_plan_year": 2024, "last_plan_year": 2023}
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == "last_plan_year"
