"""Issue 26: the quality report and month approval at the region's size, on PostgreSQL
(the region bench's database, r4v_bench_region: a plan year of 17 countries).

1. The quality report (`quality-report/`, every organisation and country, January to
   December) over `--rows` reports (default 1,000,000), about 1% of them history imported
   with flaws: cold (the cache off), then cached, through the API in this process. Goals:
   under 2 s cold and under 50 ms cached. Baseline in this process: hand-written SQL doing
   the same two aggregations; the ratio is printed.
2. Approving a month with `--month-reports` reports (default 50,000) of one organisation in
   one country: the partner submits it, a coordinator approves it through the API. Goal:
   under 5 s. Baseline: counting the month's reports by hand (the one step that grows).

    .venv/bin/python bench/quality.py [--rows 1000000] [--month-reports 50000] [--repeat 10]
"""

import argparse
import os
import random
import statistics
import time
from datetime import UTC, date, datetime

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/r4v_bench_region")

from common import bench_user, settle, setup_django  # noqa: E402
from figures import p99, timings  # noqa: E402
from region import YEAR, fill_region  # noqa: E402

REPORT = f"/api/v1/quality-report/?month_from={YEAR}-01&month_to={YEAR}-12"
CHECK_BITS = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]
REPORT_SQL = f"""
SELECT r.partner_id, l.parent_id, r.month, COUNT(*) FROM reporting_activityreport r
JOIN reporting_location l ON l.id = r.admin1_id
WHERE r.deleted_at IS NULL AND r.month BETWEEN '{YEAR}-01-01' AND '{YEAR}-12-01'
GROUP BY 1, 2, 3
"""
FLAGGED_SQL = f"""
SELECT r.partner_id, l.parent_id, r.month, COUNT(*),
       {", ".join(f"SUM(r.quality_flags & {1 << b})" for b in CHECK_BITS)}
FROM reporting_activityreport r JOIN reporting_location l ON l.id = r.admin1_id
WHERE r.deleted_at IS NULL AND r.month BETWEEN '{YEAR}-01-01' AND '{YEAR}-12-01'
  AND r.quality_flags > 0
GROUP BY 1, 2, 3
"""


def flag_history(share: float = 0.01) -> int:
    """About `share` of the reports become history with flaws (one or two checks each)."""
    from django.db import connection

    from reporting.activities.models import ActivityReport

    flagged = ActivityReport.objects.filter(quality_flags__gt=0).count()
    if flagged:
        return flagged
    every = round(1 / share)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reporting_activityreport SET quality_flags = "
            "(1 << (9 + id %% 11)::int) | (CASE WHEN id %% 3 = 0 THEN 1 << 17 ELSE 0 END) "
            "WHERE id %% %s = 0",
            [every],
        )
        flagged = cursor.rowcount
    settle()
    return flagged


def quality_report(client, repeat: int) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import override_settings

    def api():
        response = client.get(REPORT)
        assert response.status_code == 200, response.content[:300]
        return response.json()

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(REPORT_SQL)
            groups = cursor.fetchall()
            cursor.execute(FLAGGED_SQL)
            return groups, cursor.fetchall()

    with override_settings(FIGURES_CACHE_SECONDS=0):
        body = api()
        groups, flagged = raw()
        assert body["rows"] == sum(g[3] for g in groups), (body["rows"], len(groups))
        assert body["flagged_rows"] == sum(f[3] for f in flagged)
        print(
            f"API and SQL agree: {body['rows']:,} reports, {body['flagged_rows']:,} to "
            f"review, {body['count']:,} organisation x country x month groups"
        )
        cold = timings(api, repeat)
    sql = timings(raw, repeat)
    cache.clear()
    api()  # fills the cache
    warm = timings(api, repeat * 5)
    print(
        f"quality report, a year of every organisation and country, cold: api p50 "
        f"{statistics.median(cold) * 1000:.0f} ms, p99 {p99(cold) * 1000:.0f} ms (goal < 2,000 "
        f"ms); sql p50 {statistics.median(sql) * 1000:.0f} ms; ratio "
        f"{statistics.median(cold) / statistics.median(sql):.2f}"
    )
    print(
        f"quality report, cached: p50 {statistics.median(warm) * 1000:.1f} ms, p99 "
        f"{p99(warm) * 1000:.1f} ms (goal < 50 ms)"
    )


