"""The quality report: /api/v1/quality-report/ and its rows as the region's error report."""

import csv
import io
from collections import Counter

import openpyxl
import pytest

from reporting.activities.activityinfo import COLUMNS
from reporting.activities.models import ActivityReport
from reporting.quality.checks import REGION_CHECKS
from tests.reporting.activities.test_activity_reports import payload
from tests.reporting.quality.test_flagged_history import csv_file, history_rows, upload

pytestmark = pytest.mark.django_db
URL = "/api/v1/quality-report/"
SCOPE = {"month_from": "2024-01", "month_to": "2024-02"}


@pytest.fixture
def flawed(coordinator, other_reporter):
    rows, flaws = history_rows(count=40)
    assert upload(coordinator, csv_file(rows), history="true").status_code == 201
    for n in range(3):  # another organisation's clean rows
        response = other_reporter.post(
            "/api/v1/activity-reports/",
            payload(partner="OIM", implementing_partner=None, month="2024-02",
                    external_id=f"oim-{n}", activity_name=f"OIM {n}"),
        )  # fmt: skip
        assert response.status_code == 201, response.content
    return rows, flaws


def test_rows_per_check_organisation_country_and_month(flawed, analyst):
    rows, flaws = flawed
    body = analyst.get(URL, SCOPE).json()
    assert (body["rows"], body["flagged_rows"]) == (43, len(flaws))
    expected = Counter(check for names in flaws.values() for check in names)
    assert {c["check"]["name"]: c["rows"] for c in body["by_check"] if c["rows"]} == expected
    assert len(body["by_check"]) == 19
    assert [(o["partner"], o["rows"], o["flagged_rows"]) for o in body["by_organisation"]] == [
        ("ACNUR", 40, len(flaws)), ("OIM", 3, 0),
    ]  # fmt: skip
    months = Counter(r["Month"] for r in rows)
    acnur = {r["month"]: r for r in body["results"] if r["partner"] == "ACNUR"}
    assert {m: r["rows"] for m, r in acnur.items()} == dict(months)
    assert sum(sum(r["checks"].values()) for r in body["results"]) == sum(expected.values())
    assert body["by_country"] == [
        {"country": "PER", "country_name": "Peru", "rows": 43, "flagged_rows": len(flaws)}
    ]


def test_each_organisation_sees_only_its_own_rows(flawed, reporter, other_reporter):
    mine = reporter.get(URL, SCOPE).json()
    assert [o["partner"] for o in mine["by_organisation"]] == ["ACNUR"]
    theirs = other_reporter.get(URL, SCOPE).json()
    assert (theirs["rows"], theirs["flagged_rows"]) == (3, 0)
    widened = other_reporter.get(URL, {**SCOPE, "partner": "ACNUR"}).json()
    assert (widened["rows"], widened["results"]) == (0, [])
    download = other_reporter.client.get(f"{URL}rows/export/", {**SCOPE, "partner": "ACNUR"})
    assert len(list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))) == 1


def test_the_rows_download_as_the_regions_error_report(flawed, analyst):
    _, flaws = flawed
    response = analyst.client.get(f"{URL}rows/export/", SCOPE)
    assert response.status_code == 200
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [c.name for c in REGION_CHECKS.values()]
    assert list(table[0]) == [*COLUMNS, *names, "QA", "Review"]
    assert {r["Activity_Name"]: [n for n in names if r[n] == "1"] for r in table} == flaws
    assert {r["Review"] for r in table} == {"Please review activity"}
    assert all(r["QA"] == "1" for r in table)

    spanish = analyst.client.get(f"{URL}rows/export/", SCOPE, HTTP_ACCEPT_LANGUAGE="es")
    head = spanish.content.decode("utf-8-sig").splitlines()[0]
    assert head.endswith(";QA;Revisión")  # Spanish Excel's separator, Spanish words

    xlsx = analyst.client.get(f"{URL}rows/export/", {**SCOPE, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.iter_rows())
    girls = COLUMNS.index("Girls")
    agd = [row for row in values[1:] if flaws.get(row[COLUMNS.index("Activity_Name")].value)
           == ["AGDBreakdown"]]  # fmt: skip
    assert agd and all(row[girls].comment.text.startswith("AGDBreakdown") for row in agd)
    assert values[1][COLUMNS.index("Country")].comment is None


def test_a_fixed_row_leaves_the_report_at_once(flawed, coordinator, analyst):
    _, flaws = flawed
    first = analyst.get(URL, SCOPE).json()
    name = next(n for n, f in flaws.items() if f == ["CVANotoYes"])
    report = ActivityReport.objects.get(activity_name=name)
    fixed = coordinator.patch(f"/api/v1/activity-reports/{report.pk}/", {"cva_value_usd": None})
    assert fixed.status_code == 200, fixed.content
    after = analyst.get(URL, SCOPE).json()  # not the cached answer
    assert after["flagged_rows"] == first["flagged_rows"] - 1


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"month_from": "2024-03", "month_to": "2024-01"}, "month_from", "invalid_range"),
        ({"country": "PE15"}, "country", "wrong_level"),
        ({"country": "Atlantis"}, "country", "does_not_exist"),
        ({"month_to": "2024-13"}, "month_to", "invalid"),
        ({"colour": "red"}, "colour", "unknown_field"),
    ],
)
def test_bad_queries_name_their_field(analyst, query, field, code):
    response = analyst.get(URL, query)
    assert response.status_code == 400
    assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["code"]) == (
        field, code
    )  # fmt: skip


def test_the_rows_to_review_as_the_api_writes_reports(flawed, reporter, other_reporter):
    _, flaws = flawed
    body = reporter.get(f"{URL}rows/", {**SCOPE, "page_size": 100}).json()
    assert body["count"] == len(flaws)
    assert {r["activity_name"]: r["quality_flags"] for r in body["results"]} == flaws
    assert other_reporter.get(f"{URL}rows/", SCOPE).json()["count"] == 0


def test_the_groups_come_a_page_at_a_time_and_whole_as_a_file(flawed, analyst):
    whole = analyst.get(URL, SCOPE).json()
    first = analyst.get(URL, {**SCOPE, "page_size": 1}).json()
    assert (first["count"], len(first["results"])) == (whole["count"], 1)
    assert first["results"][0] == whole["results"][0] and first["next_page"] == 2
    assert first["by_check"] == whole["by_check"]  # the totals are the whole scope's
    lines = analyst.client.get(f"{URL}export/", SCOPE).content.decode("utf-8-sig").splitlines()
    facts = [line for line in lines if line.startswith("# ")]  # the report's own, once
    assert f"# rows,{whole['rows']}" in facts and not any("by_check" in f for f in facts)
    table = lines[len(facts) :]
    assert len(table) == 1 + whole["count"]
