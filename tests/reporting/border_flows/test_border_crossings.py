"""Border points and border-crossing observations."""

import copy
from datetime import date

import pytest

from reporting.border_flows.models import BorderCrossing, BorderCrossingHistoryEntry
from reporting.demo_data import demo_data_load

pytestmark = pytest.mark.django_db
URL = "/api/v1/border-crossings/"

OBSERVATION = {
    "border_point": "PE-TUM-CEBAF",
    "date": "2021-03-30",
    "direction": "entry",
    "people": 430,
    "age_sex": {"girls": 50, "boys": 40, "women": 150, "men": 140},
    "travel_modes": {"on_foot": 26, "motor_vehicle": 51, "other": 23},
    "method": "flow_monitoring",
    "source": "DTM Round 3",
}


def observation(**changes):
    data = copy.deepcopy(OBSERVATION)
    data.update(changes)
    return data


def test_create_a_one_day_observation(make_api):
    oim = make_api("reporter", "OIM")
    response = oim.post(URL, observation())
    assert response.status_code == 201, response.content
    body = response.json()
    assert {
        k: body[k] for k in ("border_point", "date_from", "date_to", "nationality", "partner")
    } == {
        "border_point": "PE-TUM-CEBAF",
        "date_from": "2021-03-30",
        "date_to": "2021-03-30",
        "nationality": "VEN",
        "partner": "OIM",
    }
    assert body["travel_modes"] == {"on_foot": 26.0, "motor_vehicle": 51.0, "other": 23.0}
    assert body["age_sex"]["women"] == 150
    assert response["ETag"] == '"1"'


def test_a_period_and_optional_parts(reporter):
    body = reporter.post(
        URL,
        observation(
            date=None, date_from="2021-03-01", date_to="2021-03-31", age_sex=None, travel_modes=None
        ),
    ).json()
    assert (body["date_from"], body["date_to"], body["age_sex"], body["travel_modes"]) == (
        "2021-03-01",
        "2021-03-31",
        None,
        None,
    )


RULES = {
    "future": ({"date": "2999-01-01"}, {("date_to", "date_in_future")}),
    "reversed": ({"date": None, "date_from": "2021-03-02", "date_to": "2021-03-01"}, {("date_to", "period_reversed")}),
    "no dates": ({"date": None}, {("date_from", "required"), ("date_to", "required")}),
    "breakdown above count": ({"people": 100}, {("age_sex", "breakdown_exceeds_count")}),
    "shares above 100": ({"travel_modes": {"on_foot": 60, "motor_vehicle": 60}}, {("travel_modes", "shares_exceed_100")}),
    "share out of range": ({"travel_modes": {"on_foot": 101}}, {("travel_modes.on_foot", "max_value")}),
    "negative count": ({"people": -1}, {("people", "min_value")}),
    "bad nationality": ({"nationality": "Venezuela"}, {("nationality", "invalid")}),
    "unknown point": ({"border_point": "NOWHERE"}, {("border_point", "does_not_exist")}),
    "unknown field": ({"speed": 3}, {("speed", "unknown_field")}),
    "malformed date": ({"date": "30/03/2021"}, {("date", "invalid")}),
}  # fmt: skip


@pytest.mark.parametrize("case", RULES, ids=list(RULES))
def test_rules(reporter, case):
    changes, expected = RULES[case]
    response = reporter.post(URL, observation(**changes))
    assert response.status_code == 400, response.content
    assert {(e["field"], e["code"]) for e in response.json()["errors"]} == expected
    assert not BorderCrossing.all_objects.exists()


def test_duplicate_observation_is_409(reporter):
    first = reporter.post(URL, observation()).json()
    response = reporter.post(URL, observation(people=431))
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["existing_id"]) == (
        "duplicate_observation",
        first["id"],
    )
    assert reporter.post(URL, observation(source="DTM Round 4")).status_code == 201


def test_who_may_do_what(reporter, other_reporter, viewer, analyst, coordinator):
    assert reporter.post(URL, observation(partner="OIM")).status_code == 403
    assert viewer.post(URL, observation()).status_code == 403
    assert analyst.post(URL, observation()).status_code == 403
    own = other_reporter.post(URL, observation()).json()["id"]
    # Everyone signed in reads every observation.
    assert [o["id"] for o in viewer.get(URL).json()["results"]] == [own]
    assert reporter.patch(f"{URL}{own}/", {"people": 1}).status_code == 403
    assert coordinator.patch(f"{URL}{own}/", {"people": 429}).json()["people"] == 429


