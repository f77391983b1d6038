"""Age/sex proportions: the regional table that splits each population type's people into
girls, boys, women and men before the max models take the highest sector per cell. The
rule every write path checks, the writes (versioned, with history) and the read the
people-reached figure makes.

Shares are stored with six decimals; the figure works in millionths, so splitting and
rounding are exact integer arithmetic an analyst can redo by hand.
"""

import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from config.api.exceptions import Conflict, RowErrors, RowsInvalid, Violation, violations_error
from config.db.batches import BatchResult, KeysSeen, run_batch
from config.db.bulk import bulk_insert_objects, bulk_update
from config.db.choices import ChangeChannel, HistoryAction
from config.db.generations import data_changed
from config.db.routing import read_alias
from config.db.versioning import VersionedRecords, bump, history_entry, holder_of_key
from reporting.activities.breakdowns import POPULATION_FIELDS
from reporting.figures.choices import Rounding
from reporting.figures.models import SHARE_FIELDS, AgeSexProportions, AgeSexProportionsHistoryEntry
from reporting.locations.choices import LocationLevel

# The four shares of a population type add to 1 within the rounding of four shares written
# with two decimals (the region's own table has 0.99 and 1.01, even 1.02), or are all zero:
# nobody of that population type.
TOLERANCE = Decimal("0.02")


def proportions_violations(row: AgeSexProportions) -> list[Violation]:
    out: list[Violation] = []
    if row.admin1_id and row.admin1.level == LocationLevel.ADMIN2:
        message = _(
            "%(pcode)s is not an admin1 area (or a country, for the whole of it)."
        ) % {"pcode": row.admin1.pcode}  # fmt: skip
        out.append(Violation("admin1", "wrong_level", message))
    shares = [getattr(row, f) for f in SHARE_FIELDS]
    if all(isinstance(s, int | float | Decimal) for s in shares):
        total = sum((Decimal(repr(float(s))) for s in shares), Decimal(0))  # as written
        if total != 0 and abs(total - 1) > TOLERANCE:
            out.append(
                Violation(
                    "shares",
                    "shares_do_not_add_up",
                    _(
                        "Girls, boys, women and men add up to %(total)s; they must add up to 1 "
                        "(± %(tolerance)s), or all be 0 (nobody of that population type)."
                    )
                    % {"total": f"{total.normalize():f}", "tolerance": TOLERANCE},
                )
            )
    return out


def _share_str(value) -> str:
    """0.25 as "0.25", 0 as "0": the share as written (the double's shortest form)."""
    value = float(value)
    return repr(value) if value % 1 else str(int(value))


def proportions_values(row: AgeSexProportions) -> dict[str, Any]:
    """The row as the API shows it (and history stores it)."""
    return {
        "admin1": row.admin1.pcode,
        "sector": row.sector.code,
        "variant": row.variant,
        "population_type": row.population_type,
        **{f: _share_str(getattr(row, f)) for f in SHARE_FIELDS},
    }


def _duplicate(existing_id: int | None) -> Conflict:
    return Conflict(
        _(
            "Proportions for this admin1, sector, variant and population type exist (id "
            "%(id)s); change that row instead."
        )
        % {"id": existing_id}
        if existing_id
        else _("Proportions for this admin1, sector, variant and population type exist."),
        code="duplicate_proportions",
        extra={"existing_id": existing_id},
    )


def _assert_valid_and_unique(row: AgeSexProportions, previous=None) -> None:
    violations = proportions_violations(row)
    if violations:
        raise violations_error(violations)
    existing = holder_of_key(row)
    if existing is not None:
        raise _duplicate(existing)


PROPORTIONS = VersionedRecords(
    live=lambda: AgeSexProportions.objects.select_related("admin1", "sector"),
    history_model=AgeSexProportionsHistoryEntry,
    subject="proportions",
    duplicate=lambda row: _duplicate(None),
)


def proportions_create(*, data: dict, user) -> AgeSexProportions:
    return PROPORTIONS.create(
        AgeSexProportions(**data), values=proportions_values, user=user,
        channel=ChangeChannel.API, check=_assert_valid_and_unique,
    )  # fmt: skip


def proportions_update(*, row, data: dict, user, expected_version=None) -> AgeSexProportions:
    return PROPORTIONS.update(
        row.pk, data, values=proportions_values, user=user, channel=ChangeChannel.API,
        expected_version=expected_version, check=_assert_valid_and_unique,
    )  # fmt: skip


def proportions_delete(*, row, user, expected_version=None) -> None:
    PROPORTIONS.delete(
        row.pk, values=proportions_values, user=user, channel=ChangeChannel.API,
        expected_version=expected_version,
    )  # fmt: skip


WRITABLE_FIELDS = [*SHARE_FIELDS, "version", "updated_at", "updated_by"]


