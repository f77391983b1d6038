"""The API served by a real gunicorn process, for tests of what only a server shows."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


def test_database_url() -> str:
    """The test database, for another process."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    return (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@"
        f"{settings_dict['HOST'] or 'localhost'}:{settings_dict['PORT'] or 5432}/"
        f"{settings_dict['NAME']}"
    )


def worker_env(**extra_env: str) -> dict:
    return dict(
        os.environ, DATABASE_URL=test_database_url(), DJANGO_SETTINGS_MODULE="config.settings_test",
        ALLOWED_HOSTS="127.0.0.1", **extra_env,
    )  # fmt: skip


def run_worker_until_idle(timeout: float = 120, **extra_env: str) -> str:
    """A real task worker (manage.py run_worker --batch) on the test database, until the
    queue holds nothing due; its output."""
    done = subprocess.run(
        [sys.executable, "manage.py", "run_worker", "--batch", "--interval", "0.1"],
        env=worker_env(**extra_env), capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout + done.stderr


@contextmanager
def task_worker(**extra_env: str):
    """A real task worker running in the background (killable), on the test database."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.1"],
        env=worker_env(**extra_env), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@contextmanager
def api_server(*extra_args: str, **extra_env: str):
    """The API in gunicorn, on the test database: a worker process that can be killed."""
    url = test_database_url()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(
        os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings_test",
        ALLOWED_HOSTS="127.0.0.1", PORT=str(port), **extra_env,
    )  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi",
         "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--log-level", "warning", "--access-logfile", "/dev/null",
         *extra_args],
        env=env, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield port, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        # a killed gunicorn leaves its control socket (config/gunicorn.py)
        (Path(__file__).resolve().parents[1] / "var" / f"gunicorn-{port}.ctl").unlink(
            missing_ok=True
        )
