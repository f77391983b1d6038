"""JSON batches: POST /api/v1/activity-reports/bulk/."""

import copy

import pytest
from django.db import connection

from reporting.activities.batches import READ_CHUNK
from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry
from reporting.periods.models import ReportingPeriod
from tests.factories import ActivityReportFactory, PartnerFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/activity-reports/bulk/"

ROW = {
    "month": "2021-03",
    "admin1": "PE24",
    "admin2": "PE2401",
    "indicator": "PRT-01",
    "activity_name": "Orientation",
    "rmrp": True,
    "cva": False,
    "total_beneficiaries": 50,
    "new_beneficiaries": 40,
    "population": {"in_destination": 40},
    "age_sex": {"women": 20, "men": 20},
}


def row(n: int = 0, **changes) -> dict:
    data = copy.deepcopy(ROW)
    data["activity_name"] = f"Orientation {n}"
    data.update(changes)
    return data


def rows(count: int, **changes) -> list[dict]:
    return [row(n, **changes) for n in range(count)]


def test_batch_creates_every_row_and_says_so(reporter):
    response = reporter.post(URL, rows(3))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"], body["deleted"]) == (3, 0, 0, 0)
    assert body["dry_run"] is False
    ids = [r["id"] for r in body["rows"]]
    assert [r["row"] for r in body["rows"]] == [0, 1, 2]
    assert list(ActivityReport.objects.order_by("id").values_list("activity_name", flat=True)) == [
        "Orientation 0", "Orientation 1", "Orientation 2"
    ]  # fmt: skip
    assert sorted(ids) == list(ActivityReport.objects.order_by("id").values_list("id", flat=True))
    entries = ActivityReportHistoryEntry.objects.filter(report_id__in=ids)
    assert sorted(e.report_id for e in entries) == sorted(ids)
    created_at = {r.pk: r.created_at for r in ActivityReport.objects.filter(pk__in=ids)}
    assert {
        (e.action, e.channel, str(e.batch_id), e.version, e.changed_by_id) for e in entries
    } == {("create", "bulk", body["batch_id"], 1, reporter.user.pk)}
    assert all(e.changed_at == created_at[e.report_id] for e in entries)


def test_one_invalid_row_writes_nothing_and_every_error_is_listed(reporter):
    batch = rows(4)
    batch[1]["total_beneficiaries"] = 30
    batch[3]["indicator"] = "NOPE"
    batch[3]["month"] = "2021-13"
    response = reporter.post(URL, batch)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_rows"
    assert response["Content-Type"] == "application/problem+json"
    got = {(e["row"], e["field"], e["code"]) for e in body["errors"]}
    assert got == {
        (1, "new_beneficiaries", "new_exceeds_total"),
        (3, "indicator", "does_not_exist"),
        (3, "month", "invalid"),
    }
    assert not ActivityReport.all_objects.exists()
    assert not ActivityReportHistoryEntry.objects.exists()


def test_dry_run_reports_what_would_happen_and_writes_nothing(reporter):
    existing = reporter.post(URL, rows(1, external_id="a")).json()["rows"][0]["id"]
    batch = [row(0, external_id="a", total_beneficiaries=60), row(1)]
    response = reporter.post(f"{URL}?dry_run=true", batch)
    body = response.json()
    assert (body["dry_run"], body["created"], body["updated"]) == (True, 1, 1)
    assert body["rows"] == [
        {"row": 0, "action": "updated", "id": existing},
        {"row": 1, "action": "created", "id": None},
    ]
    assert ActivityReport.objects.count() == 1
    assert ActivityReport.objects.get().total_beneficiaries == 50
    assert ActivityReportHistoryEntry.objects.count() == 1


def test_upsert_on_external_id(reporter):
    first = reporter.post(URL, [row(0, external_id="x-1"), row(1, external_id="x-2")]).json()
    again = reporter.post(
        URL, [row(0, external_id="x-1"), row(9, external_id="x-2"), row(3, external_id="x-3")]
    ).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (1, 1, 1)
    assert [r["action"] for r in again["rows"]] == ["unchanged", "updated", "created"]
    assert again["rows"][1]["id"] == first["rows"][1]["id"]
    report = ActivityReport.objects.get(pk=first["rows"][1]["id"])
    assert (report.activity_name, report.version) == ("Orientation 9", 2)
    entry = report.history.order_by("id").last()
    assert entry.action == "update" and entry.before["activity_name"] == "Orientation 1"


