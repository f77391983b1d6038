"""Countries, admin1 and admin2 areas: /api/v1/locations/."""

import pytest

from reporting.locations.models import Location
from tests.conftest import codes

pytestmark = pytest.mark.django_db


def test_all_25_peruvian_departments_and_callao(viewer):
    admin1 = codes(viewer.get("/api/v1/locations/?level=admin1&parent=PER&page_size=100"), "pcode")
    assert len(admin1) == 25
    assert {"PE07", "PE15", "PE24", "PE21", "PE08", "PE17"} <= set(admin1)
    tumbes = viewer.get("/api/v1/locations/PE2401/").json()
    assert tumbes == {"pcode": "PE2401", "name": "Tumbes", "name_es": "Tumbes", "region_name": "",
                      "level": "admin2", "parent": "PE24", "platform": None}  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "level=country&page_size=20",
            sorted(
                [
                    "ARG",
                    "ABW",
                    "BOL",
                    "BRA",
                    "CHL",
                    "COL",
                    "CRI",
                    "CUW",
                    "DOM",
                    "ECU",
                    "GUY",
                    "MEX",
                    "PAN",
                    "PRY",
                    "PER",
                    "TTO",
                    "URY",
                ]
            ),
        ),
        ("level=admin1&parent=ECU&page_size=100", [f"EC{n:02}" for n in range(1, 25)]),
        ("parent=PE24", ["PE2401", "PE2402", "PE2403"]),
        ("q=tumbes", ["PE24", "PE2401"]),
    ],
)
def test_filters(viewer, query, expected):
    assert codes(viewer.get(f"/api/v1/locations/?{query}"), "pcode") == expected


def test_an_unknown_parent_is_400_naming_the_filter(viewer):
    response = viewer.get("/api/v1/locations/?parent=XX99")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["parent"]


def test_page_size_is_capped(viewer):
    response = viewer.get("/api/v1/locations/?page_size=100000").json()
    assert response["count"] == Location.objects.count()
    assert len(response["results"]) == min(1000, Location.objects.count())


def test_coordinator_adds_and_renames_an_area(coordinator, viewer):
    created = coordinator.post(
        "/api/v1/locations/",
        {"pcode": "PE2404", "name": "Nueva", "level": "admin2", "parent": "PE24"},
    )
    assert created.status_code == 201, created.content
    assert (
        coordinator.patch("/api/v1/locations/PE2404/", {"name": "Nueva Tumbes"}).status_code == 200
    )
    assert viewer.get("/api/v1/locations/PE2404/").json()["name"] == "Nueva Tumbes"
    assert (
        viewer.post(
            "/api/v1/locations/", {"pcode": "X", "name": "X", "level": "country"}
        ).status_code
        == 403
    )
