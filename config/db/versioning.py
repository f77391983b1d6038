"""What every versioned record (5W reports, border crossings) does on a change: lock the row
and check the version the client saw, bump the version, and say who changed it when.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from config.api.exceptions import PreconditionFailed
from config.db.choices import HistoryAction

BUMPED_FIELDS = ["version", "updated_at", "updated_by"]


def lock_for_change(queryset: models.QuerySet, pk: int, expected_version: int | None):
    """The current row, locked until the transaction ends; 412 if the client's version is
    stale (If-Match)."""
    try:
        current = queryset.select_for_update(of=("self",)).get(pk=pk)
    except queryset.model.DoesNotExist:
        # Deleted since the request read it (a concurrent DELETE committed first).
        raise NotFound(_("This record was deleted while the request ran.")) from None
    if expected_version is not None and current.version != expected_version:
        raise PreconditionFailed(
            _(
                "This record is at version %(current)s, not %(expected)s; read it again before "
                "changing it."
            )
            % {"current": current.version, "expected": expected_version}
        )
    return current


def holder_of_key(record: models.Model) -> int | None:
    """The id of another live record with `record`'s key (its model's KEY fields), or None:
    what a create or change would collide with."""
    model = type(record)
    others = model.objects.exclude(pk=record.pk) if record.pk else model.objects
    key = dict(zip(model.KEY, record.key, strict=True))
    return others.filter(**key).values_list("pk", flat=True).first()


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


Values = Callable[[models.Model], dict]


@dataclass(frozen=True)
class VersionedRecords:
    """The one write path of a kind of versioned record (5W reports, border crossings):
    create, change and soft-delete, each in one transaction that locks the row, checks the
    client's version, runs the domain's `check` on the row as it will be stored (locked,
    so two concurrent changes cannot each pass a rule the pair breaks), bumps the version
    and writes a history entry of before and after (as `values` shows the record).

    `check(record)` on create and delete, `check(record, previous)` on change, raises to
    refuse; `duplicate(record)` is the answer when the database finds the record's key
    taken by a concurrent create."""

    live: Callable[[], models.QuerySet]  # the records that may change (not deleted)
    history_model: type[models.Model]
    subject: str  # the history entry's field holding the record
    duplicate: Callable[[models.Model], Exception]

    @transaction.atomic
    def create(self, record, *, values: Values, user, channel: str, batch_id=None, check=None):
        now = timezone.now()
        record.created_at = record.updated_at = now
        record.created_by = record.updated_by = user
        record.version = 1
        if check is not None:
            check(record)
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            raise self.duplicate(record) from None  # lost a race to a concurrent create
        self._history(record, HistoryAction.CREATE, user, channel, None, values(record), batch_id)
        return record

    @transaction.atomic
    def update(
        self, pk: int, changes: dict, *, values: Values, user, channel: str,
        expected_version: int | None = None, batch_id=None, check=None,
    ):  # fmt: skip
        """Apply `changes`; a change that changes nothing keeps the version and history."""
        current = lock_for_change(self.live(), pk, expected_version)
        previous = copy.copy(current)
        before = values(current)
        for field, value in changes.items():
            setattr(current, field, value)
        after = values(current)
        if after == before:
            return current
        if check is not None:
            check(current, previous)
        bump(current, user)
        current.save()
        self._history(current, HistoryAction.UPDATE, user, channel, before, after, batch_id)
        return current

    @transaction.atomic
    def delete(
        self, pk: int, *, values: Values, user, channel: str,
        expected_version: int | None = None, batch_id=None, check=None,
    ) -> None:  # fmt: skip
        """Soft delete: the record leaves lists and figures; its history stays."""
        current = lock_for_change(self.live(), pk, expected_version)
        if check is not None:
            check(current)
        before = values(current)
        current.save(update_fields=bump(current, user, delete=True))
        self._history(current, HistoryAction.DELETE, user, channel, before, None, batch_id)

    def _history(self, record, action, user, channel, before, after, batch_id) -> None:
        history_entry(
            self.history_model, self.subject, record, action=action, user=user,
            channel=channel, before=before, after=after, batch_id=batch_id,
        ).save()  # fmt: skip
