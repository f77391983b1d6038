"""Idempotency-Key: a key is bound to the whole request, and concurrent retries replay."""

import threading

import pytest
from django.db import connection

from partners.choices import Role
from reporting.activities.models import ActivityReport
from reporting.border_flows.models import BorderCrossing
from tests.conftest import Api
from tests.factories import PartnerFactory, UserFactory
from tests.holds import held_at, postgresql_only
from tests.reporting.activities.test_activity_reports import payload
from tests.reporting.activities.test_bulk import rows
from tests.reporting.border_flows.test_border_crossings import observation

BULK = "/api/v1/activity-reports/bulk/"
CROSSINGS_BULK = "/api/v1/border-crossings/bulk/"


def reused(response) -> bool:
    return response.status_code == 422 and response.json()["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_a_dry_run_key_cannot_stand_in_for_the_real_batch(reporter):
    batch = rows(3)
    dry = reporter.post(f"{BULK}?dry_run=true", batch, HTTP_IDEMPOTENCY_KEY="k1")
    assert dry.status_code == 200 and dry.json()["dry_run"] is True
    real = reporter.post(BULK, batch, HTTP_IDEMPOTENCY_KEY="k1")
    assert reused(real), real.content
    assert ActivityReport.objects.count() == 0  # never told "done" for what was not done
    real = reporter.post(BULK, batch, HTTP_IDEMPOTENCY_KEY="k2")
    assert real.status_code == 200 and real.json()["created"] == 3


@pytest.mark.django_db
def test_a_dry_run_key_cannot_stand_in_for_a_real_crossing_batch(make_api):
    oim = make_api(Role.REPORTER, "OIM")
    batch = [observation()]
    dry = oim.post(f"{CROSSINGS_BULK}?dry_run=true", batch, HTTP_IDEMPOTENCY_KEY="k")
    assert dry.status_code == 200, dry.content
    assert reused(oim.post(CROSSINGS_BULK, batch, HTTP_IDEMPOTENCY_KEY="k"))
    assert not BorderCrossing.objects.exists()


@pytest.mark.django_db
def test_replace_months_with_a_used_key_is_refused_not_replayed(reporter):
    assert reporter.post(BULK, rows(3)).status_code == 200
    reporter.post(BULK, rows(2), HTTP_IDEMPOTENCY_KEY="k")
    response = reporter.post(f"{BULK}?replace=months", rows(2), HTTP_IDEMPOTENCY_KEY="k")
    assert reused(response)  # not the plain batch's answer, with the month left as it was
    assert ActivityReport.objects.count() == 3
    response = reporter.post(f"{BULK}?replace=months", rows(2), HTTP_IDEMPOTENCY_KEY="k2")
    assert response.json()["deleted"] == 1 and ActivityReport.objects.count() == 2


@pytest.mark.django_db
def test_the_same_request_with_its_key_replays(reporter):
    first = reporter.post(f"{BULK}?replace=months", rows(2), HTTP_IDEMPOTENCY_KEY="k")
    again = reporter.post(f"{BULK}?replace=months", rows(2), HTTP_IDEMPOTENCY_KEY="k")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


@pytest.mark.django_db
def test_another_path_with_a_used_key_is_refused(reporter):
    assert reporter.post(BULK, [payload()], HTTP_IDEMPOTENCY_KEY="k").status_code == 200
    response = reporter.post("/api/v1/activity-reports/", payload(), HTTP_IDEMPOTENCY_KEY="k")
    assert reused(response)


def test_concurrent_retries_with_one_key_write_once_and_all_replay(
    reload_reference_data, transactional_db
):
    """20 clients send the same create with the same key at once: one report is written,
    and every answer is that report (none is a `duplicate_report` of its own)."""
    api = Api(UserFactory(role=Role.REPORTER, partner=PartnerFactory(code="ACNUR")))
    start = threading.Barrier(20)
    answers = []

    def send():
        start.wait()
        try:
            response = api.post("/api/v1/activity-reports/", payload(), HTTP_IDEMPOTENCY_KEY="k")
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ActivityReport.objects.count() == 1
    report_id = ActivityReport.objects.get().pk
    codes = [body.get("code") for status, body in answers if status != 201]
    assert not [c for c in codes if c != "idempotency_key_in_flight"], codes
    assert {body["id"] for status, body in answers if status == 201} == {report_id}


@postgresql_only  # SQLite writers wait for the database lock instead, one at a time
def test_a_retry_waiting_too_long_is_told_in_flight(
    reload_reference_data, transactional_db, settings
):
    """While the first request with a key is still running, a retry that cannot wait any
    longer answers 409 `idempotency_key_in_flight` with Retry-After."""
    settings.IDEMPOTENCY_WAIT_SECONDS = 0.2
    api = Api(UserFactory(role=Role.REPORTER, partner=PartnerFactory(code="ACNUR")))
    first: dict = {}

    def send_first():
        try:
            first["response"] = api.post(BULK, rows(2), HTTP_IDEMPOTENCY_KEY="k")
        finally:
            connection.close()

    with held_at(ActivityReport._meta.db_table) as hold:
        thread = threading.Thread(target=send_first)
        thread.start()
        hold()
        retry = api.post(BULK, rows(2), HTTP_IDEMPOTENCY_KEY="k")
        hold.release()
        thread.join(30)
    assert retry.status_code == 409 and retry.json()["code"] == "idempotency_key_in_flight"
    assert retry["Retry-After"] == "1"
    assert first["response"].status_code == 200
    again = api.post(BULK, rows(2), HTTP_IDEMPOTENCY_KEY="k")
    assert again["Idempotent-Replayed"] == "true" and again.json() == first["response"].json()
    assert ActivityReport.objects.count() == 2
