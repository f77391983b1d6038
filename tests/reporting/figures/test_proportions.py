"""Age/sex proportions (/api/v1/proportions/) and the max models that apply them, on the
worked rows of test_figures. Every expected figure below is worked out by hand."""

import io

import pytest

from reporting.figures.models import AgeSexProportions, CountryFigureSettings
from tests.reporting.figures.test_figures import URL, rows  # noqa: F401
from tests.reporting.figures.test_figures import people as figure

# The service's own rounding and fallback, which the figures below are worked with (the
# region's script's, the defaults, in test_region_defaults.py).
SERVICE_METHOD = "rounding=half_up&missing_shares=plain_max&rmrp=true"


def people(api, query):
    return figure(api, f"{SERVICE_METHOD}&{query}")


pytestmark = pytest.mark.django_db
PROPORTIONS = "/api/v1/proportions/"
HEADER = "admin1,sector,variant,population_type,girls,boys,women,men"

# The "pin" table: every sector of PE15 and PE24 splits in-destination people 20/20/30/30,
# in-transit 10/10/40/40 and host community 25/25/25/25 (girls/boys/women/men), except
# Shelter's and Education's in-destination people (50/50/0/0: children) and GBV's
# (30/0/70/0). The "target" table covers PE15 only: everybody 25/25/25/25.
DEFAULT = {
    "in_destination": "0.2,0.2,0.3,0.3",
    "in_transit": "0.1,0.1,0.4,0.4",
    "host_community": "0.25,0.25,0.25,0.25",
}
OVERRIDES = {
    ("SHE", "in_destination"): "0.5,0.5,0,0",
    ("EDU", "in_destination"): "0.5,0.5,0,0",
    ("PRT-GBV", "in_destination"): "0.3,0,0.7,0",
}
SECTORS = ("PRT", "PRT-GBV", "SHE", "FS", "EDU", "MPC", "NUT")


def table_csv() -> str:
    lines = [HEADER]
    for admin1 in ("PE15", "PE24"):
        for sector in SECTORS:
            for population, shares in DEFAULT.items():
                shares = OVERRIDES.get((sector, population), shares)
                lines.append(f"{admin1},{sector},pin,{population},{shares}")
    for sector in SECTORS:
        for population in DEFAULT:
            lines.append(f"PE15,{sector},target,{population},0.25,0.25,0.25,0.25")
    return "\n".join(lines) + "\n"


def upload(api, text: str, name="proportions.csv", query=""):
    file = io.BytesIO(text.encode("utf-8"))
    file.name = name
    return api.client.post(f"{PROPORTIONS}upload/{query}", {"file": file}, format="multipart")


@pytest.fixture
def tables(rows, coordinator):  # noqa: F811
    CountryFigureSettings.objects.all().delete()  # the platform's defaults: pin
    response = upload(coordinator, table_csv())
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2 * 7 * 3 + 7 * 3


