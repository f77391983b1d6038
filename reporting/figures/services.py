"""Writes of the plan's reference figures: targets and people in need."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.api.exceptions import RowErrors, RowsInvalid
from config.db.batches import KeysSeen
from config.db.generations import data_changed
from reporting.figures.models import PlanTarget

TARGET_FIELDS = ["target", "people_in_need", "changed_by", "changed_at"]


@transaction.atomic
def plan_targets_upsert(
    *, rows: list[tuple[int, dict]], user, errors: list[dict] | None = None,
    replace: dict[int, set[int]] | None = None,
) -> dict[str, int]:  # fmt: skip
    """Create or replace targets from validated `rows` ((row number, fields)), all or
    nothing; two rows of one cell are an error, reported with the rows' other `errors`.
    `replace`: {plan year: place ids} whose cells the rows replace: those the rows do not
    name are deleted (nothing stale stays). Cells whose figures are the same are not written."""
    seen, errors = KeysSeen(), RowErrors(errors or [])
    targets = []
    for number, data in rows:
        target = PlanTarget(**data, changed_by=user)
        duplicate = seen.duplicate(target.key, number)
        if duplicate:
            errors.append(duplicate)
            continue
        targets.append(target)
    if errors:
        raise RowsInvalid(errors)
    scope = Q(
        plan_year__in={t.plan_year for t in targets}, admin1_id__in={t.admin1_id for t in targets}
    )
    for year, places in (replace or {}).items():
        scope |= Q(plan_year=year, admin1_id__in=places)
    existing = {  # no ordering: it would join the nullable sector, which FOR UPDATE refuses
        t.key: t for t in PlanTarget.objects.select_for_update().filter(scope).order_by()
    }
    creates, updates, now = [], [], timezone.now()
    unchanged = 0
    for target in targets:
        target.changed_at = now  # bulk_update does not fill auto_now
        held = existing.pop(target.key, None)
        if held is None:
            creates.append(target)
        elif (held.target, held.people_in_need) == (target.target, target.people_in_need):
            unchanged += 1  # a re-upload of the same table writes nothing
        else:
            target.pk = held.pk
            updates.append(target)
    stale = [
        t.pk for t in existing.values()
        if replace and t.admin1_id in replace.get(t.plan_year, ())
    ]  # fmt: skip
    PlanTarget.objects.filter(pk__in=stale).delete()
    PlanTarget.objects.bulk_create(creates, batch_size=2000)
    PlanTarget.objects.bulk_update(updates, TARGET_FIELDS, batch_size=2000)
    data_changed()  # progress figures read targets (bulk writes send no signal)
    return {
        "created": len(creates), "updated": len(updates), "unchanged": unchanged,
        "deleted": len(stale),
    }  # fmt: skip
