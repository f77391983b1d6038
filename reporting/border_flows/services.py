"""Border-flow observations: rules, writes (with history) and the questions analysts ask.

Rules live in `border_crossing_violations`, the one check every write path calls.
"""

import uuid
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from config.api.exceptions import Conflict, RowErrors, RowsInvalid, Violation, violations_error
from config.api.fields import number
from config.db.batches import BatchResult, KeysSeen, row_error, run_batch
from config.db.bulk import bulk_insert_objects, bulk_update
from config.db.choices import ChangeChannel, HistoryAction
from config.db.versioning import VersionedRecords, bump, history_entry, holder_of_key
from partners.permissions import can_write_for_partner
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
            message = _("The period ends before it starts.")
            out.append(Violation("date_to", "period_reversed", message))
        if crossing.date_to > today:
            out.append(
                Violation("date_to", "date_in_future", _("Observations cannot be in the future."))
            )
    breakdown = sum(getattr(crossing, f) or 0 for f in AGE_SEX)
    if crossing.people is not None and breakdown > crossing.people:
        out.append(
            Violation(
                "age_sex",
                "breakdown_exceeds_count",
                _("Age/sex groups add up to %(sum)s, above the %(people)s counted.")
                % {"sum": number(breakdown), "people": number(crossing.people)},
            )
        )
    shares = [getattr(crossing, f) for _, f in MODES if getattr(crossing, f) is not None]
    if sum(shares, Decimal(0)) > 100:
        out.append(
            Violation(
                "travel_modes",
                "shares_exceed_100",
                _("Travel-mode shares add up to more than 100%."),
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
        "count_type": crossing.count_type,
        "method": crossing.method,
        "source": crossing.source,
        "partner": crossing.partner.code,
        "notes": crossing.notes,
    }


def _duplicate(existing_id: int | None) -> Conflict:
    return Conflict(
        _(
            "An observation of the same point, period, direction, nationality and source "
            "exists (id %(id)s); change that one instead."
        )
        % {"id": existing_id}
        if existing_id
        else _(
            "An observation of the same point, period, direction, nationality and source exists."
        ),
        code="duplicate_observation",
        extra={"existing_id": existing_id},
    )


def _assert_unique(crossing: BorderCrossing) -> None:
    existing = holder_of_key(crossing)
    if existing is not None:
        raise _duplicate(existing)


CROSSINGS = VersionedRecords(
    live=lambda: BorderCrossing.objects.select_related("border_point", "partner"),
    history_model=BorderCrossingHistoryEntry,
    subject="crossing",
    duplicate=lambda crossing: _duplicate(None),
)


def _assert_valid(crossing: BorderCrossing) -> None:
    violations = border_crossing_violations(crossing)
    if violations:
        raise violations_error(violations)


def border_crossing_create(*, data: dict, user, channel: str = ChangeChannel.API) -> BorderCrossing:
    return CROSSINGS.create(
        BorderCrossing(**data), values=crossing_values, user=user, channel=channel,
        check=_assert_unique,
    )  # fmt: skip


def border_crossing_update(
    *,
    crossing,
    data: dict,
    user,
    expected_version=None,
    channel: str = ChangeChannel.API,
    batch_id=None,
) -> BorderCrossing:
    """Apply validated `data` to the observation as it is now (locked), checking the rules
    again on the result."""

    def check(current, previous):
        _assert_valid(current)
        _assert_unique(current)

    return CROSSINGS.update(
        crossing.pk, data, values=crossing_values, user=user, channel=channel,
        expected_version=expected_version, batch_id=batch_id, check=check,
    )  # fmt: skip


def border_crossing_delete(
    *, crossing, user, expected_version=None, channel=ChangeChannel.API
) -> None:
    CROSSINGS.delete(
        crossing.pk, values=crossing_values, user=user, channel=channel,
        expected_version=expected_version,
    )  # fmt: skip


CROSSING_WRITABLE_FIELDS = [
    f.name
    for f in BorderCrossing._meta.concrete_fields
    if not f.primary_key and f.name not in ("created_at", "created_by", "deleted_at")
]


def border_crossings_batch(
    *, user, rows: list[tuple[int, dict | None, list[dict]]], dry_run: bool = False
) -> BatchResult:
    """Upsert validated rows on the observation key, all or nothing. `rows` holds
    (position, validated data or None, errors) from the serializer of each row."""
    errors = RowErrors(e for _, _, row_errors in rows for e in row_errors)
    seen = KeysSeen()
    planned = []
    for index, data, _errors in rows:
        if data is None:
            continue
        candidate = BorderCrossing(**data)
        duplicate = seen.duplicate(candidate.key, index)
        if duplicate:
            errors.append(duplicate)
            continue
        planned.append((index, data, candidate))
    if errors:
        raise RowsInvalid(errors)
    result = BatchResult(batch_id=uuid.uuid4(), dry_run=dry_run)
    return run_batch(
        result, lambda: _write_crossings(result, user=user, planned=planned), what="observations"
    )


def _write_crossings(result: BatchResult, *, user, planned: list) -> None:
    creates, updates = _plan_crossings(result, user=user, planned=planned)
    now = timezone.now()
    for _index, candidate in creates:
        candidate.created_at = candidate.updated_at = now
        candidate.created_by = candidate.updated_by = user
    if not result.dry_run:  # one statement per table, whatever the number of rows
        bulk_insert_objects([candidate for _, candidate in creates])
        bulk_update([target for _, target, _ in updates], CROSSING_WRITABLE_FIELDS)
    history = []
    for index, candidate in creates:
        history.append((candidate, HistoryAction.CREATE, None, crossing_values(candidate)))
        result.add(index, "created", candidate.pk)
    for index, target, before in updates:
        history.append((target, HistoryAction.UPDATE, before, crossing_values(target)))
        result.add(index, "updated", target.pk)
    result.rows.sort(key=lambda r: r.row)
    if not result.dry_run:
        BorderCrossingHistoryEntry.objects.bulk_create(
            history_entry(
                BorderCrossingHistoryEntry,
                "crossing",
                crossing,
                action=action,
                user=user,
                channel=ChangeChannel.BULK,
                before=before,
                after=after,
                batch_id=result.batch_id,
            )  # fmt: skip
            for crossing, action, before, after in history
        )


def _plan_crossings(result: BatchResult, *, user, planned: list) -> tuple[list, list]:
    """New observations, and changed ones (locked, with their values before); another
    organisation's observation is a row error unless a coordinator sends it."""
    existing = {
        c.key: c
        for c in BorderCrossing.objects.select_related("border_point", "partner")
        .select_for_update(of=("self",))
        .filter(
            border_point_id__in={c.border_point_id for _, _, c in planned},
            date_from__in={c.date_from for _, _, c in planned},
        )
    }
    creates, updates, errors = [], [], []
    for index, data, candidate in planned:
        target = existing.get(candidate.key)
        if target is None:
            creates.append((index, candidate))
        elif not can_write_for_partner(user, target.partner_id):
            message = _("This observation belongs to another organisation.")
            errors.append(row_error(index, "partner", "partner_not_allowed", message))
        else:
            before = crossing_values(target)
            for field, value in data.items():
                setattr(target, field, value)
            if crossing_values(target) == before:
                result.add(index, "unchanged", target.pk)
            else:
                bump(target, user)
                updates.append((index, target, before))
    if errors:
        raise RowsInvalid(errors)
    return creates, updates
