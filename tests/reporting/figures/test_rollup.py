"""The monthly cells the report table's triggers keep (PostgreSQL): after any mix of writes
they hold exactly the live reports' sums, folded or not, and figures read from them equal
figures read from the reports."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from reporting.activities.figure_cells import KEY, SUMS, fold_cell_deltas
from reporting.activities.models import ActivityReport
from reporting.figures.models import FigureCell, FigureCellDelta, FigureCellView
from tests.holds import postgresql_only
from tests.reporting.activities.test_bulk import URL as BULK_URL
from tests.reporting.activities.test_bulk import row
from tests.reporting.figures.test_figures import people

pytestmark = [pytest.mark.django_db, postgresql_only]


def sums(queryset, count) -> dict:
    """{cell key: (reports, sums...)} with empty cells left out."""
    rows = queryset.values(*KEY).annotate(n=count, **{f"s_{c}": Sum(c) for c in SUMS})
    out = {}
    for r in rows:
        values = (r["n"], *(int(r[f"s_{c}"] or 0) for c in SUMS))
        if any(values):
            out[tuple(r[k] for k in KEY)] = values
    return out


def reports_sums() -> dict:
    return sums(ActivityReport.objects.all(), Count("id"))


def cell_sums() -> dict:
    return sums(FigureCellView.objects.all(), Sum("reports"))


def test_cells_follow_every_write_and_survive_a_fold(reporter, coordinator):
    created = reporter.post(BULK_URL, [row(n) for n in range(6)] + [
        row(6, admin1="EC17", admin2="EC1701", cva=True, cva_value_usd="100.00",
            delivery_mechanism="direct_cash", indicator="MPC-01"),
        row(7, rmrp=False, month="2021-02"),
    ])  # fmt: skip
    assert created.status_code == 200, created.content
    ids = [r["id"] for r in created.json()["rows"]]
    assert cell_sums() == reports_sums() != {}
    changed = reporter.post(
        BULK_URL, [{**row(n), "id": ids[n], "total_beneficiaries": 60} for n in range(3)]
    )
    assert changed.status_code == 200, changed.content
    assert (
        reporter.patch(f"/api/v1/activity-reports/{ids[4]}/", {"month": "2021-01"}).status_code
        == 200
    )
    assert reporter.delete(f"/api/v1/activity-reports/{ids[5]}/").status_code == 204
    bad = reporter.post(BULK_URL, [row(8), row(9, new_beneficiaries=-1)])  # all or nothing
    assert bad.status_code == 422
    assert cell_sums() == reports_sums()
    assert FigureCellDelta.objects.exists() and not FigureCell.objects.exists()
    assert fold_cell_deltas() > 0
    assert not FigureCellDelta.objects.exists()
    assert cell_sums() == reports_sums()
    reporter.delete(f"/api/v1/activity-reports/{ids[0]}/")
    assert cell_sums() == reports_sums()  # folded cells plus a new delta
    ActivityReport.objects.filter(pk__in=ids[1:4]).update(rmrp=False)  # one statement, 3 rows
    fold_cell_deltas()
    assert cell_sums() == reports_sums()
    assert not FigureCell.objects.filter(reports=0).exists()  # emptied cells go
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE reporting_activityreport CASCADE")
    assert cell_sums() == reports_sums() == {}


def test_figures_from_cells_equal_figures_from_reports(reporter, analyst, settings):
    batch = [row(n, new_beneficiaries=10 + n, total_beneficiaries=20 + n,
                 population={"in_destination": 10 + n}, age_sex={"women": 10 + n},
                 indicator=("PRT-01", "FS-02", "SHE-01")[n % 3], admin1=("PE24", "PE15")[n % 2],
                 admin2=("PE2401", "PE1501")[n % 2], rmrp=n % 4 != 0) for n in range(24)]  # fmt: skip
    assert reporter.post(BULK_URL, batch).status_code == 200
    fold_cell_deltas()
    reporter.post(BULK_URL, [row(30, admin1="EC09", admin2="EC0901")])  # a pending delta too
    queries = ["proportions=none", "", "group_by=admin1", "group_by=sector&model=sum", "group_by=country,month",
               "accumulation=cumulative&group_by=admin1", "rmrp=false"]  # fmt: skip
    with CaptureQueriesContext(connection) as read:
        from_cells = [people(analyst, q) for q in queries]
    assert any("reporting_figurecellview" in q["sql"] for q in read.captured_queries)
    monthly = analyst.get("/api/v1/figures/monthly-beneficiaries/?month=2021-03&group_by=sector")
    settings.FIGURES_ROLLUP = False
    cache.clear()
    with CaptureQueriesContext(connection) as read:
        from_reports = [people(analyst, q) for q in queries]
    assert not any("reporting_figurecellview" in q["sql"] for q in read.captured_queries)
    assert [b["results"] for b in from_cells] == [b["results"] for b in from_reports]
    assert from_cells[0]["results"][0]["people_reached"] > 0
    again = analyst.get("/api/v1/figures/monthly-beneficiaries/?month=2021-03&group_by=sector")
    assert monthly.json()["results"] == again.json()["results"] != []
