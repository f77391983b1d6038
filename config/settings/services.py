"""The services beside the web process: jobs and their worker, webhooks, email, the cache."""

import os

from .base import DEBUG, env_bool

# Background jobs (django-tasks, database backend): imports of large files, webhook
# deliveries, housekeeping. `make run` and `make serve` start a worker (manage.py
# run_worker); more worker processes, on any machine, share the queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A job queued longer than this without a worker taking it makes /readyz answer 503.
JOBS_STALLED_SECONDS = int(os.environ.get("JOBS_STALLED_SECONDS", "300"))
# Workers beat every WORKER_HEARTBEAT_SECONDS; /readyz is 503 `no_worker` when none beat
# within WORKER_STALE_SECONDS (READYZ_NEEDS_WORKER=0: a web-only check). A worker that
# loses its database tries again after 0.5 s, 1 s, 2 s... at most WORKER_BACKOFF_MAX_SECONDS.
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "2"))
WORKER_STALE_SECONDS = float(os.environ.get("WORKER_STALE_SECONDS", "10"))
READYZ_NEEDS_WORKER = env_bool("READYZ_NEEDS_WORKER", default=True)
WORKER_BACKOFF_FIRST_SECONDS = 0.5
WORKER_BACKOFF_MAX_SECONDS = float(os.environ.get("WORKER_BACKOFF_MAX_SECONDS", "10"))
# Error pages for people (in their language), not problem+json, under these paths.
HTML_ERROR_PATHS = ("/console/",)
HTML_ERROR_TEMPLATE = "console/error.html"

# Approving or submitting a month waits this long for the writes into it in flight, then
# answers 409 month_being_written (reporting.approvals.services).
APPROVAL_LOCK_WAIT_SECONDS = float(os.environ.get("APPROVAL_LOCK_WAIT_SECONDS", "3"))
# An import file larger than this runs as a job (202); `?async=true` asks for one anyway.
IMPORT_ASYNC_BYTES = int(os.environ.get("IMPORT_ASYNC_BYTES", str(2 * 1024 * 1024)))
# A job import whose worker stopped (killed, lost its database) is run again this many
# times in all, then marked failed.
IMPORT_MAX_ATTEMPTS = int(os.environ.get("IMPORT_MAX_ATTEMPTS", "3"))
# Webhooks: subscriptions must name public https URLs; development and tests may allow
# http and private addresses (127.0.0.1). Retries wait RETRY_SCHEDULE x this scale.
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", default=DEBUG)
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))  # each wait
# A delivery's whole exchange (connect, send, the answer) ends by then, however the receiver
# drips; and an organisation holds at most this many subscriptions.
WEBHOOK_DEADLINE_SECONDS = float(os.environ.get("WEBHOOK_DEADLINE_SECONDS", "20"))
WEBHOOK_MAX_SUBSCRIPTIONS = int(os.environ.get("WEBHOOK_MAX_SUBSCRIPTIONS", "10"))
# Certificates of https receivers are verified against the system's trusted CAs, or only
# against the CAs in this PEM file (a private CA for receivers inside an organisation).
WEBHOOKS_CA_FILE = os.environ.get("WEBHOOKS_CA_FILE") or None
WEBHOOK_RETRY_SCALE = float(os.environ.get("WEBHOOK_RETRY_SCALE", "1"))
HOUSEKEEPING_SECONDS = int(os.environ.get("HOUSEKEEPING_SECONDS", "60"))
# Delivered webhooks, dispatched events and finished jobs are kept this long.
LOG_RETENTION_DAYS = int(os.environ.get("LOG_RETENTION_DAYS", "30"))
# Months are locked on this day of the following month; partners that have not reported
# are reminded this many days before (by email: the console unless EMAIL_BACKEND is set).
REPORTING_LOCK_DAY = int(os.environ.get("REPORTING_LOCK_DAY", "10"))
REMINDER_DAYS_BEFORE_LOCK = int(os.environ.get("REMINDER_DAYS_BEFORE_LOCK", "3"))
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "5w@localhost")


# The cache holds cached figures and rate-limit counters: shared by every worker (the
# database, or Redis for several machines) in production, in process memory for
# development. `manage.py createcachetable` makes the database's table.
# Setting REDIS_URL alone selects Redis (several machines share it).
def redis_cache(url: str) -> dict:
    """The cache on Redis at `url` (django-redis) behind a circuit breaker (config.cache):
    a Redis that does not answer within half a second is skipped for REDIS_BREAKER_SECONDS
    by every request of the process. Meanwhile figures are computed (their freshness
    counters live in the database, so nothing stale is served once it is back), rate limits
    count in the database, and the outage is logged in one line, not a traceback a request."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "CLIENT_CLASS": "config.cache.BreakerClient",
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
            "IGNORE_EXCEPTIONS": True,
        },
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False  # config.cache logs an outage once
REDIS_BREAKER_SECONDS = float(os.environ.get("REDIS_BREAKER_SECONDS", "30"))
# /readyz answers 503 `cache_unavailable` while Redis (when it is the cache) does not answer.
READYZ_NEEDS_CACHE = env_bool("READYZ_NEEDS_CACHE", default=True)

CACHE_BACKEND = os.environ.get(
    "CACHE_BACKEND", "redis" if os.environ.get("REDIS_URL") else ("locmem" if DEBUG else "db")
)
CACHES = {
    "default": {
        "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "db": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "r4v_cache",
            # Rate-limit counters and cached figures; culling starts past this many.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
        "redis": redis_cache(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")),
    }[CACHE_BACKEND]
}
