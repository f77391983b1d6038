"""Django itself: hosts, apps, middleware, templates, databases, accounts, languages,
static files, security."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


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
