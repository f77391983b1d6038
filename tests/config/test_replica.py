"""Figures and exports read a replica only while it is fresh: a real streaming replica
(CI starts one with .ci/replica and sets TEST_REPLICA_URL) paused behind its primary is left
for the primary, and used again once it has caught up; an unreachable one is never used."""

import os
import time

import dj_database_url
import psycopg
import pytest
from django.db import connections

from config.db.routing import forget_replica_check, read_alias, replica_lag_seconds

pytestmark = pytest.mark.django_db
REPLICA_URL = os.environ.get("TEST_REPLICA_URL", "")
PRIMARY_URL = os.environ.get(
    "TEST_REPLICA_PRIMARY_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
def replica(django_db_blocker):
    """Registers `url` as the "replica" database for the test; yields a function doing it."""

    def use(url: str | None) -> None:
        """The replica at `url`; None: the test database itself (a primary)."""
        config = dict(connections["default"].settings_dict)
        if url is not None:
            parsed = dj_database_url.parse(url)
            config.update({k: parsed[k] for k in ("ENGINE", "NAME", "USER", "HOST", "PORT")})
            config["OPTIONS"] = {"connect_timeout": 2}
        connections.settings["replica"] = config
        forget_replica_check()

    with django_db_blocker.unblock():
        yield use
        if "replica" in connections.settings:
            connections["replica"].close()
            del connections["replica"]  # the wrapper made for this test's settings
            del connections.settings["replica"]
        forget_replica_check()


def test_an_unreachable_replica_is_not_used(replica):
    replica("postgres://postgres@127.0.0.1:1/postgres")  # nothing listens on port 1
    assert replica_lag_seconds() is None
    assert read_alias() == "default"


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL only"
)
def test_a_primary_named_as_replica_has_no_lag(replica):
    replica(None)
    assert replica_lag_seconds() == 0
    assert read_alias() == "replica"


def _require_replica():
    if not REPLICA_URL:
        if os.environ.get("REQUIRE_REPLICA"):
            pytest.fail("REQUIRE_REPLICA is set but TEST_REPLICA_URL is not")
        pytest.skip("set TEST_REPLICA_URL to a streaming replica (CI: .ci/replica start)")


def _write_on_primary() -> None:
    with psycopg.connect(PRIMARY_URL, autocommit=True) as primary:
        primary.execute("CREATE TABLE IF NOT EXISTS r4v_lag_probe (at timestamptz)")
        primary.execute("INSERT INTO r4v_lag_probe VALUES (now())")


def _wait(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_lagging_replica_is_left_for_the_primary_until_it_catches_up(replica, settings):
    _require_replica()
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 1
    settings.DATABASE_REPLICA_CHECK_SECONDS = 0  # ask at every read, for the test
    replica(REPLICA_URL)
    _write_on_primary()
    assert _wait(lambda: replica_lag_seconds() == 0), "the replica never caught up"
    assert read_alias() == "replica"
    with psycopg.connect(REPLICA_URL, autocommit=True) as standby:
        standby.execute("SELECT pg_wal_replay_pause()")
        try:
            _write_on_primary()
            time.sleep(1.5)
            _write_on_primary()  # received, not replayed: the lag is the replay's age
            assert _wait(lambda: (replica_lag_seconds() or 0) > 1)
            assert read_alias() == "default"
        finally:
            standby.execute("SELECT pg_wal_replay_resume()")
    assert _wait(lambda: replica_lag_seconds() == 0), "the replica did not catch up"
    assert read_alias() == "replica"


def test_the_check_is_cached_per_process(replica, settings):
    _require_replica()
    settings.DATABASE_REPLICA_CHECK_SECONDS = 60
    replica(REPLICA_URL)
    assert read_alias() == "replica"
    connections["replica"].close()
    connections["replica"].settings_dict["PORT"] = 1  # gone; within a minute nobody asks
    assert read_alias() == "replica"
    forget_replica_check()
    assert read_alias() == "default"
