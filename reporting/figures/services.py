"""Writes of the plan's reference figures: targets and people in need."""

from django.db import transaction

from config.api.exceptions import RowErrors, RowsInvalid
from config.db.batches import KeysSeen
from config.db.generations import data_changed
from reporting.figures.models import PlanTarget

TARGET_FIELDS = ["target", "people_in_need", "changed_by", "changed_at"]


@transaction.atomic
def plan_targets_upsert(
    *, rows: list[tuple[int, dict]], user, errors: list[dict] | None = None
) -> dict[str, int]:
    """Create or replace targets from validated `rows` ((row number, fields)), all or
    nothing, in one statement; two rows of one cell are an error, reported with the rows'
    other `errors`."""
    seen, errors = KeysSeen(), RowErrors(errors or [])
    targets = []
    for number, data in rows:
        key = (data["plan_year"], data["admin1"].pk, data["sector"].pk, data["population_type"])
        duplicate = seen.duplicate(key, number)
        if duplicate:
            errors.append(duplicate)
            continue
        targets.append(PlanTarget(**data, changed_by=user))
    if errors:
        raise RowsInvalid(errors)
    existing = set(
        PlanTarget.objects.filter(plan_year__in={t.plan_year for t in targets}).values_list(
            "plan_year", "admin1_id", "sector_id", "population_type"
        )
    )
    PlanTarget.objects.bulk_create(
        targets,
        update_conflicts=True,
        unique_fields=["plan_year", "admin1", "sector", "population_type"],
        update_fields=TARGET_FIELDS,
    )
    data_changed()  # progress figures read targets (bulk_create sends no signal)
    updated = sum(
        (t.plan_year, t.admin1_id, t.sector_id, t.population_type) in existing for t in targets
    )
    return {"created": len(targets) - updated, "updated": updated}
