"""One error shape for the whole API: RFC 9457 problem details.

Every error body is `application/problem+json` with `type`, `title`, `status`, `detail`,
a machine-readable `code`, and for validation failures an `errors` list of
`{field, code, message}` (plus `row` on batch endpoints) naming every problem at once.
"""

import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, DataError, IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("config.exceptions")


PROBLEM_CONTENT_TYPE = "application/problem+json"


PROBLEM_TYPE_BASE = "urn:r4v:problem:"

# Problem titles, in the request's language (HTTP's own phrases in English).
TITLES = {
    400: _("Bad Request"), 401: _("Unauthorized"), 403: _("Forbidden"), 404: _("Not Found"),
    405: _("Method Not Allowed"), 406: _("Not Acceptable"), 409: _("Conflict"),
    412: _("Precondition Failed"), 413: _("Request Entity Too Large"),
    415: _("Unsupported Media Type"), 422: _("Unprocessable Entity"),
    429: _("Too Many Requests"), 500: _("Internal Server Error"), 503: _("Service Unavailable"),
}  # fmt: skip


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the resource.")
    default_code = "conflict"

    def __init__(
        self,
        detail=None,
        code=None,
        extra: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ):
        super().__init__(detail, code)
        self.extra = extra or {}
        self.retry_after = retry_after


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The resource changed since you read it (If-Match does not match).")
    default_code = "precondition_failed"


class UnprocessableEntity(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("The request is well-formed but cannot be processed.")
    default_code = "unprocessable"


class RequestTooLarge(exceptions.APIException):
    """413: a body over MAX_REQUEST_BODY_BYTES, or a batch over API_MAX_BATCH_ROWS rows."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


class ServiceUnavailable(exceptions.APIException):
    """503: the database is down, restarting, or a query ran past the statement timeout."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The database is unavailable; try again shortly.")
    default_code = "database_unavailable"
    retry_after = 5


class RequestTimeout(ServiceUnavailable):
    """503: the request ran past REQUEST_TIMEOUT_SECONDS (config.middleware)."""

    default_detail = _(
        "The request took longer than the server allows; narrow it (filters, months) or export CSV."
    )
    default_code = "request_timeout"


class RowErrors:
    """Row problems, bounded: the first MAX_ROW_ERRORS kept whole, the rest only counted
    per code. A file of half a million bad rows costs a few hundred KB, not gigabytes, and
    its answer, its stored record and its error report stay small. Used where a list of
    errors was: `append`, `+=`, truth and `len` (every problem, kept or counted)."""

    def __init__(self, errors=(), *, limit: int | None = None):
        self.limit = settings.MAX_ROW_ERRORS if limit is None else limit
        self.kept: list[dict[str, Any]] = []
        self.omitted: dict[str, int] = {}
        if isinstance(errors, RowErrors):  # a copy, counts included
            self.omitted = dict(errors.omitted)
            errors = errors.kept
        self.extend(errors)

    def append(self, error: dict[str, Any]) -> None:
        if len(self.kept) < self.limit:
            self.kept.append(error)
        else:
            self.omitted[error["code"]] = self.omitted.get(error["code"], 0) + 1

    def extend(self, errors) -> None:
        for error in errors:
            self.append(error)

    def __iadd__(self, errors):
        self.extend(errors)
        return self

    def __bool__(self) -> bool:
        return bool(self.kept)

    def __len__(self) -> int:
        return len(self.kept) + sum(self.omitted.values())

    def in_row_order(self) -> list[dict[str, Any]]:
        """The kept problems, whole-file ones (row null) first, then by row."""
        return sorted(self.kept, key=lambda e: (e.get("row") is not None, e.get("row") or 0))


