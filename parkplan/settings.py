"""Settings for the park-plan monitor, all from environment variables.

DATABASE_URL       postgres://user:pass@host:port/name (PostgreSQL only)
CELERY_BROKER_URL  redis://host:port/db
SECRET_KEY         required unless DEBUG=1
DEBUG              1/0 (default 0)
ALLOWED_HOSTS      comma-separated (default localhost,127.0.0.1)
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "0") -> bool:
    value = os.getenv(name, default).strip().lower()
    if value not in {"1", "0", "true", "false", "yes", "no"}:
        raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}")
    return value in {"1", "true", "yes"}


def envfloat(name: str, default: str) -> float:
    value = os.getenv(name, default)
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


DEBUG = envbool("DEBUG")
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key"  # noqa: S105 - DEBUG only  # nosec B105
ALLOWED_HOSTS = [h.strip() for h in os.getenv("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "pgtrigger",
    "pghistory",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "django_zxcvbn_password_validator",
    "parkplan",
    "parcels",
    "indicators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parkplan.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parkplan.urls"
WSGI_APPLICATION = "parkplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parkplan.context_processors.site",
            ],
        },
    },
]

_database_url = os.getenv("DATABASE_URL", "postgres://postgres@127.0.0.1:54321/parkplan")
# Health checks: a connection PostgreSQL dropped (a restart, a failover) is replaced, not reused.
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Common Chinese weak passwords, keyboard walks, pinyin names and the username in disguise.
    {"NAME": "parkplan.passwords.ChineseWeakPasswordValidator"},
    # Beyond the lists: zxcvbn estimates how many guesses a password takes (dictionary words in
    # leet, years, keyboard patterns), with the organisation's own names and initials as words.
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
PASSWORD_MINIMAL_STRENGTH = 3  # zxcvbn's 0–4: 3 is "safely unguessable" (about 10^8 guesses or more)
PASSWORD_EXTRA_DICTIONARY = [
    # 张江高新区宝山园, 宝山区科委 and the parcels' common names, in pinyin and initials.
    "zhangjiang",
    "zjgx",
    "zjgxq",
    "zjbs",
    "baoshan",
    "bsyq",
    "bsq",
    "bskw",
    "kewei",
    "yuanqu",
    "parkplan",
    "luodian",
    "fudan",
    "nanda",
    "wusong",
    "gongyeyuan",
]
AUTHENTICATION_BACKENDS = [
    "parkplan.throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"  # a manager lands on the returns, others on the overview
LOGOUT_REDIRECT_URL = "login"

# HTTPS everywhere unless HTTPS=0 (scripts/run serves plain http on 127.0.0.1).
HTTPS = envbool("HTTPS", "0" if DEBUG else "1")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000" if HTTPS else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "1")
# Behind nginx or a gateway that terminates TLS and sets X-Forwarded-Proto (and strips it from clients).
if envbool("BEHIND_TLS_PROXY", "0"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
# Scripts read the CSRF token from the form, never from the cookie.
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
# Signed out after a working day without a request: the expiry moves with every request.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(9 * 3600))
SESSION_SAVE_EVERY_REQUEST = True
SECURE_REFERRER_POLICY = "same-origin"
# Monitoring asks gunicorn directly over loopback http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere. Plotly's own rules come from static/css/plotly.css
# (linked with the id plotly.js looks for, so it injects none); the one <style> the bundle
# still injects (MapLibre's, for map traces) is allowed by its hash alone (docs/security.md).
PLOTLY_MAPLIBRE_STYLE_HASH = "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", PLOTLY_MAPLIBRE_STYLE_HASH],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): five failures lock that user name from that address
# only, so one mistyping colleague never locks the office behind its shared NAT address.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = dt.timedelta(minutes=envfloat("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "parkplan.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "parkplan.throttle.client_ip"
# How many proxies (nginx, the gateway) stand before gunicorn and append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# plotly.js is a partial bundle in static/vendor/plotly/ (scripts/build_plotly.sh) of the
# version plotly.py writes figures for (the indicators app checks it at start-up).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Source maps are for developers' tools and never fetched by a page: compressing them (gzip and
# brotli, hashed and unhashed copies) took most of collectstatic's minute.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / ".var" / "media"))

CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL", "redis://127.0.0.1:63791/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
# Never let a web request or an import hang on a broker that is down.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 2, "socket_timeout": 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Every worker writes a heartbeat to Redis that /healthz reads (parkplan/heartbeat.py,
# connected in ParkplanConfig.ready()).
# /healthz turns unhealthy when a data change has waited this long for the indicators.
HEALTH_RECOMPUTE_LAG_SECONDS = envint("HEALTH_RECOMPUTE_LAG_SECONDS", "300")
# Saves only record in the database that a recompute is due (a trigger does it in
# the same transaction); beat asks a worker every few seconds to catch up, so a
# burst of changes collapses into one run and nothing waits on the broker.
RECOMPUTE_POLL_SECONDS = envfloat("RECOMPUTE_POLL_SECONDS", "5")
CELERY_BEAT_SCHEDULE = {
    "recompute-due": {
        "task": "indicators.tasks.recompute_due",
        "schedule": RECOMPUTE_POLL_SECONDS,
        "options": {"expires": max(RECOMPUTE_POLL_SECONDS * 2, 10)},
    },
    "return-reminders": {
        "task": "parcels.tasks.send_return_reminders",
        "schedule": envfloat("RETURN_REMINDER_SECONDS", "3600"),
        "options": {"expires": 3600},
    },
    "safety-recompute": {
        "task": "indicators.tasks.recompute_all",
        "schedule": envfloat("SAFETY_RECOMPUTE_SECONDS", "3600"),
        "options": {"expires": 600},
    },
    # Each plan's early-warning list follows its latest progress; each change is e-mailed once.
    "early-warnings": {
        "task": "indicators.tasks.refresh_early_warnings",
        "schedule": envfloat("WARNING_POLL_SECONDS", "300"),
        "options": {"expires": 300},
    },
    # Reports the office started are recorded as queued; this picks them up.
    "report-sweep": {
        "task": "indicators.reports.tasks.sweep_queued_reports",
        "schedule": envfloat("REPORT_POLL_SECONDS", "3"),
        "options": {"expires": 30},
    },
}
# A report being rendered renews its heartbeat this often; one whose heartbeat is older than
# REPORT_STALE_SECONDS lost its worker and is marked failed (the office retries it with one click).
REPORT_HEARTBEAT_SECONDS = envfloat("REPORT_HEARTBEAT_SECONDS", "5")
REPORT_STALE_SECONDS = envfloat("REPORT_STALE_SECONDS", "30")
# Task modules outside an app's tasks.py that the worker must know.
CELERY_IMPORTS = ["indicators.reports.tasks"]

# Progress rules (docs/method.md §3): pace thresholds, stored with every result.
PROGRESS_AHEAD_PACE = envfloat("PROGRESS_AHEAD_PACE", "1.10")
PROGRESS_ON_TRACK_PACE = envfloat("PROGRESS_ON_TRACK_PACE", "0.90")
# Disclosure control (docs/disclosure.md): a parcel figure from fewer enterprises, or one
# enterprise's share of it above the dominance share, reaches the office only. Applied by the
# recompute: a change takes effect with the next full recompute (recompute_indicators).
DISCLOSURE_MIN_ENTERPRISES = envint("DISCLOSURE_MIN_ENTERPRISES", "3")
DISCLOSURE_DOMINANCE = envfloat("DISCLOSURE_DOMINANCE", "0.85")

# Quarterly returns: due this many days after the quarter ends; managers of
# parcels not yet submitted are e-mailed on these days relative to the deadline.
RETURN_DEADLINE_DAYS = envint("RETURN_DEADLINE_DAYS", "20")
RETURN_REMINDER_OFFSETS = [int(d) for d in os.getenv("RETURN_REMINDER_OFFSETS", "-5,-1,3").split(",") if d.strip()]
# An approval that would move the parcel's number of enterprises or any park indicator by
# more than this share is shown with its effect and needs a second confirmation with a reason.
APPROVAL_CONFIRM_CHANGE = envfloat("APPROVAL_CONFIRM_CHANGE", "0.05")
# A return of a large parcel posts 16 fields per enterprise.
DATA_UPLOAD_MAX_NUMBER_FIELDS = envint("DATA_UPLOAD_MAX_NUMBER_FIELDS", "20000")
# History: who/when/from where of every change (django-pghistory's database triggers).
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# E-mail: printed to the console in development; SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.getenv("EMAIL_HOST", "")
EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = envint("EMAIL_PORT", "587")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "1")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "10")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "parkplan@localhost")
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000")

# Statistics uploads (parcels/returns/uploads.py): the largest file accepted, and the most
# its zip parts may declare uncompressed (a zip bomb is refused before inflating).
STATISTICS_UPLOAD_MAX_BYTES = envint("STATISTICS_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))
STATISTICS_UPLOAD_MAX_UNZIPPED_BYTES = envint("STATISTICS_UPLOAD_MAX_UNZIPPED_BYTES", str(50 * 1024 * 1024))

# The REST API (/api/v1/, parkplan/api_urls.py): tokens for machines, the session
# for the browser; every list paginated; decimals as strings, dates in ISO 8601.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated request gets 401 with WWW-Authenticate: Token.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "parkplan.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "张江高新区宝山园规划监测平台 API / Baoshan sub-park plan monitor API",
    "DESCRIPTION": "指标、进度与企业统计报表接口 / Indicators, progress and statistical returns.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "parkplan.api.add_error_responses",
        "indicators.api.views.plan_codes_in_schema",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StatisticSourceEnum": "parcels.models.Statistic.Source",
        "ReturnSourceEnum": "parcels.models.ParcelReturn.Source",
        "ReturnStateEnum": "parcels.models.ParcelReturn.State",
        "ReportStateEnum": "indicators.models.Report.State",
        "WithheldReasonEnum": "indicators.disclosure.REASONS",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "parkplan.logging.JsonFormatter"},
    },
    # LOG_FORMAT=json: one JSON object a line, for journald and a log collector.
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": os.getenv("LOG_FORMAT", "plain")}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},
    },
}
