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
