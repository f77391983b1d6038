"""Issue 16: the console dashboard's first view on the 1,000,000-report benchmark database.

The dashboard (GET /console/?month=2021-03, session of an analyst) is fetched cold (empty
figures cache) once, then warm `--repeat` times, in this process (Django test client: server
time, no network). Goal: warm under 1 s. Baseline, same process: the API requests whose
answers the page draws (its seven figures as JSON, bearer token), warm; the ratio says what
drawing the page adds.

    .venv/bin/python bench/console.py [--rows 1000000] [--repeat 30]
"""

import argparse
import statistics

from common import bench_user, fill_reports, setup_django, summary, timed

FIGURES = [  # what the dashboard reads (reporting/console/dashboard.py)
    "/api/v1/figures/people-reached/?month=2021-03&group_by=sector",
    "/api/v1/figures/people-reached/?month=2021-03&group_by=admin1",
    "/api/v1/figures/people-reached/?month=2021-03&group_by=admin1&country=PER",
    "/api/v1/figures/people-reached/?month=2021-03&group_by=admin1&country=ECU",
    "/api/v1/figures/people-reached/?month_from=2021-01&month_to=2021-03&group_by=month",
    "/api/v1/figures/monthly-beneficiaries/?month_from=2021-01&month_to=2021-03&group_by=month",
    "/api/v1/figures/progress/?month=2021-03",
    "/api/v1/figures/cash/?month=2021-03&group_by=sector",
    "/api/v1/border-crossings/series/?interval=month&start=2021-01-01&end=2021-03-31",
    "/api/v1/border-crossings/travel-modes/?date_from=2021-01-01&date_to=2021-03-31",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    setup_django()
    fill_reports(args.rows)
    from django.core.cache import cache
    from django.test import Client

    from reporting.activities.models import ActivityReport

    print(f"reports in the table: {ActivityReport.objects.count():,}")
    analyst, token = bench_user("analyst", "bench-console")
    page = Client(HTTP_HOST="127.0.0.1")
    page.force_login(analyst)
    api = Client(HTTP_HOST="127.0.0.1")
    api.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    def dashboard():
        response = page.get("/console/?month=2021-03")
        assert response.status_code == 200 and b'role="alert"' not in response.content

    def figures():
        for path in FIGURES:
            assert api.get(path).status_code == 200, path

    cache.clear()
    cold = timed(dashboard, 1)[0]
    warm = timed(dashboard, args.repeat)
    base = timed(figures, args.repeat)
    print(f"dashboard, cold cache: {cold:.0f} ms")
    print(f"dashboard, warm cache: {summary(warm)} (goal < 300 ms since issue 28; 1,000 ms before)")
    ratio = statistics.median(warm) / statistics.median(base)
    print(f"baseline, its {len(FIGURES)} API answers as JSON, warm: {summary(base)}; "
          f"page / baseline (p50) = {ratio:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