# Worked by hand from `rows` (see test_figures) and the tables above; cells are rounded
# half up, which the host-community tens (10 x 0.25 = 2.5 -> 3, four times: 12) show.
#
# max_sector, monthly order, pin:
#   PE15 Jan  PRT dest 60 -> 12 12 18 18; transit 40 -> 4 4 16 16            = 100
#   PE15 Feb  dest: GBV 20 -> 6 0 14 0, SHE 30 -> 15 15 0 0; max 15 15 14 0  =  44
#             transit SHE 30 -> 3 3 12 12 (30); host SHE 10 -> 3 3 3 3 (12)   -> 86
#   PE15 Mar  dest: FS 80 -> 16 16 24 24, EDU 15 -> 8 8 0 0, MPC 40 -> 8 8 12 12;
#             max 16 16 24 24 (80); host FS 10 -> 12                          -> 92
#   PE24 Mar  transit: PRT 50 -> 5 5 20 20, FS 20 -> 2 2 8 8; max 50; host FS 12;
#             dest NUT 5 -> 1 1 2 2 (1.5 -> 2)                                -> 68
#   PE15 = 100 + 86 + 92 = 278; country 346.
# max_sector, cumulative order, pin (PRT holds GBV, split by PRT's shares):
#   PE15 dest: PRT 80 -> 16 16 24 24 = FS 80 (the highest); transit PRT 40 -> 4 4 16 16;
#   host 12: 80 + 40 + 12 = 132. PE24 68 (one month). Country 200.
# southern_cone, monthly, pin: step {SHE, FS, HT, WASH} split; Protection (General) and
#   {INT, MPC, HEA, EDU} added as reported:
#   PE15 Jan 0 + PRT 100; Feb SHE 30 + 30 + 12 = 72 (GBV in no step); Mar FS 80 + 12 + EDU
#   15 + MPC 40 = 147 -> 319. PE24 FS 20 + 12 + PRT 50 = 82 (NUT in no step). Country 401.
# southern_cone, cumulative, pin: PE15 step dest max(SHE 15 15 0 0, FS 16 16 24 24) = 80,
#   transit SHE 30, host 12 -> 122; + PRT 120 + EDU 15 + MPC 40 = 297. PE24 82. Country 379.
# target (PE15 only, 25% each; PE24 uncovered: the plain max):
#   max_sector monthly: Jan 15x4 + 10x4 = 100; Feb dest max(GBV 5, SHE 7.5 -> 8) x4 = 32,
#   transit SHE 8x4 = 32, host 12 -> 76; Mar dest FS 20x4 = 80, host 12 -> 92.
#   PE15 268, PE24 65, country 333.
#   max_sector cumulative: dest 80, transit max(PRT 10, SHE 8) x4 = 40, host 12 -> 132;
#   PE24 65; 197.
#   southern_cone monthly: 100 + (32 + 32 + 12) + (80 + 12 + 55) = 323; PE24 80; 403.
#   southern_cone cumulative: step dest 80, transit 32, host 12 = 124; + 120 + 55 = 299;
#   PE24 80; 379.
# sum ignores proportions: 335 and 85, 420, whatever the order. "none" gives the figures
# of test_figures.
WORKED = [
    # model, accumulation, proportions, PE15, PE24, country
    ("sum", "monthly", "pin", 335, 85, 420),
    ("sum", "cumulative", "target", 335, 85, 420),
    ("max_sector", "monthly", "none", 260, 65, 325),
    ("max_sector", "monthly", "pin", 278, 68, 346),
    ("max_sector", "monthly", "target", 268, 65, 333),
    ("max_sector", "cumulative", "none", 130, 65, 195),
    ("max_sector", "cumulative", "pin", 132, 68, 200),
    ("max_sector", "cumulative", "target", 132, 65, 197),
    ("southern_cone", "monthly", "none", 315, 80, 395),
    ("southern_cone", "monthly", "pin", 319, 82, 401),
    ("southern_cone", "monthly", "target", 323, 80, 403),
    ("southern_cone", "cumulative", "none", 295, 80, 375),
    ("southern_cone", "cumulative", "pin", 297, 82, 379),
    ("southern_cone", "cumulative", "target", 299, 80, 379),
]


@pytest.mark.parametrize(("model", "order", "variant", "pe15", "pe24", "country"), WORKED)
def test_every_model_order_and_proportions_worked_by_hand(
    tables, analyst, model, order, variant, pe15, pe24, country
):
    query = f"model={model}&accumulation={order}&proportions={variant}"
    body = people(analyst, f"{query}&group_by=admin1")
    assert (body["proportions"], body["proportions_source"]) == (variant, "query")
    assert [(r["admin1"], r["people_reached"]) for r in body["results"]] == [
        ("PE15", pe15),
        ("PE24", pe24),
    ]
    (total,) = people(analyst, f"{query}&group_by=country")["results"]
    assert total["people_reached"] == country
    uncovered = ["PE24"] if variant == "target" and model != "sum" else []
    assert body["proportions_uncovered"] == uncovered


def test_split_cells_make_the_age_sex_and_population_columns(tables, analyst):
    (pe15, _) = people(analyst, "group_by=admin1")["results"]
    # Months of PE15 (max_sector, monthly, pin): January 16/16/34/34, February 21/21/29/15,
    # March 19/19/27/27 (girls/boys/women/men).
    assert pe15["age_sex"] == {
        "girls": 56, "boys": 56, "women": 90, "men": 76, "other_under_18": 0, "other_over_18": 0
    }  # fmt: skip
    assert pe15["population"] == {
        "in_destination": 184, "in_transit": 70, "host_community": 24, "pendular": 0,
        "returnees": 0,
    }  # fmt: skip
    assert pe15["people_reached"] == 278 and pe15["flags"] == []


