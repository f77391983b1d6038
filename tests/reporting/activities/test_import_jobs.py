"""Large imports as background jobs, run by a real worker process (manage.py run_worker):
queued, validated and written all or nothing, cancelled, and recovered when the worker
dies half-way."""

import os
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Sum

from reporting.activities.batches import READ_CHUNK
from reporting.activities.jobs import imports_reap
from reporting.activities.models import ActivityReport, Import
from reporting.figures.models import FigureCell, FigureCellDelta
from tests.holds import held_at, postgresql_only, wait_for
from tests.reporting.activities.test_imports import HEADER, csv_bytes, line
from tests.servers import run_worker_until_idle, task_worker

URL = "/api/v1/imports/"


@pytest.fixture(autouse=True)
def committed(committed_data):
    """The worker is another process: it sees committed rows only."""


def send(api, content: bytes, query: str = "?async=true"):
    file = SimpleUploadedFile("5w.csv", content)
    return api.client.post(f"{URL}{query}", {"file": file}, format="multipart")


def rows(count: int, **changes) -> bytes:
    return csv_bytes([line(n, **changes) for n in range(count)])


def test_a_job_import_is_queued_then_written_by_the_worker(reporter):
    response = send(reporter, rows(30))
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["run_as_job"], body["percent"]) == ("queued", True, 0)
    assert response["Location"] == f"{URL}{body['id']}/"
    assert not ActivityReport.objects.exists()
    run_worker_until_idle()
    done = reporter.get(f"{URL}{body['id']}/").json()
    assert (done["status"], done["created"], done["rows"], done["percent"]) == (
        "completed", 30, 30, 100
    )  # fmt: skip
    assert (done["rows_validated"], done["rows_written"], done["attempts"]) == (30, 30, 1)
    assert ActivityReport.objects.count() == 30
    if connection.vendor == "postgresql":  # the worker folded the import's figure cells
        assert not FigureCellDelta.objects.exists()
        assert FigureCell.objects.aggregate(n=Sum("reports"))["n"] == 30


def test_a_large_file_becomes_a_job_without_asking(reporter, settings):
    settings.IMPORT_ASYNC_BYTES = 1_000
    response = send(reporter, rows(20), query="")
    assert (response.status_code, response.json()["status"]) == (202, "queued")


def test_a_job_with_a_bad_row_writes_nothing_and_keeps_its_errors(reporter):
    content = csv_bytes([line(0), line(1, **{"New beneficiaries of the month": "1.200"})])
    import_id = send(reporter, content).json()["id"]
    run_worker_until_idle()
    done = reporter.get(f"{URL}{import_id}/").json()
    assert done["status"] == "rejected"
    assert [(e["row"], e["code"], e["column"]) for e in done["errors"]] == [
        (3, "thousands_separator", "New beneficiaries of the month")
    ]
    assert not ActivityReport.objects.exists()


def test_a_queued_job_is_cancelled_at_once(reporter, other_reporter):
    import_id = send(reporter, rows(5)).json()["id"]
    assert other_reporter.client.delete(f"{URL}{import_id}/").status_code == 404
    cancelled = reporter.client.delete(f"{URL}{import_id}/")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    run_worker_until_idle()
    assert Import.objects.get(pk=import_id).status == "cancelled"
    assert not ActivityReport.objects.exists()
    again = reporter.client.delete(f"{URL}{import_id}/")
    assert (again.status_code, again.json()["code"]) == (409, "import_finished")


def test_readyz_says_when_jobs_wait_for_a_worker(reporter, client, settings):
    settings.JOBS_STALLED_SECONDS, settings.READYZ_NEEDS_WORKER = 0, False  # too few workers
    send(reporter, rows(2))
    time.sleep(0.05)
    stalled = client.get("/readyz")
    assert (stalled.status_code, stalled.json()["code"]) == (503, "jobs_stalled")
    run_worker_until_idle()
    assert client.get("/readyz").status_code == 200


