"""Test settings: production settings (DEBUG off) with what plain-HTTP test clients need."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("CACHE_BACKEND", "locmem")
os.environ.setdefault("API_RATE_LIMIT", "")  # tests that need a limit set one
os.environ.setdefault("AUTH_FAILURE_RATE_LIMIT", "")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user creation

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: concurrent tests then lock the way SQLite really does.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}  # noqa: F405

# Static files come from the apps (no collectstatic before tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
