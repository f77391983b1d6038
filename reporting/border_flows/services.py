"""Border-flow observations: rules, writes (with history) and the questions analysts ask.

Rules live in `border_crossing_violations`, the one check every write path calls.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.api.exceptions import Conflict, RowsInvalid
from config.db.bulk import bulk_insert_objects, bulk_update
from config.db.choices import ChangeChannel, HistoryAction
from config.db.versioning import bump, history_entry, lock_for_change
from reporting.activities.validation import Violation
from reporting.border_flows.models import BorderCrossing, BorderCrossingHistoryEntry

AGE_SEX = ("girls", "boys", "women", "men")


MODES = (
    ("on_foot", "on_foot_pct"),
    ("motor_vehicle", "motor_vehicle_pct"),
    ("other", "other_mode_pct"),
)


def border_crossing_violations(crossing: BorderCrossing) -> list[Violation]:
    out: list[Violation] = []
    today = timezone.localdate()
    if crossing.date_from and crossing.date_to:
        if crossing.date_to < crossing.date_from:
            out.append(Violation("date_to", "period_reversed", "The period ends before it starts."))
        if crossing.date_to > today:
            out.append(
                Violation("date_to", "date_in_future", "Observations cannot be in the future.")
            )
    breakdown = sum(getattr(crossing, f) or 0 for f in AGE_SEX)
    if crossing.people is not None and breakdown > crossing.people:
        out.append(
            Violation(
                "age_sex",
                "breakdown_exceeds_count",
                f"Age/sex groups add up to {breakdown:,}, above the {crossing.people:,} counted.",
            )
        )
    shares = [getattr(crossing, f) for _, f in MODES if getattr(crossing, f) is not None]
    if sum(shares, Decimal(0)) > 100:
        out.append(
            Violation(
                "travel_modes", "shares_exceed_100", "Travel-mode shares add up to more than 100%."
            )
        )
    return out


def crossing_values(crossing: BorderCrossing) -> dict[str, Any]:
    """The observation as the API shows it (and history stores it)."""
    age_sex = {f: getattr(crossing, f) for f in AGE_SEX}
    modes = {key: getattr(crossing, f) for key, f in MODES}
    return {
        "border_point": crossing.border_point.code,
        "date_from": crossing.date_from.isoformat(),
        "date_to": crossing.date_to.isoformat(),
        "direction": crossing.direction,
        "nationality": crossing.nationality,
        "people": crossing.people,
        "age_sex": age_sex if any(v is not None for v in age_sex.values()) else None,
        "travel_modes": (
            {k: float(v) if v is not None else None for k, v in modes.items()}
            if any(v is not None for v in modes.values())
            else None
        ),
        "method": crossing.method,
        "source": crossing.source,
        "partner": crossing.partner.code,
        "notes": crossing.notes,
    }


def _duplicate(existing_id: int | None) -> Conflict:
    return Conflict(
        "An observation of the same point, period, direction, nationality and source exists"
        + (f" (id {existing_id}); change that one instead." if existing_id else "."),
        code="duplicate_observation",
        extra={"existing_id": existing_id},
    )


def _assert_unique(crossing: BorderCrossing) -> None:
    others = (
        BorderCrossing.objects.exclude(pk=crossing.pk) if crossing.pk else BorderCrossing.objects
    )
    key = dict(zip(BorderCrossing.KEY, crossing.key, strict=True))
    existing = others.filter(**key).values_list("pk", flat=True).first()
    if existing is not None:
        raise _duplicate(existing)


_history = partial(history_entry, BorderCrossingHistoryEntry, "crossing")


@transaction.atomic
def border_crossing_create(*, data: dict, user, channel: str = ChangeChannel.API) -> BorderCrossing:
    now = timezone.now()
    crossing = BorderCrossing(
        **data, created_at=now, updated_at=now, created_by=user, updated_by=user
    )
    _assert_unique(crossing)
    try:
        with transaction.atomic():
            crossing.save()
    except IntegrityError:
        raise _duplicate(None) from None
    _history(
        crossing,
        action=HistoryAction.CREATE,
        user=user,
        channel=channel,
        before=None,
        after=crossing_values(crossing),
    ).save()
    return crossing


@transaction.atomic
def border_crossing_update(
    *,
    crossing,
    data: dict,
    user,
    expected_version=None,
    channel: str = ChangeChannel.API,
    batch_id=None,
) -> BorderCrossing:
    current = lock_for_change(
        BorderCrossing.objects.select_related("border_point", "partner"),
        crossing.pk,
        expected_version,
    )
    before = crossing_values(current)
    for field, value in data.items():
        setattr(current, field, value)
    after = crossing_values(current)
    if after == before:
        return current
    _assert_unique(current)
    bump(current, user)
    current.save()
    _history(
        current,
        action=HistoryAction.UPDATE,
        user=user,
        channel=channel,
        before=before,
        after=after,
        batch_id=batch_id,
    ).save()
    return current


@transaction.atomic
def border_crossing_delete(
    *, crossing, user, expected_version=None, channel=ChangeChannel.API
) -> None:
    current = lock_for_change(
        BorderCrossing.objects.select_related("border_point", "partner"),
        crossing.pk,
        expected_version,
    )
    before = crossing_values(current)
    current.save(update_fields=bump(current, user, delete=True))
    _history(
        current, action=HistoryAction.DELETE, user=user, channel=channel, before=before, after=None
    ).save()


CROSSING_WRITABLE_FIELDS = [
    f.name
    for f in BorderCrossing._meta.concrete_fields
    if not f.primary_key and f.name not in ("created_at", "created_by", "deleted_at")
]


@dataclass
class CrossingBatchResult:
    batch_id: uuid.UUID
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: list[dict] | None = None


def border_crossings_batch(
    *, user, rows: list[tuple[int, dict | None, list[dict]]], dry_run: bool = False
) -> CrossingBatchResult:
    """Upsert validated rows on the observation key, all or nothing. `rows` holds
    (position, validated data or None, errors) from the serializer of each row."""
    errors = [e for _, _, row_errors in rows for e in row_errors]
    seen: dict[tuple, int] = {}
    planned = []
    for index, data, _ in rows:
        if data is None:
            continue
        candidate = BorderCrossing(**data)
        if candidate.key in seen:
            errors.append(
                {
                    "row": index,
                    "field": None,
                    "code": "duplicate_in_batch",
                    "message": f"Row {seen[candidate.key]} of this batch has the same key.",
                }
            )
            continue
        seen[candidate.key] = index
        planned.append((index, data, candidate))
    if errors:
        raise RowsInvalid(sorted(errors, key=lambda e: e["row"]))

    result = CrossingBatchResult(batch_id=uuid.uuid4(), dry_run=dry_run, rows=[])
    try:
        _crossings_batch_write(result, user=user, planned=planned)
    except IntegrityError:
        raise Conflict(
            "Another request wrote the same observations at the same time; send the batch again.",
            code="concurrent_write",
        ) from None
    return result


def _crossings_batch_write(result: CrossingBatchResult, *, user, planned: list) -> None:
    errors: list[dict] = []
    dry_run = result.dry_run
    with transaction.atomic():
        points = {c.border_point_id for _, _, c in planned}
        starts = {c.date_from for _, _, c in planned}
        existing = {
            c.key: c
            for c in BorderCrossing.objects.select_related("border_point", "partner")
            .select_for_update(of=("self",))
            .filter(border_point_id__in=points, date_from__in=starts)
        }
        now = timezone.now()
        history = []

        def record(crossing, action, before, after):
            history.append(
                _history(
                    crossing,
                    action=action,
                    user=user,
                    channel=ChangeChannel.BULK,
                    before=before,
                    after=after,
                    batch_id=result.batch_id,
                )
            )

        creates, updates = [], []
        for index, data, candidate in planned:
            target = existing.get(candidate.key)
            if target is None:
                candidate.created_at = candidate.updated_at = now
                candidate.created_by = candidate.updated_by = user
                creates.append((index, candidate))
                continue
            if target.partner_id != candidate.partner_id and not user.is_coordinator:
                errors.append(
                    {
                        "row": index,
                        "field": "partner",
                        "code": "partner_not_allowed",
                        "message": "This observation belongs to another organisation.",
                    }
                )
                continue
            before = crossing_values(target)
            for field, value in data.items():
                setattr(target, field, value)
            if crossing_values(target) == before:
                result.unchanged += 1
                result.rows.append({"row": index, "action": "unchanged", "id": target.pk})
                continue
            bump(target, user)
            updates.append((index, target, before))
        if errors:
            transaction.set_rollback(True)
            raise RowsInvalid(sorted(errors, key=lambda e: e["row"]))
        if not dry_run:  # one statement per table, whatever the number of rows
            bulk_insert_objects([candidate for _, candidate in creates])
            bulk_update([target for _, target, _ in updates], CROSSING_WRITABLE_FIELDS)
        for index, candidate in creates:
            record(candidate, HistoryAction.CREATE, None, crossing_values(candidate))
            result.rows.append({"row": index, "action": "created", "id": candidate.pk})
        for index, target, before in updates:
            record(target, HistoryAction.UPDATE, before, crossing_values(target))
            result.rows.append({"row": index, "action": "updated", "id": target.pk})
        result.created, result.updated = len(creates), len(updates)
        result.rows.sort(key=lambda r: r["row"])
        if not dry_run:
            BorderCrossingHistoryEntry.objects.bulk_create(history)