def test_history_soft_delete_etag_and_idempotency(reporter):
    first = reporter.post(URL, observation(), HTTP_IDEMPOTENCY_KEY="c-1")
    assert reporter.post(URL, observation(), HTTP_IDEMPOTENCY_KEY="c-1").json() == first.json()
    crossing_id = first.json()["id"]
    stale = first["ETag"]
    assert (
        reporter.patch(f"{URL}{crossing_id}/", {"people": 440}, HTTP_IF_MATCH=stale).status_code
        == 200
    )
    assert (
        reporter.patch(f"{URL}{crossing_id}/", {"people": 450}, HTTP_IF_MATCH=stale).status_code
        == 412
    )
    assert reporter.delete(f"{URL}{crossing_id}/").status_code == 204
    assert reporter.get(f"{URL}{crossing_id}/").status_code == 404
    history = reporter.get(f"{URL}{crossing_id}/history/").json()["results"]
    assert [(h["action"], h["version"]) for h in history] == [
        ("create", 1),
        ("update", 2),
        ("delete", 3),
    ]
    assert (history[1]["before"]["people"], history[1]["after"]["people"]) == (430, 440)


def test_bulk_upserts_all_or_nothing(reporter):
    rows = [observation(date=f"2021-03-{d:02d}", people=d, age_sex=None) for d in range(1, 6)]
    body = reporter.post(f"{URL}bulk/", rows).json()
    assert (body["created"], body["updated"]) == (5, 0)
    rows[0]["people"] = 100
    again = reporter.post(f"{URL}bulk/", rows).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 4)
    assert BorderCrossingHistoryEntry.objects.filter(batch_id=again["batch_id"]).count() == 1

    bad = [
        observation(date="2021-04-01", age_sex=None),
        observation(date="2999-01-01"),
        rows[1],
        rows[1],
    ]
    response = reporter.post(f"{URL}bulk/", bad)
    assert response.status_code == 422
    assert {(e["row"], e["code"]) for e in response.json()["errors"]} == {
        (1, "date_in_future"),
        (3, "duplicate_in_batch"),
    }
    assert not BorderCrossing.objects.filter(date_from="2021-04-01").exists()


def test_bulk_dry_run_and_foreign_rows(reporter):
    body = reporter.post(f"{URL}bulk/?dry_run=true", [observation()]).json()
    assert (body["dry_run"], body["created"]) == (True, 1)
    assert not BorderCrossing.objects.exists()
    response = reporter.post(f"{URL}bulk/", [observation(partner="OIM")])
    assert response.json()["errors"][0]["code"] == "partner_not_allowed"


@pytest.fixture
def demo(db):
    demo_data_load()


def test_demo_reproduces_the_situation_report(demo, viewer):
    tumbes = viewer.get(
        f"{URL}?border_point=PE-TUM-CEBAF&date_from=2021-03-30&date_to=2021-03-30"
    ).json()
    assert [o["people"] for o in tumbes["results"]] == [430]


def test_daily_series_follows_the_puno_weekday_pattern(demo, analyst):
    response = analyst.get(
        f"{URL}series/?border_point=PE-PUN-DES&direction=exit&start=2021-03-01&end=2021-03-08"
    )
    assert response.status_code == 200, response.content
    (series,) = response.json()
    # 1 March 2021 was a Monday.
    assert [p["people"] for p in series["points"]] == [100, 75, 50, 100, 75, 50, 50, 100]


def test_series_shows_gaps_not_zeros(demo, analyst):
    response = analyst.get(f"{URL}series/?border_point=PE-PUN-DES&start=2021-02-26&end=2021-03-02")
    (series,) = response.json()
    assert [p["people"] for p in series["points"]] == [None, None, None, 100, 75]


