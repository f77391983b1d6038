"""Issue 4: ingest through the API against raw COPY, same run.

100,000 valid reports sent as 20 JSON batches of 5,000 (HTTP, gunicorn, validation, upsert,
history) into PostgreSQL, then the same rows loaded by raw COPY into an identical empty table
(`LIKE reporting_activityreport INCLUDING ALL`: columns, checks and indexes), once with the
report table's foreign keys as native per-row constraints and once without any. Goals
(issues 4 and 29): at least 8,000 rows/s through the API, at least one sixth of the COPY
rate with foreign keys and at least a quarter of the COPY rate without them.

    .venv/bin/python bench/ingest.py [--rows 100000] [--batch 5000] [--clients 1] [--resend]
"""

import argparse
import json
import random
import threading
import time
import uuid
from datetime import UTC, datetime
from http.client import HTTPConnection

from common import Server, bench_user, fill_reports, setup_django


def make_rows(count: int, seed: int) -> list[dict]:
    from indicators.models import Indicator
    from reporting.locations.models import Location

    rng = random.Random(seed)
    indicators = list(
        Indicator.objects.filter(indicator_type="direct_assistance", active=True)
        .exclude(sector__code="MPC")
        .values_list("code", flat=True)
    )
    admin2 = list(Location.objects.filter(level="admin2").values_list("pcode", "parent__pcode"))
    run = uuid.uuid4().hex[:8]
    rows = []
    for n in range(count):
        a2, a1 = rng.choice(admin2)
        new = rng.randint(1, 500)
        dest = new * 7 // 10
        women = new * 4 // 10
        rows.append({
            "external_id": f"ingest-{run}-{n}",
            "month": f"2021-{rng.randint(1, 10):02d}",
            "admin1": a1, "admin2": a2, "indicator": rng.choice(indicators),
            "activity_name": f"Ingest {run} {n}", "rmrp": rng.random() < 0.8, "cva": False,
            "total_beneficiaries": new + rng.randint(0, 200), "new_beneficiaries": new,
            "population": {"in_destination": dest, "in_transit": new - dest},
            "age_sex": {"women": women, "men": new - women},
        })  # fmt: skip
    return rows


