"""Figures: expected values worked out by hand (see the table in `rows`)."""

from datetime import date

import pytest
from django.utils import timezone

from indicators.models import Indicator
from partners.models import Partner
from reporting.demo_data import demo_data_load
from reporting.figures.models import CountryFigureSettings
from reporting.locations.models import Location
from reporting.periods.models import ReportingPeriod
from tests.config.test_exports import read_csv
from tests.factories import ActivityReportFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/figures/"


def add(partner, admin1, indicator, month, new, *, pop=None, age=None, total=None, **extra):
    """One row; pop = (destination, transit, host), age = (girls, boys, women, men)."""
    dest, transit, host = pop or (0, 0, 0)
    girls, boys, women, men = age or (0, 0, 0, 0)
    return ActivityReportFactory(
        partner=Partner.objects.get(code=partner),
        admin1=Location.objects.get(pcode=admin1),
        indicator=Indicator.objects.get(code=indicator),
        month=date(*month, 1),
        new_beneficiaries=new,
        total_beneficiaries=total if total is not None else (new or 0) + 10,
        pop_in_destination=dest, pop_in_transit=transit, pop_host_community=host,
        girls=girls, boys=boys, women=women, men=men, **extra,
    )  # fmt: skip


def service_rules(**rules):
    """Every country declares the service's own rules, which the figures worked by hand
    here follow: RMRP rows only, each population type's highest sector as reported (the
    region's script, the platform's default, is worked in test_region_defaults.py)."""
    CountryFigureSettings.objects.bulk_create(
        CountryFigureSettings(
            country=country, **{"rmrp_only": True, "proportions": "none", **rules}
        )
        for country in Location.objects.filter(level="country")
    )


@pytest.fixture
def rows(db):
    service_rules()
    # partner, admin1, indicator (sector), month, new, population, age/sex
    add("ACNUR", "PE15", "PRT-01", (2021, 1), 100, pop=(60, 40, 0), age=(0, 0, 50, 50))
    add("OIM", "PE15", "GBV-01", (2021, 2), 20, pop=(20, 0, 0), age=(0, 0, 20, 0))  # PRT subsector
    add("ACNUR", "PE15", "SHE-01", (2021, 2), 70, pop=(30, 30, 10), age=(0, 0, 35, 35))
    add("OIM", "PE15", "FS-02", (2021, 3), 90, pop=(80, 0, 10), age=(0, 0, 45, 45))
    add("ACNUR", "PE15", "EDU-01", (2021, 3), 15, pop=(15, 0, 0), age=(8, 7, 0, 0))
    add("OIM", "PE15", "MPC-01", (2021, 3), 40, pop=(40, 0, 0), age=(0, 0, 20, 20),
        cva=True, cva_value_usd=4000, delivery_mechanism="prepaid_card")  # fmt: skip
    add("ACNUR", "PE24", "PRT-01", (2021, 3), 50, pop=(0, 50, 0), age=(0, 0, 25, 25))
    add("ACNUR", "PE24", "FS-02", (2021, 3), 30, pop=(0, 20, 10), age=(0, 0, 15, 15))
    add("ACNUR", "PE24", "NUT-01", (2021, 3), 5, pop=(5, 0, 0), age=(5, 0, 0, 0))
    # Left out of people reached: not RMRP, after the month asked, before the plan year,
    # capacity building, deleted.
    add(
        "ACNUR",
        "PE24",
        "PRT-01",
        (2021, 3),
        1000,
        pop=(1000, 0, 0),
        age=(0, 0, 1000, 0),
        rmrp=False,
    )
    add("ACNUR", "PE15", "PRT-01", (2021, 4), 500, pop=(500, 0, 0), age=(0, 0, 500, 0))
    add("ACNUR", "PE15", "PRT-01", (2020, 12), 900, pop=(900, 0, 0), age=(0, 0, 900, 0))
    add("ACNUR", "PE15", "INT-02", (2021, 3), 100, pop=(100, 0, 0), age=(0, 0, 100, 0), total=300)
    add("ACNUR", "PE15", "PRT-01", (2021, 3), 400, pop=(400, 0, 0), age=(0, 0, 400, 0),
        deleted_at=timezone.now())  # fmt: skip


