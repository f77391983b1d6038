"""Probes for load balancers: no authentication, no HTML, no redirect to HTTPS."""

from django.db import DatabaseError, connection
from django.http import JsonResponse

from config.api.exceptions import PROBLEM_CONTENT_TYPE, problem


def healthz(request):
    """The process is alive (it answers; nothing else is checked)."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """The process can serve: its database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        body = problem(503, "database_unavailable", "The database does not answer.")
        return JsonResponse(body, status=503, content_type=PROBLEM_CONTENT_TYPE)
    return JsonResponse({"status": "ready"})