def copy_baseline(rows: list[dict], *, foreign_keys: bool) -> float:
    """Seconds to COPY the same rows (codes resolved beforehand) into an empty table made
    like the report table, and commit. `LIKE … INCLUDING ALL` copies columns, defaults,
    checks and indexes but not foreign keys: with `foreign_keys` they are added as the report
    table has them (deferred, so checked at commit, as for the API's writes)."""
    from django.db import connection

    from indicators.models import Indicator
    from partners.models import Partner, User
    from reporting.locations.models import Location

    partner = Partner.objects.get(code="ACNUR").pk
    user = User.objects.get(username="bench-reporter").pk
    locations = dict(Location.objects.values_list("pcode", "id"))
    indicators = dict(Indicator.objects.values_list("code", "id"))
    now = datetime.now(UTC)
    columns = (
        "external_id", "month", "partner_id", "admin1_id", "admin2_id", "indicator_id",
        "activity_name", "activity_description", "rmrp", "covid19", "cva",
        "total_beneficiaries", "new_beneficiaries", "pop_in_destination", "pop_in_transit",
        "pop_host_community", "pop_pendular", "pop_returnees", "girls", "boys", "women", "men",
        "other_under_18", "other_over_18", "version", "created_at", "updated_at",
        "created_by_id", "updated_by_id",
    )  # fmt: skip
    tuples = [
        (r["external_id"], f"{r['month']}-01", partner, locations[r["admin1"]],
         locations[r["admin2"]], indicators[r["indicator"]], r["activity_name"], "", r["rmrp"],
         False, False, r["total_beneficiaries"], r["new_beneficiaries"],
         r["population"]["in_destination"], r["population"]["in_transit"], 0, 0, 0, 0, 0,
         r["age_sex"]["women"], r["age_sex"]["men"], 0, 0, 1, now, now, user, user)
        for r in rows
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_target")
        cursor.execute(
            "CREATE TABLE bench_copy_target (LIKE reporting_activityreport INCLUDING ALL)"
        )
        if foreign_keys:
            # The report table's keys as PostgreSQL checks them natively, row by row (the
            # table itself checks them per statement since migration 0027).
            from reporting.activities.models import ActivityReport

            for field in ActivityReport._meta.concrete_fields:
                if field.is_relation:
                    target = field.related_model._meta.db_table
                    cursor.execute(
                        f"ALTER TABLE bench_copy_target ADD FOREIGN KEY ({field.column}) "
                        f"REFERENCES {target} (id) DEFERRABLE INITIALLY DEFERRED"
                    )
    assert connection.get_autocommit()  # the COPY below is its own transaction
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY bench_copy_target ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in tuples:
            copy.write_row(row)
    elapsed = time.perf_counter() - started  # includes the commit and its deferred checks
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy_target")
    return elapsed


def send_batches(port: int, token: str, rows, batch: int, clients: int, expect="created"):
    """POST the rows in batches from `clients` concurrent connections; (seconds, latencies)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    bodies = [json.dumps(rows[s : s + batch]) for s in range(0, len(rows), batch)]
    queue = list(enumerate(bodies))
    lock = threading.Lock()
    latencies: list[float] = []

    def worker():
        conn = HTTPConnection("127.0.0.1", port, timeout=300)
        # Warm this worker's connection (imports, database connection) with a dry run.
        conn.request("POST", "/api/v1/activity-reports/bulk/?dry_run=true",
                     body=json.dumps(rows[:10]), headers=headers)  # fmt: skip
        conn.getresponse().read()
        barrier.wait()
        while True:
            with lock:
                if not queue:
                    return
                number, body = queue.pop(0)
            t = time.perf_counter()
            conn.request("POST", "/api/v1/activity-reports/bulk/", body=body, headers=headers)
            response = conn.getresponse()
            payload = json.loads(response.read())
            with lock:
                latencies.append(time.perf_counter() - t)
            if response.status != 200 or payload[expect] != len(json.loads(body)):
                raise SystemExit(f"batch {number} failed: {response.status} {str(payload)[:500]}")

    barrier = threading.Barrier(clients + 1)
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=1, help="concurrent batch senders")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--fill", type=int, default=1_000_000,
        help="reports already in the table before the run (filled by COPY if fewer)",
    )  # fmt: skip
    parser.add_argument(
        "--resend", action="store_true",
        help="then send the same rows again with a changed total: every row an update",
    )  # fmt: skip
    args = parser.parse_args()

    setup_django()
    fill_reports(args.fill)
    from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry

    user, token = bench_user("reporter", "bench-ingest")
    rows = make_rows(args.rows, seed=int(time.time()))
    before = ActivityReport.objects.count(), ActivityReportHistoryEntry.objects.count()
    print(f"reports already in the table: {before[0]:,}")

    server = Server(workers=args.workers)
    try:
        api_seconds, latencies = send_batches(server.port, token, rows, args.batch, args.clients)
        if args.resend:
            for row in rows:
                row["total_beneficiaries"] += 1
            update_seconds, update_latencies = send_batches(
                server.port, token, rows, args.batch, args.clients, expect="updated"
            )
    finally:
        server.stop()

    after = ActivityReport.objects.count(), ActivityReportHistoryEntry.objects.count()
    resends = 2 if args.resend else 1  # an update adds a history entry, not a report
    assert after[0] - before[0] == len(rows) and after[1] - before[1] == resends * len(rows)
    copy_seconds = copy_baseline(rows, foreign_keys=True)
    bare_seconds = copy_baseline(rows, foreign_keys=False)
    api_rate, copy_rate, bare_rate = (
        len(rows) / s for s in (api_seconds, copy_seconds, bare_seconds)
    )
    p50 = sorted(latencies)[len(latencies) // 2]
    print(
        f"api:  {len(rows):,} rows in {api_seconds:6.2f} s = {api_rate:8,.0f} rows/s "
        f"({args.clients} client(s); batch p50 {p50:.2f} s, max {max(latencies):.2f} s)"
    )
    print(f"copy, per-row foreign keys:   {copy_seconds:6.2f} s = {copy_rate:8,.0f} rows/s")
    print(f"copy, foreign keys left out:  {bare_seconds:6.2f} s = {bare_rate:8,.0f} rows/s")
    print(f"api/copy ratio: {api_rate / copy_rate:.3f} (goal >= {1 / 6:.3f}); "
          f"api rate goal >= 8,000 rows/s")  # fmt: skip
    print(f"api/copy ratio without foreign keys on the copy: {api_rate / bare_rate:.3f} "
          f"(goal >= 0.25)")  # fmt: skip
    if args.resend:
        p50 = sorted(update_latencies)[len(update_latencies) // 2]
        print(
            f"resend as updates: {len(rows):,} rows in {update_seconds:6.2f} s = "
            f"{len(rows) / update_seconds:8,.0f} rows/s (batch p50 {p50:.2f} s)"
        )


if __name__ == "__main__":
    main()
