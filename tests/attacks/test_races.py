"""Writes racing each other and a month being locked (PostgreSQL: real concurrent
transactions, one of them stopped half-way by tests.holds)."""

import threading

import pytest
from django.db import connection

from partners.choices import Role
from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry
from reporting.border_flows.models import BorderCrossing, BorderCrossingHistoryEntry
from reporting.periods.models import ReportingPeriod
from tests.conftest import Api
from tests.factories import PartnerFactory, UserFactory
from tests.holds import held_at, postgresql_only, waiting_on_a_row_lock
from tests.reporting.activities.test_activity_reports import payload
from tests.reporting.activities.test_bulk import URL as BULK
from tests.reporting.activities.test_bulk import row, rows
from tests.reporting.border_flows.test_border_crossings import observation

pytestmark = postgresql_only
REPORTS = "/api/v1/activity-reports/"
CROSSINGS = "/api/v1/border-crossings/"
LOCK = "/api/v1/reporting-periods/lock/"
HISTORY = ActivityReportHistoryEntry._meta.db_table


def api(role=Role.REPORTER, partner="ACNUR") -> Api:
    return Api(UserFactory(role=role, partner=PartnerFactory(code=partner)))


class Request(threading.Thread):
    """One API call in its own thread (and database connection); `.response` after join."""

    def __init__(self, client: Api, method: str, path: str, data=None, **headers):
        super().__init__()
        self.call = lambda: getattr(client, method)(path, data, **headers)
        self.response = None

    def run(self):
        try:
            self.response = self.call()
        finally:
            connection.close()

    def answer(self):
        self.join(30)
        assert not self.is_alive(), "the request never finished"
        return self.response


def race(table: str, first: Request, *others: Request, event: str = "INSERT"):
    """`first` stopped at a statement on `table` inside its transaction, `others` sent and
    seen waiting for its row locks, then all let go; their answers, in order. A request
    that answered while `first` could still commit would not be waiting: the race is lost."""
    with held_at(table, event) as hold:
        first.start()
        held_backend = hold()
        for request in others:
            request.start()
        waiting_on_a_row_lock(exclude={held_backend}, count=len(others), timeout=10)
        assert all(r.response is None for r in others)
        hold.release()
        return [r.answer() for r in (first, *others)]


# --- A locked month stays locked ------------------------------------------------------------
def test_a_batch_in_flight_when_the_month_is_locked_commits_before_the_lock(
    reload_reference_data, transactional_db
):
    reporter, coordinator = api(), api(Role.COORDINATOR, "GTRM")
    reporter.post(REPORTS, payload(external_id="first"))  # the month exists, open
    batch, lock = race(
        HISTORY,  # the batch has written its reports, not yet committed
        Request(reporter, "post", BULK, rows(5)),
        Request(coordinator, "post", LOCK, {"month": "2021-03", "reason": "Closed"}),
    )
    assert (batch.status_code, lock.status_code) == (200, 200)
    assert ActivityReport.objects.count() == 6
    assert ReportingPeriod.objects.get(month="2021-03-01").status == "locked"


def test_a_write_arriving_while_the_month_is_being_locked_is_refused(
    reload_reference_data, transactional_db
):
    reporter, coordinator = api(), api(Role.COORDINATOR, "GTRM")
    reporter.post(REPORTS, payload(external_id="first"))  # the month exists, open
    lock, late, refused = race(
        ReportingPeriod._meta.db_table,  # the lock holds the month, not yet committed
        Request(coordinator, "post", LOCK, {"month": "2021-03", "reason": "Closed"}),
        Request(reporter, "post", REPORTS, payload(external_id="late")),
        Request(reporter, "post", BULK, rows(3)),
        event="UPDATE",
    )
    assert lock.status_code == 200
    assert late.status_code == 409 and late.json()["code"] == "period_locked", late.content
    assert refused.status_code == 422, refused.content
    assert {e["code"] for e in refused.json()["errors"]} == {"period_locked"}
    assert list(ActivityReport.objects.values_list("external_id", flat=True)) == ["first"]


# --- Concurrent changes answer 4xx, never 500 ----------------------------------------------
@pytest.mark.parametrize("second", ["patch", "delete"])
def test_a_change_racing_a_delete_of_the_same_report_is_404(
    reload_reference_data, transactional_db, second
):
    reporter = api()
    url = f"{REPORTS}{reporter.post(REPORTS, payload()).json()['id']}/"
    deleted, late = race(
        HISTORY,
        Request(reporter, "delete", url),
        Request(reporter, second, url, {"activity_name": "x"}),
    )
    assert deleted.status_code == 204
    assert late.status_code == 404, late.content
    assert late["Content-Type"] == "application/problem+json"
    assert ActivityReport.all_objects.get().version == 2  # one delete, nothing else


