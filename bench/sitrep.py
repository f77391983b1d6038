"""Issue 28: the situation report of a country-month over 1,000,000 reports (the r4v_bench
database: Peru and Ecuador, 60 months), with the demo's March 2021 border observations and
key figures added, on PostgreSQL, in this process (Django test client: server time).

1. The report as HTML and as PDF, cold (figures cache and drawn charts cleared before each
   request). Goals: HTML under 1 s, PDF under 3 s. Baseline in this process, cold too: the
   API answers the report is assembled from, as JSON (its figures and series); the ratio
   says what assembling and drawing the report adds.
2. The dashboard's first view for an analyst, warm (bench/console.py measures it the same
   way; repeated here with its goal for this issue): under 300 ms.

    .venv/bin/python bench/sitrep.py [--rows 1000000] [--repeat 5]
"""

import argparse
import statistics

from common import bench_user, fill_reports, setup_django, summary, timed

REPORT = "/api/v1/situation-reports/2021-03/document/?country=PER&format="
# What the report reads through the API (reporting.sitreps.selectors).
SOURCES = [
    "/api/v1/figures/people-reached/?country=PER&month=2021-03",
    "/api/v1/figures/people-reached/?country=PER&month=2021-03&group_by=sector",
    "/api/v1/figures/people-reached/?country=PER&month=2021-03&group_by=admin1",
    "/api/v1/figures/progress/?country=PER&month=2021-03",
    "/api/v1/figures/cash/?country=PER&month=2021-03",
    "/api/v1/figures/indicators/?country=PER&month=2021-03",
    "/api/v1/border-crossings/series/?interval=day&start=2021-03-01&end=2021-03-31",
    "/api/v1/border-crossings/series/?interval=month&start=2021-02-01&end=2021-02-28",
    "/api/v1/border-crossings/travel-modes/?date_from=2021-01-01&date_to=2021-03-31",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    fill_reports(args.rows)
    from django.core.cache import cache
    from django.test import Client

    from reporting.activities.models import ActivityReport
    from reporting.demo_data import demo_data_load

    demo_data_load()  # border observations and key figures of March 2021
    print(f"reports in the table: {ActivityReport.objects.count():,}")
    analyst, token = bench_user("analyst", "bench-sitrep")
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")

    def document(fmt: str):
        def fetch():
            response = api.get(REPORT + fmt)
            assert response.status_code == 200, response.content[:300]
            assert len(response.content) > 1000

        return fetch

    def sources():
        for path in SOURCES:
            assert api.get(path).status_code == 200, path

    document("html")()  # vl-convert's engine starts once per process, as in a server
    html = timed(document("html"), args.repeat, before=cache.clear)
    pdf = timed(document("pdf"), args.repeat, before=cache.clear)
    base = timed(sources, args.repeat, before=cache.clear)
    print(f"situation report as HTML, cold: {summary(html)} (goal < 1,000 ms)")
    print(f"situation report as PDF, cold: {summary(pdf)} (goal < 3,000 ms)")
    print(
        f"baseline, its {len(SOURCES)} API answers as JSON, cold: {summary(base)}; "
        f"HTML / baseline = {statistics.median(html) / statistics.median(base):.2f}, "
        f"PDF / baseline = {statistics.median(pdf) / statistics.median(base):.2f}"
    )

    page = Client(HTTP_HOST="127.0.0.1")
    page.force_login(analyst)

    def dashboard():
        response = page.get("/console/?month=2021-03&country=PER")
        assert response.status_code == 200 and b'role="alert"' not in response.content

    cache.clear()
    cold = timed(dashboard, 1)[0]
    warm = timed(dashboard, args.repeat * 6)
    print(f"dashboard (Peru, March 2021), first view cold: {cold:.0f} ms; warm: {summary(warm)} "
          f"(goal < 300 ms)")  # fmt: skip


if __name__ == "__main__":
    main()