def test_pin_is_the_default_and_a_country_may_declare_another(tables, analyst, coordinator):
    body = people(analyst, "country=PER&group_by=country")
    assert (body["proportions"], body["proportions_source"]) == ("pin", "platform_default")
    assert body["results"][0]["people_reached"] == 346
    response = coordinator.patch("/api/v1/figure-settings/PER/", {"proportions": "target"})
    assert response.status_code == 200, response.content
    body = people(analyst, "country=PER&group_by=country")
    assert (body["proportions"], body["proportions_source"]) == ("target", "country_setting")
    assert body["results"][0]["people_reached"] == 333
    assert CountryFigureSettings.objects.get(country__pcode="PER").proportions == "target"


def test_without_a_table_the_plain_max_applies_and_the_answer_says_where(rows, analyst):  # noqa: F811
    CountryFigureSettings.objects.all().delete()
    body = people(analyst, "group_by=admin1")
    assert body["proportions"] == "pin"
    assert body["proportions_uncovered"] == ["PE15", "PE24"]
    assert [r["people_reached"] for r in body["results"]] == [260, 65]


def test_a_table_missing_one_sector_leaves_that_admin1_on_the_plain_max(
    tables, analyst, coordinator
):
    nutrition = AgeSexProportions.objects.filter(admin1__pcode="PE24", sector__code="NUT")
    for pk in nutrition.values_list("pk", flat=True):
        assert coordinator.delete(f"{PROPORTIONS}{pk}/").status_code == 204
    body = people(analyst, "group_by=admin1&proportions=pin")
    assert body["proportions_uncovered"] == ["PE24"]
    assert [r["people_reached"] for r in body["results"]] == [278, 65]


# --- The API: coordinators set rows one by one or by file; rules; history ------------------
def row(**changes):
    return {
        "admin1": "PE15", "sector": "SHE", "variant": "pin", "population_type": "in_transit",
        "girls": 0.1, "boys": 0.1, "women": 0.4, "men": 0.4, **changes,
    }  # fmt: skip


