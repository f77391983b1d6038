"""Redis away, for real: a closed port (it refuses connections) and a socket that accepts
connections and never answers. Requests do not wait for it again and again (a circuit
breaker skips it), figures are computed, the API and sign-in limits still hold (counted in
the database), the outage is logged in one line, and /readyz says so."""

import logging
import os
import socket
import threading
import time

import pytest

from config.cache import breaker
from config.settings import redis_cache
from tests.factories import ActivityReportFactory

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
FIGURE = "/api/v1/figures/people-reached/?month=2021-03&group_by=admin1"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_redis():
    """Accepts connections, never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=serve, daemon=True).start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()
    for conn in held:
        conn.close()


@pytest.fixture(params=["refusing", "silent"])
def redis_away(request) -> str:
    """The URL of a Redis that is away, in either way."""
    if request.param == "refusing":
        return f"redis://127.0.0.1:{closed_port()}/0"
    return request.getfixturevalue("silent_redis")


def test_requests_do_not_wait_for_it_and_figures_are_the_same(
    analyst, settings, redis_away, caplog
):
    ActivityReportFactory(month="2021-03-01")
    expected = analyst.get(FIGURE).json()  # with the tests' local cache
    settings.CACHES = {"default": redis_cache(redis_away)}
    caplog.set_level(logging.WARNING)
    timings = []
    for _ in range(20):
        started = time.monotonic()
        answer = analyst.get(FIGURE)
        timings.append(time.monotonic() - started)
        assert answer.status_code == 200 and answer.json() == expected
    assert sorted(timings)[10] < 0.2  # the median request does not wait for Redis
    assert sum(timings) < 3  # one wait for the socket timeout at most, not one a request
    outages = [r for r in caplog.records if "Redis unavailable" in r.getMessage()]
    assert len(outages) == 1
    assert not any(r.exc_info for r in caplog.records)  # no traceback per request


def test_the_api_rate_limit_holds_while_redis_is_away(analyst, settings, redis_away):
    settings.CACHES = {"default": redis_cache(redis_away)}
    settings.API_RATE_LIMIT = "5/min"
    statuses = [analyst.get("/api/v1/me/").status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2


def test_the_failed_sign_in_limit_holds_while_redis_is_away(anonymous, settings, redis_away):
    settings.CACHES = {"default": redis_cache(redis_away)}
    settings.AUTH_FAILURE_RATE_LIMIT = "5/min"
    anonymous.client.credentials(HTTP_AUTHORIZATION="Bearer r4v_not-a-real-token")
    statuses = [anonymous.get("/api/v1/me/").status_code for _ in range(8)]
    assert statuses[:5] == [401] * 5 and 429 in statuses[5:]


def test_readyz_says_redis_is_away_without_waiting(client, settings, redis_away):
    settings.CACHES = {"default": redis_cache(redis_away)}
    settings.READYZ_NEEDS_WORKER = False
    first = client.get("/readyz")
    assert (first.status_code, first.json()["code"]) == (503, "cache_unavailable")
    started = time.monotonic()
    again = client.get("/readyz")
    assert again.status_code == 503 and time.monotonic() - started < 0.2  # the breaker


@pytest.mark.skipif(not REDIS_URL, reason="set TEST_REDIS_URL (CI does) to use a real Redis")
def test_once_redis_is_back_it_is_used_again_and_said_once(analyst, settings, caplog):
    settings.REDIS_BREAKER_SECONDS = 0.2
    settings.READYZ_NEEDS_WORKER = False
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{closed_port()}/0")}
    assert analyst.client.get("/readyz").status_code == 503
    assert breaker.is_down
    settings.CACHES = {"default": redis_cache(REDIS_URL)}  # "restarted", where it answers
    time.sleep(0.3)
    caplog.clear()
    assert analyst.client.get("/readyz").json()["cache"] == "redis"
    assert not breaker.is_down
    assert [r.getMessage()[:10] for r in caplog.records if "Redis" in r.getMessage()] == [
        "Redis back"
    ]
