"""Every path a partner could use to see or change another partner's 5W data."""

import csv
import io

import pytest
from django.db.models import Q, Sum

from partners.models import Partner
from reporting.activities.models import ActivityReport
from tests.factories import ActivityReportFactory

pytestmark = pytest.mark.django_db
REPORTS = "/api/v1/activity-reports/"


@pytest.fixture
def data(db):
    acnur, oim, hias = (Partner.objects.get(code=c) for c in ("ACNUR", "OIM", "HIAS"))
    mine = [ActivityReportFactory(partner=acnur, total_beneficiaries=100 + n) for n in range(3)]
    implemented = ActivityReportFactory(
        partner=hias, implementing_partner=acnur, total_beneficiaries=90
    )
    foreign = [ActivityReportFactory(partner=oim, total_beneficiaries=1000) for _ in range(2)]
    return {"mine": mine, "implemented": implemented, "foreign": foreign, "acnur": acnur}


def exported_ids(api, fmt: str) -> list[int]:
    response = api.client.get(f"{REPORTS}?format={fmt}")
    content = b"".join(response.streaming_content)
    if fmt == "xlsx":
        import openpyxl

        rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        return [int(r[0]) for r in rows[1:]]
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return [int(r[0]) for r in rows[(2 if fmt == "hxl" else 1) :]]


@pytest.mark.parametrize("role", ["reporter", "viewer"])
def test_partner_sees_exactly_its_own_and_implemented_reports_everywhere(request, data, role):
    api = request.getfixturevalue(role)
    expected = sorted([r.pk for r in data["mine"]] + [data["implemented"].pk])
    assert (
        sorted(r["id"] for r in api.get(f"{REPORTS}?page_size=1000").json()["results"]) == expected
    )
    for fmt in ("csv", "hxl", "xlsx"):
        assert sorted(exported_ids(api, fmt)) == expected, fmt
    # Filters cannot widen the view.
    assert api.get(f"{REPORTS}?partner=OIM").json()["results"] == []
    # The numbers it sees are what the database holds for it alone.
    visible = ActivityReport.objects.filter(
        Q(partner=data["acnur"]) | Q(implementing_partner=data["acnur"])
    )
    listed = sum(
        r["total_beneficiaries"] for r in api.get(f"{REPORTS}?page_size=1000").json()["results"]
    )
    assert listed == visible.aggregate(s=Sum("total_beneficiaries"))["s"] == 100 + 101 + 102 + 90


@pytest.mark.parametrize("role", ["reporter", "viewer", "analyst"])
def test_foreign_reports_cannot_be_changed_by_any_reader_or_other_partner(request, data, role):
    api = request.getfixturevalue(role)
    target = data["foreign"][0]
    url = f"{REPORTS}{target.pk}/"
    visible = role == "analyst"
    assert api.get(url).status_code == (200 if visible else 404)
    assert api.get(f"{url}history/").status_code == (200 if visible else 404)
    for method, body in (("patch", {"activity_name": "x"}), ("put", {}), ("delete", None)):
        response = getattr(api, method)(url, body)
        missing = getattr(api, method)(f"{REPORTS}999999/", body)
        if role == "reporter":
            assert response.status_code == 404, method  # invisible: as if it did not exist
        else:
            # Roles that write nothing are refused before any lookup: the same answer for
            # a foreign report as for no report, so nothing leaks.
            assert response.status_code == missing.status_code == 403, method
    target.refresh_from_db()
    assert (target.activity_name, target.version, target.deleted_at) != ("x", 2, None)
    assert target.version == 1


def test_batches_and_uploads_cannot_reach_foreign_reports(reporter, data):
    foreign = data["foreign"][0]
    # The same natural key as the foreign report, but the row is ACNUR's: a new report.
    row = {
        "month": f"{foreign.month:%Y-%m}",
        "admin1": "PE24",
        "indicator": "PRT-01",
        "activity_name": foreign.activity_name,
        "rmrp": True,
        "cva": False,
        "total_beneficiaries": 100,
        "new_beneficiaries": 80,
        "population": {"in_destination": 80},
        "age_sex": {"women": 50, "men": 30},
    }
    body = reporter.post(f"{REPORTS}bulk/?replace=months", [row]).json()
    assert body["created"] == 1 and body["deleted"] == 3  # its own other rows of the month
    foreign.refresh_from_db()
    assert (foreign.total_beneficiaries, foreign.deleted_at, foreign.version) == (1000, None, 1)
    assert ActivityReport.objects.filter(partner__code="OIM").count() == 2


def test_implementing_partner_cannot_change_what_it_implements(reporter, data):
    url = f"{REPORTS}{data['implemented'].pk}/"
    assert reporter.get(url).status_code == 200
    assert reporter.patch(url, {"activity_name": "mine now"}).status_code == 403
    assert reporter.delete(url).status_code == 403
