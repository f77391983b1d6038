"""Organisations: /api/v1/partners/."""

import pytest

from tests.conftest import codes

pytestmark = pytest.mark.django_db


SITREP_PARTNERS = [
    "ACH", "ACNUR", "ADRA", "AECID", "ALDEAS", "AMERICARES", "AMNISTIA", "CCEFIRO",
    "SCALABRINIANOS", "QUINTAOLA", "AVSI", "AEA", "BRITISHCOUNCIL", "CAPELLANIA", "CAPS",
    "CARE", "CARITAS-PE", "CARITAS-CH", "CESAL", "CHS", "CICR", "CEP", "RELIGIONESPAZ",
    "COOPI", "COPEME", "CRE", "CRP", "CUSO", "DRC", "ECHO", "EMB-CAN", "EMB-SWE", "EMB-CHE",
    "EMB-NLD", "EMB-GBR", "EMB-USA", "ENCUENTROS", "FICR", "FOROSALUD", "GIZ", "GOAL",
    "HELVETAS", "HIAS", "HI", "IDEHPUCP", "ILLARI", "INPET", "LWR", "MASIGUALDAD", "OCHA",
    "OEI", "OIM", "OIT", "ONUSIDA", "UNV", "OPS-OMS", "PADF", "PLAN", "PNUD", "MLAL", "PROSA",
    "RCO", "RET", "SCI", "SPARKASSEN", "TECHO", "TDH", "UNESCO", "UNFPA", "UNHABITAT",
    "UNICEF", "UNODC", "USAID-DART", "WB", "WEWORLD", "WFP", "WOCCU", "WV",
]  # fmt: skip


def test_every_organisation_of_the_situation_report_is_loaded(viewer):
    listed = codes(viewer.get("/api/v1/partners/?page_size=1000"))
    assert set(SITREP_PARTNERS) <= set(listed)
    assert listed == sorted(listed)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "type=donor&q=embassy",
            ["EMB-CAN", "EMB-CHE", "EMB-GBR", "EMB-NLD", "EMB-SWE", "EMB-USA"],
        ),
        ("appealing=false&type=un_agency", ["RCO"]),
        ("q=refugee council", ["DRC"]),
    ],
)
def test_filters(viewer, query, expected):
    assert codes(viewer.get(f"/api/v1/partners/?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "field"), [("type=spaceship", "type"), ("appealing=maybe", "appealing")]
)
def test_invalid_filter_values_are_400_naming_the_filter(viewer, query, field):
    response = viewer.get(f"/api/v1/partners/?{query}")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_ordering(viewer):
    names = [r["name"] for r in viewer.get("/api/v1/partners/?ordering=-name").json()["results"]]
    assert names == sorted(names, reverse=True)
