"""Issue 3: the 5W list endpoint against a `.values()` + orjson baseline, same run.

1,000,000 reports in PostgreSQL; a reporter (ACNUR, ~200k visible rows) pages 100 at a time
from random positions with 10 concurrent clients against gunicorn. Goal: the API at least
half the baseline's requests per second, and p99 at most 150 ms.

    .venv/bin/python bench/list_endpoint.py [--rows 1000000] [--seconds 20] [--clients 10]
"""

import argparse
import base64
import json
import random

from common import Server, bench_user, drive, fill_reports, setup_django


def cursor(after_id: int) -> str:
    payload = json.dumps({"f": "id", "v": after_id, "pk": after_id, "r": False})
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    setup_django()
    added = fill_reports(args.rows)
    from reporting.activities.models import ActivityReport

    total = ActivityReport.objects.count()
    print(f"reports in the table: {total:,} ({added:,} added now)")
    _, token = bench_user("reporter", "bench")
    top = ActivityReport.objects.order_by("-id").values_list("id", flat=True).first()
    rng = random.Random(1)
    starts = [rng.randint(0, top - 20_000) for _ in range(500)]
    api_paths = [f"/api/v1/activity-reports/?page_size=100&cursor={cursor(s)}" for s in starts]
    base_paths = [f"/bench/baseline/activity-reports/?page_size=100&after={s}" for s in starts]

    server = Server(workers=args.workers)
    try:
        results = {}
        for name, paths in (("baseline", base_paths), ("api", api_paths)):
            drive(server.port, paths[:50], token, clients=2, seconds=2)  # warm up
            results[name] = drive(
                server.port, paths, token, clients=args.clients, seconds=args.seconds
            )
    finally:
        server.stop()

    for name, r in results.items():
        print(
            f"{name:9s} {r['requests']:6d} requests  {r['rps']:7.1f} req/s  "
            f"p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms"
        )
    ratio = results["api"]["rps"] / results["baseline"]["rps"]
    print(f"api/baseline throughput ratio: {ratio:.2f} (goal >= 0.50)")
    print(f"api p99: {results['api']['p99_ms']:.1f} ms (goal <= 150 ms)")


if __name__ == "__main__":
    main()
