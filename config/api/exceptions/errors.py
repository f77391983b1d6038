"""The API's errors: each a status, a stable code and what to fix, and the row errors of batches."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

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
