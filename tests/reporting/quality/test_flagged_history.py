"""History comes in with its flaws visible: a coordinator imports past months as
ActivityInfo exported them; rows breaking only the region's Consistency or Accuracy checks
are stored, flagged, and counted in figures exactly as the region's script counts them."""

import csv
import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import Indicator
from partners.models import Partner
from reporting.activities.activityinfo import COLUMNS
from reporting.activities.models import ActivityReport
from reporting.locations.models import Location
from tests.reporting.region.rscript import needs_r, run_consolidation
from tests.reporting.region.test_consolidation_vs_r import split
from tests.reporting.region.test_figures_vs_r import COLUMNS as SCRIPT_COLUMNS
from tests.reporting.region.test_figures_vs_r import value
from tests.reporting.region.test_service_vs_r import (
    lookup,
    workbook_loaded,  # noqa: F401
)

pytestmark = pytest.mark.django_db
IMPORTS = "/api/v1/imports/"
# Each flaw history holds, made on a clean row, and the check it breaks.
FLAWS = {
    "AGDBreakdown": lambda r: r.update(Girls=r["Girls"] + 3),
    "PopTypeBreakdown": lambda r: r.update(IN_DESTINATION=r["IN_DESTINATION"] + 2),
    "NewBenefvstotal": lambda r: r.update(Total_monthly=r["New_beneficiaries"] - 1),
    "zeroCVA": lambda r: r.update(CVA="Yes", Value="", Delivery_mechanism="Voucher"),
    "CVANotoYes": lambda r: r.update(Value=50),
}


