"""Probes for load balancers: no authentication, no HTML, no redirect to HTTPS."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone

from config.api.exceptions import PROBLEM_CONTENT_TYPE, problem
from config.cache import redis_available
from config.worker import live_workers


def healthz(request):
    """The process is alive (it answers; nothing else is checked)."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """The process can serve: its database answers, a background worker is alive (beat
    within WORKER_STALE_SECONDS), and no job has waited for a worker longer than
    JOBS_STALLED_SECONDS (too few workers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        oldest = _oldest_waiting_job()
        workers = live_workers()
        cache = redis_available()
    except DatabaseError:
        body = problem(503, "database_unavailable", "The database does not answer.")
        return JsonResponse(body, status=503, content_type=PROBLEM_CONTENT_TYPE)
    waited = (timezone.now() - oldest).total_seconds() if oldest else 0
    if settings.READYZ_NEEDS_WORKER and not workers:
        body = problem(
            503, "no_worker",
            f"No background worker has beaten in {settings.WORKER_STALE_SECONDS:.0f} s: imports, "
            "webhooks and housekeeping wait. Start one (manage.py run_worker) under a "
            "supervisor.",
        )  # fmt: skip
        return JsonResponse(body, status=503, content_type=PROBLEM_CONTENT_TYPE)
    if cache is False and settings.READYZ_NEEDS_CACHE:
        body = problem(
            503, "cache_unavailable",
            "Redis does not answer: figures are computed without their cache and rate limits "
            "counted in the database until it is back.",
        )  # fmt: skip
        return JsonResponse(body, status=503, content_type=PROBLEM_CONTENT_TYPE)
    if waited > settings.JOBS_STALLED_SECONDS:
        body = problem(
            503, "jobs_stalled",
            f"A background job has waited {waited:.0f} s for a worker; start one "
            "(manage.py run_worker) or more.",
            oldest_waiting_since=oldest.isoformat(),
        )  # fmt: skip
        return JsonResponse(body, status=503, content_type=PROBLEM_CONTENT_TYPE)
    return JsonResponse(
        {
            "status": "ready",
            "workers": workers,
            "jobs_waiting_seconds": round(waited),
            "cache": "redis" if cache else "local",
        }
    )


def _oldest_waiting_job():
    """When the longest-waiting job due now became due (enqueued, or its run_after)."""
    from django.db.models import Min
    from django.utils import timezone as tz
    from django_tasks_db.models import DBTaskResult

    due = DBTaskResult.objects.ready()
    now = tz.now()
    without_delay = due.filter(run_after__gt=now).aggregate(t=Min("enqueued_at"))["t"]
    delayed = due.filter(run_after__lte=now).aggregate(t=Min("run_after"))["t"]
    return min((t for t in (without_delay, delayed) if t is not None), default=None)
