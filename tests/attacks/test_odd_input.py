"""Odd input answers 4xx naming what is wrong, on every path that takes it."""

import pytest

from reporting.activities.models import ActivityReport
from tests.reporting.activities.test_activity_reports import payload
from tests.reporting.activities.test_bulk import row
from tests.reporting.activities.test_imports import HEADER, csv_bytes, line, upload

pytestmark = pytest.mark.django_db
HUGE = ["1e30", "1E+28", "9" * 40, 1e30]
CVA = {"cva": True, "delivery_mechanism": "mobile_money"}


@pytest.mark.parametrize("value", HUGE)
def test_huge_cash_values_are_400_naming_the_field(reporter, value):
    response = reporter.post("/api/v1/activity-reports/", payload(**CVA, cva_value_usd=value))
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == "cva_value_usd"


@pytest.mark.parametrize("value", HUGE)
def test_huge_cash_values_in_a_batch_are_row_errors(reporter, value):
    response = reporter.post("/api/v1/activity-reports/bulk/", [row(0, **CVA, cva_value_usd=value)])
    assert response.status_code == 422, response.content
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(0, "cva_value_usd")]


@pytest.mark.parametrize("value", ["1e30", "1E+28", "9" * 40])
def test_huge_cash_values_in_a_csv_are_row_errors(reporter, value):
    cells = {"CVA (yes/no)": "sí", "Delivery mechanism": "mobile_money", "Value in USD": value}
    response = upload(reporter, csv_bytes([line(0, **cells)]))
    assert response.status_code == 422, response.content
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(2, "cva_value_usd")]
    assert not ActivityReport.objects.exists()


FIGURES = ["people-reached", "monthly-beneficiaries", "indicators"]


@pytest.mark.parametrize("figure", FIGURES)
@pytest.mark.parametrize(
    "query",
    ["month=9999-12", "month_to=9999-12", "month=2021-03&month_from=0001-01", "month=1899-12"],
)
def test_months_outside_any_plan_are_400(analyst, figure, query):
    response = analyst.get(f"/api/v1/figures/{figure}/?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] in ("month", "month_to", "month_from")


@pytest.mark.parametrize(
    "query",
    [
        "interval=month&start=9999-12-01&end=9999-12-31",
        "interval=week&start=9999-12-01&end=9999-12-31",
        "interval=day&start=0001-01-01&end=0001-01-31",
    ],
)
def test_far_dates_on_border_series_are_400(analyst, query):
    response = analyst.get(f"/api/v1/border-crossings/series/?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["code"] == "out_of_range"


def test_a_csv_wider_than_any_5w_sheet_is_refused_at_upload(reporter):
    wide = line(0) + ["x"] * 18_300  # past column ZZZ, the last openpyxl can write
    response = upload(reporter, csv_bytes([wide], header=HEADER))
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("file", "too_many_columns")
    assert "18,330 columns" in error["message"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/activity-reports/", b'{"month": "2021-03", "admin1": "PE24", "month": "2021-04"}'),
        ("/api/v1/activity-reports/bulk/", b'[{"activity_name": "a"}, {"rmrp": true, "rmrp": false}]'),
        ("/api/v1/webhooks/", b'{"url": "https://example.org/a", "url": "https://example.org/b"}'),
    ],
)  # fmt: skip
def test_a_key_twice_in_one_object_is_refused_not_silently_the_last(reporter, path, body):
    response = reporter.client.post(path, body, content_type="application/json")
    assert response.status_code == 400, response.content
    problem = response.json()
    assert problem["code"] == "duplicate_key"
    assert "appears twice" in problem["detail"]
