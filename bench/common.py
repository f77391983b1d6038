"""Shared benchmark plumbing: a PostgreSQL database filled by COPY, a gunicorn server, and
closed-loop HTTP clients in separate processes that record per-request latency."""

import os
import random
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def ensure_database():
    """Create the benchmark database on a fresh machine (CREATE DATABASE cannot run inside the
    project's own connection to it, so this uses the server's `postgres` database)."""
    from django.conf import settings
    from django.db import connections

    name = settings.DATABASES["default"]["NAME"]
    with connections["default"]._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')


def setup_django():
    import django

    django.setup()
    ensure_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable")
    with open(os.devnull, "w") as quiet:
        call_command("load_reference_data", stdout=quiet)


def fill_reports(target: int, *, seed: int = 7) -> int:
    """Bring the table to `target` live reports with COPY; return how many were added.
    ACNUR owns a fifth of them, so a reporter's view is large; every row is valid. Reports
    fall on every admin2 of every country loaded (Peru and Ecuador: about 3 to 1) and on
    the 60 months of five plan years (2021-2025), as the regional platform's would."""
    from django.db import connection

    from indicators.models import Indicator
    from partners.models import Partner, User
    from reporting.activities.models import ActivityReport
    from reporting.locations.models import Location

    have = ActivityReport.objects.count()
    if have >= target:
        settle()
        return 0
    rng = random.Random(seed + have)
    partners = list(Partner.objects.values_list("id", flat=True))
    acnur = Partner.objects.get(code="ACNUR").pk
    indicators = list(
        Indicator.objects.filter(indicator_type="direct_assistance", active=True)
        .exclude(sector__code="MPC")
        .values_list("id", flat=True)
    )
    admin2 = list(Location.objects.filter(level="admin2").values_list("id", "parent_id"))
    user, _ = User.objects.get_or_create(username="bench-loader", defaults={"role": "coordinator"})
    now = datetime.now(UTC)
    columns = (
        "month", "partner_id", "implementing_partner_id", "admin1_id", "admin2_id",
        "indicator_id", "activity_name", "activity_description", "rmrp", "covid19", "cva",
        "total_beneficiaries", "new_beneficiaries", "pop_in_destination", "pop_in_transit",
        "pop_host_community", "pop_pendular", "pop_returnees", "girls", "boys", "women", "men",
        "other_under_18", "other_over_18", "version", "created_at", "updated_at",
        "created_by_id", "updated_by_id",
    )  # fmt: skip
    months = [date(y, m, 1) for y in range(2021, 2026) for m in range(1, 13)]
    sql = f"COPY reporting_activityreport ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.connection.cursor().copy(sql) as copy:
        for n in range(have, target):
            partner = acnur if rng.random() < 0.2 else rng.choice(partners)
            a2, a1 = rng.choice(admin2)
            new = rng.randint(1, 500)
            total = new + rng.randint(0, 200)
            dest = new * 7 // 10
            women = new * 4 // 10
            copy.write_row((
                rng.choice(months), partner, None, a1, a2, rng.choice(indicators),
                f"Activity {n}", "Benchmark row", rng.random() < 0.8, False, False,
                total, new, dest, new - dest, 0, 0, 0, 0, 0, women, new - women, 0, 0,
                1, now, now, user.pk, user.pk,
            ))  # fmt: skip
    settle()
    return target - have


BENCH_USERS = {"reporter": ("bench-reporter", "ACNUR"), "analyst": ("bench-analyst", "OCHA")}


def bench_user(role: str, token_name: str):
    """The benchmark's reporter (ACNUR, a fifth of the reports) or analyst (OCHA), and a
    new API token of theirs: (user, token)."""
    from partners.models import ApiToken, Partner, User

    username, partner = BENCH_USERS[role]
    user, _ = User.objects.update_or_create(
        username=username, defaults={"role": role, "partner": Partner.objects.get(code=partner)}
    )
    return user, ApiToken.issue(user=user, name=token_name)[1]


def timed(fn, repeat: int, before=None) -> list[float]:
    """Milliseconds of `repeat` calls of `fn` (`before()` first each time, untimed)."""
    out = []
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def summary(ms: list[float]) -> str:
    import statistics

    ms = sorted(ms)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):.0f} ms, p99 {p99:.0f} ms"


def settle():
    """What production's housekeeping and autovacuum would have done by now: the figure
    cells' pending changes folded (every minute), the visibility map set (index-only scans)
    and statistics for every table (planners need the small ones' too)."""
    from django.db import connection

    from reporting.activities.figure_cells import fold_cell_deltas

    fold_cell_deltas()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the project (plus the baselines) on a free loopback port."""

    def __init__(self, workers: int = 4):
        self.port = free_port()
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--log-level", "warning", "--timeout", "900"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def _client(args) -> list[float]:
    port, paths, token, seconds, seed = args
    rng = random.Random(seed)
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"}
    latencies, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.perf_counter()
        conn.request("GET", rng.choice(paths), headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"status {response.status}")
        latencies.append(time.perf_counter() - start)
    conn.close()
    return latencies


def drive(port: int, paths: list[str], token: str, *, clients: int, seconds: float) -> dict:
    """Closed loop: `clients` processes each send requests back to back for `seconds`."""
    with ProcessPoolExecutor(clients) as pool:
        results = list(
            pool.map(_client, [(port, paths, token, seconds, i) for i in range(clients)])
        )
    latencies = sorted(x for r in results for x in r)
    n = len(latencies)
    return {
        "requests": n,
        "rps": n / seconds,
        "p50_ms": latencies[n // 2] * 1000,
        "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000,
    }
