"""People reached by the platform's defaults, which are the region's script's
(fct_aggregate_data.R): every row counted, rows with only totals too, R's rounding, a
share the table lacks counting 0, a share of zeros meaning nobody. Worked by hand below;
the same figures against the script itself, on random reports, are in
tests/reporting/region/test_figures_vs_r.py."""

import pytest

from reporting.figures.models import AgeSexProportions
from tests.reporting.figures.test_figures import URL, add
from tests.reporting.figures.test_proportions import HEADER, upload

pytestmark = pytest.mark.django_db

# The "pin" table. PE15: Shelter and Food Security split in-destination people 25/25/25/25
# (girls/boys/women/men), Protection 10/10/40/40, Education 50/50/0/0; no other population
# type. PE24: Food Security in destination 25/25/25/25 and in transit 10/10/40/40, Nutrition
# in destination 20/20/30/30 and nothing else (its in-transit share is unknown: R's NA).
TABLE = [
    "PE15,SHE,pin,in_destination,0.25,0.25,0.25,0.25",
    "PE15,FS,pin,in_destination,0.25,0.25,0.25,0.25",
    "PE15,PRT,pin,in_destination,0.1,0.1,0.4,0.4",
    "PE15,EDU,pin,in_destination,0.5,0.5,0,0",
    "PE24,FS,pin,in_destination,0.25,0.25,0.25,0.25",
    "PE24,FS,pin,in_transit,0.1,0.1,0.4,0.4",
    "PE24,NUT,pin,in_destination,0.2,0.2,0.3,0.3",
]


@pytest.fixture
def region_rows(coordinator):
    """March 2021 (and one February row), RMRP unless said:
    PE15  SHE 10 in destination (women 5, men 5)
          FS 6 in destination (3, 3)
          PRT 8 in destination, NOT RMRP
          EDU 12 with only a total (no breakdown: history holds such rows)
          February: SHE 10 in destination
    PE24  FS 20 in transit; NUT 5 in destination

    max_sector, March alone (each product rounded half to even, as R's round()):
      PE15 destination: SHE 10 x .25 = 2.5 -> 2 (x4); FS 6 x .25 = 1.5 -> 2 (x4);
           PRT 8 x (.1 .1 .4 .4) = 0.8 0.8 3.2 3.2 -> 1 1 3 3; EDU 0.
           Highest per cell: girls 2, boys 2, women 3, men 3                       = 10
           (half up: SHE 3 3 3 3 -> 12; RMRP only: PRT left out -> 8)
      PE24 destination: FS 0; NUT 5 x (.2 .2 .3 .3) = 1 1 1.5 1.5 -> 1 1 2 2      =  6
           transit: FS 20 -> 2 2 8 8, but Nutrition's in-transit share is unknown:
           max(..., NA) is NA and counts 0 (the plain max instead: 20, total 26)  =  0
           PE24                                                                    =  6
      Peru 16. January to March: PE15's February (SHE 10 -> 8) + 10 = 18; Peru 24.
    sum: PE15 10 + 6 + 8 + 12 = 36 (its population types add to 24: flagged); PE24 25.
    southern_cone: PE15 highest of SHE and FS 8, + Protection (General) 8, + Education 12
      (its total) = 28; PE24 Food Security alone (Nutrition is in no step): 20. Peru 48.
    """
    response = upload(coordinator, "\n".join([HEADER, *TABLE]) + "\n")
    assert response.status_code == 200, response.content
    add("ACNUR", "PE15", "SHE-01", (2021, 3), 10, pop=(10, 0, 0), age=(0, 0, 5, 5))
    add("ACNUR", "PE15", "FS-02", (2021, 3), 6, pop=(6, 0, 0), age=(0, 0, 3, 3))
    add("OIM", "PE15", "PRT-01", (2021, 3), 8, pop=(8, 0, 0), age=(0, 0, 8, 0), rmrp=False)
    add("OIM", "PE15", "EDU-01", (2021, 3), 12)
    add("ACNUR", "PE15", "SHE-01", (2021, 2), 10, pop=(10, 0, 0), age=(0, 0, 5, 5))
    add("ACNUR", "PE24", "FS-02", (2021, 3), 20, pop=(0, 20, 0), age=(0, 0, 10, 10))
    add("ACNUR", "PE24", "NUT-01", (2021, 3), 5, pop=(5, 0, 0), age=(5, 0, 0, 0))


