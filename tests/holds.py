"""Stopping a real request half-way through its transaction, on PostgreSQL.

A trigger on a table waits on an advisory lock that the test holds: the request's statement
on that table blocks there, inside its transaction, until the test lets it go. No mock: the
request runs its real code against the real database, only slower.
"""

import os
import time
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection

HOLD = 4_242

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="holds a transaction half-way with a PL/pgSQL trigger and advisory locks",
)


@contextmanager
def held_at(table: str, event: str = "INSERT"):
    """While inside, any `event` statement on `table` waits (in its transaction). Yields a
    function returning the pid of the first backend found waiting there."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION hold_here() RETURNS trigger AS $$ BEGIN "
            f"PERFORM pg_advisory_xact_lock({HOLD}); RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER hold_here BEFORE {event} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION hold_here()"
        )
    holder = _session()
    holder.execute("SELECT pg_advisory_lock(%s)", [HOLD])
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            holder.execute("SELECT pg_advisory_unlock(%s)", [HOLD])
            released = True

    try:
        yield Hold(release, holder)
    finally:
        release()
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER hold_here ON {table}")
            cursor.execute("DROP FUNCTION hold_here()")


def _session() -> psycopg.Connection:
    """A connection of the test's own straight to PostgreSQL, for the session-level lock:
    behind PgBouncer in transaction mode (TEST_DIRECT_DATABASE_URL names the server itself)
    the lock and its unlock could otherwise land on different server connections."""
    params = connection.get_connection_params()
    direct = os.environ.get("TEST_DIRECT_DATABASE_URL")
    if direct:
        url = psycopg.conninfo.conninfo_to_dict(direct)
        params.update({k: url[k] for k in ("host", "port") if k in url})
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params, autocommit=True)


class Hold:
    def __init__(self, release, session: psycopg.Connection):
        self.release = release
        self.session = session  # the connection holding the lock (autocommit)

    def __call__(self, timeout: float = 30) -> int:
        """The pid of the backend stopped at the trigger (waits until there is one)."""
        return wait_for(
            # A one-key advisory lock: classid 0, objsubid 1 (two-key ones have 2).
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND classid = 0 AND objid = %s AND objsubid = 1 "
            # this test database's waiters only: another run on the same server holds the
            # same key in its own database
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [HOLD],
            timeout=timeout,
            what="a request stopped at the held statement",
        )


def wait_for(sql: str, params: list, *, timeout: float = 30, what: str) -> int:
    """Poll `sql` until it returns a row; its first column."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row:
            return row[0]
        time.sleep(0.05)
    raise AssertionError(f"never saw {what}")


def waiting_on_a_row_lock(*, exclude: set[int], count: int = 1, timeout: float = 30) -> None:
    """Wait until `count` backends (not in `exclude`) wait for a row or transaction lock."""
    wait_for(
        "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND wait_event IN ('transactionid', 'tuple') AND NOT (pid = ANY(%s)) "
        "AND datname = current_database() HAVING COUNT(*) >= %s",
        [sorted(exclude), count],
        timeout=timeout,
        what=f"{count} request(s) waiting for a row lock",
    )
