"""`field__any` (config.db.lookups): what batches find their existing reports with. It must
select exactly what `__in` selects, on PostgreSQL (one array parameter) and SQLite."""

import pytest
from django.db import connection

from reporting.activities.models import ActivityReport
from tests.factories import ActivityReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports():
    return [
        ActivityReportFactory(external_id="a-1", activity_name="Kits"),
        ActivityReportFactory(external_id="a-2", activity_name="Orientation"),
        ActivityReportFactory(external_id=None, activity_name="Kits"),
    ]


@pytest.mark.parametrize(
    ("lookup", "values"),
    [
        ("external_id", ["a-1", "a-2", "nope"]),
        ("external_id", {"a-2"}),
        ("external_id", ["a-1", None]),  # None matches nothing, as with __in
        ("external_id", []),
        ("activity_name", ("Kits",)),
        ("month", []),
    ],
)
def test_any_selects_what_in_selects(reports, lookup, values):
    expected = set(ActivityReport.objects.filter(**{f"{lookup}__in": values}))
    assert set(ActivityReport.objects.filter(**{f"{lookup}__any": values})) == expected


def test_any_sends_one_parameter_on_postgresql(reports):
    names = [f"name {n}" for n in range(2_000)] + ["Kits"]
    query = ActivityReport.objects.filter(activity_name__any=names)
    assert {r.activity_name for r in query} == {"Kits"} and query.count() == 2
    sql, params = query.query.get_compiler(connection=connection).as_sql()
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and len(params) == 1 and len(params[0]) == len(names)
    else:
        assert len(params) == len(names)
