import json

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry
from reporting.activities.validation import activity_report_violations
from reporting.demo_data import DEMO_DIRECTORY, demo_data_load
from reporting.figures.models import AgeSexProportions, AgeSexProportionsHistoryEntry

pytestmark = pytest.mark.django_db

# Figures quoted by the GTRM Peru situation report, March 2021 (Response section).
SITREP_PEOPLE = {
    "PRT-01": 3530, "PRT-02": 2240, "PRT-03": 1630, "PRT-04": 1480, "GBV-01": 150,
    "GBV-02": 30, "CP-01": 850, "SHE-01": 140, "SHE-02": 150, "SHE-04": 1100, "FS-01": 9000,
    "FS-02": 3860, "FS-03": 4000, "FS-04": 40640, "WASH-01": 7280, "EDU-01": 830, "INT-01": 13,
    "INT-02": 280, "INT-03": 1400, "INT-04": 430, "HEA-02": 2400, "HEA-03": 1100, "HEA-04": 330,
    "HEA-05": 560, "MPC-01": 19570,
}  # fmt: skip
SITREP_QUANTITY = {
    "CP-02": 12, "SHE-03": 12, "SHE-05": 250, "FS-02": 1430, "FS-03": 30, "WASH-01": 3660,
    "HEA-01": 6, "FS-01": 21000,
}  # fmt: skip


def test_demo_reports_reproduce_the_situation_report():
    demo_data_load()
    totals = dict(
        ActivityReport.objects.filter(month="2021-03-01")
        .values_list("indicator__code")
        .annotate(Sum("total_beneficiaries"))
    )
    assert {code: totals[code] for code in SITREP_PEOPLE} == SITREP_PEOPLE
    quantities = dict(
        ActivityReport.objects.values_list("indicator__code").annotate(Sum("quantity"))
    )
    assert {code: quantities[code] for code in SITREP_QUANTITY} == SITREP_QUANTITY
    mpc_usd = ActivityReport.objects.filter(indicator__code="MPC-01").aggregate(
        s=Sum("cva_value_usd")
    )
    assert mpc_usd["s"] == 2_000_000


def test_demo_reports_are_valid_and_spread_over_partners_and_departments():
    demo_data_load()
    reports = ActivityReport.objects.with_references()
    assert all(activity_report_violations(r) == [] for r in reports)
    spread = reports.aggregate(p=Count("partner", distinct=True), a=Count("admin1", distinct=True))
    assert spread["p"] >= 20 and spread["a"] >= 5
    assert reports.filter(rmrp=False).exists() and reports.filter(cva=True).exists()


def test_loading_the_demo_twice_changes_nothing(capsys):
    call_command("load_demo_data")
    history = ActivityReportHistoryEntry.objects.count()
    call_command("load_demo_data")
    assert "0 created, 0 updated" in capsys.readouterr().out
    assert ActivityReportHistoryEntry.objects.count() == history


def test_the_demo_ships_an_illustrative_proportions_table_the_figures_apply(make_api):
    counts = demo_data_load()
    table = AgeSexProportions.objects.filter(variant="pin")
    assert table.count() == counts["proportions"] > 0
    about = json.loads((DEMO_DIRECTORY / "proportions-pin-illustrative.json").read_text())
    assert about["illustrative"] is True and "ILLUSTRATIVE" in about["_about"]
    # Every admin1 the demo reports in is covered: nothing falls back to the plain max.
    body = (
        make_api("analyst", "OCHA")
        .get("/api/v1/figures/people-reached/?month=2021-03&group_by=admin1")
        .json()
    )
    assert (body["proportions"], body["proportions_uncovered"]) == ("pin", [])
    plain = (
        make_api("analyst", "OCHA")
        .get("/api/v1/figures/people-reached/?month=2021-03&group_by=admin1&proportions=none")
        .json()
    )
    assert {r["admin1"] for r in body["results"]} == {r["admin1"] for r in plain["results"]}
    # Again: every row unchanged, no new version, no new history.
    history = AgeSexProportionsHistoryEntry.objects.count()
    demo_data_load()
    assert set(table.values_list("version", flat=True)) == {1}
    assert AgeSexProportionsHistoryEntry.objects.count() == history
