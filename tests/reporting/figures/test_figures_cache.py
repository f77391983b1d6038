"""Cached figures (config.db.generations): a repeated figure does not scan the reports again,
and no write path leaves a figure out of date."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from reporting.activities.models import ActivityReport
from tests.reporting.activities.test_bulk import URL as BULK_URL
from tests.reporting.activities.test_bulk import row
from tests.reporting.activities.test_imports import csv_bytes, line, upload
from tests.reporting.figures.test_figures import URL, add

pytestmark = pytest.mark.django_db
PEOPLE = f"{URL}people-reached/?month=2021-03&proportions=none"  # no table here
REPORTS = "/api/v1/activity-reports/"
REPORT_TABLE = ActivityReport._meta.db_table


def reads_figure_data(sql: str) -> bool:
    """A query of the figures' sources: the reports, or the cells summed from them."""
    return REPORT_TABLE in sql or "reporting_figurecellview" in sql


def reached(api, url=PEOPLE) -> int:
    response = api.get(url)
    assert response.status_code == 200, response.content
    return sum(r["people_reached"] for r in response.json()["results"])


def test_a_repeated_figure_does_not_scan_the_reports_again(analyst, make_api):
    add("ACNUR", "PE24", "PRT-01", (2021, 3), 40, pop=(40, 0, 0), age=(0, 0, 20, 20))
    first = analyst.get(PEOPLE)
    with CaptureQueriesContext(connection) as queries:
        again = make_api("viewer", "OIM").get(PEOPLE)  # another user: figures are shared
        csv = analyst.get(f"{PEOPLE}&format=csv")  # and every format
    assert again.json() == first.json() and reached(analyst) == 40
    assert b"40" in csv.content
    assert not [q for q in queries.captured_queries if reads_figure_data(q["sql"])]


def test_a_cached_figure_costs_at_most_four_small_queries(analyst):
    """Sign-in limit, token, data generations, cache entry: nothing about the figure itself
    (not even the country's settings, which are part of what the generations cover)."""
    add("ACNUR", "PE24", "PRT-01", (2021, 3), 40, pop=(40, 0, 0), age=(0, 0, 20, 20))
    for url in (PEOPLE + "&group_by=admin1", f"{URL}progress/?month=2021-03"):
        analyst.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert analyst.get(url).status_code == 200
        sql = [q["sql"] for q in queries.captured_queries]
        assert len(sql) <= 4, sql
        assert not [q for q in sql if "countryfiguresettings" in q or reads_figure_data(q)], sql


def test_the_cache_can_be_turned_off(analyst, settings):
    settings.FIGURES_CACHE_SECONDS = 0
    reached(analyst)
    with CaptureQueriesContext(connection) as queries:
        reached(analyst)
    assert [q for q in queries.captured_queries if reads_figure_data(q["sql"])]


def test_single_writes_show_at_once(reporter, analyst):
    assert reached(analyst) == 0
    created = reporter.post(REPORTS, row(0)).json()
    assert reached(analyst) == 40
    etag = reporter.get(f"{REPORTS}{created['id']}/")["ETag"]
    patch = {"new_beneficiaries": 30, "population": {"in_destination": 30},
             "age_sex": {"women": 15, "men": 15}}  # fmt: skip
    assert (
        reporter.patch(f"{REPORTS}{created['id']}/", patch, HTTP_IF_MATCH=etag).status_code == 200
    )
    assert reached(analyst) == 30
    etag = reporter.get(f"{REPORTS}{created['id']}/")["ETag"]
    assert reporter.delete(f"{REPORTS}{created['id']}/", HTTP_IF_MATCH=etag).status_code == 204
    assert reached(analyst) == 0


def test_batches_and_uploads_show_at_once(reporter, analyst):
    assert reached(analyst) == 0
    assert reporter.post(BULK_URL, [row(0), row(1)]).status_code == 200
    assert reached(analyst) == 80
    assert upload(reporter, csv_bytes([line(0)])).status_code == 201
    assert reached(analyst) == 100
    # A resend that replaces the month with one smaller row.
    response = reporter.post(f"{BULK_URL}?replace=months", [row(0, new_beneficiaries=10,
        total_beneficiaries=10, population={"in_destination": 10},
        age_sex={"women": 10})])  # fmt: skip
    assert response.json()["deleted"] == 2
    assert reached(analyst) == 10


def test_locks_settings_and_reference_data_show_at_once(reporter, analyst, coordinator):
    reporter.post(BULK_URL, [row(0)])
    body = analyst.get(PEOPLE).json()
    assert body["provisional"] is True and body["model"] == "max_sector"
    lock = {"month": "2021-03", "include_earlier": True, "reason": "closed"}
    assert coordinator.post("/api/v1/reporting-periods/lock/", lock).status_code == 200
    assert (
        analyst.get(f"{URL}people-reached/?month=2021-03&month_from=2021-03").json()["provisional"]
        is False
    )
    settings_url = "/api/v1/figure-settings/PER/"
    assert coordinator.put(settings_url, {"consolidation_model": "sum"}).status_code == 200
    used = {c["country"]: c["model"] for c in analyst.get(PEOPLE).json()["countries"]}
    assert used["PER"] == "sum"
    indicators = f"{URL}indicators/?month=2021-03"
    assert analyst.get(indicators).json()["results"][0]["indicator_name"] != "Renamed"
    renamed = coordinator.patch("/api/v1/indicators/PRT-01/", {"name": "Renamed"})
    assert renamed.status_code == 200, renamed.content
    assert analyst.get(indicators).json()["results"][0]["indicator_name"] == "Renamed"


