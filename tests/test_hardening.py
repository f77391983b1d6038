"""Odd input never answers 500; the database being unavailable answers 503."""

import pytest
from django.db import connection

from tests.factories import ActivityReportFactory

pytestmark = pytest.mark.django_db

DEEP = "[" * 5000 + "]" * 5000
BODIES = {
    "invalid utf-8": b'{"activity_name": "\xff\xfe"}',
    "nul byte": b'{"activity_name": "a\\u0000b", "month": "2021-03"}',
    "deep nesting": DEEP.encode(),
    "huge number": b'{"total_beneficiaries": 1e400, "people": 1e400}',
    "huge integer": b'{"total_beneficiaries": 123456789012345678901234567890}',
    "nan": b'{"total_beneficiaries": NaN}',
    "long strings": (
        '{"activity_name": "' + "x" * 10_000 + '", "source": "' + "y" * 10_000 + '"}'
    ).encode(),
    "negative": b'{"total_beneficiaries": -5, "people": -5, "quantity": -1}',
    "bad dates": b'{"month": "2021-02-30", "date": "2021-02-30", "date_from": "yesterday"}',
    "wrong types": b'{"month": 202103, "rmrp": "perhaps", "admin1": ["PE24"], "population": "many"}',
    "a list": b"[1, 2, 3]",
    "a string": b'"hello"',
    "null": b"null",
    "empty": b"",
    "not json": b"month=2021-03",
}
ENDPOINTS = [
    ("post", "/api/v1/activity-reports/"),
    ("post", "/api/v1/activity-reports/bulk/"),
    ("post", "/api/v1/border-crossings/"),
    ("post", "/api/v1/border-crossings/bulk/"),
    ("post", "/api/v1/reporting-periods/lock/"),
    ("post", "/api/v1/partners/"),
    ("patch", "/api/v1/activity-reports/{report}/"),
    ("put", "/api/v1/activity-reports/{report}/"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize("body", BODIES, ids=list(BODIES))
def test_odd_bodies_are_clear_4xx_never_500(coordinator, method, path, body):
    report = ActivityReportFactory()
    coordinator.client.raise_request_exception = False
    send = getattr(coordinator.client, method)
    response = send(
        path.format(report=report.pk), data=BODIES[body], content_type="application/json"
    )
    if body == "empty" and method == "patch":
        assert response.status_code == 200  # an empty PATCH changes nothing, rightly
        return
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] and problem["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "?surprise=1",
        "?page=999999",
        "?page=-1",
        "?page_size=abc",
        "?ordering=" + "x" * 5000,
        "?q=" + "%00" * 10,
        "?month=9999-99",
        "?updated_since=not-a-date",
        "?cursor=%FF%FE",
    ],
)
def test_odd_query_strings_never_500(analyst, query):
    analyst.client.raise_request_exception = False
    for path in ("/api/v1/activity-reports/", "/api/v1/partners/", "/api/v1/border-crossings/"):
        response = analyst.client.get(path + query)
        assert response.status_code < 500, (path, query, response.content[:300])


def test_health_probes(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    # no worker beats in this test: /readyz says so (tests/faults/test_worker.py starts one)
    assert client.get("/readyz").json()["code"] == "no_worker"


def test_a_blocked_database_answers_503_with_retry_after(reload_reference_data, transactional_db):
    """Another session holds a lock the request needs. PostgreSQL cancels the waiting
    statement at the statement timeout; SQLite stops waiting at its busy timeout: either way
    the API answers 503 problem+json with Retry-After, and the worker is free again."""
    from partners.choices import Role
    from tests.conftest import Api
    from tests.factories import PartnerFactory, UserFactory

    analyst = Api(UserFactory(role=Role.ANALYST, partner=PartnerFactory(code="OCHA")))
    analyst.client.raise_request_exception = False
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        other = psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            dbname=settings["NAME"],
        )
        other.execute(  # the reports and the figure cells read in their place
            "LOCK TABLE reporting_activityreport, reporting_figurecell, reporting_figurecelldelta "
            "IN ACCESS EXCLUSIVE MODE"
        )
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 300")
        expected = "query_timeout"
    else:
        import sqlite3

        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.1)
        other.execute("BEGIN IMMEDIATE")  # holds the write lock
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 300")
        expected = "database_unavailable"
    try:
        if connection.vendor == "postgresql":
            response = analyst.get("/api/v1/figures/monthly-beneficiaries/?month=2021-03")
        else:
            response = analyst.post("/api/v1/activity-reports/bulk/", [])
    finally:
        other.rollback()
        other.close()
        # Like Django does at the end of a real request: a connection whose transaction
        # could not begin is closed, and the next query opens a fresh one.
        connection.close()
    assert response.status_code == 503, response.content[:300]
    assert response.json()["code"] == expected
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/problem+json"
    assert analyst.get("/api/v1/me/").status_code == 200  # and the next request is served


def test_rate_limit_per_token_is_429_with_retry_after(settings, make_api):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT = "3/min"
    first, second = make_api("viewer", "ACNUR"), make_api("viewer", "ACNUR")
    assert [first.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    limited = first.get("/api/v1/me/")
    assert limited.status_code == 429
    assert limited["Content-Type"] == "application/problem+json"
    assert limited.json()["code"] == "throttled"
    assert 0 < int(limited["Retry-After"]) <= 60
    assert second.get("/api/v1/me/").status_code == 200  # another token has its own budget


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/border-crossings/?nationality=%00",
        "/api/v1/partners/?q=a%00b",
        "/api/v1/figures/people-reached/?month=2021-03&country=P%00",
    ],
)
def test_nul_bytes_in_query_strings_are_400(analyst, path):
    response = analyst.client.get(path)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "null_characters_not_allowed"


def test_page_out_of_range_is_400_naming_page(analyst):
    response = analyst.get("/api/v1/partners/?page=0")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "page"