def test_coordinators_set_rows_with_versions_and_history(db, coordinator, viewer):
    created = coordinator.post(PROPORTIONS, row(), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["country"], body["admin1_name"], body["sector_name"]) == ("PER", "Lima", "Shelter")
    assert (body["women"], body["version"], created["ETag"]) == (0.4, 1, '"1"')
    url = f"{PROPORTIONS}{body['id']}/"
    stale = coordinator.patch(url, {"women": 0.5, "men": 0.3}, format="json", HTTP_IF_MATCH='"7"')
    assert stale.status_code == 412
    changed = coordinator.patch(url, {"women": 0.5, "men": 0.3}, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200, changed.content
    assert (changed.json()["version"], changed["ETag"]) == (2, '"2"')
    history = viewer.get(f"{url}history/").json()["results"]
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[1]["changed_fields"] == ["men", "women"]
    assert history[1]["before"]["women"] == "0.4"
    assert viewer.post(PROPORTIONS, row(sector="FS"), format="json").status_code == 403
    again = coordinator.post(PROPORTIONS, row(women=0.4, men=0.4), format="json")
    assert (again.status_code, again.json()["code"]) == (409, "duplicate_proportions")
    assert coordinator.delete(url).status_code == 204
    assert viewer.get(f"{url}history/").json()["results"][-1]["action"] == "delete"
    assert viewer.get(PROPORTIONS).json()["results"] == []


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"men": 0.3}, "shares", "shares_do_not_add_up"),  # 0.9
        ({"men": 0.4211}, "shares", "shares_do_not_add_up"),  # 1.0211: more than rounding
        ({"men": 1.5}, "men", "max_value"),
        ({"girls": -0.1}, "girls", "min_value"),
        ({"women": "a quarter"}, "women", "invalid"),
        ({"admin1": "PE2401"}, "admin1", "wrong_level"),
        ({"admin1": "Lima"}, "admin1", "does_not_exist"),
        ({"sector": "XX"}, "sector", "does_not_exist"),
        ({"variant": "plan"}, "variant", "invalid_choice"),
        ({"population_type": "refugees"}, "population_type", "invalid_choice"),
        ({"colour": "red"}, "colour", "unknown_field"),
    ],
)
def test_bad_rows_name_their_field(db, coordinator, changes, field, code):
    response = coordinator.post(PROPORTIONS, row(**changes), format="json")
    assert response.status_code == 400, response.content
    assert (field, code) in {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert not AgeSexProportions.objects.exists()


def test_shares_within_a_thousandth_of_one_are_accepted(db, coordinator):
    response = coordinator.post(PROPORTIONS, row(men=0.4009), format="json")
    assert response.status_code == 201, response.content


def test_a_bad_file_names_every_bad_row_and_writes_nothing(db, coordinator):
    text = "\n".join([
        HEADER,
        "PE15,SHE,pin,in_transit,0.1,0.1,0.4,0.4",
        "PE15,SHE,pin,in_destination,0.5,0.5,0.5,0",  # 1.5
        "PE99,SHE,pin,in_destination,0.25,0.25,0.25,0.25",
        "PE15,SHE,pin,in_transit,0.25,0.25,0.25,0.25",  # row 2's key again
        "PE15,SHE,pin,in_transit,1.200,0,0,0",
    ])  # fmt: skip
    response = upload(coordinator, text)
    assert response.status_code == 422, response.content
    assert [(e["row"], e["field"], e["code"]) for e in response.json()["errors"]] == [
        (3, "shares", "shares_do_not_add_up"),
        (4, "admin1", "does_not_exist"),
        (5, None, "duplicate_in_batch"),
        (6, "girls", "max_value"),
    ]
    assert not AgeSexProportions.objects.exists()
    missing = upload(coordinator, "admin1,sector,variant\nPE15,SHE,pin\n")
    assert (missing.status_code, missing.json()["errors"][0]["code"]) == (400, "missing_columns")


def test_an_export_uploads_back_and_only_edited_rows_change(tables, coordinator, analyst):
    export = analyst.get(f"{PROPORTIONS}?format=csv&variant=pin&admin1=PE24")
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id,country,admin1,admin1_name,sector")
    lines = text.splitlines()
    assert len(lines) == 1 + 7 * 3
    back = upload(coordinator, text, query="?dry_run=true")
    assert back.status_code == 200, back.content
    assert (back.json()["unchanged"], back.json()["updated"]) == (21, 0)
    # Nutrition's in-destination split edited: one row updated, the figure follows.
    edited = [
        line.replace("0.2,0.2,0.3,0.3", "0.4,0.4,0.1,0.1")
        if ",NUT," in line and "in_destination" in line
        else line
        for line in lines
    ]
    before = people(analyst, "group_by=admin1")["results"][1]["people_reached"]
    result = upload(coordinator, "\n".join(edited)).json()
    assert (result["updated"], result["unchanged"], result["created"]) == (1, 20, 0)
    # PE24's Nutrition 5 in destination: 2 2 1 1 (0.5 rounds up) = 6 as before, by cells.
    after = people(analyst, "group_by=admin1")["results"][1]
    assert (before, after["people_reached"]) == (68, 6 + 50 + 12)
    assert (after["age_sex"]["girls"], after["age_sex"]["women"]) == (2 + 5 + 3, 1 + 20 + 3)
    entry = AgeSexProportions.objects.get(admin1__pcode="PE24", sector__code="NUT",
                                          variant="pin", population_type="in_destination")  # fmt: skip
    assert (entry.version, entry.history.count()) == (2, 2)


def test_a_change_to_the_table_reaches_the_cached_figure(tables, analyst, coordinator):
    first = people(analyst, "group_by=country")["results"][0]["people_reached"]
    assert first == 346
    # PE15's Shelter in-destination split goes: PE15's February max step is uncovered.
    pk = AgeSexProportions.objects.get(
        admin1__pcode="PE15", sector__code="SHE", variant="pin", population_type="in_destination"
    ).pk
    assert coordinator.delete(f"{PROPORTIONS}{pk}/").status_code == 204
    body = people(analyst, "group_by=country")
    assert body["proportions_uncovered"] == ["PE15"]
    # PE15's February takes the plain max (70 instead of 86); its January (100) and March
    # (92) and PE24 (68) keep their cells.
    assert body["results"][0]["people_reached"] == 100 + 70 + 92 + 68
