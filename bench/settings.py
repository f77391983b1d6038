"""Production-like settings for benchmarks: DEBUG off, PostgreSQL, the baseline views added."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/r4v_bench")
# Benchmarks drive one token far past any per-token limit on purpose.
os.environ.setdefault("API_RATE_LIMIT", "")

from config.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