@postgresql_only
def test_progress_shows_while_the_rows_are_uncommitted_and_a_cancel_rolls_back(reporter):
    # One line per row: the percentage counts the file's lines (multi-line cells make it
    # an estimate below the truth).
    import_id = send(reporter, rows(4500, **{"Activity description": "Charla"})).json()["id"]
    with held_at("reporting_activityreport") as hold, task_worker():
        hold(timeout=120)  # the job's first COPY waits here, inside its transaction
        running = reporter.get(f"{URL}{import_id}/").json()
        # The first chunk read and being written: its rows validated, none written yet.
        assert (running["status"], running["rows_validated"]) == ("writing", READ_CHUNK)
        assert 0 < running["percent"] < 99 and running["rows_written"] == 0
        cancel = reporter.client.delete(f"{URL}{import_id}/")
        assert cancel.status_code == 202 and cancel.json()["cancel_requested"] is True
        hold.release()
        wait_for(
            "SELECT 1 FROM reporting_import WHERE id = %s AND status = 'cancelled'",
            [import_id], timeout=60, what="the cancelled import",
        )  # fmt: skip
    assert not ActivityReport.objects.exists()


@postgresql_only
def test_a_worker_killed_mid_import_leaves_nothing_then_the_job_runs_again(reporter):
    import_id = send(reporter, rows(3000)).json()["id"]
    with held_at("reporting_activityreport") as hold, task_worker() as worker:
        hold(timeout=120)
        os.killpg(worker.pid, signal.SIGKILL)  # mid-transaction: the rows never commit
        worker.wait(timeout=30)
    assert not ActivityReport.objects.exists()
    record = Import.objects.get(pk=import_id)
    assert (record.status, record.attempts) == ("writing", 1)
    Import.objects.filter(pk=import_id).update(heartbeat_at=record.heartbeat_at.replace(year=2020))
    assert imports_reap() == 1  # housekeeping: the job's lock is free, so nobody runs it
    assert Import.objects.get(pk=import_id).status == "queued"
    time.sleep(5.5)  # the retry waits a little (run_after)
    run_worker_until_idle()
    done = Import.objects.get(pk=import_id)
    assert (done.status, done.attempts, done.created) == ("completed", 2, 3000)
    assert ActivityReport.objects.count() == 3000


@postgresql_only
def test_a_lost_database_connection_leaves_nothing_and_the_job_runs_again(reporter):
    import_id = send(reporter, rows(2500)).json()["id"]
    with task_worker():
        with held_at("reporting_activityreport") as hold:
            pid = hold(timeout=120)  # the job's connection, stopped inside its transaction
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            wait_for(
                "SELECT 1 FROM reporting_import WHERE id = %s AND failure LIKE %s",
                [import_id, "%connection was lost%"], timeout=60, what="the retry's reason",
            )  # fmt: skip
        wait_for(
            "SELECT 1 FROM reporting_import WHERE id = %s AND status = 'completed'",
            [import_id], timeout=90, what="the import done on its second attempt",
        )  # fmt: skip
    done = Import.objects.get(pk=import_id)
    assert (done.attempts, done.created) == (2, 2500)
    assert done.failure == ""  # the first attempt's reason does not outlive its retry
    assert ActivityReport.objects.count() == 2500


def test_a_job_of_bad_rows_keeps_the_first_problems_and_counts_the_rest(reporter):
    content = (";".join(HEADER) + "\n" + "x\n" * 600).encode()
    queued = send(reporter, content).json()
    run_worker_until_idle()
    done = reporter.get(f"{URL}{queued['id']}/").json()
    assert done["status"] == "rejected"
    assert len(done["errors"]) == 1000  # MAX_ROW_ERRORS in the worker too
    assert done["errors_total"] == 1000 + sum(done["errors_omitted"].values()) > 3000
    assert "errors" not in reporter.get(URL).json()["results"][0]
