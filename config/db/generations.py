"""Cached figures, and knowing when they are out of date.

Figures scan the report table (a few hundred milliseconds at a million reports), and the
same ones are asked for again and again. They are cached under the current values of
counters (DataGeneration) that every change they depend on increments in its own
transaction: one per month of reports, one for everything else. Partners write the latest
month while analysts read earlier ones, so a write leaves most cached figures valid.

- a counter and the change become visible together, so a figure cached under a value
  was computed from data at least as new as that value (a reader that saw the old value
  and computed after the commit stores newer data under an older key: harmless);
- the values are read from the database the figures are read from, so a lagging replica
  gives its own, older value and never a newer key with older data.

Model saves and deletes bump them through signals (reporting.figures.cache); bulk writes
(batches, month locks, target uploads) call `data_changed()` themselves, as their last
statement, so the row locks it takes are held only for their commit (their deferred
foreign-key checks run before it, not at the commit).
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, router
from django.utils.translation import get_language

from config.api.fields import month_str
from config.db.models import DataGeneration
from config.db.routing import read_alias

KEY_VERSION = 2  # change when cached values change shape or their classes move (pickled)


ALL = "all"  # the counter of everything that is not a month's reports


def _scope(month: date | str) -> str:
    # A model saved with a month given as text ("2021-03-01") still holds that text.
    return month[:7] if isinstance(month, str) else month_str(month)


def data_changed(months: Iterable[date] | None = None) -> None:
    """Mark these months' reports (or, without months, everything) as changed, in the
    current transaction (at once in autocommit)."""
    scopes = sorted({_scope(m) for m in months}) if months is not None else [ALL]
    if not scopes:
        return
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # Run the foreign-key checks the transaction has deferred so far now, before taking
        # the counters' row locks: they are then held only for the commit itself, and a
        # check can never wait on a row while this transaction holds a counter.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    table = connection.ops.quote_name(DataGeneration._meta.db_table)
    # One statement; rows in sorted order, so two writers lock shared counters in the same
    # order and cannot deadlock on them.
    values = ", ".join(["(%s, 1)"] * len(scopes))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, value) VALUES {values} "  # noqa: S608
            f"ON CONFLICT (scope) DO UPDATE SET value = {table}.value + 1",
            scopes,
        )


def _generations(months: list[date]) -> list[int]:
    scopes = [ALL, *(_scope(m) for m in months)]
    found = dict(
        DataGeneration.objects.using(read_alias())
        .filter(scope__in=scopes)
        .values_list("scope", "value")
    )
    return [found.get(scope, 0) for scope in scopes]


def _key(*parts: Any) -> str:
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"figures:{KEY_VERSION}:{connection.vendor}:{digest}"


def cached(name: str, parts: Any, months: list[date], compute: Callable[[], Any]) -> Any:
    """`compute()` once per (name, parts), language (answers hold names and words in the
    reader's language) and generation of `months` and of everything else; `parts` must be
    JSON-able."""
    seconds = settings.FIGURES_CACHE_SECONDS
    if not seconds:
        return compute()
    key = _key(name, parts, get_language() or "", _generations(months))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def cached_by_month(
    name: str, parts: Any, months: list[date], load: Callable[[list[date]], dict[date, Any]]
) -> dict[date, Any]:
    """{month: value} for `months`, each month cached under its own generation (and that of
    everything else); `load(months)` computes the months not in the cache, in one go."""
    seconds = settings.FIGURES_CACHE_SECONDS
    if not seconds:
        return load(months)
    everything, *per_month = _generations(months)
    keys = {
        month: _key(name, parts, _scope(month), everything, generation)
        for month, generation in zip(months, per_month, strict=True)
    }
    found = cache.get_many(list(keys.values()))
    out = {month: found[key] for month, key in keys.items() if key in found}
    missing = [month for month in months if month not in out]
    if missing:
        loaded = load(missing)
        cache.set_many({keys[month]: loaded[month] for month in missing}, seconds)
        out.update(loaded)
    return out


def reference_generation() -> tuple | None:
    """A key that changes whenever reference data (partners, indicators, sectors, locations,
    figure settings) may have changed, as the database reference data is read from sees it:
    the "everything else" counter and the transaction that last wrote it (PostgreSQL's
    xmin, so that a change rolled back, whose counter value the next change takes again,
    never shares its key). None where there is no such column (SQLite): no sharing there."""
    alias = router.db_for_read(DataGeneration)
    target = connections[alias]
    if target.vendor != "postgresql":
        return None
    table = target.ops.quote_name(DataGeneration._meta.db_table)
    with target.cursor() as cursor:
        cursor.execute(f"SELECT value, xmin::text FROM {table} WHERE scope = %s", [ALL])  # noqa: S608
        row = cursor.fetchone()
    return (alias, *(row or (0, None)))