def people(api, query):
    response = api.get(f"{URL}people-reached/?month=2021-03&{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_sum_model(rows, analyst):
    body = people(analyst, "model=sum&group_by=admin1")
    assert (body["model"], body["model_source"], body["rmrp_only"]) == ("sum", "query", True)
    assert body["months"] == {"from": "2021-01", "to": "2021-03"}
    assert [(r["admin1"], r["people_reached"]) for r in body["results"]] == [
        ("PE15", 335),
        ("PE24", 85),
    ]
    pe15 = body["results"][0]
    assert pe15["population"] == {"in_destination": 245, "in_transit": 70, "host_community": 20,
                                  "pendular": 0, "returnees": 0}  # fmt: skip
    assert (pe15["cva_people"], pe15["flags"]) == (40, [])


# --- The cumulative order: each sector's months added, then the sectors combined once -------
CUMULATIVE = "accumulation=cumulative"


def test_max_sector_model_per_admin1_then_country(rows, analyst):
    by_admin1 = people(analyst, f"model=max_sector&group_by=admin1&{CUMULATIVE}")["results"]
    assert [(r["admin1"], r["people_reached"]) for r in by_admin1] == [("PE15", 130), ("PE24", 65)]
    assert by_admin1[0]["age_sex"]["women"] == 70
    # Age/sex groups take their own highest sector, so they no longer add up: flagged.
    assert by_admin1[0]["flags"] == ["age_sex_differs_from_total"]
    (country,) = people(analyst, f"model=max_sector&group_by=country&{CUMULATIVE}")["results"]
    assert (country["country"], country["people_reached"]) == ("PER", 195)
    assert (
        country["population"]["in_destination"] == 85 and country["population"]["in_transit"] == 90
    )


def test_southern_cone_model(rows, analyst):
    by_admin1 = people(analyst, f"model=southern_cone&group_by=admin1&{CUMULATIVE}")["results"]
    # PE15: destination 80 (FS) + 80 (PRT with GBV) + 55 (EDU, MPC); transit 30 + 40; host 10.
    # PE24: transit 20 (FS) + 50 (PRT); host 10; Nutrition is not part of the model.
    assert [(r["admin1"], r["people_reached"]) for r in by_admin1] == [("PE15", 295), ("PE24", 80)]
    (total,) = people(analyst, f"model=southern_cone&{CUMULATIVE}")["results"]
    assert total["people_reached"] == 375


def test_grouped_by_sector_each_sector_stands_alone(rows, analyst):
    results = people(analyst, "group_by=sector")["results"]
    assert {r["sector"]: r["people_reached"] for r in results} == {
        "EDU": 15, "FS": 120, "MPC": 40, "NUT": 5, "PRT": 170, "SHE": 70
    }  # fmt: skip


def test_cumulative_by_month(rows, analyst):
    query = f"model=max_sector&group_by=month&month_from=2021-01&{CUMULATIVE}"
    results = people(analyst, query)["results"]
    assert [(r["month"], r["people_reached"]) for r in results] == [
        ("2021-01", 100), ("2021-02", 130), ("2021-03", 195)
    ]  # fmt: skip


# --- The regional (monthly) order, the default: each month's sectors and subsectors
# combined per admin1, then the months added. Worked by hand from `rows`:
#   PE15 January  PRT (general)       dest 60 transit 40          -> max 100, SC 100
#   PE15 February GBV dest 20; SHE dest 30 transit 30 host 10      -> max  70, SC  70
#        (southern cone: GBV is in no step, SHE is the highest of its group)
#   PE15 March    FS dest 80 host 10; EDU dest 15; MPC dest 40     -> max  90, SC 145
#        (southern cone: FS 80+10, plus EDU 15 and MPC 40)
#   PE24 March    PRT transit 50; FS transit 20 host 10; NUT dest 5 -> max  65, SC  80
#        (southern cone: Nutrition is in no step)
#   max_sector: PE15 100+70+90 = 260, PE24 65, country 325 (cumulative order: 130, 65, 195)
#   southern_cone: PE15 100+70+145 = 315, PE24 80, country 395 (cumulative: 295, 80, 375)
def test_regional_order_is_the_default_and_says_so(rows, analyst):
    CountryFigureSettings.objects.all().delete()
    body = people(analyst, "group_by=admin1")
    assert (body["model"], body["model_source"]) == ("max_sector", "platform_default")
    assert (body["accumulation"], body["accumulation_source"]) == ("monthly", "platform_default")
    # No age/sex proportions table: as in the region's script every share is unknown (NA)
    # and the max step counts nobody; the answer says where.
    assert (body["proportions"], body["proportions_uncovered"]) == ("pin", ["PE15", "PE24"])
    assert (body["missing_shares"], body["missing_shares_source"]) == ("zero", "platform_default")
    assert [(r["admin1"], r["people_reached"]) for r in body["results"]] == [
        ("PE15", 0), ("PE24", 0)
    ]  # fmt: skip
    # The plain per-population-type max instead, on request, and the RMRP rows only.
    body = people(analyst, "group_by=admin1&missing_shares=plain_max&rmrp=true")
    assert (body["missing_shares"], body["missing_shares_source"]) == ("plain_max", "query")
    assert (body["proportions_uncovered"], body["region_script"]) == (["PE15", "PE24"], False)
    assert [(r["admin1"], r["people_reached"]) for r in body["results"]] == [
        ("PE15", 260), ("PE24", 65)
    ]  # fmt: skip
    pe15 = body["results"][0]
    assert pe15["population"] == {"in_destination": 170, "in_transit": 70, "host_community": 20,
                                  "pendular": 0, "returnees": 0}  # fmt: skip
    assert (pe15["age_sex"]["women"], pe15["age_sex"]["men"]) == (130, 130)
    (country,) = people(analyst, "group_by=country&missing_shares=plain_max&rmrp=true")["results"]
    assert country["people_reached"] == 325


def test_regional_order_under_the_southern_cone_model(rows, analyst):
    by_admin1 = people(analyst, "model=southern_cone&group_by=admin1")["results"]
    assert [(r["admin1"], r["people_reached"]) for r in by_admin1] == [("PE15", 315), ("PE24", 80)]
    assert by_admin1[0]["population"]["in_destination"] == 60 + 30 + 135
    (total,) = people(analyst, "model=southern_cone")["results"]
    assert total["people_reached"] == 395


def test_regional_order_month_by_month(rows, analyst):
    results = people(analyst, "group_by=month&month_from=2021-01")["results"]
    assert [(r["month"], r["people_reached"]) for r in results] == [
        ("2021-01", 100), ("2021-02", 170), ("2021-03", 325)
    ]  # fmt: skip


def test_sum_is_the_same_in_either_order(rows, analyst):
    for order in ("monthly", "cumulative"):
        body = people(analyst, f"model=sum&group_by=admin1&accumulation={order}")
        assert [(r["admin1"], r["people_reached"]) for r in body["results"]] == [
            ("PE15", 335), ("PE24", 85)
        ]  # fmt: skip
        assert (body["accumulation"], body["accumulation_source"]) == (order, "query")


def test_grouped_by_subsector(rows, analyst):
    results = people(analyst, "group_by=subsector")["results"]
    assert {r["subsector"]: r["people_reached"] for r in results} == {
        "EDU": 15, "FS": 120, "MPC": 40, "NUT": 5, "PRT": 150, "PRT-GBV": 20, "SHE": 70
    }  # fmt: skip
    assert (
        analyst.get(f"{URL}people-reached/?month=2021-03&group_by=sector,subsector").status_code
        == 400
    )


def test_a_country_may_declare_the_cumulative_order(rows, analyst, coordinator):
    response = coordinator.patch("/api/v1/figure-settings/PER/", {"accumulation": "cumulative"})
    assert response.status_code == 200, response.content
    body = people(analyst, "country=PER&group_by=country")
    assert (body["accumulation"], body["accumulation_source"]) == ("cumulative", "country_setting")
    assert body["results"][0]["people_reached"] == 195


def test_country_default_model_and_rmrp_setting(rows, analyst, coordinator):
    assert people(analyst, "country=PER")["model"] == "max_sector"
    response = coordinator.put(
        "/api/v1/figure-settings/PER/", {"consolidation_model": "sum", "rmrp_only": False}
    )
    assert response.status_code == 200, response.content
    body = people(analyst, "country=PER")
    assert (body["model"], body["model_source"], body["rmrp_only"]) == (
        "sum",
        "country_setting",
        False,
    )
    assert body["results"][0]["people_reached"] == 420 + 1000  # the non-RMRP row counts now
    assert CountryFigureSettings.objects.get(country__pcode="PER").changed_by == coordinator.user
    assert (
        analyst.put(
            "/api/v1/figure-settings/PER/", {"consolidation_model": "max_sector"}
        ).status_code
        == 403
    )


def test_filters_and_rmrp_override(rows, analyst):
    assert people(analyst, "model=sum&partner=OIM")["results"][0]["people_reached"] == 150
    assert people(analyst, "model=sum&sector=PRT")["results"][0]["people_reached"] == 170
    assert people(analyst, "model=sum&admin1=PE24")["results"][0]["people_reached"] == 85
    assert people(analyst, "model=sum&rmrp=false")["results"][0]["people_reached"] == 1000
    assert people(analyst, "model=sum&cva=true")["results"][0]["people_reached"] == 40


def test_consistency_flags_on_legacy_rows(db, analyst):
    service_rules()
    # Rows that bypassed today's rules (e.g. loaded before the platform checked them).
    add("OIM", "PE15", "MPC-01", (2021, 3), 100, pop=(10, 0, 0), age=(0, 0, 10, 0),
        cva=True, cva_value_usd=10, delivery_mechanism="voucher")  # fmt: skip
    (row,) = people(analyst, "model=sum")["results"]
    assert row["flags"] == ["population_differs_from_total", "age_sex_differs_from_total"]
    (row,) = people(analyst, "model=max_sector")["results"]
    assert (row["people_reached"], row["cva_people"]) == (10, 100)
    assert "cva_people_exceed_total" in row["flags"]


def test_provisional_until_every_month_is_locked(rows, analyst):
    assert people(analyst, "")["provisional"] is True
    for month in (1, 2, 3):
        ReportingPeriod.objects.create(month=date(2021, month, 1), status="locked")
    assert people(analyst, "")["provisional"] is False


def test_monthly_beneficiaries_with_rmrp_split(rows, analyst):
    body = analyst.get(f"{URL}monthly-beneficiaries/?month=2021-03&group_by=sector").json()
    assert body["months"] == {"from": "2021-03", "to": "2021-03"}
    # Direct Assistance only, as the region's script: INT-02 (capacity building) is out.
    assert (body["indicator_type"], body["indicator_type_source"]) == (
        "direct_assistance", "platform_default"
    )  # fmt: skip
    table = {r["sector"]: (r["rmrp"], r["no_rmrp"], r["total"]) for r in body["results"]}
    assert table == {
        "EDU": (25, 0, 25), "FS": (140, 0, 140), "MPC": (50, 0, 50),
        "NUT": (15, 0, 15), "PRT": (60, 1010, 1070),
    }  # fmt: skip
    every = analyst.get(
        f"{URL}monthly-beneficiaries/?month=2021-03&group_by=sector&indicator_type=all"
    ).json()
    assert every["indicator_type"] == "all"
    assert {r["sector"]: r["total"] for r in every["results"]}["INT"] == 300


def test_indicator_figures(rows, analyst):
    body = analyst.get(f"{URL}indicators/?month=2021-03").json()
    by_code = {r["indicator"]: r for r in body["results"]}
    assert (by_code["PRT-01"]["total_beneficiaries"], by_code["PRT-01"]["new_beneficiaries"]) == (
        1070,
        1050,
    )
    assert (by_code["FS-02"]["total_beneficiaries"], by_code["FS-02"]["partners"]) == (140, 2)
    grouped = analyst.get(
        f"{URL}indicators/?month=2021-03&group_by=admin1&indicator_type=x"
    ).status_code
    assert grouped == 400  # unknown parameter
    by_admin1 = analyst.get(f"{URL}indicators/?month=2021-03&group_by=admin1").json()["results"]
    assert {(r["indicator"], r["admin1"], r["partners"]) for r in by_admin1 if r["indicator"] == "FS-02"} == {
        ("FS-02", "PE15", 1), ("FS-02", "PE24", 1)
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "field"),
    [("", "month"), ("month=2021-3", "month"), ("month=2021-03&group_by=colour", "group_by"),
     ("month=2021-03&model=mean", "model"), ("month=2021-03&country=ATLANTIS", "country"),
     ("month=2021-03&admin1=PE2401", "admin1"), ("month=2021-03&rmrp=maybe", "rmrp"),
     ("month=2021-03&month_from=2021-05", "month_from")],
)  # fmt: skip
def test_bad_figure_queries_are_400(analyst, query, field):
    response = analyst.get(f"{URL}people-reached/?{query}")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize(
    ("figure", "query"),
    [("cash", "rounding=half_up"), ("progress", "model=sum"), ("indicators", "proportions=pin"),
     ("monthly-beneficiaries", "missing_shares=zero"),
     ("people-reached", "indicator_type=direct_assistance")],
)  # fmt: skip
def test_a_method_another_figure_takes_is_an_unknown_parameter(analyst, figure, query):
    """A figure does not quietly ignore how another figure is computed: the analyst learns
    that this one takes no such parameter, and the schema lists only its own."""
    response = analyst.get(f"{URL}{figure}/?month=2021-03&{query}")
    assert response.status_code == 400
    name = query.split("=")[0]
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(name, "unknown_field")]
    schema = analyst.get("/api/schema/?format=json").json()
    taken = {p.get("name") for p in schema["paths"][f"{URL}{figure}/"]["get"]["parameters"]}
    assert name not in taken and "month" in taken


