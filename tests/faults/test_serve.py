"""Two `make serve` instances on one host (gunicorn with config/gunicorn.py, as make serve
runs it): each has its own control socket under var/, and stopping one leaves the other's."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import worker_env

VAR = Path(__file__).resolve().parents[2] / "var"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi",
         "--workers", "1", "--log-level", "warning", "--access-logfile", "/dev/null"],
        env=worker_env(PORT=str(port), HOST="127.0.0.1"), start_new_session=True,
    )  # fmt: skip


def wait_for(check, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"never saw {what}")


@pytest.mark.django_db
def test_each_instance_has_its_own_control_socket():
    ports = [free_port(), free_port()]
    servers = [serve(port) for port in ports]
    sockets = [VAR / f"gunicorn-{port}.ctl" for port in ports]
    try:
        for path in sockets:
            wait_for(path.exists, f"{path.name}")
        servers[0].send_signal(signal.SIGTERM)
        servers[0].wait(timeout=30)
        time.sleep(0.5)
        assert sockets[1].exists()  # the other instance's, untouched
        assert servers[1].poll() is None
    finally:
        for server in servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        for path in sockets:
            path.unlink(missing_ok=True)  # a killed one leaves its own