def proportions_batch(
    *, user, rows: list[tuple[int, dict]], errors, dry_run: bool = False,
    replace: dict[str, set[int]] | None = None, keep_rows: bool = True,
    sums_checked: bool = True,
) -> BatchResult:  # fmt: skip
    """Upsert validated `rows` ((row number, fields)) on (admin1, sector, variant,
    population type), all or nothing: one statement per table; every bad row (`errors`,
    the rule, a key twice) answers 422 together. `replace`: {variant: admin1 ids} whose
    rows the batch replaces: those it does not name are deleted (soft, with history).
    Without `sums_checked` (the region's own workbook, taken as it is) shares that do not
    add up to 1 are kept."""
    errors, seen, planned = RowErrors(errors), KeysSeen(), []
    for number, data in rows:
        candidate = AgeSexProportions(**data)
        problems = [
            {"row": number, "field": v.field, "code": v.code, "message": v.message}
            for v in proportions_violations(candidate)
            if sums_checked or v.code != "shares_do_not_add_up"
        ]
        duplicate = seen.duplicate(candidate.key, number)
        errors += problems + ([duplicate] if duplicate else [])
        planned.append((number, data, candidate))
    if errors:
        raise RowsInvalid(errors)
    result = BatchResult(batch_id=uuid.uuid4(), dry_run=dry_run, keep_rows=keep_rows)
    return run_batch(
        result, lambda: _write(result, user, planned, replace or {}), what="proportions"
    )


def _write(result: BatchResult, user, planned: list, replace: dict[str, set[int]]) -> None:
    scope = {c.admin1_id for _, _, c in planned}.union(*replace.values())
    existing = {
        row.key: row
        for row in AgeSexProportions.objects.select_related("admin1", "sector")
        .select_for_update(of=("self",))
        .filter(admin1_id__in=scope)
    }
    now = timezone.now()
    creates, updates, history = [], [], []
    for number, data, candidate in planned:
        target = existing.get(candidate.key)
        if target is None:
            candidate.created_at = candidate.updated_at = now
            candidate.created_by = candidate.updated_by = user
            creates.append((number, candidate))
            continue
        before = proportions_values(target)
        for name in SHARE_FIELDS:
            setattr(target, name, data[name])
        if proportions_values(target) == before:
            result.add(number, "unchanged", target.pk)
        else:
            bump(target, user)
            updates.append((number, target, before))
    stale = _stale(result, user, planned, existing, replace, history, now)
    if not result.dry_run:
        bulk_insert_objects([candidate for _, candidate in creates])
        bulk_update([target for _, target, _ in updates], WRITABLE_FIELDS)
        bulk_update(stale, [*WRITABLE_FIELDS, "deleted_at"])
    for number, candidate in creates:
        history.append((candidate, HistoryAction.CREATE, None, proportions_values(candidate)))
        result.add(number, "created", candidate.pk)
    for number, target, before in updates:
        history.append((target, HistoryAction.UPDATE, before, proportions_values(target)))
        result.add(number, "updated", target.pk)
    result.rows.sort(key=lambda r: r.row)
    if not result.dry_run and history:
        AgeSexProportionsHistoryEntry.objects.bulk_create(
            history_entry(
                AgeSexProportionsHistoryEntry,
                "proportions",
                row,
                action=action,
                user=user,
                channel=ChangeChannel.BULK,
                before=before,
                after=after,
                batch_id=result.batch_id,
            )  # fmt: skip
            for row, action, before, after in history
        )
        data_changed()  # people reached reads the table (bulk writes send no signal)


def _stale(result, user, planned, existing, replace, history, now) -> list:
    """Rows of the replaced scopes that the batch does not name: deleted (soft, history)."""
    named = {candidate.key for _, _, candidate in planned}
    stale = [
        row for key, row in existing.items()
        if key not in named and row.admin1_id in replace.get(row.variant, ())
    ]  # fmt: skip
    for row in stale:
        history.append((row, HistoryAction.DELETE, proportions_values(row), None))
        row.deleted_at = now
        bump(row, user)
        result.deleted += 1
        result.deleted_ids.append(row.pk)
    return stale


# --- The read the figure makes ---------------------------------------------------------
POPULATION_BY_API = dict(POPULATION_FIELDS)  # in_destination -> pop_in_destination

# {(admin1 id, sector code): {population field: (girls, boys, women, men)}}: the shares as
# floats (Rounding.HALF_EVEN, the script's doubles) or exact decimals (Rounding.HALF_UP).
Shares = dict[tuple[int, str], dict[str, tuple]]


def proportions_shares(
    variant: str, admin1_ids: set[int] | None = None, rounding: str = Rounding.HALF_EVEN
) -> Shares:
    """One variant of the table, for the admin1s asked (all if None), in one query."""
    qs = AgeSexProportions.objects.using(read_alias()).filter(variant=variant)
    if admin1_ids is not None:
        qs = qs.filter(admin1_id__in=admin1_ids)
    as_given = float if rounding == Rounding.HALF_EVEN else (lambda x: Decimal(repr(x)))
    out: Shares = {}
    for row in qs.values("admin1_id", "sector__code", "population_type", *SHARE_FIELDS):
        cell = out.setdefault((row["admin1_id"], row["sector__code"]), {})
        cell[POPULATION_BY_API[row["population_type"]]] = tuple(
            as_given(float(row[f])) for f in SHARE_FIELDS
        )
    return out


def split(people: int, shares: tuple) -> list[int]:
    """`people` split by `shares`, each product rounded to whole people: floats as R's
    round() does (half to even, on the double: 2,950 x 0.20999999999999996 is 619), decimals
    exactly, half up."""
    if not people:
        return [0, 0, 0, 0]
    if isinstance(shares[0], Decimal):
        return [int((people * share).to_integral_value(ROUND_HALF_UP)) for share in shares]
    return [round(people * share) for share in shares]
