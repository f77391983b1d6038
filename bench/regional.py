"""Issue 17: cold people-reached figures on the regional benchmark database (10,000,000
reports over Peru and Ecuador and five plan years: bench/common.py fills them).

Each figure is asked through the API in this process (Django test client: server time), the
figures cache emptied before every request (cold), `--repeat` times: read from the monthly
cells (the default on PostgreSQL) and, as the baseline in the same run, from the reports
(FIGURES_ROLLUP off). Goals: one country-month p99 < 1 s, the region p99 < 3 s.

    .venv/bin/python bench/regional.py [--rows 10000000] [--repeat 20]
"""

import argparse
import time

from common import bench_user, fill_reports, setup_django

FIGURES = {
    "Peru, December 2025 (cumulative from January)": (
        "/api/v1/figures/people-reached/?month=2025-12&country=PER&group_by=admin1", 1.0,
    ),
    "Ecuador, March 2024": ("/api/v1/figures/people-reached/?month=2024-03&country=ECU", 1.0),
    "region, December 2025 by country": (
        "/api/v1/figures/people-reached/?month=2025-12&group_by=country", 3.0,
    ),
    "region, 2025 by month and sector": (
        "/api/v1/figures/people-reached/?month=2025-12&group_by=month,sector", 3.0,
    ),
    "region, monthly beneficiaries by sector, June 2023": (
        "/api/v1/figures/monthly-beneficiaries/?month=2023-06&group_by=sector", 3.0,
    ),
}  # fmt: skip


def cold_timings(client, path: str, repeat: int) -> list[float]:
    from django.core.cache import cache

    out = []
    for _ in range(repeat + 1):
        cache.clear()
        started = time.perf_counter()
        response = client.get(path)
        assert response.status_code == 200, response.content[:300]
        out.append(time.perf_counter() - started)
    return sorted(out[1:])  # the first warms the database's pages


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_django()
    fill_reports(args.rows)
    from django.test import Client, override_settings

    from reporting.activities.figure_cells import fold_cell_deltas
    from reporting.activities.models import ActivityReport

    print(f"reports in the table: {ActivityReport.objects.count():,}")
    print(f"figure cells folded before measuring: {fold_cell_deltas():,}")
    analyst, token = bench_user("analyst", "bench-regional")
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    for name, (path, goal) in FIGURES.items():
        cells = cold_timings(client, path, args.repeat)
        with override_settings(FIGURES_ROLLUP=False):
            reports = cold_timings(client, path, max(3, args.repeat // 4))
        c50, c99 = cells[len(cells) // 2], cells[min(len(cells) - 1, int(len(cells) * 0.99))]
        r50 = reports[len(reports) // 2]
        print(
            f"{name}: cells p50 {c50 * 1000:.0f} ms, p99 {c99 * 1000:.0f} ms "
            f"(goal p99 < {goal * 1000:.0f} ms: {'met' if c99 < goal else 'NOT met'}); "
            f"reports p50 {r50 * 1000:.0f} ms; reports/cells {r50 / c50:.1f}x"
        )


if __name__ == "__main__":
    main()
