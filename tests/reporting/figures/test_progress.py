"""Plan targets and people in need (/api/v1/targets/), and progress against them."""

import io

import pytest

from reporting.figures.models import PlanTarget
from tests.reporting.figures.test_figures import URL, rows  # noqa: F401  (the worked rows)

pytestmark = pytest.mark.django_db
TARGETS = "/api/v1/targets/"


def csv_file(text: str):
    file = io.BytesIO(text.encode())
    file.name = "targets.csv"
    return file


def send(api, text: str):
    return api.client.post(f"{TARGETS}upload/", {"file": csv_file(text)}, format="multipart")


TARGETS_CSV = """plan_year,admin1,sector,population_type,target,people_in_need
2021,PE15,PRT,,400,1000
2021,PE15,FS,,100,
2021,PE24,FS,in_transit,20,50
2021,PE24,FS,host_community,20,50
2021,PE24,SHE,,80,200
"""


def test_coordinators_load_targets_from_a_file(coordinator, viewer):
    response = send(coordinator, TARGETS_CSV)
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 5, "updated": 0, "unchanged": 0, "deleted": 0}
    again = send(coordinator, TARGETS_CSV.replace(",400,1000", ",500,1000"))
    assert again.json() == {"created": 0, "updated": 1, "unchanged": 4, "deleted": 0}
    assert PlanTarget.objects.get(admin1__pcode="PE15", sector__code="PRT").target == 500
    listed = viewer.get(f"{TARGETS}?plan_year=2021&admin1=PE24").json()["results"]
    assert [(t["sector"], t["population_type"], t["target"]) for t in listed] == [
        ("FS", "host_community", 20), ("FS", "in_transit", 20), ("SHE", "", 80)
    ]  # fmt: skip
    assert send(viewer, TARGETS_CSV).status_code == 403


def test_a_bad_file_names_every_bad_row_and_writes_nothing(coordinator):
    bad = (
        "plan_year,admin1,sector,population_type,target,people_in_need\n"
        "2021,PE15,PRT,,400,1000\n"
        "2021,PE1501,PRT,,10,\n"  # an admin2
        "2021,PE15,PRT-GBV,,,\n"  # no figure
        "2021,PE15,NOPE,,10,\n"
        "2021,PE15,FS,,-3,\n"
        "2021,PE15,PRT,,1,\n"  # the first row's cell again
    )
    response = send(coordinator, bad)
    assert response.status_code == 422, response.content
    assert [(e["row"], e["field"], e["code"]) for e in response.json()["errors"]] == [
        (3, "admin1", "wrong_level"), (4, "target", "required"), (5, "sector", "does_not_exist"),
        (6, "target", "min_value"), (7, None, "duplicate_in_batch"),
    ]  # fmt: skip
    assert not PlanTarget.objects.exists()


def test_progress_against_targets_by_admin1_and_sector(rows, coordinator, analyst):  # noqa: F811
    send(coordinator, TARGETS_CSV)
    body = analyst.get(f"{URL}progress/?month=2021-03").json()
    table = {(r["admin1"], r["sector"]): r for r in body["results"]}
    # Reached from `rows`: PE15 PRT 100 + GBV 20 (January, February), FS 90; PE24 FS 30.
    pe15_prt = table[("PE15", "PRT")]
    assert (pe15_prt["people_reached"], pe15_prt["target"], pe15_prt["people_in_need"]) == (
        120,
        400,
        1000,
    )
    assert (pe15_prt["reached_pct_of_target"], pe15_prt["reached_pct_of_pin"]) == (30.0, 12.0)
    assert pe15_prt["admin1_name"] == "Lima" and pe15_prt["sector_name"]
    fs = table[("PE15", "FS")]
    assert (fs["people_reached"], fs["target"], fs["people_in_need"], fs["reached_pct_of_pin"]) == (
        90,
        100,
        None,
        None,
    )
    pe24_fs = table[("PE24", "FS")]  # population-type targets add up: 20 + 20
    assert (pe24_fs["people_reached"], pe24_fs["target"], pe24_fs["reached_pct_of_target"]) == (
        30,
        40,
        75.0,
    )
    pe24_she = table[("PE24", "SHE")]  # a target nobody has reached yet
    assert (pe24_she["people_reached"], pe24_she["target"]) == (0, 80)
    assert table[("PE15", "EDU")]["target"] is None  # reached without a target
    (country_prt,) = [
        r
        for r in analyst.get(f"{URL}progress/?month=2021-03&group_by=country").json()["results"]
        if r["sector"] == "PRT"
    ]
    assert (country_prt["people_reached"], country_prt["target"]) == (120 + 50, 400)


def test_a_changed_target_shows_at_once(rows, coordinator, analyst):  # noqa: F811
    send(coordinator, TARGETS_CSV)
    first = analyst.get(f"{URL}progress/?month=2021-03&admin1=PE15&sector=PRT").json()
    target_id = PlanTarget.objects.get(admin1__pcode="PE15", sector__code="PRT").pk
    assert coordinator.patch(f"{TARGETS}{target_id}/", {"target": 240}).status_code == 200
    second = analyst.get(f"{URL}progress/?month=2021-03&admin1=PE15&sector=PRT").json()
    assert (first["results"][0]["target"], second["results"][0]["target"]) == (400, 240)
    assert second["results"][0]["reached_pct_of_target"] == 50.0


def test_per_country_the_plan_of_the_country_as_a_whole_stands_for_it(rows, coordinator, analyst):  # noqa: E501, F811
    """The region gives each country's figures at "Country level" (not the sum of its
    admin1s: people move between them). Per country, progress takes that row where it
    exists; per admin1, it is left out."""
    send(coordinator, TARGETS_CSV + "2021,PER,FS,,700,900\n")
    by_country = analyst.get(f"{URL}progress/?month=2021-03&group_by=country").json()["results"]
    fs = next(r for r in by_country if r["sector"] == "FS")
    assert (fs["target"], fs["people_in_need"]) == (700, 900)  # not 100 + 20 + 20
    prt = next(r for r in by_country if r["sector"] == "PRT")
    assert (prt["target"], prt["people_in_need"]) == (400, 1000)  # no country row: PE15's
    by_admin1 = analyst.get(f"{URL}progress/?month=2021-03").json()["results"]
    assert {r["admin1"] for r in by_admin1} == {"PE15", "PE24"}
    peru = analyst.get(f"{URL}progress/?month=2021-03&group_by=country&country=PER").json()
    assert next(r for r in peru["results"] if r["sector"] == "FS")["target"] == 700
    lima = analyst.get(f"{URL}progress/?month=2021-03&group_by=country&admin1=PE15").json()
    assert next(r for r in lima["results"] if r["sector"] == "FS")["target"] == 100
