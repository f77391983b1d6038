"""Scheduled housekeeping, run by the task engine itself: every run queues the next one.

Each run: imports whose worker stopped are queued again (or failed), expired
Idempotency-Key replies and sessions are deleted, and partners that have not reported a
month are reminded before it locks; the figure cells' pending changes are folded in.
`manage.py run_worker` makes sure one run is queued.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task

from config.api.idempotency import expiry_cutoff
from config.db.models import IdempotencyRecord, OutboxEvent
from reporting.activities.figure_cells import fold_cell_deltas
from reporting.activities.jobs import imports_reap
from reporting.reminders import send_reminders
from reporting.webhooks.models import WebhookDelivery

logger = logging.getLogger("reporting.housekeeping")
TASK_PATH = "reporting.housekeeping.housekeeping"


@task()
def housekeeping() -> dict:
    done = {
        "imports_requeued": imports_reap(),
        "idempotency_keys_deleted": IdempotencyRecord.objects.filter(
            created_at__lt=expiry_cutoff()
        ).delete()[0],
        "sessions_deleted": Session.objects.filter(expire_date__lt=timezone.now()).delete()[0],
        "reminders_sent": send_reminders(),
        "figure_cells_folded": fold_cell_deltas(),
        **_prune_logs(),
    }
    schedule_housekeeping()
    return done


def _prune_logs() -> dict:
    """Delivered webhooks, dispatched events and finished jobs older than LOG_RETENTION_DAYS:
    the tables stay the size of what is still useful."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(days=settings.LOG_RETENTION_DAYS)
    deliveries = WebhookDelivery.objects.filter(status="delivered", delivered_at__lt=cutoff)
    waiting = WebhookDelivery.objects.filter(status="pending").values("event_id")
    events = OutboxEvent.objects.filter(dispatched=True, occurred_at__lt=cutoff).exclude(
        pk__in=waiting
    )
    jobs = DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=cutoff)
    return {
        "deliveries_pruned": deliveries.delete()[0],
        "events_pruned": events.delete()[0],
        "jobs_pruned": jobs.delete()[0],
    }


def schedule_housekeeping() -> None:
    """Queue the next run, unless one is queued already (several workers share one)."""
    from django_tasks_db.models import DBTaskResult

    pending = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY")
    if not pending.exists():
        later = timezone.now() + timedelta(seconds=settings.HOUSEKEEPING_SECONDS)
        housekeeping.using(run_after=later).enqueue()
