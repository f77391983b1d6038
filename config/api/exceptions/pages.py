"""Django's own error views (400, 403, 404, 500, CSRF) as problem+json, or as pages for people."""

from http import HTTPStatus

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext

from .errors import PROBLEM_CONTENT_TYPE, TITLES
from .handler import problem


def _django_problem(status_code: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(
        problem(status_code, code, detail), status=status_code, content_type=PROBLEM_CONTENT_TYPE
    )


# Django-level handlers: requests that never reach a DRF view still get problem+json.
def bad_request(request, exception=None):
    return _django_problem(400, "bad_request", gettext("The request could not be understood."))


def csrf_failure(request, reason=""):
    """A refused CSRF check: problem+json under /api/, Django's page elsewhere (the admin)."""
    if request.path.startswith("/api/"):
        return _django_problem(
            403, "csrf_failed", gettext("CSRF check failed; API clients send a bearer token.")
        )
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason)


def _for_people(request, status_code: int, detail):
    """A page, not problem+json, for the paths people browse (HTML_ERROR_PATHS: the
    console), in the signed-in user's language; None elsewhere."""
    if not request.path.startswith(tuple(settings.HTML_ERROR_PATHS)):
        return None
    from django.shortcuts import render
    from django.utils import translation

    user = getattr(request, "user", None)
    language = getattr(user, "language", "") if getattr(user, "is_authenticated", False) else ""
    with translation.override(language or translation.get_language()):
        title = str(TITLES.get(status_code) or HTTPStatus(status_code).phrase)
        return render(
            request, settings.HTML_ERROR_TEMPLATE,
            {"status": status_code, "title": title, "detail": detail()}, status=status_code,
        )  # fmt: skip


def permission_denied(request, exception=None):
    page = _for_people(request, 403, lambda: gettext("You may not open this page."))
    return page or _django_problem(403, "permission_denied", gettext("You may not do this."))


def not_found(request, exception=None):
    detail = gettext("No resource at %(path)s.") % {"path": request.path}
    if not request.path.endswith("/"):
        from django.urls import Resolver404, resolve  # not at import: settings load this

        try:
            resolve(request.path + "/")
            detail += " " + gettext("Did you mean %(path)s/ (with the slash)?") % {
                "path": request.path
            }
        except Resolver404:
            pass
    page = _for_people(request, 404, lambda: gettext("There is no page at %(path)s.") % {
        "path": request.path
    })  # fmt: skip
    return page or _django_problem(404, "not_found", detail)


def server_error(request):
    page = _for_people(
        request, 500,
        lambda: gettext("Something went wrong on our side; it has been logged for the team."),
    )  # fmt: skip
    return page or _django_problem(
        500, "server_error", gettext("Unexpected server error; it has been logged for the team.")
    )
