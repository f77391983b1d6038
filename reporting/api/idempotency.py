import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response

from config.exceptions import UnprocessableEntity
from reporting.models import IdempotencyRecord

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique key per logical request (e.g. a UUID). A retry with the same key and body "
        "returns the first response and creates nothing; the same key with another body "
        "answers 422 `idempotency_key_reused`. Keys are remembered per user for 48 hours "
        "(the deployment's `IDEMPOTENCY_KEY_HOURS`); after that a key counts as new."
    ),
)


def idempotent_response(request, handler: Callable[[], Response]) -> Response:
    """Run `handler` once per `Idempotency-Key`: the first successful response is stored with
    the write, in the same transaction, and replayed for retries."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return handler()
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise ValidationError(
            {
                IDEMPOTENCY_HEADER: [
                    ErrorDetail("Use 1 to 255 printable characters.", code="invalid")
                ]
            }
        )
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    fingerprint = hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()
    cutoff = expiry_cutoff()
    record = IdempotencyRecord.objects.filter(
        user=request.user, key=key, created_at__gte=cutoff
    ).first()
    if record is not None:
        return _replay(record, fingerprint)
    # The user's expired keys go before a new one is stored (this key may be one of them),
    # so the table stays bounded without a scheduled purge. A short statement of its own:
    # a batch's transaction should not hold these rows.
    IdempotencyRecord.objects.filter(user=request.user, created_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
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
        # A concurrent request with the same key won; answer as a retry would.
        record = IdempotencyRecord.objects.filter(
            user=request.user, key=key, created_at__gte=cutoff
        ).first()
        if record is None:
            raise
        return _replay(record, fingerprint)
    return response


def expiry_cutoff() -> datetime:
    """Replies stored before this are forgotten."""
    return timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise UnprocessableEntity(
            "This Idempotency-Key was already used with a different request.",
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