def test_upsert_on_natural_key_without_external_id(reporter):
    created = reporter.post(URL, rows(2)).json()
    changed = rows(2)
    changed[1]["total_beneficiaries"] = 75
    body = reporter.post(URL, changed).json()
    assert [r["action"] for r in body["rows"]] == ["unchanged", "updated"]
    assert [r["id"] for r in body["rows"]] == [r["id"] for r in created["rows"]]
    assert ActivityReport.objects.count() == 2


def test_two_rows_with_the_same_key_are_an_error(reporter):
    response = reporter.post(
        URL, [row(0), row(0), row(1, external_id="e"), row(2, external_id="e")]
    )
    assert response.status_code == 422
    got = {(e["row"], e["code"]) for e in response.json()["errors"]}
    assert got == {(1, "duplicate_in_batch"), (3, "duplicate_in_batch")}
    assert not ActivityReport.objects.exists()


def test_replace_months_removes_rows_missing_from_the_batch(reporter, other_reporter):
    reporter.post(URL, rows(3) + [row(7, month="2021-02")])
    foreign = other_reporter.post(URL, rows(2, partner="OIM")).json()
    response = reporter.post(f"{URL}?replace=months", rows(1))
    body = response.json()
    assert (body["unchanged"], body["deleted"]) == (1, 2)
    live = set(
        ActivityReport.objects.filter(partner__code="ACNUR").values_list(
            "activity_name", "month__month"
        )
    )
    assert ("Orientation 0", 3) in live and ("Orientation 7", 2) in live  # other month kept
    assert ("Orientation 1", 3) not in live
    # Another partner's reports of the same month are untouched.
    assert ActivityReport.objects.filter(pk__in=[r["id"] for r in foreign["rows"]]).count() == 2
    deleted = ActivityReportHistoryEntry.objects.filter(action="delete")
    assert {str(e.batch_id) for e in deleted} == {body["batch_id"]}
    assert sorted(e.report_id for e in deleted) == sorted(body["deleted_ids"])


def test_reporter_rows_for_another_partner_are_row_errors(reporter):
    response = reporter.post(URL, [row(0), row(1, partner="OIM")])
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"row": 1, "field": "partner", "code": "partner_not_allowed",
         "message": "You may only report for your own organisation, not OIM.",
         "region_check": None}
    ]  # fmt: skip
    assert not ActivityReport.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_readers_cannot_send_batches(request, role):
    assert request.getfixturevalue(role).post(URL, rows(1)).status_code == 403


def test_locked_month_rows_are_refused(reporter, coordinator):
    ReportingPeriod.objects.create(month="2021-02-01", status="locked")
    response = reporter.post(URL, [row(0), row(1, month="2021-02")])
    assert response.status_code == 422
    assert [(e["row"], e["code"]) for e in response.json()["errors"]] == [(1, "period_locked")]
    assert not ActivityReport.objects.exists()


def test_moving_a_report_out_of_a_locked_month_is_refused(reporter):
    reporter.post(URL, [row(0, external_id="m")])
    ReportingPeriod.objects.filter(month="2021-03-01").update(status="locked")
    response = reporter.post(URL, [row(0, external_id="m", month="2021-01")])
    assert [e["code"] for e in response.json()["errors"]] == ["period_locked"]


def test_too_many_rows_is_413_problem_json(reporter, settings):
    settings.API_MAX_BATCH_ROWS = 3
    response = reporter.post(URL, rows(4))
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "batch_too_large"


@pytest.mark.parametrize(
    ("body", "query", "field"),
    [({"not": "a list"}, "", None), ([], "?dry_run=perhaps", "dry_run"),
     ([], "?replace=everything", "replace"), ([], "?surprise=1", "surprise")],
)  # fmt: skip
def test_malformed_batches_are_400(reporter, body, query, field):
    response = reporter.post(URL + query, body)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_rows_that_are_not_objects_are_row_errors(reporter):
    response = reporter.post(URL, [row(0), "hello", None, 5])
    assert response.status_code == 422
    assert [(e["row"], e["code"]) for e in response.json()["errors"]] == [
        (1, "invalid"), (2, "invalid"), (3, "invalid")
    ]  # fmt: skip


def test_batch_is_idempotent_with_a_key(reporter):
    first = reporter.post(URL, rows(2), HTTP_IDEMPOTENCY_KEY="batch-1")
    retry = reporter.post(URL, rows(2), HTTP_IDEMPOTENCY_KEY="batch-1")
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert ActivityReportHistoryEntry.objects.count() == 2


def test_coordinator_batches_for_several_partners(coordinator):
    body = coordinator.post(URL, [row(0, partner="ACNUR"), row(0, partner="OIM")]).json()
    assert body["created"] == 2
    assert set(ActivityReport.objects.values_list("partner__code", flat=True)) == {"ACNUR", "OIM"}


