"""Batches under concurrency and faults: never duplicates, never half-written."""

import json
import os
import signal
import threading
import time
from contextlib import contextmanager
from http.client import HTTPConnection, HTTPException

from django.db import connection

from partners.choices import Role
from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry
from tests.conftest import Api
from tests.factories import PartnerFactory, UserFactory, token_for
from tests.holds import held_at, postgresql_only
from tests.reporting.activities.test_bulk import URL, rows
from tests.servers import api_server


def test_two_identical_batches_at_once_never_duplicate(reload_reference_data, transactional_db):
    partner = PartnerFactory(code="ACNUR")
    apis = [Api(UserFactory(role=Role.REPORTER, partner=partner)) for _ in range(2)]
    batch = rows(50)
    statuses = []
    start = threading.Barrier(2)

    def send(api):
        start.wait()
        try:
            statuses.append(api.post(URL, batch).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(api,)) for api in apis]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # One waits for the other (and finds its rows unchanged) or answers 409.
    assert sorted(statuses) in ([200, 200], [200, 409])
    assert ActivityReport.objects.count() == 50
    assert ActivityReportHistoryEntry.objects.filter(action="create").count() == 50


def test_a_database_error_half_way_leaves_nothing_written(reporter):
    """A trigger makes the history insert fail after the reports were inserted."""
    table = ActivityReportHistoryEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_history() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'disk full (simulated)'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_history BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_history()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse_history BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END"
            )
    reporter.client.raise_request_exception = False
    response = reporter.post(URL, rows(20))
    # PostgreSQL reports the trigger's exception as a server error; SQLite reports any
    # trigger abort as a constraint failure, which the API answers as a write conflict.
    assert response.status_code == (500 if connection.vendor == "postgresql" else 409)
    assert response["Content-Type"] == "application/problem+json"
    assert not ActivityReport.all_objects.exists()


# A batch stopped half-way by a real fault. The report table is written first (one COPY), so
# holding its history insert stops the batch between the two: then the test kills the worker
# process or the database connection.
def batch_stuck_after_writing_reports():
    return held_at(ActivityReportHistoryEntry._meta.db_table)


def _backend_gone(pid: int, *, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone() is None:
                return
        time.sleep(0.05)
    raise AssertionError(f"backend {pid} still runs")


def _post_batch(port: int, token: str, batch: list, outcome: dict) -> None:
    conn = HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "POST", URL, body=json.dumps(batch),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )  # fmt: skip
        response = conn.getresponse()
        outcome["status"] = response.status
        outcome["body"] = json.loads(response.read())
    except (OSError, HTTPException) as error:
        outcome["error"] = error
    finally:
        conn.close()


@contextmanager
def _worker_killed_mid_batch(outcome: dict):
    """A batch sent to a real gunicorn, held after writing its reports; the worker process
    is killed there (inside its transaction). Yields the database backend it used, while
    the batch's statement is still held; the hold is released on leaving."""
    user = UserFactory(role=Role.REPORTER, partner=PartnerFactory(code="ACNUR"))
    with api_server() as (port, server), batch_stuck_after_writing_reports() as stuck:
        sender = threading.Thread(
            target=_post_batch, args=(port, token_for(user), rows(30), outcome)
        )
        sender.start()
        backend = stuck()
        os.killpg(server.pid, signal.SIGKILL)  # the worker dies inside its transaction
        yield backend
        sender.join(timeout=30)


@postgresql_only
def test_a_worker_killed_half_way_leaves_nothing_written(reload_reference_data, transactional_db):
    outcome: dict = {}
    with _worker_killed_mid_batch(outcome) as backend:
        pass
    _backend_gone(backend)
    assert "error" in outcome  # the client saw the connection drop, not an answer
    assert not ActivityReport.all_objects.exists()
    assert not ActivityReportHistoryEntry.objects.exists()


@postgresql_only
def test_a_lost_database_connection_half_way_is_503_and_leaves_nothing(
    reload_reference_data, transactional_db
):
    user = UserFactory(role=Role.REPORTER, partner=PartnerFactory(code="ACNUR"))
    token = token_for(user)
    outcome: dict = {}
    with api_server() as (port, _):
        with batch_stuck_after_writing_reports() as stuck:
            sender = threading.Thread(target=_post_batch, args=(port, token, rows(30), outcome))
            sender.start()
            backend = stuck()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
            sender.join(timeout=30)
        _backend_gone(backend)
        assert outcome["status"] == 503, outcome
        assert outcome["body"]["code"] == "database_unavailable"
        assert not ActivityReport.all_objects.exists()
        # The same worker goes on serving, and the batch sent again is written whole.
        again: dict = {}
        _post_batch(port, token, rows(30), again)
    assert again["status"] == 200 and again["body"]["created"] == 30, again
    assert ActivityReport.objects.count() == 30
    assert ActivityReportHistoryEntry.objects.filter(action="create").count() == 30


@postgresql_only
def test_a_killed_batch_stops_holding_its_locks_within_a_second_or_two(
    reload_reference_data, transactional_db
):
    """The worker dies while its statement still runs (here: waits on a lock). Without a
    client check the statement would go on until it ended, holding the partner's lock that
    the next batch waits for; with one, PostgreSQL ends it once it sees the client gone."""
    outcome: dict = {}
    with _worker_killed_mid_batch(outcome) as backend:
        killed_at = time.monotonic()
        _backend_gone(backend, timeout=10)  # while the statement would still be waiting
        assert time.monotonic() - killed_at < 4
    assert not ActivityReport.all_objects.exists()
