"""Redis behind a circuit breaker (django-redis' client class).

A Redis that refuses connections, or accepts them and never answers, made every request
wait for the socket timeout, again and again, and logged a traceback each time. Here the
first failure opens the breaker: for REDIS_BREAKER_SECONDS no request asks Redis at all
(a cache miss at once; rate limits count in the database instead, partners.ratelimit),
then one request tries it again. One log line when an outage starts, one when it ends.
"""

import functools
import logging
import threading
import time

from django.conf import settings
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger("config.cache")


class Breaker:
    """Per process: is Redis to be skipped now? Thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self.down_since: float | None = None  # the outage, for the log
        self.retry_at = 0.0

    def skip(self) -> bool:
        with self._lock:
            if self.down_since is None or time.monotonic() >= self.retry_at:
                if self.down_since is not None:  # one try lets the others wait again
                    self.retry_at = time.monotonic() + settings.REDIS_BREAKER_SECONDS
                return False
            return True

    def failed(self, error: Exception) -> None:
        with self._lock:
            self.retry_at = time.monotonic() + settings.REDIS_BREAKER_SECONDS
            if self.down_since is None:
                self.down_since = time.monotonic()
                logger.warning(
                    "Redis unavailable (%s); cached figures are computed and rate limits "
                    "counted in the database, Redis asked again every %s s",
                    error, settings.REDIS_BREAKER_SECONDS,
                )  # fmt: skip

    def succeeded(self) -> None:
        if self.down_since is None:  # the usual case, without the lock
            return
        with self._lock:
            if self.down_since is not None:
                logger.warning("Redis back after %.0f s", time.monotonic() - self.down_since)
                self.down_since = None

    @property
    def is_down(self) -> bool:
        return self.down_since is not None and time.monotonic() < self.retry_at

    def reset(self) -> None:
        with self._lock:
            self.down_since, self.retry_at = None, 0.0


breaker = Breaker()


class BreakerClient(DefaultClient):
    """DefaultClient that skips Redis while the breaker is open (ConnectionInterrupted at
    once, which RedisCache's IGNORE_EXCEPTIONS turns into a miss) and opens it on any
    connection error or timeout."""

    def get_client(self, *args, **kwargs):
        if breaker.skip():
            raise ConnectionInterrupted(connection=None)
        return super().get_client(*args, **kwargs)

    def get_client_with_index(self, *args, **kwargs):  # what `set` asks instead
        if breaker.skip():
            raise ConnectionInterrupted(connection=None)
        return super().get_client_with_index(*args, **kwargs)


def _guarded(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            result = method(self, *args, **kwargs)
        except ConnectionInterrupted as error:
            if error.connection is not None or error.__cause__ is not None:
                breaker.failed(error)
            raise
        breaker.succeeded()
        return result

    return call


for _name, _member in vars(DefaultClient).items():
    if callable(_member) and not _name.startswith("_") and _name not in {
        "get_client", "get_client_with_index", "get_next_client_index", "connect",
        "disconnect", "close", "do_close_clients", "make_key", "make_pattern", "encode",
        "decode",
    }:  # fmt: skip
        setattr(BreakerClient, _name, _guarded(_member))


def redis_available() -> bool | None:
    """None when the cache is not Redis; else whether it answers a PING now (at once False
    while the breaker is open)."""
    from django.core.cache import cache

    client_of = getattr(cache, "client", None)
    if not isinstance(client_of, BreakerClient):
        return None
    if breaker.is_down:
        return False
    try:
        client_of.get_client().ping()
    except ConnectionInterrupted:
        return False
    except Exception as error:  # noqa: BLE001 (redis' own errors: connection, timeout)
        breaker.failed(error)
        return False
    breaker.succeeded()
    return True
