"""Sending events to subscribers, as Standard Webhooks (https://www.standardwebhooks.com):
headers `webhook-id` (the same on every retry of one message), `webhook-timestamp` (seconds)
and `webhook-signature` = `v1,` + base64(HMAC-SHA256(secret key, "{id}.{timestamp}.{body}")),
the key being the base64 after `whsec_` in the subscription's secret.

A subscription receives its events one at a time, in the order they happened; a failure
stops it there and it is tried again later (RETRY_SCHEDULE), so order holds. After a day of
failing the subscription is disabled and says why. The URL is checked when subscribing and
again before every send, after DNS resolution, and the connection goes to the address that
was checked: only public addresses over https, unless WEBHOOKS_ALLOW_PRIVATE (development,
tests) allows http and private ones.

One receiver cannot hold the shared worker: of its answer only the status and the first
RESPONSE_KEEP_BYTES are read, each delivery has a total deadline (WEBHOOK_DEADLINE_SECONDS:
a receiver dripping a byte a second is cut off), and whatever a broken answer raises (a bad
status line, a truncated body) is a failed attempt, retried on the schedule.
"""

import base64
import contextlib
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import threading
import time
from datetime import timedelta
from http.client import HTTPConnection, HTTPSConnection
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from config.db import locks
from config.db.models import OutboxEvent
from reporting.webhooks.models import WebhookDelivery, WebhookSubscription

# Seconds to wait after the n-th failure (the last repeats) until the subscription has
# failed for a day.
RETRY_SCHEDULE = [5, 30, 120, 600, 1800, 3600, 7200, 14400]
RESPONSE_KEEP_BYTES = 4096  # of a receiver's answer; the rest is never read
FAILING_FOR = timedelta(days=1)
LOCK_NAMESPACE = locks.WEBHOOK_SENDER


