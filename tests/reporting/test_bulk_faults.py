"""Batches under concurrency and faults: never duplicates, never half-written."""

import threading

from django.db import connection

from partners.choices import Role
from reporting.models import ActivityReport, ActivityReportHistoryEntry
from tests.conftest import Api
from tests.factories import PartnerFactory, UserFactory
from tests.reporting.test_bulk import URL, rows


def test_two_identical_batches_at_once_never_duplicate(reload_reference_data, transactional_db):
    partner = PartnerFactory(code="ACNUR")
    apis = [Api(UserFactory(role=Role.REPORTER, partner=partner)) for _ in range(2)]
    batch = rows(50)
    statuses = []
    start = threading.Barrier(2)

    def send(api):
        start.wait()
        try:
            statuses.append(api.post(URL, batch).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(api,)) for api in apis]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # One waits for the other (and finds its rows unchanged) or answers 409.
    assert sorted(statuses) in ([200, 200], [200, 409])
    assert ActivityReport.objects.count() == 50
    assert ActivityReportHistoryEntry.objects.filter(action="create").count() == 50


def test_a_database_error_half_way_leaves_nothing_written(reporter):
    """A trigger makes the history insert fail after the reports were inserted."""
    table = ActivityReportHistoryEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_history() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'disk full (simulated)'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_history BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_history()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse_history BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END"
            )
    reporter.client.raise_request_exception = False
    response = reporter.post(URL, rows(20))
    # PostgreSQL reports the trigger's exception as a server error; SQLite reports any
    # trigger abort as a constraint failure, which the API answers as a write conflict.
    assert response.status_code == (500 if connection.vendor == "postgresql" else 409)
    assert response["Content-Type"] == "application/problem+json"
    assert not ActivityReport.all_objects.exists()
