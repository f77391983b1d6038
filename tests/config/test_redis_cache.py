"""Setting REDIS_URL alone puts the cache (cached figures, rate-limit counters) on Redis, as a
deployment on several machines would: the production settings are read in a process of
their own, against a real Redis (CI sets TEST_REDIS_URL)."""

import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")

# Two processes count in the same window: the second sees the first's hits.
SCRIPT = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.core.cache import cache
from partners.ratelimit import hit
key = sys.argv[1]
counts = [hit(key, 60)[0] for _ in range(3)]
print(json.dumps({"backend": settings.CACHES["default"]["BACKEND"], "counts": counts}))
"""


def _run(key: str, **env) -> dict:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("CACHE_BACKEND", "DATABASE_URL")
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", **env}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, key],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not REDIS_URL, reason="set TEST_REDIS_URL (CI does) to use a real Redis")
def test_redis_url_alone_shares_rate_limit_counts_between_processes():
    key = f"test-shared-{uuid.uuid4().hex}"
    first = _run(key, REDIS_URL=REDIS_URL)
    second = _run(key, REDIS_URL=REDIS_URL)
    assert first["backend"] == "django_redis.cache.RedisCache"
    assert first["counts"] == [1, 2, 3]
    assert second["counts"] == [4, 5, 6]  # the same window, counted by another machine


def test_without_redis_url_each_development_process_counts_alone():
    key = f"test-alone-{uuid.uuid4().hex}"
    first = _run(key)
    second = _run(key)
    assert first["backend"] == "django.core.cache.backends.locmem.LocMemCache"
    assert first["counts"] == second["counts"] == [1, 2, 3]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