@pytest.mark.parametrize("second", ["patch", "delete"])
def test_a_change_racing_a_delete_of_the_same_crossing_is_404(
    reload_reference_data, transactional_db, second
):
    oim = api(partner="OIM")
    url = f"{CROSSINGS}{oim.post(CROSSINGS, observation()).json()['id']}/"
    deleted, late = race(
        BorderCrossingHistoryEntry._meta.db_table,
        Request(oim, "delete", url),
        Request(oim, second, url, {"notes": "x"}),
    )
    assert deleted.status_code == 204
    assert late.status_code == 404, late.content


def test_a_batch_racing_a_single_create_of_the_same_report_is_409_and_writes_nothing(
    reload_reference_data, transactional_db
):
    reporter = api()
    created, refused = race(
        HISTORY,  # the single report is inserted, not yet committed
        Request(reporter, "post", REPORTS, row(0)),
        Request(reporter, "post", BULK, rows(4)),  # its row 0 is the same report
    )
    assert created.status_code == 201
    assert refused.status_code == 409, refused.content
    assert refused.json()["code"] == "concurrent_write"
    assert ActivityReport.objects.count() == 1
    # Sent again, the batch finds the report and writes the rest.
    again = reporter.post(BULK, rows(4)).json()
    assert (again["created"], again["unchanged"]) == (3, 1)


def test_two_identical_crossing_batches_at_once_write_once(reload_reference_data, transactional_db):
    oim = api(partner="OIM")
    batch = [observation(date=f"2021-03-{day:02d}") for day in range(1, 6)]
    first, refused = race(
        BorderCrossingHistoryEntry._meta.db_table,
        Request(oim, "post", f"{CROSSINGS}bulk/", batch),
        Request(oim, "post", f"{CROSSINGS}bulk/", batch),
    )
    assert first.status_code == 200
    assert refused.status_code == 409, refused.content
    assert refused.json()["code"] == "concurrent_write"
    assert BorderCrossing.objects.count() == 5
    assert BorderCrossingHistoryEntry.objects.count() == 5


def test_two_changes_each_valid_cannot_store_a_row_that_breaks_the_rules(
    reload_reference_data, transactional_db
):
    """Without If-Match, a PATCH is checked again on the row as it is when it holds the
    lock: applied after another PATCH, breakdowns that no longer add up answer 400."""
    reporter = api()
    url = f"{REPORTS}{reporter.post(REPORTS, payload()).json()['id']}/"
    smaller = {
        "new_beneficiaries": 200,
        "population": {"in_destination": 100, "in_transit": 60, "host_community": 40},
        "age_sex": {"girls": 40, "boys": 35, "women": 70, "men": 55},
    }
    regrouped = {"population": {"in_destination": 190, "in_transit": 70}}  # 300, as before
    first, refused = race(
        HISTORY,
        Request(reporter, "patch", url, smaller),
        Request(reporter, "patch", url, regrouped),
    )
    assert first.status_code == 200
    assert refused.status_code == 400, refused.content
    assert [e["code"] for e in refused.json()["errors"]] == ["population_sum_mismatch"]
    stored = reporter.get(url).json()
    assert stored["new_beneficiaries"] == 200 and sum(stored["population"].values()) == 200


# --- A deadlock is the service's problem, not the client's --------------------------------
def test_a_batch_undone_by_a_deadlock_is_written_again_and_answers_200(
    reload_reference_data, transactional_db
):
    """The batch has updated a report and waits (its history insert held); another session,
    holding what the batch waits for, now asks for that report: a deadlock, and PostgreSQL
    undoes the batch (the other session waits longer before checking). The batch is written
    again, whole, and answers 200; before, the client got 409 `concurrent_write`."""
    reporter = api()
    first = reporter.post(BULK, [row(0, external_id="dl-1")]).json()
    report_id = first["rows"][0]["id"]
    with held_at(HISTORY) as hold:
        batch = Request(
            reporter, "post", BULK, [row(0, external_id="dl-1", total_beneficiaries=40)]
        )
        batch.start()
        hold()  # the batch holds the report's row, waits at its history
        hold.session.execute("SET deadlock_timeout = '30s'")  # the batch is the one undone
        hold.session.execute(
            "SELECT id FROM reporting_activityreport WHERE id = %s FOR UPDATE", [report_id]
        )  # waits for the batch, which waits for this session: undone after 1 s
        hold.release()
        response = batch.answer()
    assert response.status_code == 200, response.content
    assert response.json()["updated"] == 1
    stored = ActivityReport.objects.get(pk=report_id)
    assert (stored.total_beneficiaries, stored.version) == (40, 2)
    assert ActivityReportHistoryEntry.objects.filter(report_id=report_id).count() == 2