def fill_month(count: int) -> tuple[int, int, date]:
    """`count` reports of one organisation in one country and month (December of the year
    after the plan year, so nothing else falls there), by COPY."""
    from django.db import connection

    from indicators.models import Indicator
    from partners.models import Partner, User
    from reporting.activities.models import ActivityReport
    from reporting.approvals.models import MonthSubmission
    from reporting.locations.models import Location

    month = date(YEAR + 1, 12, 1)
    partner = Partner.objects.get(code="ACNUR")
    peru = Location.objects.get(pcode="PER")
    MonthSubmission.objects.filter(month=month).delete()
    have = ActivityReport.objects.filter(month=month).count()
    admin1s = list(
        Location.objects.filter(parent=peru, level="admin1").values_list("id", flat=True)
    )
    indicator = Indicator.objects.filter(indicator_type="direct_assistance").first()
    user, _ = User.objects.get_or_create(username="bench-loader", defaults={"role": "coordinator"})
    now, rng = datetime.now(UTC), random.Random(26)
    columns = (
        "month, partner_id, admin1_id, indicator_id, activity_name, activity_description, "
        "rmrp, covid19, cva, total_beneficiaries, new_beneficiaries, pop_in_destination, "
        "pop_in_transit, pop_host_community, pop_pendular, pop_returnees, girls, boys, women, "
        "men, other_under_18, other_over_18, quality_flags, version, created_at, updated_at, "
        "created_by_id, updated_by_id"
    )
    sql = f"COPY reporting_activityreport ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.connection.cursor().copy(sql) as copy:
        for n in range(have, count):
            copy.write_row((month, partner.pk, rng.choice(admin1s), indicator.pk,
                            f"Month activity {n}", "", True, False, False, 10, 10, 10, 0, 0, 0,
                            0, 5, 5, 0, 0, 0, 0, 0, 1, now, now, user.pk, user.pk))  # fmt: skip
    settle()
    return partner.pk, peru.pk, month


def approve_month(count: int) -> None:
    from django.db import connection
    from django.test import Client

    from partners.models import Partner
    from reporting.approvals.models import MonthSubmission
    from reporting.locations.models import Location

    partner_id, country_id, month = fill_month(count)
    reporter, token = bench_user("reporter", "bench-quality-submit")
    partner = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    coordinator, token = bench_user("analyst", "bench-quality-approve")
    coordinator.role = "coordinator"
    coordinator.save(update_fields=["role"])
    desk = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {"country": "PER", "month": f"{month:%Y-%m}"}
    started = time.perf_counter()
    submitted = partner.post(
        "/api/v1/month-submissions/submit/", body, content_type="application/json"
    )
    submit_s = time.perf_counter() - started
    assert submitted.status_code == 200, submitted.content[:300]
    started = time.perf_counter()
    approved = desk.post(
        f"/api/v1/month-submissions/{submitted.json()['id']}/approve/", {},
        content_type="application/json",
    )  # fmt: skip
    approve_s = time.perf_counter() - started
    assert approved.status_code == 200, approved.content[:300]
    assert approved.json()["reports"] == count, approved.json()
    coordinator.role = "analyst"
    coordinator.save(update_fields=["role"])

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM reporting_activityreport r JOIN reporting_location l "
                "ON l.id = r.admin1_id WHERE r.deleted_at IS NULL AND r.partner_id = %s AND "
                "l.parent_id = %s AND r.month = %s",
                [partner_id, country_id, month],
            )
            return cursor.fetchone()[0]

    base = statistics.median(timings(raw, 5))
    print(
        f"a month of {count:,} reports: submitted in {submit_s * 1000:.0f} ms, approved in "
        f"{approve_s * 1000:.0f} ms (goal < 5,000 ms); baseline, counting them by hand "
        f"{base * 1000:.0f} ms; approve / baseline = {approve_s / base:.1f}"
    )
    MonthSubmission.objects.filter(month=month).delete()
    assert Partner.objects.filter(pk=partner_id).exists() and Location.objects.filter(pk=country_id)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--month-reports", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    setup_django()
    from django.test import Client

    fill_region(args.rows)
    print(f"reports to review (history with flaws): {flag_history():,}")
    _analyst, token = bench_user("analyst", "bench-quality")
    quality_report(Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}"), args.repeat)
    approve_month(args.month_reports)


if __name__ == "__main__":
    main()