def test_a_figure_read_while_a_write_is_uncommitted_is_not_kept_after_it_commits(
    reload_reference_data, transactional_db, make_api
):
    """The race the generation counter must win: a reader computes (and caches) the figure
    while a write is in flight; once the write commits, the next read must see it."""
    analyst = make_api("analyst", "OCHA")
    add("ACNUR", "PE24", "PRT-01", (2021, 3), 40, pop=(40, 0, 0), age=(0, 0, 20, 20))
    # Use the token once first: recording its use is a write, which SQLite (one writer at a
    # time; readers go on in WAL mode) would make wait for the open transaction below.
    analyst.get("/api/v1/me/")
    written, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                add("ACNUR", "PE15", "PRT-01", (2021, 3), 5, pop=(5, 0, 0), age=(0, 0, 5, 0))
                written.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(30)
    assert reached(analyst) == 40  # the uncommitted row is not counted, and this is cached
    release.set()
    thread.join(30)
    assert reached(analyst) == 45


def monthly_total(api, month: str) -> int:
    body = api.get(f"{URL}monthly-beneficiaries/?month={month}").json()
    return sum(r["total"] for r in body["results"])


def test_a_write_keeps_other_months_figures_cached(reporter, analyst):
    reporter.post(BULK_URL, [row(0, month="2021-02")])
    assert monthly_total(analyst, "2021-02") == 50
    reporter.post(REPORTS, row(1, month="2021-03"))
    reporter.post(BULK_URL, [row(2, month="2021-04")])
    with CaptureQueriesContext(connection) as queries:
        assert monthly_total(analyst, "2021-02") == 50
    assert not [q for q in queries.captured_queries if reads_figure_data(q["sql"])]
    # Cumulative figures cover every month from January: a March write reaches April's.
    assert reached(analyst, f"{URL}people-reached/?month=2021-04&proportions=none") == 120
    reporter.post(REPORTS, row(3, month="2021-03"))
    assert reached(analyst, f"{URL}people-reached/?month=2021-04&proportions=none") == 160


def test_moving_a_report_to_another_month_changes_both_months(reporter, analyst):
    created = reporter.post(REPORTS, row(0, month="2021-03")).json()
    assert (monthly_total(analyst, "2021-03"), monthly_total(analyst, "2021-04")) == (50, 0)
    etag = reporter.get(f"{REPORTS}{created['id']}/")["ETag"]
    moved = reporter.patch(f"{REPORTS}{created['id']}/", {"month": "2021-04"}, HTTP_IF_MATCH=etag)
    assert moved.status_code == 200, moved.content
    assert (monthly_total(analyst, "2021-03"), monthly_total(analyst, "2021-04")) == (0, 50)
    # The same move by a batch (upsert on external_id).
    reporter.post(BULK_URL, [row(1, month="2021-03", external_id="m-1")])
    assert monthly_total(analyst, "2021-03") == 50
    reporter.post(BULK_URL, [row(1, month="2021-05", external_id="m-1")])
    assert (monthly_total(analyst, "2021-03"), monthly_total(analyst, "2021-05")) == (0, 50)


def test_a_cumulative_figure_reads_again_only_the_month_written(reporter, analyst):
    for month in ("2021-01", "2021-02", "2021-03", "2021-04"):
        reporter.post(BULK_URL, [row(0, month=month)])
    april = f"{URL}people-reached/?month=2021-04&group_by=month&proportions=none"
    assert [r["people_reached"] for r in analyst.get(april).json()["results"]] == [
        40, 80, 120, 160
    ]  # fmt: skip
    reporter.post(REPORTS, row(1, month="2021-03"))
    with CaptureQueriesContext(connection) as queries:
        results = analyst.get(april).json()["results"]
    assert [r["people_reached"] for r in results] == [40, 80, 160, 200]
    scans = [q["sql"] for q in queries.captured_queries if reads_figure_data(q["sql"])]
    # The figure's cells, and the count of flagged history rows it says it includes: each
    # read again for the month written alone.
    cells = [sql for sql in scans if "quality_flags" not in sql]
    flagged = [sql for sql in scans if "quality_flags" in sql]
    assert len(cells) == 1 and len(flagged) == 1
    for sql in (cells[0], flagged[0]):
        assert "2021-03-01" in sql
        assert not [m for m in ("2021-01-01", "2021-02-01", "2021-04-01") if m in sql]
