"""A query parameter a list does not take answers 400 naming it, on every list, export and
figure: a typo must never return an unfiltered answer."""

import pytest

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/activity-reports/",
    "/api/v1/border-crossings/",
    "/api/v1/border-points/",
    "/api/v1/locations/",
    "/api/v1/reporting-periods/",
    "/api/v1/imports/",
    "/api/v1/partners/",
    "/api/v1/sectors/",
    "/api/v1/indicators/",
    "/api/v1/figure-settings/",
    "/api/v1/figures/people-reached/?month=2021-03",
    "/api/v1/figures/monthly-beneficiaries/?month=2021-03",
    "/api/v1/figures/indicators/?month=2021-03",
    "/api/v1/border-crossings/series/?start=2021-03-01&end=2021-03-31",
    "/api/v1/border-crossings/travel-modes/",
]


def _with(path: str, query: str) -> str:
    return path + ("&" if "?" in path else "?") + query


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("fmt", ["", "&format=csv"], ids=["json", "csv"])
def test_a_misspelled_parameter_is_400_naming_it(analyst, path, fmt):
    response = analyst.get(_with(path, "montth=2021-03" + fmt))
    assert response.status_code == 400, (path, response.content[:200])
    assert response["Content-Type"] == "application/problem+json"
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("montth", "unknown_field" if "figures/" in path else "unknown_parameter")
    ]


@pytest.mark.parametrize("path", LISTS)
def test_the_same_lists_answer_without_it(analyst, path):
    assert analyst.get(path).status_code == 200


def test_date_is_not_a_border_crossing_filter(analyst):
    response = analyst.get("/api/v1/border-crossings/?date=2021-03-30")
    assert response.status_code == 400
    assert "date_from" in response.json()["errors"][0]["message"]  # it says what is taken
    assert analyst.get("/api/v1/border-crossings/?date_from=2021-03-30").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/api/v1/border-crossings/?ordering=nonsense", "/api/v1/activity-reports/?ordering=nonsense",
     "/api/v1/activity-reports/?ordering=nonsense&format=csv", "/api/v1/partners/?ordering=-x"],
)  # fmt: skip
def test_an_unknown_ordering_is_400(analyst, path):
    response = analyst.get(path)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "ordering"
