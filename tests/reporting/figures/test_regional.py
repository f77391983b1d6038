"""A regional platform: two countries, each consolidated by its own settings; a regional
figure is the sum of its countries and says which they are. Expected values by hand below."""

import pytest
from django.core.management import CommandError, call_command

from reporting.figures.models import CountryFigureSettings
from reporting.locations.models import Location
from tests.reporting.activities.test_bulk import URL as BULK_URL
from tests.reporting.activities.test_bulk import row
from tests.reporting.figures.test_figures import add, people

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(db):
    """March 2021, RMRP unless said. Peru adds sectors (sum) of RMRP rows only; Ecuador takes the highest sector
    per admin1 (max_sector, no proportions table) and counts non-RMRP reports too.
      PE15  PRT 100, FS 60              -> Peru (sum)                        160
            PRT 500 not RMRP            -> left out (Peru: RMRP only)
      EC17  PRT 80 (ACNUR), FS 50 (OIM) -> max(80, 50)                        80
      EC09  FS 30, FS 1000 not RMRP     -> one sector: 30 + 1000            1030
                                           Ecuador                          1110
      Region = 160 + 1110 = 1270 (Peru's rule applied to all would give 160 + 160 + 30 = 350)
    """
    for pcode, values in (
        ("PER", {"consolidation_model": "sum", "rmrp_only": True}),
        ("ECU", {"consolidation_model": "max_sector", "proportions": "none", "rmrp_only": False}),
    ):
        CountryFigureSettings.objects.create(country=Location.objects.get(pcode=pcode), **values)
    add("ACNUR", "PE15", "PRT-01", (2021, 3), 100, pop=(100, 0, 0), age=(0, 0, 100, 0))
    add("ACNUR", "PE15", "FS-02", (2021, 3), 60, pop=(60, 0, 0), age=(0, 0, 60, 0))
    add("ACNUR", "PE15", "PRT-01", (2021, 3), 500, pop=(500, 0, 0), age=(0, 0, 500, 0), rmrp=False)
    add("ACNUR", "EC17", "PRT-01", (2021, 3), 80, pop=(80, 0, 0), age=(0, 0, 80, 0))
    add("OIM", "EC17", "FS-02", (2021, 3), 50, pop=(50, 0, 0), age=(0, 0, 50, 0))
    add("OIM", "EC09", "FS-02", (2021, 3), 30, pop=(30, 0, 0), age=(0, 0, 30, 0))
    add("OIM", "EC09", "FS-02", (2021, 3), 1000, pop=(1000, 0, 0), age=(0, 0, 1000, 0), rmrp=False)


def reached(body) -> list[tuple]:
    return [(r.get("country") or r.get("admin1"), r["people_reached"]) for r in body["results"]]


def test_the_regional_figure_is_the_sum_of_each_countrys_own_figure(region, analyst):
    regional = people(analyst, "month_from=2021-03")
    assert reached(regional) == [(None, 1270)]
    settings = {
        c["country"]: (c["country_name"], c["model"], c["model_source"], c["rmrp_only"])
        for c in regional["countries"]
    }
    assert len(settings) == 17  # the region's countries, reporting or not
    assert settings["ECU"] == ("Ecuador", "max_sector", "country_setting", False)
    assert settings["PER"] == ("Peru", "sum", "country_setting", True)
    assert settings["MEX"][2] == "platform_default"  # no setting of its own
    # They differ: no one model for the region, nor one source (settings, defaults).
    assert (regional["model"], regional["model_source"]) == (None, None)
    assert regional["rmrp_only"] is False  # Ecuador counted its non-RMRP report
    by_country = people(analyst, "month_from=2021-03&group_by=country")
    assert reached(by_country) == [("ECU", 1110), ("PER", 160)]
    assert sum(n for _, n in reached(by_country)) == 1270


def test_a_country_or_an_admin1_alone_is_figured_by_its_countrys_settings(region, analyst):
    ecuador = people(analyst, "month_from=2021-03&country=ECU&group_by=admin1")
    assert reached(ecuador) == [("EC09", 1030), ("EC17", 80)]
    assert (ecuador["model"], ecuador["rmrp_only"]) == ("max_sector", False)
    assert [c["country"] for c in ecuador["countries"]] == ["ECU"]
    pichincha = people(analyst, "month_from=2021-03&admin1=EC17")  # no country named
    assert reached(pichincha) == [(None, 80)] and pichincha["model"] == "max_sector"
    peru = people(analyst, "month_from=2021-03&country=PER")
    assert reached(peru) == [(None, 160)]
    assert (peru["model"], peru["model_source"], peru["rmrp_only"]) == (
        "sum", "country_setting", True,
    )  # fmt: skip
    asked = people(analyst, "month_from=2021-03&model=sum")  # the request's model for all
    assert reached(asked) == [(None, 160 + 80 + 50 + 1030)]
    assert (asked["model"], asked["model_source"]) == ("sum", "query")


def test_every_figure_says_which_countries_it_covers(region, analyst):
    for path in ("monthly-beneficiaries", "indicators", "cash", "progress"):
        everywhere = analyst.get(f"/api/v1/figures/{path}/?month=2021-03").json()
        covered = [c["country"] for c in everywhere["countries"]]
        assert len(covered) == 17 and {"ECU", "PER"} <= set(covered), path
        one = analyst.get(f"/api/v1/figures/{path}/?month=2021-03&admin1=EC09").json()
        assert one["countries"] == [{"country": "ECU", "country_name": "Ecuador"}], path


def test_progress_applies_each_countrys_rmrp_rule(region, analyst):
    body = analyst.get("/api/v1/figures/progress/?month=2021-03&group_by=country").json()
    assert [(r["country"], r["sector"], r["people_reached"]) for r in body["results"]] == [
        ("ECU", "FS", 50 + 30 + 1000), ("ECU", "PRT", 80), ("PER", "FS", 60), ("PER", "PRT", 100),
    ]  # fmt: skip
    assert body["rmrp_only"] is False


def test_a_partner_reports_in_two_countries_in_one_batch(reporter):
    batch = [row(0), row(1, admin1="EC17", admin2="EC1701"), row(2, admin1="EC07", admin2="EC0707")]
    response = reporter.post(BULK_URL, batch)
    assert response.status_code == 200, response.content
    listed = reporter.get("/api/v1/activity-reports/?ordering=id").json()["results"]
    assert [(r["admin1"], r["admin2"]) for r in listed] == [
        ("PE24", "PE2401"), ("EC17", "EC1701"), ("EC07", "EC0707"),
    ]  # fmt: skip
    wrong = reporter.post(BULK_URL, [row(3, admin1="EC17", admin2="PE2401")])
    assert wrong.status_code == 422  # an admin2 of another country's admin1
    assert "admin2" in str(wrong.json())


def test_the_load_command_takes_a_country(capsys):
    call_command("load_reference_data", country=["ecu"])
    out = capsys.readouterr().out
    assert "countries: ECU" in out
    assert "locations: 0 created, 0 updated, 38 unchanged" in out  # Ecuador's file alone
    assert "border_points: 0 created, 0 updated, 2 unchanged" in out
    with pytest.raises(CommandError, match="No reference data for XYZ"):
        call_command("load_reference_data", country=["XYZ"])
    assert Location.objects.filter(parent__pcode="ECU").count() == 24  # 24 provinces