def test_everyone_signed_in_reads_platform_figures(rows, make_api, anonymous):
    hias_viewer = make_api("viewer", "HIAS")
    assert people(hias_viewer, "model=sum")["results"][0]["people_reached"] == 420
    assert anonymous.get(f"{URL}people-reached/?month=2021-03").status_code == 401


def test_demo_figures_match_the_situation_report(analyst):
    demo_data_load()
    body = analyst.get(f"{URL}indicators/?month=2021-03").json()
    totals = {r["indicator"]: r["total_beneficiaries"] for r in body["results"]}
    assert (totals["PRT-01"], totals["PRT-02"], totals["PRT-03"], totals["MPC-01"]) == (
        3530,
        2240,
        1630,
        19570,
    )
    assert {r["indicator"]: r["quantity"] for r in body["results"]}["WASH-01"] == 3660


# --- Cash, and names next to codes --------------------------------------------------------
def test_cash_by_sector_admin1_and_mechanism(rows, analyst):
    body = analyst.get(f"{URL}cash/?month=2021-03&group_by=sector,admin1,delivery_mechanism").json()
    assert body["results"] == [
        {"sector": "MPC", "sector_name": "Multipurpose Cash Assistance (MPC)", "admin1": "PE15",
         "admin1_name": "Lima", "delivery_mechanism": "prepaid_card", "cva_value_usd": 4000.0,
         "people": 50, "new_people": 40, "reports": 1},
    ]  # fmt: skip
    assert (
        analyst.get(f"{URL}people-reached/?month=2021-03&group_by=delivery_mechanism").status_code
        == 400
    )


