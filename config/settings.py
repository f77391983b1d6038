"""Settings, read from the environment (twelve-factor).

DATABASE_URL   default: SQLite file under var/ (git-ignored), for a newcomer's first run.
SECRET_KEY     required unless DEBUG is on.
DEBUG          "1"/"true" for development; off by default.
ALLOWED_HOSTS  comma-separated; defaults to localhost names while DEBUG is on.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "config.api.exceptions.csrf_failure"  # problem+json under /api/
# Browser apps on other origins that may call the API (e.g. https://dashboard.example.org);
# empty: no CORS headers at all (django-cors-headers). Only the API answers them; tokens
# travel in the Authorization header, so cookies are never allowed across origins.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = ["accept", "authorization", "content-type", "if-match", "idempotency-key",
                      "accept-language"]  # fmt: skip
CORS_EXPOSE_HEADERS = ["ETag", "Location", "Retry-After", "Idempotent-Replayed",
                       "Content-Disposition", "Content-Language"]  # fmt: skip
CORS_PREFLIGHT_MAX_AGE = 3600

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "corsheaders",
    "django_tasks",
    "django_tasks_db",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "partners",
    "indicators",
    "reporting",
]

MIDDLEWARE = [
    "config.middleware.RequestBodyLimitMiddleware",
    "config.middleware.NoStoreMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.RejectNulBytesMiddleware",
    "partners.middleware.SignInThrottleMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "partners.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.RequestDeadlineMiddleware",
]

ROOT_URLCONF = "config.urls"
# A missing trailing slash answers 404 problem+json rather than an HTML redirect.
APPEND_SLASH = False
WSGI_APPLICATION = "config.wsgi.application"

AUTHENTICATION_BACKENDS = ["partners.backends.SignInLimitedModelBackend"]
LOGIN_URL = "console-login"  # the web console's sign-in (the admin has its own)
LOGIN_REDIRECT_URL = "console-dashboard"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],  # overrides of apps' templates
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Optional read replica: figures and exports read there (config/db/routing.py) while it is at
# most DATABASE_REPLICA_MAX_LAG_SECONDS behind (asked every DATABASE_REPLICA_CHECK_SECONDS
# per process); further behind, or unreachable, they read the primary.
DATABASE_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("DATABASE_REPLICA_MAX_LAG_SECONDS", "10"))
DATABASE_REPLICA_CHECK_SECONDS = float(os.environ.get("DATABASE_REPLICA_CHECK_SECONDS", "5"))
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=60, conn_health_checks=True
    )

# PostgreSQL: a query running longer than this is cancelled and the API answers 503
# `query_timeout` instead of holding a worker. 0 (the default here) disables it; `make serve`
# sets 30 s. Connections also give up quickly when the server is down. A statement whose
# client died (a web worker killed mid-batch) is ended within DB_CLIENT_CHECK_MS (PostgreSQL
# 14's client_connection_check_interval) instead of running on, holding the locks the next
# batch waits for; 0 leaves it to the server's setting.
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        timeout_ms = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "0"))
        client_check_ms = int(os.environ.get("DB_CLIENT_CHECK_MS", "1000"))
        options = _database.setdefault("OPTIONS", {})
        options["connect_timeout"] = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
        startup = [f"-c statement_timeout={timeout_ms}"] if timeout_ms else []
        if client_check_ms:
            startup.append(f"-c client_connection_check_interval={client_check_ms}")
        if startup:
            options["options"] = " ".join(startup)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # WAL lets the dev server read while a write is in progress.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL;",
        # Writers take the lock when their transaction begins, so concurrent writers wait
        # (up to `timeout` seconds) instead of failing half-way through.
        transaction_mode="IMMEDIATE",
        timeout=20,
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Jobs report their progress (and see a cancel) on a connection of their own: the job's
# rows stay in one transaction, all or nothing, while others read how far it got.
DATABASES["jobs"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}

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
# An import file larger than this runs as a job (202); `?async=true` asks for one anyway.
# Error pages for people (in their language), not problem+json, under these paths.
HTML_ERROR_PATHS = ("/console/",)
HTML_ERROR_TEMPLATE = "console/error.html"

# Approving or submitting a month waits this long for the writes into it in flight, then
# answers 409 month_being_written (reporting.approvals.services).
APPROVAL_LOCK_WAIT_SECONDS = float(os.environ.get("APPROVAL_LOCK_WAIT_SECONDS", "3"))
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "partners.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# English and Spanish: Accept-Language (or a user's `language`) picks one for problem
# titles and messages, the 5W template, error reports and export labels. The catalogues
# are in locale/ (the compiled .mo files are committed: no gettext needed to run).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Lima")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed copies, no manifest: the docs' assets are served by WhiteNoise from gunicorn.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Request bodies: batches of 5,000 reports fit well under this.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MAX_REQUEST_BODY_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Security (production values unless DEBUG) -------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- API -----------------------------------------------------------------------------------
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "1200/min") or None  # "" disables
# Failed sign-ins (bad API tokens, admin and browsable-API passwords) per client address.
AUTH_FAILURE_RATE_LIMIT = os.environ.get("AUTH_FAILURE_RATE_LIMIT", "30/min") or None
API_MAX_PAGE_SIZE = 1000
API_MAX_BATCH_ROWS = int(os.environ.get("API_MAX_BATCH_ROWS", "5000"))
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(100 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "500000"))
# Problems listed per batch, import or upload; the rest are counted per code (RowErrors).
MAX_ROW_ERRORS = int(os.environ.get("MAX_ROW_ERRORS", "1000"))
# Rows of a coordinator's reference-data file (targets, proportions): the region's whole
# proportions workbook is about 3,000.
REFERENCE_MAX_ROWS = int(os.environ.get("REFERENCE_MAX_ROWS", "20000"))
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", str(200 * 1024 * 1024)))
API_TOKEN_LAST_USED_RESOLUTION_SECONDS = 60
# A request's database work stops this long after it started (503 `request_timeout`);
# under gunicorn's own timeout (GUNICORN_TIMEOUT, 120 s), so the answer is ours. 0: no limit.
REQUEST_TIMEOUT_SECONDS = float(os.environ.get("REQUEST_TIMEOUT_SECONDS", "60"))
# Figures are cached until the data they depend on changes (config.db.generations), at most
# this long; 0 turns the cache off.
FIGURES_CACHE_SECONDS = int(os.environ.get("FIGURES_CACHE_SECONDS", "3600"))
# PostgreSQL: figures read the monthly cells the report table's triggers keep
# (reporting/activities/figure_cells.py) instead of the reports. Off: they read the reports.
FIGURES_ROLLUP = env_bool("FIGURES_ROLLUP", default=True)
# How long a reply to an Idempotency-Key is replayed; older keys count as new.
IDEMPOTENCY_KEY_HOURS = int(os.environ.get("IDEMPOTENCY_KEY_HOURS", "48"))
# A retry arriving while the first request with its key still runs waits this long for it,
# then answers 409 `idempotency_key_in_flight`.
IDEMPOTENCY_WAIT_SECONDS = float(os.environ.get("IDEMPOTENCY_WAIT_SECONDS", "10"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Bearer first: its challenge is what a 401 carries in WWW-Authenticate.
        "partners.authentication.BearerTokenAuthentication",
        "partners.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "config.api.renderers.JSONRenderer",
        "config.api.renderers.BrowsableAPIRenderer",
        # Exports: ?format=csv|hxl|xlsx or Accept (text/csv, application/vnd.hxl+csv, XLSX).
        "config.api.exports.HXLRenderer",
        "config.api.exports.CSVRenderer",
        "config.api.exports.XLSXRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["config.api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.api.negotiation.ContentNegotiation",
    "DEFAULT_FILTER_BACKENDS": [
        "config.api.filters.FilterBackend",
        "config.api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["partners.throttling.TokenRateThrottle"],
    # The client address for rate limits: X-Forwarded-For only from the TLS proxy.
    "NUM_PROXIES": 1 if env_bool("BEHIND_TLS_PROXY", default=False) else 0,
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exceptions.problem_exception_handler",
    "ORDERING_PARAM": "ordering",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "R4V inter-agency reporting API",
    "DESCRIPTION": (
        "Monthly 5W activity reports, reference data and figures for a refugee and migrant "
        "response platform. Authenticate with `Authorization: Bearer <token>`. Every error is "
        "RFC 9457 problem details (`application/problem+json`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema.postprocess",
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from validator.swagger.io: the docs make no request outside this server.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
    "ENUM_NAME_OVERRIDES": {
        "PartnerTypeEnum": "partners.choices.PartnerType",
        "RoleEnum": "partners.choices.Role",
        "IndicatorTypeEnum": "indicators.choices.IndicatorType",
        "LocationLevelEnum": "reporting.locations.choices.LocationLevel",
        "DeliveryMechanismEnum": "reporting.activities.choices.DeliveryMechanism",
        "PeriodStatusEnum": "reporting.periods.choices.PeriodStatus",
        "ImportStatusEnum": "reporting.activities.models.Import.Status",
        "HistoryActionEnum": "config.db.choices.HistoryAction",
        "ChangeChannelEnum": "config.db.choices.ChangeChannel",
        "BatchRowActionEnum": ["created", "updated", "unchanged"],
        "ConsolidationModelEnum": "reporting.figures.choices.ConsolidationModel",
        "AccumulationEnum": "reporting.figures.choices.Accumulation",
        "SettingSourceEnum": ["query", "country_setting", "platform_default"],
        "MethodSourceEnum": ["query", "platform_default"],
        "RoundingEnum": "reporting.figures.choices.Rounding",
        "MissingSharesEnum": "reporting.figures.choices.MissingShares",
        "IndicatorTypesEnum": "reporting.figures.choices.IndicatorTypes",
        "DirectionEnum": "reporting.border_flows.choices.Direction",
        "BorderPointKindEnum": "reporting.border_flows.choices.BorderPointKind",
        "ObservationMethodEnum": "reporting.border_flows.choices.ObservationMethod",
        "CheckCategoryEnum": "reporting.quality.choices.CheckCategory",
        "SubmissionStatusEnum": "reporting.approvals.choices.SubmissionStatus",
        "SubmissionActionEnum": "reporting.approvals.choices.SubmissionAction",
        "ReportSectionEnum": "reporting.sitreps.choices.Section",
    },
}

# SQLite has no covering indexes: it ignores the report index's INCLUDE columns and uses its
# key columns (reporting.activities.models.ActivityReport.Meta); PostgreSQL uses both.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
