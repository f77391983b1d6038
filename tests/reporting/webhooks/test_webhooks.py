"""Webhooks end to end: a real worker process sends the outbox's events to a real HTTP
receiver on 127.0.0.1, which verifies every signature with the reference `standardwebhooks`
package."""

import json
import ssl
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from config.db.models import OutboxEvent
from reporting.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.reporting.activities.test_bulk import URL as BULK_URL
from tests.reporting.activities.test_bulk import rows
from tests.servers import run_worker_until_idle

HOOKS = "/api/v1/webhooks/"
WORKER = {"WEBHOOKS_ALLOW_PRIVATE": "1", "WEBHOOK_RETRY_SCALE": "0.2"}
REPORT_EVENTS = ["activity_report.created", "activity_report.updated", "activity_report.deleted",
                 "activity_reports.batch"]  # fmt: skip


@pytest.fixture(autouse=True)
def committed(committed_data, settings):
    """The worker is another process: it sees committed rows only."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the receiver is on 127.0.0.1, over http


class Receiver:
    """An HTTP endpoint that keeps what it verified; `down` makes it answer 503. With `tls`
    (a server-side SSL context) it is https at `host`; with `close_each` it closes the
    connection after every answer, as many receivers do."""

    def __init__(self, tls: ssl.SSLContext | None = None, host="127.0.0.1", close_each=False):
        self.secret = None
        self.received: list[tuple[str, dict]] = []  # (webhook-id, payload)
        self.paths: list[str] = []
        self.refused = 0
        self.down = False
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.down:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    receiver.refused += 1
                    return
                payload = Webhook(receiver.secret).verify(body, dict(self.headers))
                receiver.received.append((self.headers["webhook-id"], payload))
                receiver.paths.append(self.path)
                self.send_response(204)
                if close_each:
                    self.send_header("Connection", "close")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://{host}:{self.server.server_address[1]}/hooks/r4v"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def types(self) -> list[str]:
        return [payload["type"] for _, payload in self.received]


@pytest.fixture
def receiver():
    endpoint = Receiver()
    yield endpoint
    endpoint.server.shutdown()


def subscribe(api, receiver, events=REPORT_EVENTS):
    response = api.post(HOOKS, {"url": receiver.url, "events": events})
    assert response.status_code == 201, response.content
    receiver.secret = response.json()["secret"]
    assert receiver.secret.startswith("whsec_")
    return response.json()["id"]


def test_signed_events_arrive_in_order_and_only_the_organisations_own(
    reporter, other_reporter, receiver
):
    subscription = subscribe(reporter, receiver)
    assert "secret" not in reporter.get(f"{HOOKS}{subscription}/").json()  # shown once
    other_reporter.post(BULK_URL, rows(2))  # OIM's: ACNUR's system never hears of them
    created = reporter.post(BULK_URL, rows(3))
    assert created.status_code == 200, created.content
    ids = [r["id"] for r in created.json()["rows"]]
    reporter.patch(f"/api/v1/activity-reports/{ids[0]}/", {"activity_name": "Renamed"})
    reporter.client.delete(f"/api/v1/activity-reports/{ids[1]}/")
    run_worker_until_idle(**WORKER)
    # The batch is one event (what it wrote, and the query listing it); single writes one
    # event per report.
    assert receiver.types() == [
        "activity_reports.batch", "activity_report.updated", "activity_report.deleted"
    ]  # fmt: skip
    batch = receiver.received[0][1]["data"]
    assert (batch["created"], batch["updated"], batch["deleted"]) == (3, 0, 0)
    assert batch["months"] == ["2021-03"] and batch["channel"] == "bulk"
    listed = reporter.get(batch["reports"]).json()["results"]
    assert sorted(r["id"] for r in listed) == sorted([ids[0], ids[2]])  # live ones: ids[1] went
    assert [p["data"]["id"] for _, p in receiver.received[1:]] == [ids[0], ids[1]]
    assert receiver.received[1][1]["data"]["version"] == 2
    assert len({message for message, _ in receiver.received}) == 3
    deliveries = reporter.get(f"{HOOKS}{subscription}/deliveries/").json()["results"]
    assert {(d["status"], d["attempts"], d["last_status_code"]) for d in deliveries} == {
        ("delivered", 1, 204)
    }


def test_a_change_that_rolls_back_leaves_no_event(reporter, receiver):
    subscribe(reporter, receiver)
    bad = reporter.post(BULK_URL, [rows(1)[0], {**rows(1)[0], "new_beneficiaries": -1}])
    assert bad.status_code == 422
    assert not OutboxEvent.objects.exists()


def test_a_receiver_down_then_up_gets_each_event_once(reporter, receiver):
    subscribe(reporter, receiver)
    reporter.post(BULK_URL, rows(2))
    receiver.down = True
    run_worker_until_idle(**WORKER)
    first = WebhookDelivery.objects.order_by("event_id").first()
    assert (first.status, first.attempts, first.last_status_code) == ("pending", 1, 503)
    assert receiver.refused == 1  # the first failure stops the queue: order holds
    receiver.down = False
    time.sleep(1.2)  # the retry is due after 5 s x WEBHOOK_RETRY_SCALE
    run_worker_until_idle(**WORKER)
    assert receiver.types() == ["activity_reports.batch"]  # the two reports: one event
    assert WebhookDelivery.objects.filter(status="delivered").count() == 1
    assert WebhookSubscription.objects.get().failing_since is None


def test_a_burst_of_a_thousand_events_arrives_in_order(reporter, receiver):
    """A thousand events of the organisation recorded at once (as a thousand single writes
    would) reach the receiver one at a time, in the order they happened."""
    from django.db import transaction

    from config.db.outbox import record_events

    subscribe(reporter, receiver)
    with transaction.atomic():
        record_events(("activity_report.updated", reporter.user.partner_id, {"id": n})
                      for n in range(1000))  # fmt: skip
    run_worker_until_idle(**WORKER)
    assert [p["data"]["id"] for _, p in receiver.received] == list(range(1000))


def test_month_locks_and_final_figures_reach_every_subscriber(
    reporter, other_reporter, coordinator, receiver
):
    subscribe(other_reporter, receiver, events=["period.locked", "figures.final"])
    lock = {"month": "2021-03", "reason": "closed"}
    assert coordinator.post("/api/v1/reporting-periods/lock/", lock).status_code == 200
    run_worker_until_idle(**WORKER)
    assert receiver.types() == ["period.locked", "figures.final"]
    assert receiver.received[0][1]["data"] == {"month": "2021-03", "reason": "closed"}


def test_subscription_urls_must_be_public_https(reporter, receiver, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    for url, says in [
        ("http://example.org/hook", "https"),
        ("https://127.0.0.1/hook", "not public"),
        ("https://localhost/hook", "not public"),  # a name: checked after resolving it
        ("https://10.1.2.3/hook", "not public"),
        ("https://169.254.169.254/latest", "not public"),
        ("https://no-such-host.invalid/hook", "does not resolve"),
        ("https://example.org:99999/hook", "not a port number"),
    ]:
        response = reporter.post(HOOKS, {"url": url, "events": REPORT_EVENTS})
        assert response.status_code == 400, url
        error = response.json()["errors"][0]
        assert (error["field"], error["code"]) == ("url", "url_not_allowed") and says in error[
            "message"
        ]


def test_the_address_is_checked_again_when_sending(reporter, receiver):
    subscribe(reporter, receiver)  # allowed while subscribing (development settings)
    reporter.post(BULK_URL, rows(1))
    run_worker_until_idle(WEBHOOKS_ALLOW_PRIVATE="0")  # production rules at delivery
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and "https" in delivery.last_error
    assert receiver.received == []


def test_a_subscription_failing_for_a_day_is_disabled_and_can_come_back(reporter, receiver):
    subscription = subscribe(reporter, receiver)
    WebhookSubscription.objects.filter(pk=subscription).update(
        failing_since=timezone.now() - timedelta(hours=25)
    )
    reporter.post(BULK_URL, rows(1))
    receiver.down = True
    run_worker_until_idle(**WORKER)
    body = reporter.get(f"{HOOKS}{subscription}/").json()
    assert body["active"] is False and "a day of failing" in body["disabled_reason"]
    receiver.down = False
    back = reporter.patch(f"{HOOKS}{subscription}/", {"active": True})
    assert back.status_code == 200 and back.json()["disabled_reason"] == ""
    run_worker_until_idle(**WORKER)
    assert receiver.types() == ["activity_reports.batch"]


def test_a_delivery_can_be_sent_again_with_the_same_id(reporter, receiver):
    subscription = subscribe(reporter, receiver)
    reporter.post(BULK_URL, rows(1))
    run_worker_until_idle(**WORKER)
    (delivery,) = reporter.get(f"{HOOKS}{subscription}/deliveries/").json()["results"]
    again = reporter.post(f"{HOOKS}{subscription}/deliveries/{delivery['id']}/redeliver/")
    assert again.status_code == 202
    run_worker_until_idle(**WORKER)
    assert [m for m, _ in receiver.received] == [delivery["message_id"]] * 2


def test_only_reporters_and_coordinators_subscribe_and_only_to_their_own(
    viewer, reporter, other_reporter, receiver
):
    assert viewer.post(HOOKS, {"url": receiver.url, "events": REPORT_EVENTS}).status_code == 403
    subscription = subscribe(reporter, receiver)
    assert other_reporter.get(f"{HOOKS}{subscription}/").status_code == 404
    assert other_reporter.get(HOOKS).json()["results"] == []
    bad = reporter.post(HOOKS, {"url": receiver.url, "events": ["report.exploded"]})
    assert bad.status_code == 400 and json.dumps(bad.json()).count("invalid_choice") == 1
