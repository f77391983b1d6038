from django.http import JsonResponse
from rest_framework.exceptions import Throttled

from config.api.exceptions import PROBLEM_CONTENT_TYPE, problem
from partners.throttling import refuse_if_failing_too_often

SIGN_IN_PATHS = ("/admin/login/", "/api-auth/login/")


class SignInThrottleMiddleware:
    """Password sign-ins (the admin, the browsable API) refused with 429 from an address
    that failed too often (AUTH_FAILURE_RATE_LIMIT); failures are counted by the
    `user_login_failed` signal (partners.apps)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in SIGN_IN_PATHS:
            try:
                refuse_if_failing_too_often(request)
            except Throttled as throttled:
                body = problem(429, "throttled", str(throttled.detail))
                response = JsonResponse(body, status=429, content_type=PROBLEM_CONTENT_TYPE)
                response["Retry-After"] = str(int(throttled.wait or 1) + 1)
                return response
        return self.get_response(request)
