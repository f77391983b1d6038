from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import Throttled

from config.api.exceptions import PROBLEM_CONTENT_TYPE, problem
from partners.throttling import refuse_if_failing_too_often

# Every password sign-in form; partners.backends refuses the same addresses on any other.
SIGN_IN_PATHS = ("/admin/login/", "/api-auth/login/", "/console/login/")


class SignInThrottleMiddleware:
    """Password sign-ins (the console, the admin, the browsable API) refused with 429 from
    an address that failed too often (AUTH_FAILURE_RATE_LIMIT), on one counter for all of
    them; failures are counted by the `user_login_failed` signal (partners.apps)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in SIGN_IN_PATHS:
            try:
                refuse_if_failing_too_often(request)
            except Throttled as throttled:
                response = _too_many(request, str(throttled.detail))
                response["Retry-After"] = str(int(throttled.wait or 1) + 1)
                return response
        return self.get_response(request)


def _too_many(request, detail: str):
    if request.path.startswith("/console/"):  # a person at a form: a page, not JSON
        return render(request, "console/throttled.html", {"detail": detail}, status=429)
    body = problem(429, "throttled", detail)
    return JsonResponse(body, status=429, content_type=PROBLEM_CONTENT_TYPE)


class PasswordChangeRequiredMiddleware:
    """A session whose user must choose a new password (a one-time password given by a
    coordinator or the demo) reaches only the page to choose it and sign-out: other pages
    redirect there, API calls on the session answer 403 `password_change_required`. Bearer
    tokens are not sessions and are not concerned."""

    ALLOWED = ("/console/password/", "/console/logout/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(self.ALLOWED)
        ):
            if request.path.startswith("/api/"):
                detail = _("Choose a new password at %(url)s first.") % {
                    "url": reverse("console-password")
                }
                body = problem(403, "password_change_required", detail)
                return JsonResponse(body, status=403, content_type=PROBLEM_CONTENT_TYPE)
            return HttpResponseRedirect(reverse("console-password"))
        return self.get_response(request)
