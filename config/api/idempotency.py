"""`Idempotency-Key` (IETF draft "The Idempotency-Key HTTP Header Field").

- The first successful response to a key is stored with the write, in the same transaction,
  and replayed for retries (`Idempotent-Replayed: true`).
- The key is bound to a fingerprint of everything that decides the outcome: the caller,
  method, path, query string and body. The same key with another request answers 422
  `idempotency_key_reused`, so a dry run can never stand in for the real batch.
- A request whose key is still being processed waits for it (then replays its answer); if
  it waits longer than IDEMPOTENCY_WAIT_SECONDS it answers 409 `idempotency_key_in_flight`
  with `Retry-After`, never a `duplicate_*` conflict of its own.
"""

import hashlib
import json
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response

from config.api.exceptions import Conflict, UnprocessableEntity
from config.db import locks
from config.db.models import IdempotencyRecord

IDEMPOTENCY_HEADER = "Idempotency-Key"


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique key per logical request (e.g. a UUID). A retry of the same request (same "
        "query string and body) with the same key returns the first response and creates "
        "nothing; the same key with any other request answers 422 `idempotency_key_reused`. "
        "A retry sent while the first is still running waits for it, or answers 409 "
        "`idempotency_key_in_flight` with `Retry-After`. Keys are remembered per user for 48 "
        "hours (the deployment's `IDEMPOTENCY_KEY_HOURS`); after that a key counts as new."
    ),
)


ADVISORY_LOCK_NAMESPACE = locks.IDEMPOTENCY_KEY


POLL_SECONDS = 0.05


def idempotent_response(request, handler: Callable[[], Response]) -> Response:
    """Run `handler` once per `Idempotency-Key` and request (see the module docstring)."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return handler()
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise ValidationError(
            {
                IDEMPOTENCY_HEADER: [
                    ErrorDetail(_("Use 1 to 255 printable characters."), code="invalid")
                ]
            }
        )
    fingerprint = request_fingerprint(request)
    cutoff = expiry_cutoff()
    # The user's expired keys go before a new one is stored (this key may be one of them),
    # so the table stays bounded without a scheduled purge. A short statement of its own:
    # a batch's transaction should not hold these rows.
    IdempotencyRecord.objects.filter(user=request.user, created_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            _wait_for_key(request.user.pk, key)
            record = IdempotencyRecord.objects.filter(
                user=request.user, key=key, created_at__gte=cutoff
            ).first()
            if record is not None:
                return _replay(record, fingerprint)
            response = handler()
            if 200 <= response.status_code < 300:
                IdempotencyRecord.objects.create(
                    user=request.user,
                    key=key,
                    fingerprint=fingerprint,
                    response_status=response.status_code,
                    response_body=response.data,
                    response_headers={
                        h: response[h] for h in ("Location", "ETag") if h in response
                    },
                )
    except IntegrityError:
        # Only where the key lock does not serialise requests: a concurrent request with
        # the same key won; answer as a retry would.
        record = IdempotencyRecord.objects.filter(
            user=request.user, key=key, created_at__gte=cutoff
        ).first()
        if record is None:
            raise
        return _replay(record, fingerprint)
    return response


def request_fingerprint(request) -> str:
    """SHA-256 of what decides a request's outcome: caller, method, path, query and body
    (uploaded files by their content)."""
    data = request.data
    if hasattr(data, "lists"):  # form data: values per field, files by their SHA-256
        data = {name: [_file_digest(v) for v in values] for name, values in data.lists()}
    query = sorted(
        (name, value) for name, values in request.query_params.lists() for value in values
    )
    body = json.dumps(
        [request.user.pk, request.method, request.path, query, data],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _file_digest(value):
    if not isinstance(value, UploadedFile):
        return value
    digest = hashlib.sha256()
    for chunk in value.chunks():
        digest.update(chunk)
    value.seek(0)
    return f"file:{value.name}:{digest.hexdigest()}"


def _wait_for_key(user_id: int, key: str) -> None:
    """Hold the key until this transaction ends; a second request with the key waits here
    for the first to finish. SQLite needs nothing: its writers take the database lock when
    their transaction begins (settings: IMMEDIATE), which serialises them already."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + settings.IDEMPOTENCY_WAIT_SECONDS
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))",
                [ADVISORY_LOCK_NAMESPACE, f"{user_id}:{key}"],
            )
            if cursor.fetchone()[0]:
                return
            if time.monotonic() >= deadline:
                raise Conflict(
                    _(
                        "A request with this Idempotency-Key is still being processed; retry "
                        "after it finishes to get its answer."
                    ),
                    code="idempotency_key_in_flight",
                    retry_after=1,
                )
            time.sleep(POLL_SECONDS)


def expiry_cutoff() -> datetime:
    """Replies stored before this are forgotten."""
    return timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise UnprocessableEntity(
            _(
                "This Idempotency-Key was already used with a different request (method, path, "
                "query string or body); use a new key for a new request."
            ),
            code="idempotency_key_reused",
        )
    headers = {**record.response_headers, "Idempotent-Replayed": "true"}
    return Response(record.response_body, status=record.response_status, headers=headers)


class IdempotentCreateMixin:
    """`Idempotency-Key` on POST create (see idempotent_response)."""

    def create(self, request, *args, **kwargs):
        return idempotent_response(
            request, lambda: super(IdempotentCreateMixin, self).create(request, *args, **kwargs)
        )
