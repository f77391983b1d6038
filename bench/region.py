"""Issue 25: the region at its size, on PostgreSQL (its own database, r4v_bench_region).

1. People reached by admin1 over a 17-country plan year of `--rows` reports (default
   1,000,000), by the platform's defaults, which are the region's script's (max_sector,
   monthly, the region's own Proportions.xlsx loaded unchanged, R's rounding, an unknown
   share counting 0), cold (the figure cache off), through the API in this process, against
   hand-written SQL doing the same steps in the same run. Goal: API median at most 1.5x the
   SQL's. The two answers are compared admin1 by admin1 first: they must be equal.
2. A `--import-rows` (default 100,000) ActivityInfo regional 5W export (its 30 headers,
   every reference by name) uploaded with `?async=true` and run by a real worker process:
   rows/s from the POST to completed (goal >= 5,000). Baseline in this process: the same
   file through the synchronous import engine.

    .venv/bin/python bench/region.py [--rows 1000000] [--import-rows 100000] [--repeat 10]
"""

import argparse
import csv
import io
import os
import random
import statistics
import time
from datetime import UTC, date, datetime

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/r4v_bench_region")

from common import ROOT, bench_user, settle, setup_django  # noqa: E402
from figures import p99, timings  # noqa: E402
from jobs import peak_memory_of, worker  # noqa: E402

YEAR = 2024
MONTHS = [date(YEAR, m, 1) for m in range(1, 13)]
WORKBOOK = ROOT.parent / "shared" / "r4v" / "Proportions.xlsx"

# The script's steps by hand: per month, admin1 and subsector the population types summed;
# each split by the pin table's shares into girls, boys, women and men, every product
# rounded half to even on the double (PostgreSQL's round(float8), as R's round()); per
# month, admin1 and population type the highest subsector of each cell, unknown (0) where
# any subsector there has no share; the cells and the months added.
SCRIPT_SQL = f"""
WITH cells AS (
  SELECT r.month, r.admin1_id, i.sector_id,
         SUM(r.pop_in_destination) AS d, SUM(r.pop_in_transit) AS t,
         SUM(r.pop_host_community) AS h, SUM(r.pop_pendular) AS p, SUM(r.pop_returnees) AS re
  FROM reporting_activityreport r JOIN indicators_indicator i ON i.id = r.indicator_id
  WHERE r.deleted_at IS NULL AND r.month BETWEEN '{YEAR}-01-01' AND '{YEAR}-12-01'
    AND i.indicator_type = 'direct_assistance'
  GROUP BY 1, 2, 3
), split AS (
  SELECT c.month, c.admin1_id, x.population_type,
         round(x.n * s.girls::float8) AS g, round(x.n * s.boys::float8) AS b,
         round(x.n * s.women::float8) AS w, round(x.n * s.men::float8) AS m
  FROM cells c
  CROSS JOIN LATERAL (VALUES ('in_destination', c.d), ('in_transit', c.t),
                             ('host_community', c.h), ('pendular', c.p), ('returnees', c.re)
                     ) AS x(population_type, n)
  LEFT JOIN reporting_agesexproportions s
    ON s.admin1_id = c.admin1_id AND s.sector_id = c.sector_id AND s.variant = 'pin'
   AND s.population_type = x.population_type AND s.deleted_at IS NULL
), highest AS (
  SELECT month, admin1_id,
         CASE WHEN bool_and(g IS NOT NULL) THEN MAX(g) + MAX(b) + MAX(w) + MAX(m) ELSE 0 END
           AS people
  FROM split GROUP BY 1, 2, population_type
)
SELECT admin1_id, SUM(people)::bigint FROM highest GROUP BY 1
"""
PEOPLE = f"/api/v1/figures/people-reached/?month={YEAR}-12&group_by=admin1"


def load_workbook() -> None:
    from partners.models import User
    from reporting.figures.models import AgeSexProportions
    from reporting.region.services import proportions_workbook_upload

    if AgeSexProportions.objects.exists():
        return
    user, _ = User.objects.get_or_create(
        username="bench-coordinator", defaults={"role": "coordinator"}
    )
    answer = proportions_workbook_upload(user=user, content=WORKBOOK.read_bytes())
    print(f"Proportions.xlsx loaded unchanged: {answer['created']:,} table rows")