def test_statements_grow_with_chunks_not_rows(reporter, django_assert_max_num_queries):
    """A batch is read and written READ_CHUNK rows at a time: each chunk costs the same few
    statements, whatever its rows (no statement per row)."""
    PartnerFactory(code="ACNUR")
    reporter.post(URL, rows(1))  # warm up: token, the month's period row

    def statements(count: int) -> int:
        with django_assert_max_num_queries(80) as captured:
            batch = [row(n, activity_name=f"Batch of {count}, row {n}") for n in range(count)]
            response = reporter.post(URL, batch)
            assert response.json()["created"] == count
        return len(captured.captured_queries)

    one, two, full = statements(10), statements(READ_CHUNK + 1), statements(5000)
    chunks = -(-5000 // READ_CHUNK)
    per_chunk = two - one
    assert 0 < per_chunk <= 5
    if connection.vendor == "postgresql":
        assert full == one + (chunks - 1) * per_chunk
    else:
        # SQLite caps a statement at 32,766 parameters, so Django splits the two big
        # INSERTs (reports, history) of a chunk; everything else is as on PostgreSQL.
        splits = 2 * chunks * (READ_CHUNK * 36 // 32766)
        assert full <= one + (chunks - 1) * per_chunk + splits


def _statements(captured) -> int:
    """Statements sent: Django logs an executemany once, as "N times: …"."""
    total = 0
    for query in captured:
        times, _, _ = query["sql"].partition(" times: ")
        total += int(times) if times.isdigit() else 1
    return total


def test_update_batches_send_the_same_statements_per_chunk_whatever_its_rows(
    reporter, django_assert_max_num_queries
):
    PartnerFactory(code="ACNUR")
    reporter.post(URL, rows(1))  # warm up: token, the month's period row

    def statements(count: int) -> int:
        batch = [row(n, external_id=f"u{count}-{n}") for n in range(count)]
        assert reporter.post(URL, batch).json()["created"] == count
        for line in batch:
            line["total_beneficiaries"] += 1
        with django_assert_max_num_queries(80) as captured:
            response = reporter.post(URL, batch)
            assert response.json()["updated"] == count
        return _statements(captured.captured_queries)

    one, two, full = statements(10), statements(READ_CHUNK + 1), statements(5000)
    assert ActivityReport.objects.filter(total_beneficiaries=51).count() == 5010 + READ_CHUNK + 1
    chunks = -(-5000 // READ_CHUNK)
    if connection.vendor == "postgresql":
        per_chunk = two - one
        assert 0 < per_chunk <= 6
        assert full == one + (chunks - 1) * per_chunk
    else:
        # SQLite runs in-process: the update and the history insert are each one
        # executemany, a statement per row but no round trips; the batch's webhook event is
        # one, whatever its size (it was one per row before); the rest grows by chunk.
        per_chunk = two - one - 2 * (READ_CHUNK + 1 - 10)
        assert 0 < per_chunk <= 6
        assert full - one == 2 * (5000 - 10) + (chunks - 1) * per_chunk


def test_single_create_refuses_a_natural_key_duplicate(reporter):
    first = reporter.post("/api/v1/activity-reports/", row(0))
    assert first.status_code == 201
    again = reporter.post("/api/v1/activity-reports/", row(0))
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_report"
    assert again.json()["existing_id"] == first.json()["id"]


def test_history_of_another_partners_batch_is_invisible(reporter, other_reporter):
    body = other_reporter.post(URL, rows(1, partner="OIM")).json()
    report_id = body["rows"][0]["id"]
    assert reporter.get(f"/api/v1/activity-reports/{report_id}/history/").status_code == 404
    ActivityReportFactory()  # unrelated rows do not change the picture
    assert reporter.get("/api/v1/activity-reports/").json()["results"] == []


def test_history_of_a_batch_create_shows_the_created_values(reporter):
    report_id = reporter.post(URL, [row(0, external_id="h-1")]).json()["rows"][0]["id"]
    history_url = f"/api/v1/activity-reports/{report_id}/history/"
    (created,) = reporter.get(history_url).json()["results"]
    assert created["action"] == "create" and created["after"]["activity_name"] == "Orientation 0"
    assert "activity_name" in created["changed_fields"]
    reporter.post(URL, [row(5, external_id="h-1")])  # renames it
    created, updated = reporter.get(history_url).json()["results"]
    # Still the values it was created with, not today's.
    assert created["after"]["activity_name"] == "Orientation 0"
    assert updated["after"]["activity_name"] == "Orientation 5"
