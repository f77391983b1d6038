"""What every versioned record (5W reports, border crossings) does on a change: lock the row
and check the version the client saw, bump the version, and say who changed it when.
"""

from django.db import models
from django.utils import timezone
from rest_framework.exceptions import NotFound

from config.api.exceptions import PreconditionFailed

BUMPED_FIELDS = ["version", "updated_at", "updated_by"]


def lock_for_change(queryset: models.QuerySet, pk: int, expected_version: int | None):
    """The current row, locked until the transaction ends; 412 if the client's version is
    stale (If-Match)."""
    try:
        current = queryset.select_for_update(of=("self",)).get(pk=pk)
    except queryset.model.DoesNotExist:
        # Deleted since the request read it (a concurrent DELETE committed first).
        raise NotFound("This record was deleted while the request ran.") from None
    if expected_version is not None and current.version != expected_version:
        raise PreconditionFailed(
            f"This record is at version {current.version}, not {expected_version}; "
            "read it again before changing it."
        )
    return current


def bump(record: models.Model, user, *, delete: bool = False) -> list[str]:
    """A new version by `user`, now (and deleted, softly, if asked); returns the fields set."""
    record.version += 1
    record.updated_at = timezone.now()
    record.updated_by = user
    if delete:
        record.deleted_at = record.updated_at
        return [*BUMPED_FIELDS, "deleted_at"]
    return BUMPED_FIELDS


def history_entry(
    model: type[models.Model],
    subject: str,
    record: models.Model,
    *,
    action: str,
    user,
    channel: str,
    before: dict | None,
    after: dict | None,
    batch_id=None,
) -> models.Model:
    """An unsaved history entry of `record` (held in `model`'s `subject` field), at the
    record's current version and update time."""
    return model(
        **{subject: record},
        action=action,
        channel=channel,
        batch_id=batch_id,
        version=record.version,
        changed_at=record.updated_at,
        changed_by=user,
        before=before,
        after=after,
    )