def test_weekly_and_monthly_series(demo, analyst):
    weekly = analyst.get(
        f"{URL}series/?border_point=PE-PUN-DES&interval=week&start=2021-03-01&end=2021-03-14"
    ).json()
    assert [(p["period"], p["people"]) for p in weekly[0]["points"]] == [
        ("2021-03-01", 500),
        ("2021-03-08", 500),
    ]
    monthly = analyst.get(
        f"{URL}series/?method=flow_monitoring&interval=month&start=2021-01-01&end=2021-03-31"
    ).json()
    assert monthly == [{"border_point": "PE-TUM-CEBAF", "direction": "entry", "points": [
        {"period": "2021-01-01", "people": None}, {"period": "2021-02-01", "people": None},
        {"period": "2021-03-01", "people": 430}]}]  # fmt: skip


def test_survey_respondents_are_not_crossings(demo, analyst):
    """The March survey asked 1,000 people how they travel: they are not 1,000 entries."""
    tumbes = (
        f"{URL}series/?border_point=PE-TUM-CEBAF&interval=month&start=2021-03-01&end=2021-03-31"
    )

    def march(query=""):
        (series,) = analyst.get(tumbes + query).json()
        return series["points"][0]["people"]

    assert (march(), march("&count_type=respondents"), march("&count_type=all")) == (
        430, 1000, 1430
    )  # fmt: skip
    survey = analyst.get(f"{URL}?count_type=respondents&date_from=2021-03-01").json()["results"]
    assert [(o["source"], o["people"]) for o in survey] == [
        ("GTRM partners' survey, March 2021", 1000)
    ]
    bad = analyst.get(tumbes + "&count_type=tourists")
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (400, "count_type")


def test_series_and_travel_modes_export_one_row_per_point(demo, analyst):
    response = analyst.get(
        f"{URL}series/?border_point=PE-PUN-DES&start=2021-02-28&end=2021-03-02&format=csv"
    )
    assert response.content.decode("utf-8-sig").splitlines() == [
        "border_point,direction,period,people",
        "PE-PUN-DES,exit,2021-02-28,",  # a gap stays empty, never "None"
        "PE-PUN-DES,exit,2021-03-01,100",
        "PE-PUN-DES,exit,2021-03-02,75",
    ]
    modes = analyst.get(f"{URL}travel-modes/?format=csv").content.decode("utf-8-sig")
    assert modes.splitlines()[:2] == [
        "month,people,observations,on_foot,motor_vehicle,other", "2021-01,1000,1,31.0,36.0,33.0"
    ]  # fmt: skip
    assert "None" not in modes


@pytest.mark.parametrize(
    ("query", "field"),
    [("interval=hour&start=2021-03-01&end=2021-03-02", "interval"), ("start=2021-03-02&end=2021-03-01", "end"),
     ("start=2021-03-01", "end"), ("start=2000-01-01&end=2021-03-01", "end")],
)  # fmt: skip
def test_series_parameters_are_checked(analyst, query, field):
    response = analyst.get(f"{URL}series/?{query}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_travel_modes_january_vs_march(demo, analyst):
    months = analyst.get(f"{URL}travel-modes/").json()
    shares = {m["month"]: (m["on_foot"], m["motor_vehicle"]) for m in months}
    assert shares == {"2021-01": (31.0, 36.0), "2021-03": (26.0, 51.0)}


def test_travel_modes_are_weighted_by_people(reporter):
    reporter.post(URL, observation(people=300, age_sex=None, travel_modes={"on_foot": 10}))
    reporter.post(
        URL, observation(people=100, age_sex=None, source="other", travel_modes={"on_foot": 50})
    )
    (month,) = reporter.get(f"{URL}travel-modes/").json()
    assert (month["month"], month["people"], month["on_foot"]) == ("2021-03", 400, 20.0)
    assert date(2021, 3, 30) == BorderCrossing.objects.first().date_from


def test_bulk_statements_do_not_grow_with_rows(reporter, django_assert_max_num_queries):
    reporter.post(f"{URL}bulk/", [observation(date="2021-02-01", age_sex=None)])  # warm up

    def statements(count: int, month: int) -> int:
        rows = [
            observation(date=f"2021-{month:02d}-{d + 1:02d}", age_sex=None) for d in range(count)
        ]
        with django_assert_max_num_queries(30) as captured:
            assert reporter.post(f"{URL}bulk/", rows).json()["created"] == count
        return len(captured.captured_queries)

    assert statements(3, 1) == statements(28, 3)
