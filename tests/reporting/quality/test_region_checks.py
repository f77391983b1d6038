"""Every 5W problem names the region's check it breaks (R4V `fct_error_report.R`, 19 checks),
the same way on every path: single POST, JSON batch and spreadsheet upload."""

import pytest

from reporting.quality.checks import REGION_CHECKS
from tests.reporting.activities.test_activity_reports import payload
from tests.reporting.activities.test_imports import csv_bytes, line, upload

pytestmark = pytest.mark.django_db

NO_BREAKDOWN = {
    "population": {"in_destination": 0, "in_transit": 0, "host_community": 0, "pendular": 0,
                   "returnees": 0},
    "age_sex": {"girls": 0, "boys": 0, "women": 0, "men": 0, "other_under_18": 0,
                "other_over_18": 0},
}  # fmt: skip
CSV_NO_BREAKDOWN = dict.fromkeys(
    ("In destination", "Girls (<18)", "Boys (<18)", "Women", "Men"), "0"
)
NOT_PEOPLE = {"Total monthly beneficiaries": "", "New beneficiaries of the month": ""}

# The region's check -> one row breaking it: (changes to a valid JSON report, changes to a
# valid row of the template).
ONE_ROW_PER_CHECK = {
    "missingcountry": ({"admin1": None, "admin2": None}, {"Admin1": "", "Admin2": ""}),
    "countryadmincheck": ({"country": "COL"}, {"Country": "COL"}),
    "admin1and2check": ({"admin2": "PE1501"}, {"Admin2": "PE1501"}),
    "miss_appeal_org": ({"partner": "NOBODY"}, {"Appealing organisation": "Nobody at all"}),
    "miss_setup": ({"implementation_setup": "perhaps"},
                   {"Implementation set-up (yes/no)": "quizás"}),
    "miss_implementing_org": (
        {"implementation_setup": "yes", "implementing_partner": None},
        {"Implementation set-up (yes/no)": "sí", "Implementing partner": ""},
    ),
    "miss_month": ({"month": None}, {"Month": ""}),
    "missing_what": ({"activity_name": ""}, {"Activity name": ""}),
    "wrongsectindicator": ({"sector": "EDU"}, {"Sector / subsector": "Education"}),
    "zeroCVA": ({"cva": True, "delivery_mechanism": "voucher"},
                {"CVA (yes/no)": "sí", "Delivery mechanism": "Voucher"}),
    "missingmechanism": ({"cva": True, "cva_value_usd": 100},
                         {"CVA (yes/no)": "sí", "Value in USD": "100"}),
    "CVANotoYes": ({"cva_value_usd": 100}, {"Value in USD": "100"}),
    "MultipurposeSector": ({"indicator": "MPC-01"},
                           {"Indicator": "MPC-01", "Sector / subsector": ""}),
    "DirectAssistanceNoBenef": (
        {"total_beneficiaries": 0, "new_beneficiaries": 0, **NO_BREAKDOWN},
        {"Total monthly beneficiaries": "0", "New beneficiaries of the month": "0",
         **CSV_NO_BREAKDOWN},
    ),
    "NewBenefvstotal": ({"total_beneficiaries": 250}, {"Total monthly beneficiaries": "10"}),
    "PopTypeBreakdown": ({"population": {**payload()["population"], "in_destination": 100}},
                         {"In destination": "10"}),
    "AGDBreakdown": ({"age_sex": {**payload()["age_sex"], "girls": 0}}, {"Girls (<18)": "0"}),
    "CBuildingNoBenef": (
        {"indicator": "INT-02", "total_beneficiaries": None, "new_beneficiaries": None,
         **NO_BREAKDOWN},
        {"Indicator": "INT-02", "Sector / subsector": "", **NOT_PEOPLE, **CSV_NO_BREAKDOWN},
    ),
    "NoOutput": (
        {"indicator": "PRT-05", "total_beneficiaries": None, "new_beneficiaries": None,
         **NO_BREAKDOWN},
        {"Indicator": "PRT-05", **NOT_PEOPLE, **CSV_NO_BREAKDOWN},
    ),
}  # fmt: skip


def test_the_table_covers_all_nineteen_checks():
    assert sorted(ONE_ROW_PER_CHECK) == sorted(c.name for c in REGION_CHECKS.values())


def named_checks(errors) -> set[str]:
    return {e["region_check"]["name"] for e in errors if e["region_check"]}


