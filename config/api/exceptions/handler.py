"""Every error as RFC 9457 problem details (application/problem+json), whatever raised it."""

import logging
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, DataError, IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import (
    PROBLEM_CONTENT_TYPE,
    PROBLEM_TYPE_BASE,
    TITLES,
    Conflict,
    InvalidRecord,
    RequestTooLarge,
    RowsInvalid,
    ServiceUnavailable,
)

logger = logging.getLogger("config.exceptions")


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
