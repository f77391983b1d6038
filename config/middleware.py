import time
from contextlib import ExitStack

from django.conf import settings
from django.db import connections
from django.http import JsonResponse

from config.api.exceptions import PROBLEM_CONTENT_TYPE, RequestTimeout, problem


class RequestBodyLimitMiddleware:
    """413 before a body over the limit is read: Django itself only bounds form fields
    (DATA_UPLOAD_MAX_MEMORY_SIZE), so an upload would be received whole, to a temporary
    file, before anything refused it. Multipart uploads may carry a file of up to
    IMPORT_MAX_BYTES plus the form around it."""

    FORM_OVERHEAD = 1024 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body without a valid length
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.content_type == "multipart/form-data":
            limit = max(limit, settings.IMPORT_MAX_BYTES + self.FORM_OVERHEAD)
        if length > limit:
            body = problem(
                413,
                "request_too_large",
                f"The request body has {length:,} bytes; at most {limit:,} are accepted.",
            )
            response = JsonResponse(body, status=413, content_type=PROBLEM_CONTENT_TYPE)
            if not request.META.get("SERVER_SOFTWARE", "").startswith("WSGIServer"):
                # The unread body is not waited for. Django's development server (make run,
                # live tests) refuses hop-by-hop headers from the application, and discards
                # an unread body itself.
                response["Connection"] = "close"
            return response
        return self.get_response(request)


class RequestDeadlineMiddleware:
    """A view's database work ends REQUEST_TIMEOUT_SECONDS after the request started: the
    next statement after that answers 503 `request_timeout` (and the transaction rolls
    back), well before gunicorn's own timeout. A streamed export runs after the view
    returns and is not bounded here; each of its statements still is, by the database's
    statement timeout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.REQUEST_TIMEOUT_SECONDS
        if not seconds:
            return self.get_response(request)
        deadline = time.monotonic() + seconds

        def before_each_statement(execute, sql, params, many, context):
            if time.monotonic() > deadline:
                raise RequestTimeout()
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(before_each_statement))
            return self.get_response(request)


class RejectNulBytesMiddleware:
    """A NUL byte in a query string or path is never meaningful and PostgreSQL cannot store
    or compare it: answer 400, naming the parameter, before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = [
            key
            for key, values in request.GET.lists()
            if "\x00" in key or any("\x00" in v for v in values)
        ]
        if bad or "\x00" in request.path:
            errors = [
                {
                    "field": key or None,
                    "code": "null_characters_not_allowed",
                    "message": "Null characters are not allowed.",
                }
                for key in bad or [""]
            ]
            body = problem(
                400, "validation_error", "Null characters are not allowed.", errors=errors
            )
            return JsonResponse(body, status=400, content_type=PROBLEM_CONTENT_TYPE)
        return self.get_response(request)


# The console is server-rendered with no JavaScript and no inline style: nothing but its
# own files may load, nothing may frame it, its forms post only to itself.
CONSOLE_CSP = (
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class NoStoreMiddleware:
    """API answers and console pages hold one user's view of partner data (and, once, a
    password or a token): no shared cache (a proxy, a CDN) and no browser history may keep
    them. A view that may be kept says so itself. Console pages also carry CONSOLE_CSP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        console = request.path.startswith("/console/")
        private = console or request.path.startswith("/api/v1/")
        if private and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        if console:
            response["Content-Security-Policy"] = CONSOLE_CSP
        return response