@pytest.mark.parametrize("check", ONE_ROW_PER_CHECK)
def test_single_post_names_the_region_check(reporter, check):
    response = reporter.post("/api/v1/activity-reports/", payload(**ONE_ROW_PER_CHECK[check][0]))
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert named_checks(errors) == {check}, errors
    # Our own code stays beside it; the check comes with its category in both languages.
    named = next(e for e in errors if e["region_check"])
    assert named["code"] and named["field"]
    expected = next(c for c in REGION_CHECKS.values() if c.name == check)
    assert named["region_check"]["id"] == expected.id
    assert named["region_check"]["en"]["title"] == expected.title_en
    assert named["region_check"]["es"]["title"] == expected.title_es


def test_a_json_batch_names_each_rows_check(reporter):
    rows = [
        payload(**{"external_id": f"check-{n}", "activity_name": f"Activity {n}", **changes})
        for n, (changes, _) in enumerate(ONE_ROW_PER_CHECK.values())
    ]
    response = reporter.post("/api/v1/activity-reports/bulk/", rows)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    for n, check in enumerate(ONE_ROW_PER_CHECK):
        assert named_checks(e for e in errors if e["row"] == n) == {check}, (check, errors)


def test_an_upload_names_each_rows_check_in_its_answer_and_record(reporter):
    lines = [line(n, **changes) for n, (_, changes) in enumerate(ONE_ROW_PER_CHECK.values())]
    response = upload(reporter, csv_bytes(lines))
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    stored = reporter.get(f"/api/v1/imports/{response.json()['import_id']}/").json()["errors"]
    for answer in (errors, stored):
        for n, check in enumerate(ONE_ROW_PER_CHECK):
            row = n + 2  # the spreadsheet row, under the header
            assert named_checks(e for e in answer if e["row"] == row) == {check}, (check, answer)


def test_the_services_own_rules_name_no_region_check(reporter):
    response = reporter.post("/api/v1/activity-reports/", payload(month="2099-01"))
    assert response.json()["errors"] == [
        {"field": "month", "code": "month_in_future", "region_check": None,
         "message": "Months after the current one cannot be reported."}
    ]  # fmt: skip


def test_a_report_naming_its_partner_with_set_up_no_is_a_contradiction(reporter):
    """miss_setup decided: the set-up follows from the implementing partner. Sent with a
    partner named, "no" contradicts it; left empty, it is read from the partner."""
    response = reporter.post("/api/v1/activity-reports/", payload(implementation_setup="no"))
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["code"], error["region_check"]["name"]) == (
        "implementing_partner_forbidden",
        "miss_implementing_org",
    )
    for setup in ("", None):
        ok = reporter.post(
            "/api/v1/activity-reports/",
            payload(implementation_setup=setup, external_id=f"setup-{setup!r}"),
        )
        assert ok.status_code == 201, ok.content
        assert ok.json()["implementing_partner"] == "HIAS"


def test_the_checks_list_in_both_languages_with_the_problems_under_each(reporter):
    body = reporter.get("/api/v1/quality-checks/").json()
    assert body["count"] == 19
    by_name = {c["name"]: c for c in body["results"]}
    assert [c["id"] for c in body["results"]] == list(range(1, 20))
    assert by_name["zeroCVA"]["category"] == "consistency"
    assert by_name["zeroCVA"]["es"]["category"] == "Consistencia"
    assert by_name["zeroCVA"]["service_problems"] == [
        {"field": "cva_value_usd", "code": "cva_value_required"}
    ]
    assert reporter.get("/api/v1/quality-checks/zeroCVA/").json() == by_name["zeroCVA"]
    assert reporter.get("/api/v1/quality-checks/10/").json() == by_name["zeroCVA"]
    missing = reporter.get("/api/v1/quality-checks/noSuchCheck/")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("check", ONE_ROW_PER_CHECK)
def test_every_problem_named_is_listed_under_its_check(reporter, check):
    """The published table (quality-checks and docs/quality-checks.md) is the one the rules
    apply."""
    errors = reporter.post(
        "/api/v1/activity-reports/", payload(**ONE_ROW_PER_CHECK[check][0])
    ).json()["errors"]
    listed = {c["name"]: c for c in reporter.get("/api/v1/quality-checks/").json()["results"]}
    for error in errors:
        if error["region_check"]:
            pair = {"field": error["field"], "code": error["code"]}
            assert pair in listed[error["region_check"]["name"]]["service_problems"], error
