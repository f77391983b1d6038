"""Counting requests per client, atomically on every cache backend the service runs on.

A fixed window: the first hit starts it, every hit adds one, and the count starts again
once the window has passed. Two requests at the same moment can never both read the same
count (DRF's own throttle reads a history and writes it back, so concurrent requests slip
through: 4,614 answers in 24 s against a limit of 1,200 a minute).

- database cache (production default): one `INSERT … ON CONFLICT DO UPDATE … RETURNING`
  on `partners_ratelimitcounter` (PostgreSQL and SQLite);
- Redis: `INCR`, atomic in the server; while Redis is away (config.cache's breaker is
  open, or a call just failed) the database table counts instead: limits hold;
- process memory (development, tests): LocMemCache increments under its own lock.
"""

import random
import time
from datetime import timedelta

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.utils import timezone

from config.cache import breaker
from partners.models import RateLimitCounter

PURGE_CHANCE = 0.01  # now and then a hit also removes windows long passed


def _in_table() -> bool:
    return isinstance(caches["default"], DatabaseCache) or breaker.is_down


def hit(key: str, seconds: int) -> tuple[int, float]:
    """Count one request of `key`; returns its count in the current window and the seconds
    until that window ends."""
    if _in_table():
        return _hit_table(key, seconds)
    return _hit_cache(key, seconds)


def peek(key: str) -> tuple[int, float]:
    """The current count of `key` and seconds left in its window, counting nothing."""
    if _in_table():
        return _peek_table(key)
    count = caches["default"].get(_cache_key(key))
    if breaker.is_down:  # that call found Redis away
        return _peek_table(key)
    if not count:
        return 0, 0.0
    ends = caches["default"].get(_cache_key(key) + ":ends") or time.time()
    return count, max(0.0, ends - time.time())


def _peek_table(key: str) -> tuple[int, float]:
    row = RateLimitCounter.objects.filter(key=key, window_ends__gt=timezone.now()).first()
    if row is None:
        return 0, 0.0
    return row.count, (row.window_ends - timezone.now()).total_seconds()


def _hit_table(key: str, seconds: int) -> tuple[int, float]:
    now = timezone.now()
    table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, window_ends, count) VALUES (%s, %s, 1) "  # noqa: S608
            "ON CONFLICT (key) DO UPDATE SET "
            f"count = CASE WHEN {table}.window_ends <= %s THEN 1 ELSE {table}.count + 1 END, "
            f"window_ends = CASE WHEN {table}.window_ends <= %s "
            f"THEN excluded.window_ends ELSE {table}.window_ends END "
            "RETURNING count, window_ends",
            [key, now + timedelta(seconds=seconds), now, now],
        )
        count, window_ends = cursor.fetchone()
        if count == 1 and random.random() < PURGE_CHANCE:
            cursor.execute(
                f"DELETE FROM {table} WHERE window_ends < %s",  # noqa: S608
                [now - timedelta(hours=1)],
            )
    if isinstance(window_ends, str):  # SQLite's RETURNING gives the stored text
        window_ends = RateLimitCounter._meta.get_field("window_ends").to_python(window_ends)
    return count, max(0.0, (window_ends - now).total_seconds())


def _cache_key(key: str) -> str:
    return f"ratelimit:{key}"


def _hit_cache(key: str, seconds: int) -> tuple[int, float]:
    # The count lives under one key and the window's end under another; `add` starts a
    # window only if none runs, `incr` is atomic in Redis and under LocMemCache's lock.
    cache = caches["default"]
    count_key, ends_key = _cache_key(key), _cache_key(key) + ":ends"
    for _ in range(3):
        ends = time.time() + seconds
        if cache.add(count_key, 0, seconds):
            cache.set(ends_key, ends, seconds)
        try:
            count = cache.incr(count_key)
        except ValueError:  # the window ended between add and incr: start again
            continue
        if count is None:  # Redis unreachable (config.cache): the table counts instead
            return _hit_table(key, seconds)
        ends = cache.get(ends_key) or ends
        return count, max(0.0, ends - time.time())
    return 1, float(seconds)