def people(api, query: str) -> dict:
    response = api.get(f"{URL}people-reached/?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def by_place(body) -> dict:
    return {r.get("admin1") or r.get("country"): r["people_reached"] for r in body["results"]}


def test_the_default_is_the_scripts_method_and_says_so(region_rows, analyst):
    body = people(analyst, "month_from=2021-03&month_to=2021-03&group_by=admin1")
    assert by_place(body) == {"PE15": 10, "PE24": 6}
    assert (body["model"], body["accumulation"], body["proportions"]) == (
        "max_sector", "monthly", "pin"
    )  # fmt: skip
    assert (body["rounding"], body["missing_shares"], body["rmrp_only"]) == (
        "half_even", "zero", False
    )  # fmt: skip
    assert body["region_script"] is True
    assert body["proportions_uncovered"] == ["PE24"]  # its transit people counted 0
    pe15 = body["results"][0]
    assert pe15["age_sex"] == {
        "girls": 2, "boys": 2, "women": 3, "men": 3, "other_under_18": 0, "other_over_18": 0
    }  # fmt: skip
    (peru,) = people(analyst, "month_from=2021-03&month_to=2021-03&country=PER")["results"]
    assert peru["people_reached"] == 16


def test_january_to_month_and_month_by_month(region_rows, analyst):
    body = people(analyst, "month=2021-03&group_by=admin1")
    assert body["months"] == {"from": "2021-01", "to": "2021-03"}
    assert by_place(body) == {"PE15": 18, "PE24": 6}
    months = people(analyst, "month_from=2021-02&month_to=2021-03&group_by=month&country=PER")
    assert [(r["month"], r["people_reached"]) for r in months["results"]] == [
        ("2021-02", 8), ("2021-03", 24)
    ]  # fmt: skip


def test_each_alternative_on_request_is_declared(region_rows, analyst):
    march = "month_from=2021-03&month_to=2021-03&group_by=admin1"
    half_up = people(analyst, f"{march}&rounding=half_up")
    assert by_place(half_up)["PE15"] == 12
    assert (half_up["rounding_source"], half_up["region_script"]) == ("query", False)
    plain = people(analyst, f"{march}&missing_shares=plain_max")
    assert by_place(plain)["PE24"] == 26
    assert plain["missing_shares"] == "plain_max" and plain["region_script"] is False
    rmrp = people(analyst, f"{march}&rmrp=true")
    assert by_place(rmrp)["PE15"] == 8 and rmrp["region_script"] is False


def test_rows_with_only_totals_count_where_the_script_counts_them(region_rows, analyst):
    march = "month_from=2021-03&month_to=2021-03&group_by=admin1"
    summed = people(analyst, f"{march}&model=sum")
    assert by_place(summed) == {"PE15": 36, "PE24": 25}
    pe15 = summed["results"][0]
    assert sum(pe15["population"].values()) == 24
    assert "population_differs_from_total" in pe15["flags"]
    cone = people(analyst, f"{march}&model=southern_cone")
    assert by_place(cone) == {"PE15": 28, "PE24": 20}
    assert cone["region_script"] is True


def test_a_share_of_zeros_means_nobody_not_unknown(region_rows, analyst):
    # Nutrition's in-transit people now split by zeros: nobody, a known share. PE24's
    # transit is Food Security's 2 2 8 8 again: 20 + 6.
    AgeSexProportions.objects.filter(admin1__pcode="PE24", sector__code="NUT").update(
        population_type="in_transit", girls=0, boys=0, women=0, men=0
    )
    march = "month_from=2021-03&month_to=2021-03&group_by=admin1"
    body = people(analyst, march)
    # ...and its in-destination share is now the unknown one: NUT's 5 count 0.
    assert by_place(body)["PE24"] == 20
    assert body["proportions_uncovered"] == ["PE24"]


def test_a_spreadsheets_double_is_kept_and_rounded_as_r_does(coordinator, analyst):
    # 2,950 x 0.20999999999999996 is 619.4999999999999 (619); as 0.21 it would be 619.5
    # (620): a share cut to six decimals would give another figure than the script's.
    shares = "0.20999999999999996,0.29000000000000004,0.25,0.25"
    response = upload(coordinator, f"{HEADER}\nPE15,SHE,pin,in_destination,{shares}\n")
    assert response.status_code == 200, response.content
    stored = analyst.get("/api/v1/proportions/?admin1=PE15").json()["results"][0]
    assert (stored["girls"], stored["boys"]) == (0.20999999999999996, 0.29000000000000004)
    add("ACNUR", "PE15", "SHE-01", (2021, 3), 2950, pop=(2950, 0, 0), age=(0, 0, 1475, 1475))
    (row,) = people(analyst, "month_from=2021-03&month_to=2021-03&admin1=PE15")["results"]
    # 619, 855.5000000000001 -> 856, 737.5 -> 738 (even), 738
    assert (row["age_sex"]["girls"], row["age_sex"]["boys"], row["age_sex"]["women"]) == (
        619, 856, 738
    )  # fmt: skip
    assert row["people_reached"] == 619 + 856 + 738 + 738
