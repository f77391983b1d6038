"""The webhook jobs: fan each committed event out to the subscriptions that want it, then
send each subscription's deliveries in order (reporting.webhooks.delivery)."""

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from config.db import locks
from config.db.models import OutboxEvent
from reporting.webhooks.delivery import deliver_pending
from reporting.webhooks.models import WebhookDelivery, WebhookSubscription

DISPATCH_LOCK = (locks.WEBHOOK_DISPATCH, 0)


@task()
def dispatch_events() -> int:
    touched = fan_out()
    for subscription_id in sorted(touched):
        deliver.enqueue(subscription_id)
    return len(touched)


# Below imports and housekeeping (priority 0): a receiver's trouble never holds them up.
@task(priority=-10)
def deliver(subscription_id: int) -> None:
    wait = deliver_pending(subscription_id)
    if wait is not None:
        later = timezone.now() + timedelta(seconds=wait)
        deliver.using(run_after=later).enqueue(subscription_id)


def fan_out(chunk: int = 5000) -> set[int]:
    """A delivery per (event, subscription that wants it): a partner's events go to that
    partner's subscriptions only; platform events (no partner) to every subscriber of
    their type. Returns the subscriptions that got deliveries. Events nobody subscribed to
    are only marked dispatched (a 500,000-row import records as many events)."""
    subscriptions = list(WebhookSubscription.objects.filter(active=True))
    types = {t for s in subscriptions for t in s.events}
    touched: set[int] = set()
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", DISPATCH_LOCK)
            pending = OutboxEvent.objects.filter(dispatched=False)
            events = list(pending.order_by("id").values_list("id", "type", "partner_id")[:chunk])
            if not events:
                return touched
            deliveries = [
                WebhookDelivery(subscription=s, event_id=event_id)
                for event_id, event_type, partner_id in events
                if event_type in types
                for s in subscriptions
                if event_type in s.events and partner_id in (None, s.partner_id)
            ]
            WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
            # By id, not by range: an event committed late may hold an id inside the range.
            pending.filter(pk__any=[e[0] for e in events]).update(dispatched=True)
            touched |= {d.subscription_id for d in deliveries}


DISPATCH_PATH = "reporting.webhooks.tasks.dispatch_events"


def on_events_committed() -> None:
    """After a commit with events: a fan-out, unless one is already waiting (it will see
    these events too; one that is running may not, so a new one is queued then)."""
    from django_tasks_db.models import DBTaskResult

    if not DBTaskResult.objects.filter(task_path=DISPATCH_PATH, status="READY").exists():
        dispatch_events.enqueue()
