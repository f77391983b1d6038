"""Hostile webhook receivers, as real TCP servers on 127.0.0.1: a huge body, a byte every
second, a broken status line, a truncated body. Each costs the shared worker at most a
deadline and a few KB, counts as a failed attempt (retried), and holds up no other
organisation's delivery; addresses that hide a private IPv4 are refused; an organisation's
subscriptions are bounded."""

import contextlib
import socket
import threading
import time

import pytest
from django.utils import timezone

from config.db.models import OutboxEvent
from partners.choices import Role
from reporting.webhooks.delivery import deliver_pending
from reporting.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

HOOKS = "/api/v1/webhooks/"
EVENTS = ["activity_report.created"]


class RawReceiver:
    """A TCP server answering every connection with `answer(conn)`; counts what it sent."""

    def __init__(self, answer):
        self.sent = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/hook"
        self.answer = answer
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        with conn:
            conn.settimeout(30)
            request = b""
            while b"\r\n\r\n" not in request:  # headers, then the body's length
                request += conn.recv(65536)
            head, _, body = request.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            while len(body) < length:
                body += conn.recv(65536)
            with contextlib.suppress(OSError):  # the sender hung up: what the test wants
                self.answer(self, conn)

    def send(self, conn, data: bytes):
        conn.sendall(data)
        self.sent += len(data)

    def close(self):
        self.server.close()


def huge(receiver, conn):
    receiver.send(conn, b"HTTP/1.1 200 OK\r\nContent-Length: 300000000\r\n\r\n")
    chunk = b"x" * 65536
    for _ in range(300_000_000 // 65536):
        receiver.send(conn, chunk)


def dripping(receiver, conn):
    receiver.send(conn, b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
    for _ in range(1000):
        receiver.send(conn, b"x")
        time.sleep(0.5)


def bad_status_line(receiver, conn):
    receiver.send(conn, b"SURPRISE nonsense\r\n\r\n")


def truncated(receiver, conn):
    receiver.send(conn, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")


def fine(receiver, conn):
    receiver.send(conn, b"HTTP/1.1 204 No Content\r\n\r\n")


@pytest.fixture
def private_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOK_DEADLINE_SECONDS = 2


def pending_delivery(url: str, partner_code: str = "ACNUR") -> WebhookDelivery:
    partner = PartnerFactory(code=partner_code)
    user = UserFactory(role=Role.REPORTER, partner=partner)
    subscription = WebhookSubscription.objects.create(
        partner=partner, url=url, events=EVENTS, created_by=user
    )
    event = OutboxEvent.objects.create(
        type=EVENTS[0], partner=partner, occurred_at=timezone.now(), data={"id": 1}
    )
    return WebhookDelivery.objects.create(subscription=subscription, event=event)


def test_a_huge_answer_is_not_read(private_allowed):
    receiver = RawReceiver(huge)
    delivery = pending_delivery(receiver.url)
    started = time.monotonic()
    deliver_pending(delivery.subscription_id)
    assert time.monotonic() - started < 5
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code) == ("delivered", 200)
    time.sleep(0.5)
    assert receiver.sent < 20_000_000  # what socket buffers hold, not 300 MB
    receiver.close()


@pytest.mark.parametrize(
    ("answer", "says"),
    [(dripping, "did not answer within 2 s"), (bad_status_line, "broken"),
     (truncated, "broken")],
    ids=["a-byte-every-half-second", "bad-status-line", "truncated-body"],
)  # fmt: skip
def test_a_broken_or_slow_answer_is_a_failed_attempt_retried_later(private_allowed, answer, says):
    receiver = RawReceiver(answer)
    delivery = pending_delivery(receiver.url)
    started = time.monotonic()
    wait = deliver_pending(delivery.subscription_id)  # raises nothing
    assert time.monotonic() - started < 4  # the deadline (2 s), not the receiver, decides
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert says in delivery.last_error
    assert wait is not None and delivery.next_attempt_at > timezone.now()
    receiver.close()


def test_one_receivers_trouble_does_not_hold_another_organisations_delivery(private_allowed):
    slow, good = RawReceiver(dripping), RawReceiver(fine)
    stuck = pending_delivery(slow.url, "ACNUR")
    other = pending_delivery(good.url, "OIM")
    threading.Thread(target=lambda: _in_thread(stuck.subscription_id), daemon=True).start()
    started = time.monotonic()
    deliver_pending(other.subscription_id)
    assert time.monotonic() - started < 1
    other.refresh_from_db()
    assert other.status == "delivered"
    slow.close()
    good.close()


def _in_thread(subscription_id: int) -> None:
    from django.db import connection

    try:
        deliver_pending(subscription_id)
    finally:
        connection.close()


def test_deliveries_wait_behind_imports_in_the_queue():
    from reporting.activities.jobs import run_import
    from reporting.webhooks.tasks import deliver

    assert deliver.priority < run_import.priority


@pytest.mark.parametrize(
    "url",
    ["https://[::127.0.0.1]/hook", "https://[64:ff9b::7f00:1]/hook", "https://[2002:7f00:1::]/hook",
     "https://[::ffff:10.0.0.1]/hook", "https://224.0.0.1/hook", "https://[64:ff9b:1::a00:1]/hook",
     "https://239.255.255.250/hook"],
)  # fmt: skip
def test_addresses_that_hide_a_private_one_are_refused(make_api, settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    reporter = make_api(Role.REPORTER, "ACNUR")
    response = reporter.post(HOOKS, {"url": url, "events": EVENTS})
    assert response.status_code == 400, url
    assert response.json()["errors"][0]["code"] == "url_not_allowed"


def test_an_organisation_holds_a_bounded_number_of_subscriptions(make_api, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOK_MAX_SUBSCRIPTIONS = 3
    reporter = make_api(Role.REPORTER, "ACNUR")
    for n in range(3):
        created = reporter.post(HOOKS, {"url": f"http://127.0.0.1:9/{n}", "events": EVENTS})
        assert created.status_code == 201, created.content
    refused = reporter.post(HOOKS, {"url": "http://127.0.0.1:9/x", "events": EVENTS})
    assert (refused.status_code, refused.json()["code"]) == (409, "subscription_quota")
    assert WebhookSubscription.objects.count() == 3
    other = make_api(Role.REPORTER, "OIM")  # another organisation's quota is its own
    assert other.post(HOOKS, {"url": "http://127.0.0.1:9/o", "events": EVENTS}).status_code == 201
