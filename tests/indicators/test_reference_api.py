"""Reference data: sectors and indicators, and what all reference lists share."""

import pytest
from django.core.management import call_command

from indicators.models import Indicator, Sector
from partners.models import Partner
from reporting.border_flows.models import BorderPoint
from reporting.locations.models import Location, Platform
from tests.conftest import codes
from tests.factories import ActivityReportFactory

pytestmark = pytest.mark.django_db


def test_sectors_and_subsectors(viewer):
    gbv = viewer.get("/api/v1/sectors/PRT-GBV/").json()
    assert gbv == {"code": "PRT-GBV", "name": "Gender-Based Violence (GBV)", "parent": "PRT",
                   "region_name": "Protection (GBV)"}  # fmt: skip
    top = codes(viewer.get("/api/v1/sectors/?top_level=true"))
    assert top == ["EDU", "FS", "HEA", "HT", "INT", "MPC", "NUT", "PRT", "SHE", "WASH"]


def test_indicator_shape(viewer):
    assert viewer.get("/api/v1/indicators/PRT-01/").json() == {
        "code": "PRT-01",
        "name": "People receiving protection orientation and information",
        "sector": "PRT",
        "indicator_type": "direct_assistance",
        "unit": "people",
        "active": True,
        "first_plan_year": None,  # in every plan year's catalogue
        "last_plan_year": None,
    }


# One row per filter: (path, query, expected codes, key).
FILTER_CASES = [
    ("sectors", "parent=PRT", ["PRT-CP", "PRT-GBV", "PRT-HTS"], "code"),
    ("sectors", "top_level=false", ["PRT-CP", "PRT-GBV", "PRT-HTS"], "code"),
    ("sectors", "q=cash", ["MPC"], "code"),
    ("indicators", "sector=PRT-GBV", ["GBV-01", "GBV-02"], "code"),
    ("indicators", "sector=PRT&indicator_type=infrastructure", ["CP-02"], "code"),
    ("indicators", "indicator_type=capacity_building", ["INT-02", "INT-03"], "code"),
    ("indicators", "active=false", ["FS-99"], "code"),
    ("indicators", "q=soup kitchens", ["FS-03"], "code"),
]  # fmt: skip


@pytest.mark.parametrize(("resource", "query", "expected", "key"), FILTER_CASES)
def test_filters(viewer, resource, query, expected, key):
    assert codes(viewer.get(f"/api/v1/{resource}/?{query}"), key) == expected


@pytest.mark.parametrize(
    ("resource", "query", "field"),
    [
        ("indicators", "sector=NOPE", "sector"),
    ],
)
def test_invalid_filter_values_are_400_naming_the_filter(viewer, resource, query, field):
    response = viewer.get(f"/api/v1/{resource}/?{query}")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize("api", ["reporter", "viewer", "analyst"])
def test_only_coordinators_change_reference_data(request, api):
    client = request.getfixturevalue(api)
    response = client.post("/api/v1/partners/", {"code": "NEW", "name": "N", "type": "other"})
    assert response.status_code == 403
    assert client.patch("/api/v1/indicators/PRT-01/", {"active": False}).status_code == 403
    assert not Partner.objects.filter(code="NEW").exists()
    assert Indicator.objects.get(code="PRT-01").active


def test_anonymous_reads_nothing(anonymous):
    assert anonymous.get("/api/v1/partners/").status_code == 401


def test_coordinator_manages_reference_data(coordinator):
    created = coordinator.post(
        "/api/v1/partners/", {"code": "NEWORG", "name": "New org", "type": "national_ngo"}
    )
    assert created.status_code == 201
    assert created.json()["appealing"] is True
    response = coordinator.post(
        "/api/v1/indicators/",
        {"code": "EDU-02", "name": "Teachers trained", "sector": "EDU",
         "indicator_type": "capacity_building", "unit": "people"},
    )  # fmt: skip
    assert response.status_code == 201
    assert Indicator.objects.get(code="EDU-02").sector.code == "EDU"
    assert (
        coordinator.patch("/api/v1/indicators/EDU-02/", {"active": False}).json()["active"] is False
    )
    assert coordinator.delete("/api/v1/partners/NEWORG/").status_code == 204


def test_deleting_referenced_reference_data_is_409(coordinator):
    ActivityReportFactory()
    response = coordinator.delete("/api/v1/indicators/PRT-01/")
    assert response.status_code == 409
    assert response.json()["code"] == "protected"
    assert Indicator.objects.filter(code="PRT-01").exists()
    assert coordinator.delete("/api/v1/sectors/PRT/").status_code == 409


def test_load_reference_data_twice_changes_nothing(capsys):
    models = (Partner, Sector, Indicator, Platform, Location, BorderPoint)
    before = [list(m.objects.order_by("pk").values()) for m in models]
    call_command("load_reference_data")
    out = capsys.readouterr().out
    assert "0 created, 0 updated" in out
    assert out.count("0 created, 0 updated") == 6
    after = [list(m.objects.order_by("pk").values()) for m in models]
    assert before == after


def test_load_reference_data_restores_an_edited_row():
    Indicator.objects.filter(code="PRT-01").update(name="edited by hand")
    call_command("load_reference_data")
    assert Indicator.objects.get(code="PRT-01").name.startswith("People receiving protection")
