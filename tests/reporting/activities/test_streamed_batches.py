"""A batch is read, checked and written a chunk at a time (reporting.activities.batches.stream):
what a user sees must not depend on where the chunks fall. Chunks of 3 rows here."""

import pytest

from config.db.models import OutboxEvent
from reporting.activities.batches import stream
from reporting.activities.models import ActivityReport
from tests.reporting.activities.test_bulk import URL, row, rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(stream, "READ_CHUNK", 3)  # where the reading loop looks it up


def test_rows_of_every_chunk_are_written_and_answered_in_order(reporter):
    response = reporter.post(URL, rows(8))
    body = response.json()
    assert (response.status_code, body["created"]) == (200, 8)
    assert [r["row"] for r in body["rows"]] == list(range(8))
    stored = dict(ActivityReport.objects.values_list("pk", "activity_name"))
    assert [stored[r["id"]] for r in body["rows"]] == [f"Orientation {n}" for n in range(8)]


def test_a_key_repeated_in_a_later_chunk_is_a_duplicate_and_nothing_is_written(reporter):
    batch = [row(n, external_id=f"E{n}") for n in range(7)]
    batch[6]["external_id"] = "E1"  # chunk 3 repeats chunk 1's key
    response = reporter.post(URL, batch)
    assert response.status_code == 422
    assert [(e["row"], e["code"]) for e in response.json()["errors"]] == [(6, "duplicate_in_batch")]
    assert not ActivityReport.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_a_bad_row_in_the_last_chunk_leaves_nothing_of_the_earlier_ones(reporter):
    batch = rows(7)
    batch[6]["new_beneficiaries"] = -1
    batch[4]["admin1"] = "PE99"  # errors of every chunk come back, in row order
    response = reporter.post(URL, batch)
    assert response.status_code == 422
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [
        (4, "admin1"), (6, "new_beneficiaries")
    ]  # fmt: skip
    assert not ActivityReport.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_reports_created_by_an_early_chunk_are_not_matched_or_replaced_later(reporter):
    kept = reporter.post(URL, [row(100, external_id="KEEP")]).json()["rows"][0]["id"]
    dropped = reporter.post(URL, [row(101, external_id="DROP")]).json()["rows"][0]["id"]
    batch = [row(n, external_id=f"N{n}") for n in range(6)]
    batch.append(row(100, external_id="KEEP", total_beneficiaries=60))  # chunk 3
    response = reporter.post(f"{URL}?replace=months", batch)
    body = response.json()
    assert response.status_code == 200, body
    assert (body["created"], body["updated"], body["deleted"]) == (6, 1, 1)
    assert body["deleted_ids"] == [dropped]
    live = ActivityReport.objects.values_list("external_id", flat=True)
    assert sorted(live) == sorted([*(f"N{n}" for n in range(6)), "KEEP"])
    assert ActivityReport.objects.get(pk=kept).total_beneficiaries == 60


def test_a_batch_is_one_event_per_organisation_whatever_its_size(reporter):
    """Not an event per report (a 500,000-row import wrote as many): one per organisation
    and batch, with its counts, months and the query that lists what it wrote; whichever
    chunk each row fell in."""
    reporter.post(URL, [row(100, external_id="OLD"), row(101, external_id="GONE")])
    OutboxEvent.objects.all().delete()
    batch = [row(n, external_id=f"NEW{n}") for n in range(7)]
    batch.append(row(100, external_id="OLD", total_beneficiaries=70))
    body = reporter.post(f"{URL}?replace=months", batch).json()
    assert (body["created"], body["updated"], body["deleted"]) == (7, 1, 1)
    (event,) = OutboxEvent.objects.all()
    assert (event.type, event.partner_id) == ("activity_reports.batch", reporter.user.partner_id)
    assert event.data == {
        "batch_id": body["batch_id"], "channel": "bulk", "changed_by": reporter.user.username,
        "created": 7, "updated": 1, "deleted": 1, "months": ["2021-03"],
        "reports": f"/api/v1/activity-reports/?batch_id={body['batch_id']}",
    }  # fmt: skip
    listed = reporter.get(event.data["reports"]).json()["results"]
    assert sorted(r["external_id"] for r in listed) == sorted(
        [f"NEW{n}" for n in range(7)] + ["OLD"]
    )
