"""Settings for the park-plan monitor, all from environment variables.

DATABASE_URL       postgres://user:pass@host:port/name (PostgreSQL only)
CELERY_BROKER_URL  redis://host:port/db
SECRET_KEY         required unless DEBUG=1
DEBUG              1/0 (default 0)
ALLOWED_HOSTS      comma-separated (default localhost,127.0.0.1)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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
    SECRET_KEY = "insecure-development-key"  # noqa: S105 - DEBUG only
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
    "parcels",
    "indicators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parkplan.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
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
    "safety-recompute": {
        "task": "indicators.tasks.recompute_all",
        "schedule": envfloat("SAFETY_RECOMPUTE_SECONDS", "3600"),
        "options": {"expires": 600},
    },
}

# Progress rules (domain.md §7): pace thresholds, stored with every result.
PROGRESS_AHEAD_PACE = envfloat("PROGRESS_AHEAD_PACE", "1.10")
PROGRESS_ON_TRACK_PACE = envfloat("PROGRESS_ON_TRACK_PACE", "0.90")

# Statistics uploads (parcels/uploads.py): the largest file accepted, and the most
# its zip parts may declare uncompressed (a zip bomb is refused before inflating).
STATISTICS_UPLOAD_MAX_BYTES = envint("STATISTICS_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))
STATISTICS_UPLOAD_MAX_UNZIPPED_BYTES = envint("STATISTICS_UPLOAD_MAX_UNZIPPED_BYTES", str(50 * 1024 * 1024))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
