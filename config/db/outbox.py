"""The transactional outbox: `record_events` writes events in the caller's transaction, and
once that commits, whoever listens (webhooks) is told there is news. A change that rolls
back leaves no event; no committed change lacks its event."""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from config.db.bulk import bulk_insert
from config.db.models import OutboxEvent

_listeners: list[Callable[[], None]] = []


def listen(callback: Callable[[], None]) -> None:
    """Call `callback()` after each commit that recorded events (a domain's AppConfig)."""
    if callback not in _listeners:
        _listeners.append(callback)


def record_event(event_type: str, partner_id: int | None, data: dict[str, Any]) -> None:
    record_events([(event_type, partner_id, data)])


def record_events(events: Iterable[tuple[str, int | None, dict[str, Any]]]) -> None:
    """Write (type, partner id or None, data) events in the current transaction."""
    now = timezone.now()
    rows = [
        {"type": t, "partner_id": p, "occurred_at": now, "data": d, "dispatched": False}
        for t, p, d in events
    ]
    if not rows:
        return
    bulk_insert(OutboxEvent, rows, with_ids=False)  # PostgreSQL: one COPY, however many
    for callback in _listeners:
        transaction.on_commit(callback)
