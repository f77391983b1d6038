"""Listing 5W reports: filters, ordering, keyset paging, query counts."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from indicators.models import Indicator
from partners.models import Partner
from reporting.activities.models import ActivityReport
from reporting.locations.models import Location
from tests.factories import ActivityReportFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/activity-reports/"


@pytest.fixture
def rows(db):
    """A small table where each filter selects a different subset."""
    partner = {p.code: p for p in Partner.objects.filter(code__in=["ACNUR", "OIM", "HIAS", "WFP"])}
    loc = {
        p.pcode: p
        for p in Location.objects.filter(pcode__in=["PE24", "PE2401", "PE15", "PE1501", "PE21"])
    }
    ind = {
        i.code: i
        for i in Indicator.objects.filter(code__in=["PRT-01", "GBV-01", "FS-04", "INT-02"])
    }
    old = timezone.now() - timedelta(days=30)
    specs = {
        "a": dict(partner=partner["ACNUR"], implementing_partner=partner["HIAS"], admin1=loc["PE24"], admin2=loc["PE2401"], indicator=ind["PRT-01"], month=date(2021, 1, 1), activity_name="Legal orientation at CEBAF", updated_at=old),
        "b": dict(partner=partner["ACNUR"], admin1=loc["PE15"], admin2=loc["PE1501"], indicator=ind["GBV-01"], month=date(2021, 2, 1), activity_name="GBV case management", rmrp=False),
        "c": dict(partner=partner["OIM"], admin1=loc["PE21"], indicator=ind["FS-04"], month=date(2021, 3, 1), activity_name="Food vouchers", activity_description="Desaguadero transit", cva=True, cva_value_usd=500, delivery_mechanism="voucher"),
        "d": dict(partner=partner["WFP"], admin1=loc["PE15"], indicator=ind["INT-02"], month=date(2021, 3, 1), activity_name="Financial education", new_beneficiaries=None, pop_in_destination=0, women=0, men=0),
    }  # fmt: skip
    return {name: ActivityReportFactory(**spec).pk for name, spec in specs.items()}


FILTER_CASES = [
    ("month=2021-03", "cd"),
    ("month_from=2021-02", "bcd"),
    ("month_to=2021-02", "ab"),
    ("month_from=2021-02&month_to=2021-02", "b"),
    ("country=PER", "abcd"),
    ("admin1=PE15", "bd"),
    ("admin2=PE2401", "a"),
    ("sector=PRT", "ab"),  # Protection includes its GBV subsector
    ("sector=PRT-GBV", "b"),
    ("indicator=FS-04", "c"),
    ("indicator_type=capacity_building", "d"),
    ("partner=ACNUR", "ab"),
    ("implementing_partner=HIAS", "a"),
    ("rmrp=false", "b"),
    ("cva=true", "c"),
    ("delivery_mechanism=voucher", "c"),
    ("q=desaguadero", "c"),
    ("q=case management", "b"),
    ("partner=ACNUR&rmrp=true", "a"),
]


@pytest.mark.parametrize(("query", "expected"), FILTER_CASES)
def test_filters(analyst, rows, query, expected):
    response = analyst.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    assert [r["id"] for r in response.json()["results"]] == [rows[n] for n in expected]


def test_updated_since(analyst, rows):
    since = (timezone.now() - timedelta(days=1)).isoformat()
    response = analyst.client.get(URL, {"updated_since": since})
    assert [r["id"] for r in response.json()["results"]] == [rows[n] for n in "bcd"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("month=March", "month"),
        ("month_from=2021-13", "month_from"),
        ("admin1=PE2401", "admin1"),
        ("partner=NOBODY", "partner"),
        ("rmrp=perhaps", "rmrp"),
        ("updated_since=yesterday", "updated_since"),
        ("ordering=secret_field", "ordering"),
        ("cursor=garbage", "cursor"),
        ("page_size=0", "page_size"),
    ],
)
def test_bad_query_parameters_are_400_naming_the_parameter(analyst, rows, query, field):
    response = analyst.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize(
    ("ordering", "key"),
    [
        ("month", lambda r: (r["month"], r["id"])),
        ("-month", lambda r: (r["month"], r["id"])),
        ("partner", lambda r: (r["partner"], r["id"])),
        ("indicator", lambda r: (r["indicator"], r["id"])),
        ("-updated_at", lambda r: (r["updated_at"], r["id"])),
    ],
)
def test_ordering(analyst, rows, ordering, key):
    results = analyst.get(f"{URL}?ordering={ordering}").json()["results"]
    assert results == sorted(results, key=key, reverse=ordering.startswith("-"))


@pytest.mark.parametrize("ordering", ["id", "-month", "partner", "updated_at"])
def test_cursor_pages_cover_every_row_once_both_ways(analyst, ordering):
    ids = {ActivityReportFactory(month=date(2021, 1 + n % 3, 1)).pk for n in range(23)}
    seen, pages = [], []
    url = f"{URL}?page_size=5&ordering={ordering}"
    while url:
        body = analyst.client.get(url).json()
        pages.append(url)
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(ids) and len(seen) == len(ids)
    # Walk back from the last page (3 rows) with `previous` links: the same rows, same order.
    last = analyst.client.get(pages[-1]).json()
    assert len(last["results"]) == 3 and last["next"] is None
    back, url = [], last["previous"]
    while url:
        body = analyst.client.get(url).json()
        back = [r["id"] for r in body["results"]] + back
        url = body["previous"]
    assert back == seen[:-3]


def test_query_count_does_not_grow_with_page_size(analyst, django_assert_max_num_queries):
    for _ in range(60):
        ActivityReportFactory()
    analyst.get(f"{URL}?page_size=1")  # warm the token's last_used_at write
    # token, page, and the three reference tables (partners, indicators, locations)
    with django_assert_max_num_queries(5) as small:
        assert len(analyst.get(f"{URL}?page_size=2").json()["results"]) == 2
    with django_assert_max_num_queries(6) as large:
        assert len(analyst.get(f"{URL}?page_size=60&sector=PRT").json()["results"]) == 60
    # Only the filter's own look-up of the sector code is added; nothing per row.
    assert len(large.captured_queries) == len(small.captured_queries) + 1


def test_reporter_list_queries_are_scoped_in_sql(reporter, other_reporter):
    ActivityReportFactory(partner=Partner.objects.get(code="OIM"))
    mine = ActivityReportFactory(partner=Partner.objects.get(code="ACNUR")).pk
    assert [r["id"] for r in reporter.get(URL).json()["results"]] == [mine]
    assert ActivityReport.objects.count() == 2
