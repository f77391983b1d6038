"""A background worker that outlives its database, and says it is alive.

django-tasks' database worker lets a lost connection out of its poll loop, and the process
ends: a 0.2 s PostgreSQL restart stopped imports, webhooks and housekeeping until someone
started a worker again. Here the loop is run again after any database error, waiting 0.5 s,
1 s, 2 s... (at most WORKER_BACKOFF_MAX_SECONDS, with jitter), one log line when the
outage starts and one when it ends; `on_start` (imports left running, the housekeeping
schedule) runs at every start and after every outage. A thread beats every
WORKER_HEARTBEAT_SECONDS into WorkerHeartbeat, also while a long job runs, for /readyz.
"""

import contextlib
import logging
import os
import random
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from config.db.models import WorkerHeartbeat

logger = logging.getLogger("config.worker")


class Heartbeat(threading.Thread):
    def __init__(self, worker_id: str):
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id, self.started_at = worker_id, timezone.now()
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while True:
                self.beat()
                if self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
                    return
        finally:
            connection.close()  # this thread's own

    def beat(self) -> None:
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={"beat_at": timezone.now(), "host": socket.gethostname()[:255],
                          "pid": os.getpid(), "started_at": self.started_at},
            )  # fmt: skip
        except DatabaseError:
            connection.close()  # the worker's loop logs the outage; beat again next time

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)
        with contextlib.suppress(DatabaseError):  # else it goes stale by itself
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


def run_worker(*, on_start: Callable[[], object], interval: float, batch: bool) -> None:
    """Run tasks until stopped (SIGTERM/SIGINT, or an empty queue with `batch`), through
    any number of database outages."""
    worker_id = get_random_string(32)
    heartbeat = Heartbeat(worker_id)
    heartbeat.start()
    outage_since, backoff = None, settings.WORKER_BACKOFF_FIRST_SECONDS
    signals_set = False
    try:
        while True:
            try:
                on_start()
                if outage_since is not None:
                    logger.warning(
                        "database back after %.1f s; the worker goes on",
                        time.monotonic() - outage_since,
                    )
                    outage_since, backoff = None, settings.WORKER_BACKOFF_FIRST_SECONDS
                worker = Worker(
                    queue_names=["default"], interval=interval, batch=batch,
                    backend_name="default", startup_delay=False, max_tasks=None,
                    worker_id=worker_id, excluded_queue_names=[],
                )  # fmt: skip
                if not signals_set:
                    worker.configure_signals()
                    signals_set = True
                worker.run()
                return  # --batch: the queue is empty
            except DatabaseError as error:
                if outage_since is None:
                    outage_since = time.monotonic()
                    first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
                    logger.warning(
                        "database unavailable (%s); the worker retries, waiting up to %s s",
                        first_line[:200], settings.WORKER_BACKOFF_MAX_SECONDS,
                    )  # fmt: skip
                _close_connections()
                time.sleep(backoff * (1 + random.random() / 2))  # noqa: S311
                backoff = min(backoff * 2, settings.WORKER_BACKOFF_MAX_SECONDS)
    finally:
        heartbeat.stop()


def _close_connections() -> None:
    for conn in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):
            conn.close()
    close_old_connections()


def live_workers() -> int:
    """Workers that beat within WORKER_STALE_SECONDS."""
    since = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(beat_at__gte=since).count()


def supervise(argv: list[str]) -> int:
    """Run `argv` (a worker) and start it again whenever it ends, waiting 1 s, 2 s... (at
    most 30 s; back to 1 s once it ran a minute), until SIGTERM or SIGINT, which are passed
    on to it. For `make serve`; production uses its own supervisor (docs/deploy.md)."""
    stopping, child, delay = False, None, 1.0

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        started = time.monotonic()
        child = subprocess.Popen(argv)  # noqa: S603 (our own command line)
        code = child.wait()
        if stopping:
            break
        if time.monotonic() - started > 60:
            delay = 1.0
        logger.warning("the worker ended (exit %s); starting another in %.0f s", code, delay)
        time.sleep(delay)
        delay = min(delay * 2, 30.0)
    return 0