def test_cash_of_the_demo_is_the_situation_reports_sentence(analyst):
    """ "Two million USD was distributed to assist 19,570 persons through multisectoral CBI"."""
    demo_data_load()
    (row,) = analyst.get(f"{URL}cash/?month=2021-03&sector=MPC").json()["results"]
    assert (row["cva_value_usd"], row["people"]) == (2_000_000, 19_570)


def test_figure_rows_name_their_codes_and_exports_say_yes_no(rows, analyst):
    (pe15, pe24) = people(analyst, "group_by=admin1,partner&partner=ACNUR&model=sum")["results"]
    assert (pe15["admin1"], pe15["admin1_name"], pe15["partner_name"]) == (
        "PE15",
        "Lima",
        pe15["partner_name"],
    )
    assert pe15["partner_name"] and pe15["partner_name"] != "ACNUR"
    assert pe24["admin1_name"] == "Tumbes"
    response = analyst.client.get(
        f"{URL}monthly-beneficiaries/?month=2021-03&group_by=sector&format=csv"
    )
    lines = b"".join(response.streaming_content if response.streaming else [response.content])
    facts = [line.split(",", 1) for line in lines.decode("utf-8-sig").splitlines()
             if line.startswith("# ")]  # fmt: skip
    assert dict(facts)["# provisional"] == "yes"  # said once, before the table
    header = read_csv(response)[0]
    assert "sector_name" in header
