"""Issue 7: a PostgreSQL restart under load.

gunicorn serves the API against PostgreSQL while clients keep calling it; the database is
stopped for a few seconds and started again. Requests may fail only while the database is
down, and only as 503 problem+json; they succeed again as soon as it is back, with no worker
restart. Prints the counts per phase. Needs root (it runs pg_ctlcluster).

    .venv/bin/python bench/db_restart.py [--down 4]
"""

import argparse
import json
import os
import subprocess
import threading
import time
from collections import Counter
from http.client import HTTPConnection

from common import Server, bench_user, setup_django


def cluster() -> list[str]:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--down", type=float, default=4.0, help="seconds the database is down")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    setup_django()

    user, token = bench_user("analyst", "bench-restart")
    from django.db import connections

    connections.close_all()

    server = Server(workers=2)
    events: list[tuple[float, int, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client():
        conn = HTTPConnection("127.0.0.1", server.port, timeout=30)
        while not stop.is_set():
            try:
                conn.request(
                    "GET",
                    "/api/v1/partners/?page_size=5",
                    headers={"Authorization": f"Bearer {token}"},
                )
                response = conn.getresponse()
                body = response.read()
                code = json.loads(body).get("code", "") if response.status >= 400 else ""
                kind = f"{response.status} {response.getheader('Content-Type')} {code}".strip()
            except OSError as error:  # the server itself never went away: none expected
                kind = f"connection error {type(error).__name__}"
                conn = HTTPConnection("127.0.0.1", server.port, timeout=30)
            with lock:
                events.append(
                    (time.monotonic(), response.status if "error" not in kind else 0, kind)
                )
            time.sleep(0.02)

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    workers_before = set(subprocess.check_output(["pgrep", "-P", str(server.process.pid)]).split())
    try:
        for thread in threads:
            thread.start()
        time.sleep(3)
        subprocess.run([*cluster(), "stop", "-m", "fast"], check=True)
        stopped = time.monotonic()  # from here on the database is down
        time.sleep(args.down)
        subprocess.run([*cluster(), "start"], check=True)
        started = time.monotonic()
        time.sleep(5)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        workers_after = set(
            subprocess.check_output(["pgrep", "-P", str(server.process.pid)]).split()
        )
        server.stop()

    phases = {"before": Counter(), "down": Counter(), "after": Counter()}
    first_ok_after = None
    for at, status, kind in events:
        phase = "before" if at < stopped else "down" if at < started else "after"
        phases[phase][kind] += 1
        if phase == "after" and status == 200 and first_ok_after is None:
            first_ok_after = at - started
    for phase, counts in phases.items():
        print(f"{phase:6s}: " + ", ".join(f"{n} x {kind}" for kind, n in counts.most_common()))
    print(
        f"first success {first_ok_after:.2f} s after the database started again"
        if first_ok_after is not None
        else "no success after the restart"
    )
    same = workers_before == workers_after
    print(f"gunicorn workers before and after: {'the same processes' if same else 'RESTARTED'}")
    bad = [
        k for p in phases.values() for k in p if not (k.startswith("200") or k.startswith("503"))
    ]
    print("only 200 and 503 problem+json seen" if not bad else f"UNEXPECTED: {bad}")


if __name__ == "__main__":
    main()