def fill_region(target: int, seed: int = 25) -> None:
    """`target` reports of the plan year on the admin1s of the 17 countries, by COPY: every
    subsector, a fifth not RMRP, 2% with only totals (as history holds them), a tenth of
    other indicator types (left out of people reached)."""
    from django.db import connection

    from indicators.models import Indicator
    from partners.models import Partner, User
    from reporting.activities.models import ActivityReport

    have = ActivityReport.objects.count()
    if have >= target:
        return
    rng = random.Random(seed + have)
    partners = list(Partner.objects.values_list("id", flat=True))
    direct = list(
        Indicator.objects.filter(indicator_type="direct_assistance").values_list("id", flat=True)
    )
    other = list(
        Indicator.objects.exclude(indicator_type="direct_assistance").values_list("id", flat=True)
    )
    from reporting.locations.models import Location

    admin1s = list(
        Location.objects.filter(level="admin1", parent__level="country").values_list(
            "id", flat=True
        )
    )
    countries = Location.objects.filter(level="country").count()
    user, _ = User.objects.get_or_create(username="bench-loader", defaults={"role": "coordinator"})
    now = datetime.now(UTC)
    columns = (
        "month", "partner_id", "admin1_id", "indicator_id", "activity_name",
        "activity_description", "rmrp", "covid19",
        "cva", "quantity", "total_beneficiaries", "new_beneficiaries", "pop_in_destination",
        "pop_in_transit", "pop_host_community", "pop_pendular", "pop_returnees", "girls",
        "boys", "women", "men", "other_under_18", "other_over_18", "version", "created_at",
        "updated_at", "created_by_id", "updated_by_id",
    )  # fmt: skip
    sql = f"COPY reporting_activityreport ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.connection.cursor().copy(sql) as copy:
        for n in range(have, target):
            month, partner, admin1 = rng.choice(MONTHS), rng.choice(partners), rng.choice(admin1s)
            if rng.random() < 0.1:
                copy.write_row((month, partner, admin1, rng.choice(other), f"Output {n}", "",
                                True, False, False, rng.randint(1, 50), None, None,
                                *([0] * 11), 1, now, now, user.pk, user.pk))  # fmt: skip
                continue
            new = rng.randint(1, 400)
            total = new + rng.randint(0, 100)
            if rng.random() < 0.02:
                pops, ages = [0] * 5, [0] * 6
            else:
                dest, transit = new * 6 // 10, new * 2 // 10
                host = rng.randint(0, new - dest - transit)
                pops = [dest, transit, host, new - dest - transit - host, 0]
                girls, boys, women = new // 5, new // 6, new * 3 // 10
                ages = [girls, boys, women, new - girls - boys - women, 0, 0]
            copy.write_row((month, partner, admin1, rng.choice(direct), f"Activity {n}", "",
                            rng.random() < 0.8, False, False, None, total, new, *pops, *ages,
                            1, now, now, user.pk, user.pk))  # fmt: skip
    settle()
    print(f"reports added: {target - have:,} over {len(admin1s)} admin1s of {countries} countries")


def people_reached(client, repeat: int) -> None:
    from django.db import connection
    from django.test import override_settings

    from reporting.locations.models import Location

    pcodes = dict(Location.objects.filter(level="admin1").values_list("id", "pcode"))

    def api():
        response = client.get(PEOPLE)
        assert response.status_code == 200, response.content[:300]
        return response.json()

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(SCRIPT_SQL)
            return cursor.fetchall()

    with override_settings(FIGURES_CACHE_SECONDS=0):
        body = api()
        ours = {r["admin1"]: r["people_reached"] for r in body["results"]}
        theirs = {pcodes[a]: n for a, n in raw() if n}
        ours = {k: v for k, v in ours.items() if v}
        assert body["region_script"] is True, body["region_script"]
        assert ours == theirs, sorted(set(ours.items()) ^ set(theirs.items()))[:10]
        print(f"API and SQL agree on {len(ours)} admin1s, {sum(ours.values()):,} people")
        api_t = timings(api, repeat)
    sql_t = timings(raw, repeat)
    ratio = statistics.median(api_t) / statistics.median(sql_t)
    print(
        f"people reached by admin1, 17 countries, January-December, cold: api p50 "
        f"{statistics.median(api_t) * 1000:.0f} ms, p99 {p99(api_t) * 1000:.0f} ms; sql p50 "
        f"{statistics.median(sql_t) * 1000:.0f} ms; ratio {ratio:.2f} (goal <= 1.5)"
    )