def history_rows(seed: int = 5, count: int = 120) -> tuple[list[dict], dict[str, list[str]]]:
    """Peru's 5W of January and February 2024 as ActivityInfo exports it, one row in four
    with a flaw; and the flaws of each activity."""
    rng = random.Random(seed)
    areas = list(Location.objects.filter(parent__pcode="PER", level="admin1"))
    indicators = list(
        Indicator.objects.filter(indicator_type="direct_assistance", active=True)
        .exclude(sector__code="MPC")  # multipurpose cash is CVA: a flaw of its own
        .select_related("sector")
    )
    partner = Partner.objects.get(code="ACNUR").name
    rows, flaws = [], {}
    for n in range(count):
        indicator, area = rng.choice(indicators), rng.choice(areas)
        new = rng.randint(2, 300)
        pops, ages = split(rng, new, 5), split(rng, new, 6)
        row = {
            "Country": "Peru", "Admin1": area.region_name or area.name, "Admin2": "",
            "Appealing_org": partner, "Implementation": "No", "Implementing_partner": "",
            "Month": f"2024-0{rng.randint(1, 2)}", "Subsector": indicator.sector.region_name,
            "Indicator": indicator.name, "Activity_Name": f"Activity {n}",
            "Activity_Description": "", "RMRPActivity": "Yes", "CVA": "No", "Value": "",
            "Delivery_mechanism": "", "Quantity_output": "", "Total_monthly": new + 10,
            "New_beneficiaries": new, "Platform": "",
            **dict(zip(COLUMNS[18:29], pops + ages, strict=True)),
        }  # fmt: skip
        if n % 4 == 1:
            flaw = list(FLAWS)[(n // 4) % len(FLAWS)]
            FLAWS[flaw](row)
            flaws[row["Activity_Name"]] = [flaw]
        rows.append(row)
    return rows, flaws


def csv_file(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(api, content: bytes, **fields):
    file = SimpleUploadedFile("history-2024.csv", content)
    return api.client.post(IMPORTS, {"file": file, **fields}, format="multipart")


def test_history_is_stored_with_its_flaws_flagged(coordinator, reporter):
    rows, flaws = history_rows()
    refused = upload(coordinator, csv_file(rows))  # the usual import refuses them all
    assert refused.status_code == 422
    named = {e["region_check"]["name"] for e in refused.json()["errors"] if e["region_check"]}
    assert named == set(FLAWS)

    assert upload(reporter, csv_file(rows), history="true").status_code == 403
    response = upload(coordinator, csv_file(rows), history="true")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["created"], body["flagged"], body["history"]) == (120, len(flaws), True)
    stored = dict(ActivityReport.objects.values_list("activity_name", "quality_flags"))
    assert {name for name, bits in stored.items() if bits} == set(flaws)
    listed = reporter.get("/api/v1/activity-reports/", {"page_size": 200}).json()["results"]
    assert {r["activity_name"]: r["quality_flags"] for r in listed if r["quality_flags"]} == flaws


def test_history_still_refuses_rows_it_cannot_place(coordinator):
    rows, _ = history_rows(count=8)
    rows[3]["Admin1"] = "Limaa"
    rows[5]["Appealing_org"] = "United Nations High Commissioner for Refugee"
    response = upload(coordinator, csv_file(rows), history="true")
    assert response.status_code == 422
    errors = {(e["row"], e["field"]): e for e in response.json()["errors"]}
    assert set(errors) == {(5, "admin1"), (7, "partner")}
    assert "Lima" in errors[(5, "admin1")]["message"]  # the closest names come back
    assert errors[(5, "admin1")]["region_check"]["name"] == "countryadmincheck"
    assert not ActivityReport.objects.exists()


def test_a_flagged_row_fixed_loses_its_flags_and_history_keeps_both(coordinator, reporter):
    rows, flaws = history_rows(count=8)
    assert upload(coordinator, csv_file(rows), history="true").status_code == 201
    name = next(iter(flaws))  # Activity 1: AGDBreakdown, 3 girls too many
    pk = ActivityReport.objects.get(activity_name=name).pk
    report = reporter.get(f"/api/v1/activity-reports/{pk}/").json()
    assert report["quality_flags"] == ["AGDBreakdown"]
    ages = dict(report["age_sex"], girls=report["age_sex"]["girls"] - 3)
    fixed = reporter.patch(f"/api/v1/activity-reports/{report['id']}/", {"age_sex": ages})
    assert fixed.status_code == 200, fixed.content
    assert fixed.json()["quality_flags"] == []
    history = reporter.get(f"/api/v1/activity-reports/{report['id']}/history/").json()["results"]
    flags = [(h["before"] or {}).get("quality_flags") for h in history] + [
        history[-1]["after"]["quality_flags"]
    ]
    assert ["AGDBreakdown"] in flags and flags[-1] == []
    # Still flawed: an ordinary change of a flagged row must pass every rule.
    other = ActivityReport.objects.filter(quality_flags__gt=0).exclude(pk=report["id"]).first()
    refused = reporter.patch(f"/api/v1/activity-reports/{other.pk}/", {"activity_description": "x"})
    assert refused.status_code == 400


@needs_r
@pytest.mark.usefixtures("workbook_loaded")
@pytest.mark.parametrize("model", ["maxsector", "sum"])
def test_flagged_rows_count_in_figures_as_the_regions_script_counts_them(
    coordinator, analyst, tmp_path, model
):
    rows, flaws = history_rows(seed=9, count=200)
    assert upload(coordinator, csv_file(rows), history="true").status_code == 201
    script = {
        (r["Admin1"], r["Month"]): r
        for r in run_consolidation(tmp_path, rows, lookup(), proportions="pin", model=model)
        if r["Country"] == "Peru" and r["Subsector"] == "Intersector"
    }
    names = {
        a.pcode: a.region_name or a.name
        for a in Location.objects.filter(parent__pcode="PER", level="admin1")
    }
    body = analyst.get(
        "/api/v1/figures/people-reached/",
        {"country": "PER", "month_from": "2024-01", "month_to": "2024-02",
         "group_by": "admin1,month", "model": {"maxsector": "max_sector"}.get(model, model)},
    ).json()  # fmt: skip
    assert body["flagged_rows"] == len(flaws)
    differences = [
        (names[row["admin1"]], row["month"], column)
        for row in body["results"]
        for column, path in SCRIPT_COLUMNS.items()
        if float(script[(names[row["admin1"]], row["month"])][column] or 0) != value(row, path)
    ]
    assert differences == []
    assert len(body["results"]) >= 10
