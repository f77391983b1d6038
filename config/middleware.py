from django.http import JsonResponse

from config.exceptions import PROBLEM_CONTENT_TYPE, problem


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


class CorsMiddleware:
    """CORS for browser clients on other origins: off unless CORS_ALLOWED_ORIGINS lists
    them. Only listed origins get the headers; preflights answer 204 without touching a view.
    Tokens travel in the Authorization header, so credentials (cookies) are never allowed."""

    ALLOWED_HEADERS = "Authorization, Content-Type, If-Match, Idempotency-Key, Accept"
    EXPOSED_HEADERS = "ETag, Location, Retry-After, Idempotent-Replayed, Content-Disposition"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.http import HttpResponse

        origin = request.headers.get("Origin")
        allowed = origin is not None and origin in settings.CORS_ALLOWED_ORIGINS
        preflight = (
            request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
        )
        if allowed and preflight and request.path.startswith("/api/"):
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
            response["Access-Control-Allow-Headers"] = self.ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = "3600"
        else:
            response = self.get_response(request)
        if allowed and request.path.startswith("/api/"):
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Expose-Headers"] = self.EXPOSED_HEADERS
        if settings.CORS_ALLOWED_ORIGINS:
            response["Vary"] = ", ".join(filter(None, [response.get("Vary"), "Origin"]))
        return response
