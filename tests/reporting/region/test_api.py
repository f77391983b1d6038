"""/api/v1/region/consolidation/ and its export: the script's rows, paged as JSON or whole
as a file in its own layout; what it followed is said in `method`."""

import csv
import io

import pytest

from reporting.region.consolidation import OUTPUT
from tests.reporting.figures.test_figures import add

pytestmark = pytest.mark.django_db
URL = "/api/v1/region/consolidation/"
QUERY = {"country": "PER", "month_from": "2024-01", "month_to": "2024-02", "model": "sum"}


@pytest.fixture
def reports(db):
    add("ACNUR", "PE15", "PRT-01", (2024, 1), 100, pop=(100, 0, 0), age=(0, 0, 100, 0))
    add("ACNUR", "PE15", "PRT-01", (2024, 2), 40, pop=(40, 0, 0), age=(0, 0, 40, 0), rmrp=False)


def test_the_consolidation_pages_the_scripts_rows_and_says_its_method(analyst, reports):
    response = analyst.get(URL, {**QUERY, "page_size": 1000})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["method"]["name"] == "fct_aggregate_data.R"
    assert (body["method"]["model"], body["method"]["proportions"]) == ("sum", "pin")
    rows = {(r["admin1"], r["month"], r["subsector"]): r for r in body["results"]}
    lima = rows[("Lima", "2024-02", "Intersector")]
    # RMRP or not, every Direct Assistance row counts; cumulated from month_from
    assert (lima["monthly_total_beneficiaries"], lima["consolidated_total"]) == (50, 140)
    assert rows[("Country level", "2024-02", "Intersector")]["consolidated_total"] == 140
    # Peru's template: 26 places x 14 subsectors x 2 months
    assert body["count"] == 26 * 14 * 2


def test_the_export_is_the_scripts_own_layout(analyst, reports):
    for fmt, first in (("csv", None), ("hxl", "#region +platform")):
        response = analyst.get(f"{URL}export/", {**QUERY, "format": fmt})
        assert response.status_code == 200
        table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert table[0] == list(OUTPUT)
        if first:
            assert table[1][0] == first and len(table[1]) == len(OUTPUT)
    xlsx = analyst.get(f"{URL}export/", {**QUERY, "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [({"month_from": "2024-03"}, "month_from", "invalid_range"),
     ({"country": "PER,XXX"}, "country", "does_not_exist"),
     ({"model": "max_sector"}, "model", "invalid_choice"),
     ({"colour": "red"}, "colour", "unknown_field")],
)  # fmt: skip
def test_bad_queries_are_400_naming_the_field(analyst, query, field, code):
    response = analyst.get(URL, {**QUERY, **query})
    assert response.status_code == 400, response.content
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]


def test_an_unknown_file_format_is_406(analyst):
    assert analyst.get(f"{URL}export/", {**QUERY, "format": "pdf"}).status_code == 406


def test_a_spanish_reader_gets_the_same_consolidation(analyst, reports):
    """The script's indicator types are its own words ("Direct Assistance"), whatever
    language the request speaks: a Spanish analyst's figures are the same."""
    english = analyst.get(URL, {**QUERY, "page_size": 1000}).json()["results"]
    spanish = analyst.client.get(
        URL, {**QUERY, "page_size": 1000}, HTTP_ACCEPT_LANGUAGE="es"
    ).json()["results"]
    assert spanish == english
    assert any(r["consolidated_total"] for r in spanish)
