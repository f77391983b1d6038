"""Cached figures, and knowing when they are out of date.

Figures scan the report table (a few hundred milliseconds at a million reports), and the
same ones are asked for again and again. They are cached under the current value of a
counter (DataGeneration) that every change they depend on increments in its own
transaction:

- the counter and the change become visible together, so a figure cached under a value
  was computed from data at least as new as that value (a reader that saw the old value
  and computed after the commit stores newer data under an older key: harmless);
- the value is read from the database the figures are read from, so a lagging replica
  gives its own, older value and never a newer key with older data.

Model saves and deletes bump it through signals; bulk writes (batches, month locks) call
`data_changed()` themselves, as their last statement, so the row lock it takes is held only
for their commit (their deferred foreign-key checks run before it, not at the commit).
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from config.db import read_alias

KEY_VERSION = 1


def data_changed(**_signal_kwargs) -> None:
    """Mark the data as changed, in the current transaction (or at once in autocommit)."""
    from reporting.models import DataGeneration

    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # Run the foreign-key checks the transaction has deferred so far now, before taking
        # the counter's row lock: the lock is then held only for the commit itself, and a
        # check can never wait on a row while this transaction holds the counter.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    if DataGeneration.objects.filter(pk=1).update(value=F("value") + 1) == 0:
        # First change ever (or the row was flushed, as tests do): create it.
        DataGeneration.objects.get_or_create(pk=1, defaults={"value": 1})


def current_generation() -> int:
    from reporting.models import DataGeneration

    value = (
        DataGeneration.objects.using(read_alias())
        .filter(pk=1)
        .values_list("value", flat=True)
        .first()
    )
    return value or 0


def cached(name: str, parts: Any, compute: Callable[[], Any]) -> Any:
    """`compute()` once per (name, parts) and data generation; `parts` must be JSON-able."""
    seconds = settings.FIGURES_CACHE_SECONDS
    if not seconds:
        return compute()
    digest = hashlib.sha256(
        json.dumps([name, parts], sort_keys=True, default=str).encode()
    ).hexdigest()
    key = f"figures:{KEY_VERSION}:{connection.vendor}:{current_generation()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def connect_signals() -> None:
    from indicators.models import Indicator, Sector
    from partners.models import Partner
    from reporting.models import ActivityReport, CountryFigureSettings, Location, ReportingPeriod

    for model in (
        ActivityReport, ReportingPeriod, CountryFigureSettings, Location, Sector, Indicator,
        Partner,
    ):  # fmt: skip
        uid = f"figures-generation-{model._meta.label}"
        post_save.connect(data_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"{uid}-delete")
