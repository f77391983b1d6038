"""Where reads that tolerate a little lag (figures, exports) go: the replica when
DATABASE_REPLICA_URL is set and it is no more than DATABASE_REPLICA_MAX_LAG_SECONDS behind,
else the primary. Each process asks the replica how far behind it is at most once every
DATABASE_REPLICA_CHECK_SECONDS; an unreachable replica counts as too far behind."""

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

# Seconds behind the primary: 0 when not a replica or when it has replayed all it received;
# else the age of the last transaction replayed (NULL: none yet, i.e. unknown).
REPLICA_LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
  ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""

_lock = threading.Lock()
_state = {"checked_at": None, "usable": False}


def replica_lag_seconds(alias: str = "replica") -> float | None:
    """How far the database `alias` is behind its primary, in seconds; None when it cannot
    say (unreachable, or a replica that has replayed nothing yet)."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(REPLICA_LAG_SQL)
            lag = cursor.fetchone()[0]
    except DatabaseError as error:
        logger.warning("replica lag unknown: %s", error)
        connections[alias].close()
        return None
    return None if lag is None else float(lag)


def read_alias() -> str:
    """Where figures and exports read: the replica when one is set and fresh enough."""
    if "replica" not in connections.settings:  # settings.DATABASES, as connections see it
        return "default"
    now = time.monotonic()
    with _lock:
        checked_at = _state["checked_at"]
        if checked_at is None or now - checked_at >= settings.DATABASE_REPLICA_CHECK_SECONDS:
            lag = replica_lag_seconds()
            usable = lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS
            if usable != _state["usable"] or checked_at is None:
                logger.log(
                    logging.INFO if usable else logging.WARNING,
                    "replica %s (lag: %s s, limit %s s)",
                    "in use" if usable else "not used, reads go to the primary",
                    "unknown" if lag is None else f"{lag:.1f}",
                    settings.DATABASE_REPLICA_MAX_LAG_SECONDS,
                )
            _state.update(checked_at=now, usable=usable)
        return "replica" if _state["usable"] else "default"


def forget_replica_check() -> None:
    """Ask the replica again at the next read (tests, and after changing settings)."""
    with _lock:
        _state.update(checked_at=None, usable=False)
