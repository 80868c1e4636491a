"""Django settings, read from the environment (see docs/deployment.md)."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from maillage.env import ConfigError, env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

DEBUG = env_bool("DEBUG", False)
# Production refuses to start without a real secret; development gets a fixed one.
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("MAILLAGE_PRODUCTION", False):
        raise ConfigError("SECRET_KEY must be set in production")
    SECRET_KEY = "dev-only-not-secret-" + "x" * 40

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "maillage.core",
    "maillage.directory",
    "maillage.equipment",
    "maillage.qualifications",
    "maillage.interop",
    "maillage.sharing",
    "maillage.matching",
    "maillage.maintenance",
    "maillage.symbiosis",
    "maillage.designs",
    "maillage.cooperation",
    "maillage.impact",
    "maillage.map",
    "maillage.demo",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "maillage.core.request_limits.RequestLimitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "maillage.urls"
WSGI_APPLICATION = "maillage.wsgi.application"

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
            ],
        },
    },
]

# An empty DATABASE_URL means the default too (`DATABASE_URL= make test-sqlite`).
DATABASE_URL = env_str("DATABASE_URL", "") or f"sqlite:///{PROJECT_DIR / 'maillage.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ConfigError(f"DATABASE_URL is not a database URL we understand: {exc}") from None
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # One test database per run, so that two runs against one server never collide.
    DATABASES["default"]["TEST"] = {
        "NAME": env_str("TEST_DATABASE_NAME", f"test_maillage_{os.getpid()}")
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while a writer commits; IMMEDIATE takes the write lock up front.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file (not memory) so that browser tests' live server shares it; one per run, so that
    # two test runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {
        "NAME": env_str(
            "TEST_DATABASE_NAME",
            str(Path(tempfile.gettempdir()) / f"test-maillage-{os.getpid()}.sqlite3"),
        )
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "directory.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "directory:my_organisations"
LOGOUT_REDIRECT_URL = "map:map"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(PROJECT_DIR / "staticfiles")))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("MAILLAGE_MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(PROJECT_DIR / "media")))
# Uploads only a permission-checked view serves (the network's private documents): never under
# MEDIA_ROOT, which the front web server serves to anyone.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(PROJECT_DIR / "private")))

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Maillage <noreply@localhost>")

# Production hardening: `manage.py check --deploy` passes when MAILLAGE_PRODUCTION=1.
if env_bool("MAILLAGE_PRODUCTION", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    if SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 50:
        raise ConfigError("SECRET_KEY must be at least 50 random characters in production")

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Background work (allocation runs): a database-backed queue, run by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": env_choice(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend",
            {"django_tasks_db.DatabaseBackend", "django_tasks.backends.immediate.ImmediateBackend"},
        )
    }
}

# Map and directory tuning.
MAP_MAX_POINTS = env_int("MAP_MAX_POINTS", 4000, minimum=100)
NINJA_PAGINATION_PER_PAGE = 50
# API pages: at most this many items, starting at most this far in (larger asks get a 422).
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 500, minimum=1)
API_MAX_OFFSET = env_int("API_MAX_OFFSET", 100_000, minimum=0)
NINJA_PAGINATION_CLASS = "maillage.core.pagination.Pagination"

# Impact: the public network dashboard shows a cell (a month, a department, a process, a total)
# only when at least this many organisations contribute to it, so no firm's figures show alone.
IMPACT_MIN_CONTRIBUTORS = env_int("IMPACT_MIN_CONTRIBUTORS", 3, minimum=1)

# Security: brute-force throttles, token hashing, response headers (see docs/security.md).
INSTALLED_APPS = [*INSTALLED_APPS, "axes"]
# With "ninja" installed, /api/v1/docs serves Swagger UI from /static/ with no inline script.
if "ninja" not in INSTALLED_APPS:
    INSTALLED_APPS.append("ninja")
MIDDLEWARE = [
    *MIDDLEWARE,
    "maillage.core.throttle.ApiThrottleMiddleware",
    # Last, as django-axes asks: it turns a lockout into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]
MIDDLEWARE.insert(1, "maillage.core.headers.SecurityHeadersMiddleware")
# Axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# How many reverse proxies (nginx, Caddy) we run in front of gunicorn: the client's address is
# the entry the outermost one appended to X-Forwarded-For; 0 trusts REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Login (/accounts/login/ and /admin/login/): N failures lock the account, from any address,
# and the address, for any account, until the cool-off has passed since the last failure.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "maillage.core.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "maillage.core.throttle.axes_client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# API: requests per window per address and per token or signed-in account (raise them for
# fuzzing or load tests: API_RATE_LIMIT=1000000).
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 600, minimum=1)
API_RATE_LIMIT_PER_ACCOUNT = env_int("API_RATE_LIMIT_PER_ACCOUNT", 300, minimum=1)
API_RATE_WINDOW_SECONDS = env_int("API_RATE_WINDOW_SECONDS", 60, minimum=1)
API_RATE_LIMIT_PREFIX = "/api/"
# Production refuses to serve debug pages (tracebacks, settings) to the world.
if env_bool("MAILLAGE_PRODUCTION", False) and DEBUG:
    raise ConfigError("DEBUG must be off in production (MAILLAGE_PRODUCTION=1)")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts only from our own /static/ (no inline script, no eval); inline styles are still used
# by a few templates and by Leaflet; map tiles come from OpenStreetMap.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https://tile.openstreetmap.org; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)
# Axes logs every sign-in at INFO; lockouts and failures (WARNING) are what matters.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # type: ignore[index]
