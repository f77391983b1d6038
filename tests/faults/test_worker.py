"""The background worker under faults, with real processes: it outlives lost database
connections and a restarted PostgreSQL, a supervisor starts it again when it dies, and
/readyz tells within seconds when no worker runs."""

import os
import shlex
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from config.db.models import WorkerHeartbeat
from reporting.activities.models import ActivityReport, Import
from tests.holds import postgresql_only
from tests.reporting.activities.test_imports import csv_bytes, line
from tests.servers import worker_env

RESTART = os.environ.get("TEST_POSTGRES_RESTART_COMMAND", "")


@pytest.fixture(autouse=True)
def committed(committed_data):
    """The worker is another process: it sees committed rows only."""


@contextmanager
def worker(tmp_path: Path, *args: str, **env: str):
    """`manage.py run_worker *args` in the background, its output in a file."""
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "0.1", *args],
            env=worker_env(WORKER_HEARTBEAT_SECONDS="0.5", WORKER_BACKOFF_MAX_SECONDS="2", **env),
            start_new_session=True, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield process, log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def eventually(check, *, timeout: float = 30, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except Exception:  # noqa: BLE001 (the database may be coming back)
            connection.close()
            result = None
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"never saw {what}")


def beating_pids() -> set[int]:
    return set(WorkerHeartbeat.objects.values_list("pid", flat=True))


def an_import_job(reporter) -> int:
    file = SimpleUploadedFile("5w.csv", csv_bytes([line(n) for n in range(5)]))
    response = reporter.client.post("/api/v1/imports/?async=true", {"file": file},
                                    format="multipart")  # fmt: skip
    assert response.status_code == 202, response.content
    return response.json()["id"]


def completed(import_id: int) -> bool:
    return Import.objects.get(pk=import_id).status == "completed"


def test_readyz_says_within_seconds_that_no_worker_runs(client, settings, tmp_path):
    settings.WORKER_STALE_SECONDS = 2
    refused = client.get("/readyz")
    assert (refused.status_code, refused.json()["code"]) == (503, "no_worker")
    with worker(tmp_path) as (process, _log):
        ready = eventually(lambda: client.get("/readyz").status_code == 200, what="ready")
        assert ready and client.get("/readyz").json()["workers"] == 1
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        killed_at = time.monotonic()
        eventually(lambda: client.get("/readyz").status_code == 503, timeout=10, what="503")
        assert time.monotonic() - killed_at < 5
        assert client.get("/readyz").json()["code"] == "no_worker"


def test_a_supervised_worker_is_started_again_when_it_dies(reporter, tmp_path):
    with worker(tmp_path, "--supervised") as (_process, log):
        first = eventually(beating_pids, what="a first worker")
        os.kill(next(iter(first)), signal.SIGKILL)
        eventually(lambda: beating_pids() - first, timeout=15, what="a second worker")
        job = an_import_job(reporter)
        eventually(lambda: completed(job), what="the import written by the new worker")
    assert "the worker ended" in log.read_text()


@postgresql_only
def test_the_worker_outlives_its_database_connections_being_killed(reporter, tmp_path):
    with worker(tmp_path) as (process, log):
        pids = eventually(beating_pids, what="the worker")
        for _ in range(3):  # what a restart does to a worker's connections, three times
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            time.sleep(0.5)
        job = an_import_job(reporter)
        eventually(lambda: completed(job), what="the import written after the faults")
        assert process.poll() is None
        assert beating_pids() == pids  # the same process
    assert ActivityReport.objects.count() == 5


@postgresql_only
@pytest.mark.skipif(not RESTART, reason="TEST_POSTGRES_RESTART_COMMAND unset (CI sets it)")
def test_the_worker_outlives_a_postgresql_restart(reporter, tmp_path):
    with worker(tmp_path) as (process, log):
        pids = eventually(beating_pids, what="the worker")
        connection.close()
        subprocess.run(shlex.split(RESTART), check=True, timeout=120)
        job = eventually(lambda: an_import_job(reporter), what="the API back")
        eventually(lambda: completed(job), timeout=60, what="the import after the restart")
        assert process.poll() is None and beating_pids() >= pids
        output = log.read_text()
    assert ActivityReport.objects.count() == 5
    assert output.count("database unavailable") <= 1  # one line per outage, no traceback
    assert "Traceback" not in output
