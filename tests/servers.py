"""The API served by a real gunicorn process, for tests of what only a server shows."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

from django.db import connection


@contextmanager
def api_server(*extra_args: str, **extra_env: str):
    """The API in gunicorn, on the test database: a worker process that can be killed."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings_dict['NAME']}"
    else:
        url = (
            f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@"
            f"{settings_dict['HOST'] or 'localhost'}:{settings_dict['PORT'] or 5432}/"
            f"{settings_dict['NAME']}"
        )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(
        os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings_test",
        ALLOWED_HOSTS="127.0.0.1", **extra_env,
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
