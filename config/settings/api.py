"""The API: limits, timeouts, caching of figures, DRF, the OpenAPI document, logging."""

import os

from .base import env_bool

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
