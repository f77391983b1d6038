"""Border crossing points: /api/v1/border-points/."""

import pytest

from tests.conftest import codes

pytestmark = pytest.mark.django_db


def test_border_points_are_loaded(viewer):
    codes = [
        p["code"]
        for p in viewer.get("/api/v1/border-points/?neighbour_country=BOL").json()["results"]
    ]
    assert codes == ["PE-PUN-DES", "PE-PUN-KAS"]
    cebaf = viewer.get("/api/v1/border-points/PE-TUM-CEBAF/").json()
    assert (cebaf["admin1"], cebaf["neighbour_country"], cebaf["kind"]) == (
        "PE24",
        "ECU",
        "official",
    )
    assert {
        p["neighbour_country"] for p in viewer.get("/api/v1/border-points/").json()["results"]
    } == {"ECU", "BOL", "CHL", "BRA", "COL", "PER"}  # Huaquillas, in Ecuador, faces Peru
    in_ecuador = viewer.get("/api/v1/border-points/?country=ECU").json()["results"]
    assert [(p["code"], p["admin1"], p["neighbour_country"]) for p in in_ecuador] == [
        ("EC-CAR-RUM", "EC04", "COL"), ("EC-ORO-HUA", "EC07", "PER"),
    ]  # fmt: skip
    in_peru = viewer.get("/api/v1/border-points/?country=PER&page_size=100").json()["results"]
    assert len(in_peru) == 7 and all(p["code"].startswith("PE-") for p in in_peru)


def test_coordinators_add_and_change_points_others_read(coordinator, viewer, reporter):
    point = {"code": "PE-TUM-NEW", "name": "New point", "admin1": "PE24", "neighbour_country": "ECU",
             "kind": "official"}  # fmt: skip
    assert reporter.post("/api/v1/border-points/", point).status_code == 403
    created = coordinator.post("/api/v1/border-points/", point)
    assert created.status_code == 201, created.content
    changed = coordinator.patch("/api/v1/border-points/PE-TUM-NEW/", {"name": "Renamed"})
    assert changed.json()["name"] == "Renamed"
    assert "PE-TUM-NEW" in codes(viewer.get("/api/v1/border-points/?neighbour_country=ECU"))


def test_a_point_with_observations_cannot_be_deleted(coordinator, make_api):
    oim = make_api("reporter", "OIM")
    observation = {"border_point": "PE-TUM-CEBAF", "date": "2021-03-30", "direction": "entry",
                   "people": 5, "method": "flow_monitoring", "source": "DTM"}  # fmt: skip
    assert oim.post("/api/v1/border-crossings/", observation).status_code == 201
    response = coordinator.delete("/api/v1/border-points/PE-TUM-CEBAF/")
    assert response.status_code == 409 and response.json()["code"] == "protected"