class UrlNotAllowed(Exception):
    pass


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class Target(NamedTuple):
    """Where a subscription's URL leads, as checked: its host name (Host header, TLS name),
    port, path with query, and the addresses its name resolved to, all allowed."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def checked_address(url: str) -> Target:
    """The URL's target, or UrlNotAllowed saying why."""
    parts = urlsplit(url)
    allow_private = settings.WEBHOOKS_ALLOW_PRIVATE
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise UrlNotAllowed("Webhook URLs must use https.")
    if not parts.hostname:
        raise UrlNotAllowed("The URL has no host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a port out of range
        raise UrlNotAllowed("The URL's port is not a port number.") from None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise UrlNotAllowed(f"{parts.hostname} does not resolve.") from None
    addresses = tuple(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not allow_private and not is_public(ip):
            raise UrlNotAllowed(f"{parts.hostname} resolves to {ip}, which is not public.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path, addresses)


# IPv6 ranges that carry an IPv4 address in their last 32 bits (NAT64's well-known and local
# prefixes, and the deprecated IPv4-compatible form): the IPv4 address is what is reached.
IPV4_IN_LAST_32_BITS = [
    ipaddress.ip_network(n) for n in ("64:ff9b::/96", "64:ff9b:1::/48", "::/96")
]


def embedded_ipv4(ip: ipaddress.IPv4Address | ipaddress.IPv6Address):
    """The IPv4 address an IPv6 one leads to (mapped, 6to4, Teredo's client, NAT64,
    IPv4-compatible), or None."""
    if ip.version == 4:
        return None
    for found in (ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None):
        if found is not None:
            return found
    if any(ip in network for network in IPV4_IN_LAST_32_BITS):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip) -> bool:
    """A global unicast address, and so is any IPv4 address inside it."""
    if not ip.is_global or ip.is_multicast:
        return False
    inner = embedded_ipv4(ip)
    return inner is None or is_public(inner)


def _connect(target: Target, timeout: float) -> socket.socket:
    """A socket to the first checked address that answers (never a second DNS answer)."""
    error: OSError | None = None
    for address in target.addresses:
        try:
            return socket.create_connection((address, target.port), timeout=timeout)
        except OSError as problem:
            error = problem
    raise error or OSError(f"{target.host} has no address.")


class _CheckedHTTPConnection(HTTPConnection):
    """Every (re)connection goes to the checked addresses; Host is the URL's."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.target = target

    def connect(self):
        self.sock = _connect(self.target, self.timeout)


class _CheckedHTTPSConnection(HTTPSConnection):
    """The same over TLS, the certificate verified for the URL's host name (the system's
    trusted CAs, or WEBHOOKS_CA_FILE's) on every (re)connection, a kept-alive one that
    the receiver closed included."""

    def __init__(self, target: Target, timeout: float):
        context = ssl.create_default_context(cafile=settings.WEBHOOKS_CA_FILE or None)
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self.target = target

    def connect(self):
        sock = _connect(self.target, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.target.host)


def _open(target: Target) -> HTTPConnection:
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    if target.scheme == "http":
        return _CheckedHTTPConnection(target, timeout)
    return _CheckedHTTPSConnection(target, timeout)


def payload(event: OutboxEvent) -> bytes:
    return json.dumps(
        {"type": event.type, "timestamp": event.occurred_at.isoformat(), "data": event.data},
        cls=DjangoJSONEncoder, separators=(",", ":"),
    ).encode()  # fmt: skip


def deliver_pending(subscription_id: int) -> float | None:
    """Send the subscription's due deliveries in event order; stop at the first failure.
    Returns the seconds until the next try when one is due later, else None."""
    if connection.vendor != "postgresql":  # SQLite: one worker; no write lock held meanwhile
        return _send_in_order(subscription_id)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, subscription_id]
            )
            if not cursor.fetchone()[0]:
                return None  # another worker sends this subscription's events now
        return _send_in_order(subscription_id)


def _send_in_order(subscription_id: int) -> float | None:
    subscription = WebhookSubscription.objects.filter(pk=subscription_id, active=True).first()
    if subscription is None:
        return None
    pending = (
        WebhookDelivery.objects.filter(subscription=subscription, status="pending")
        .select_related("event")
        .order_by("event_id")
    )
    conn, target = None, None
    try:
        for delivery in _in_chunks(pending):
            now = timezone.now()
            if delivery.next_attempt_at and delivery.next_attempt_at > now:
                return (delivery.next_attempt_at - now).total_seconds()
            try:
                checked = checked_address(subscription.url)
                reused = conn is not None and target == checked
                if not reused:
                    if conn is not None:
                        conn.close()
                    conn, target = _open(checked), checked
                try:
                    code = _post(conn, subscription, delivery, checked.path)
                except (ConnectionError, http.client.RemoteDisconnected):
                    if not reused:
                        raise
                    conn.close()  # the receiver closed a kept-alive connection: once more
                    code = _post(conn, subscription, delivery, checked.path)
                error = "" if 200 <= code < 300 else f"The receiver answered {code}."
            except (UrlNotAllowed, OSError, TimeoutError, http.client.HTTPException) as problem:
                code, error = None, str(problem)[:500] or type(problem).__name__
                if isinstance(problem, http.client.HTTPException):  # a broken answer
                    error = f"The receiver's answer is broken ({type(problem).__name__}): {error}"
                if conn is not None:
                    conn.close()
                conn = None
            if not error:
                _delivered(delivery, code)
                continue
            return _failed(subscription, delivery, code, error)
    finally:
        if conn is not None:
            conn.close()
    if subscription.failing_since:
        WebhookSubscription.objects.filter(pk=subscription.pk).update(failing_since=None)
    return None


class DeadlinePassed(TimeoutError):
    pass


def _in_chunks(pending, size: int = 200):
    """The deliveries 200 at a time, each chunk read whole before any is sent: no read
    stays open while a delivery's outcome is written (on SQLite such a write fails
    outright once another writer, the worker's heartbeat, committed in between)."""
    last = 0
    while chunk := list(pending.filter(event_id__gt=last)[:size]):
        yield from chunk
        last = chunk[-1].event_id


def _post(conn, subscription, delivery, path: str) -> int:
    """POST one delivery; the receiver's status. Its answer is read to RESPONSE_KEEP_BYTES
    (more: the connection is closed, not reused); everything is over by the deadline."""
    cut = threading.Event()

    def cut_off() -> None:  # unblocks a read that a receiver keeps alive a byte at a time
        cut.set()
        sock = conn.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(settings.WEBHOOK_DEADLINE_SECONDS, cut_off)
    timer.daemon = True
    timer.start()
    try:
        code = _exchange(conn, subscription, delivery, path)
    except (OSError, http.client.HTTPException):
        if not cut.is_set():
            raise
        code = None
    finally:
        timer.cancel()
    if cut.is_set():  # cut off mid-answer, whatever part of it had come
        conn.close()
        raise DeadlinePassed(
            f"The receiver did not answer within {settings.WEBHOOK_DEADLINE_SECONDS:g} s."
        )
    return code


def _exchange(conn, subscription, delivery, path: str) -> int:
    body = payload(delivery.event)
    timestamp = int(time.time())
    message_id = f"msg_{delivery.message_id.hex}"
    conn.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": "application/json",
            "User-Agent": "r4v-webhooks/1",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(subscription.secret, message_id, timestamp, body),
        },
    )
    response = conn.getresponse()
    declared = response.length  # None: chunked, or until the connection closes
    kept = response.read(RESPONSE_KEEP_BYTES)
    if declared is not None and len(kept) < min(declared, RESPONSE_KEEP_BYTES):
        raise http.client.IncompleteRead(kept, declared - len(kept))  # cut short
    if not response.isclosed():  # more than we keep: never read, never reused
        conn.close()
    return response.status


def _delivered(delivery: WebhookDelivery, code: int) -> None:
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status="delivered", attempts=delivery.attempts + 1, last_attempt_at=now,
        delivered_at=now, last_status_code=code, last_error="", next_attempt_at=None,
    )  # fmt: skip


def _failed(subscription, delivery, code, error) -> float | None:
    now = timezone.now()
    attempts = delivery.attempts + 1
    failing_since = subscription.failing_since or now
    wait = RETRY_SCHEDULE[min(attempts, len(RETRY_SCHEDULE)) - 1] * settings.WEBHOOK_RETRY_SCALE
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts, last_attempt_at=now, last_status_code=code, last_error=error,
        next_attempt_at=now + timedelta(seconds=wait),
    )  # fmt: skip
    if now - failing_since >= FAILING_FOR:
        reason = f"Disabled at {now:%Y-%m-%d %H:%M} UTC after a day of failing: {error}"
        WebhookSubscription.objects.filter(pk=subscription.pk).update(
            active=False, disabled_reason=reason[:300], failing_since=failing_since
        )
        return None
    WebhookSubscription.objects.filter(pk=subscription.pk).update(failing_since=failing_since)
    return wait