class RowsInvalid(exceptions.APIException):
    """A batch with at least one invalid row: nothing was written. Its problems are
    bounded (RowErrors): `errors` lists the first ones, `errors_total` counts them all and
    `errors_omitted` counts, per code, those not listed."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("Some rows are invalid; nothing was written.")
    default_code = "invalid_rows"

    def __init__(
        self,
        errors: "RowErrors | list[dict[str, Any]]",
        detail: str | None = None,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(detail)
        if not isinstance(errors, RowErrors):
            errors = RowErrors(errors)
        self.errors = errors.in_row_order()
        self.errors_total = len(errors)
        self.errors_omitted = dict(errors.omitted)
        self.extra = extra or {}

    @classmethod
    def stored(cls, errors: list, total: int, omitted: dict[str, int], **kwargs) -> "RowsInvalid":
        """Raised again from problems already bounded and stored (an import's)."""
        invalid = cls(errors, **kwargs)
        invalid.errors_total, invalid.errors_omitted = total, dict(omitted)
        return invalid


@dataclass(frozen=True)
class Violation:
    """A rule of one record broken: the API field (dotted for nested ones; None for the
    whole record), a stable code and a message for people."""

    field: str | None
    code: str
    message: str
    check: int | None = None  # the outside rulebook's check it breaks (the region's, 1-19)


class InvalidRecord(exceptions.APIException):
    """400 for one record breaking rules, with its problems as the API lists them
    (`{field, code, message, ...}`). Not a ValidationError, so DRF's serializer machinery
    passes it on untouched and each problem keeps what it carries beyond field, code and
    message (a 5W problem's `region_check`)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "validation_error"

    def __init__(self, errors: list[dict[str, Any]]):
        super().__init__(gettext("Invalid input."))
        self.errors = errors


def violations_error(violations: list[Violation]) -> exceptions.ValidationError:
    """400 listing every violation by its field."""
    errors: dict[str, list] = {}
    for violation in violations:
        errors.setdefault(violation.field or "non_field_errors", []).append(
            exceptions.ErrorDetail(violation.message, code=violation.code)
        )
    return exceptions.ValidationError(errors)


def problem(
    status_code: int,
    code: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": str(TITLES.get(status_code) or HTTPStatus(status_code).phrase),
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return body


def flatten_errors(detail: Any, path: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Turn DRF's nested error detail into a flat `[{field, code, message}]` list."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            sub = () if key in ("non_field_errors", "__all__") else (str(key),)
            out.extend(flatten_errors(value, path + sub))
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                out.extend(flatten_errors(value, path + (str(index),)))
            else:
                out.extend(flatten_errors(value, path))
        return out
    return [
        {
            "field": ".".join(path) or None,
            "code": getattr(detail, "code", None) or "invalid",
            "message": str(detail),
        }
    ]


def _sqlstate(exc: Exception) -> str:
    return getattr(exc.__cause__, "sqlstate", None) or ""


def _to_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, ProtectedError | RestrictedError):
        return Conflict(
            gettext("This object is still referenced by other records and cannot be deleted."),
            code="protected",
        )
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return RequestTooLarge(
            gettext("The request body exceeds the %(limit)s-byte limit.") % {"limit": f"{limit:,}"}
        )
    if isinstance(exc, DataError):
        return exceptions.ValidationError(
            {
                "non_field_errors": [
                    exceptions.ErrorDetail(
                        gettext("A value is out of the range or form the database accepts."),
                        "invalid_value",
                    )
                ]
            }
        )
    if isinstance(exc, DatabaseError) and _sqlstate(exc).startswith("54"):
        # program_limit_exceeded (a jsonb or a row over the database's size limits): the
        # data is too large, not the database unavailable.
        logger.warning("database size limit answered as 413: %s", str(exc)[:200])
        return RequestTooLarge(
            gettext("The data is larger than the database can store in one value; send less."),
            code="data_limit_exceeded",
        )
    if isinstance(exc, IntegrityError):
        logger.warning("integrity error answered as 409: %s", exc)
        return Conflict(
            gettext(
                "The change conflicts with data already stored (a duplicate or a rule of the "
                "database); nothing was written."
            ),
            code="conflict",
        )
    if isinstance(exc, OperationalError | InterfaceError):
        if "statement timeout" in str(exc) or "canceling statement" in str(exc):
            return ServiceUnavailable(
                gettext(
                    "The query took longer than the statement timeout; narrow it (filters, "
                    "months) or export CSV."
                ),
                code="query_timeout",
            )
        logger.warning("database unavailable: %s", str(exc)[:500])
        return ServiceUnavailable()
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    return exc


def _fields_detail(errors: list[dict[str, Any]]) -> str:
    fields = sorted({e["field"] for e in errors if e["field"]})
    if fields:
        return gettext("Invalid input in: %(fields)s.") % {"fields": ", ".join(fields)}
    return errors[0]["message"]


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = _to_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unexpected error: Django's handler500 answers (problem+json too)

    status_code = response.status_code
    if isinstance(exc, InvalidRecord):
        body = problem(status_code, exc.default_code, _fields_detail(exc.errors), errors=exc.errors)
    elif isinstance(exc, RowsInvalid):
        body = problem(
            status_code, exc.default_code, str(exc.detail), errors=exc.errors,
            errors_total=exc.errors_total, errors_omitted=exc.errors_omitted,
        )  # fmt: skip
        body.update(exc.extra)
    elif isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        body = problem(status_code, "validation_error", _fields_detail(errors), errors=errors)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        if isinstance(detail, dict | list):
            body = problem(status_code, code, gettext("See errors."), errors=flatten_errors(detail))
        else:
            body = problem(status_code, code, str(detail))
        body.update(getattr(exc, "extra", {}))
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)
    return response


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