def activityinfo_file(count: int, seed: int) -> bytes:
    """The region's 5W as ActivityInfo exports it: its 30 headers, references by name."""
    from indicators.models import Indicator
    from partners.models import Partner
    from reporting.locations.models import Location
    from tests.reporting.region.rscript import FIVE_W_COLUMNS

    rng = random.Random(seed)
    acnur = Partner.objects.get(code="ACNUR").name
    indicators = [
        (i.sector.region_name or i.sector.name, i.name)
        for i in Indicator.objects.filter(indicator_type="direct_assistance", active=True)
        .exclude(sector__code="MPC")
        .select_related("sector")
    ]
    places = [
        (a.parent.region_name or a.parent.name, a.region_name or a.name)
        for a in Location.objects.filter(level="admin1", parent__level="country").select_related(
            "parent"
        )
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIVE_W_COLUMNS)
    for n in range(count):
        country, admin1 = rng.choice(places)
        subsector, indicator = rng.choice(indicators)
        new = rng.randint(1, 300)
        dest = new * 7 // 10
        women = new // 2
        writer.writerow([
            country, admin1, "", acnur, "No", "", f"{YEAR}-{rng.randint(1, 12):02d}", subsector,
            indicator, f"Activity {seed}-{n}", "Orientación", "Yes", "No", "", "", "",
            new + 10, new, dest, new - dest, 0, 0, 0, 0, 0, women, new - women, 0, 0, country,
        ])  # fmt: skip
    return out.getvalue().encode("utf-8")


def activityinfo_job(rows: int, client, user) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from reporting.activities.imports import import_create
    from reporting.activities.models import Import

    content = activityinfo_file(rows, seed=int(time.time()))
    print(f"ActivityInfo file: {len(content) / 1e6:.1f} MB, {rows:,} rows")
    posted = timezone.now()
    response = client.post(
        "/api/v1/imports/?async=true", {"file": SimpleUploadedFile("5W.csv", content)}
    )
    assert response.status_code == 202, response.content[:500]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    job = worker(env)
    peak = peak_memory_of(job)
    record = Import.objects.get(pk=response.json()["id"])
    assert record.status == "completed", (record.status, record.errors[:3], record.failure)
    seconds = (record.finished_at - posted).total_seconds()
    rate = record.created / seconds
    print(
        f"ActivityInfo job: {record.created:,} rows in {seconds:.1f} s = {rate:,.0f} rows/s "
        f"(goal >= 5,000); worker peak memory {peak / 1024:.0f} MB"
    )
    content = activityinfo_file(rows, seed=int(time.time()) + 1)
    started = time.perf_counter()
    baseline = import_create(user=user, file_name="5W.csv", content=content)
    base_rate = baseline.created / (time.perf_counter() - started)
    assert baseline.status == "completed", baseline.errors[:3]
    print(
        f"baseline, the synchronous engine in this process: {base_rate:,.0f} rows/s; "
        f"job / baseline = {rate / base_rate:.2f}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    setup_django()
    from django.test import Client

    load_workbook()
    fill_region(args.rows)
    _analyst, token = bench_user("analyst", "bench-region")
    people_reached(Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}"), args.repeat)
    if args.import_rows:
        reporter, token = bench_user("reporter", "bench-region-import")
        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
        activityinfo_job(args.import_rows, client, reporter)


if __name__ == "__main__":
    main()
