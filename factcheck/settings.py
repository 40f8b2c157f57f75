"""Settings for Factcheck Workbench: one file, every deployment choice read from the environment.

A bad value stops start-up with a message naming the variable, rather than running half-configured.
"""

from __future__ import annotations

import os
import re
import sys
import warnings
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path
from typing import overload

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from factcheck.logs import LOG_FORMATS, logging_config
from factcheck.sentry import sentry_init

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    # An empty variable counts as unset, as in `DATABASE_URL= make test`.
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


@overload
def env_float(name: str, default: float) -> float: ...
@overload
def env_float(name: str, default: None) -> float | None: ...
def env_float(name: str, default: float | None) -> float | None:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_proxy_header(name: str) -> tuple[str, str] | None:
    # "HTTP_X_FORWARDED_PROTO,https": the header (as Django names it) and the value meaning TLS.
    raw = env_str(name, "")
    if not raw:
        return None
    header, _, value = (part.strip() for part in raw.partition(","))
    if not header.startswith("HTTP_") or not value:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a header and a value (use HTTP_X_FORWARDED_PROTO,https)"
        )
    return (header, value)


DEBUG = env_bool("DEBUG", False)
# Used only with DEBUG or under pytest. Like .env.example's CHANGE-ME (and the old compose
# default change-me-in-dot-env), anyone can read it, so a deployment may never run with it.
LOCAL_SECRET_KEY = "insecure-local-key-set-SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if SECRET_KEY in {"", LOCAL_SECRET_KEY} or SECRET_KEY.lower().startswith("change-me"):
    # Two tools import the settings without serving anyone: pytest (it sets PYTEST_VERSION for
    # its run and the processes it starts, the worker and the servers) and mypy's Django plugin.
    # `make run` generates a key of its own in .secret-key. Anything else is a deployment.
    code_tool = bool(os.environ.get("PYTEST_VERSION")) or "mypy" in sys.modules
    if not DEBUG and not code_tool:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing or a public default: set it to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), or DEBUG=true locally"
        )
    SECRET_KEY = LOCAL_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The public record's sitemap.xml (its template); the pages are in claims/views/public.py.
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    # API tokens: stored as SHA-512 digests, expiring, revocable (REST_KNOX below).
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    # Login throttling: failed attempts and lockouts in its own tables (see AXES_* below).
    "axes",
    "claims",
]

MIDDLEWARE = [
    # First: every request gets an id for its log lines and one line of its own (LOG_FORMAT).
    "factcheck.logs.RequestLogMiddleware",
    # Before anything reads the Host header: probes come by the container's own address.
    "factcheck.health.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "claims.middleware.LoginRequiredExceptApiMiddleware",
    # Workbench pages are never stored: Back must not show claims as they were.
    "claims.middleware.NoStoreWorkbenchPagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "claims.middleware.WorkflowErrorMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claims.context_processors.workbench",
            ],
        },
    },
]

# DATABASE_URL selects PostgreSQL (postgres://user@host:5432/name); unset, SQLite in the project.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Kept a minute: a new PostgreSQL connection per request cost 30% of a small API
        # request's throughput (58 against 82 req/s).
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        # A connection left stale by a database restart is replaced, not answered with a 500.
        conn_health_checks=True,
    )
}
# Every query of every request and task ends within this many seconds (PostgreSQL only; 0 is
# no limit): one slow search cannot hold a connection and a gunicorn worker until it is killed.
# Long maintenance commands may raise it for their run (DATABASE_STATEMENT_TIMEOUT=0).
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 30)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {
        "options": f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}"
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The browser and worker tests share the test database with another process, which an
    # in-memory SQLite database cannot do.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process read while the worker writes claims.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "article_list"
LOGOUT_REDIRECT_URL = "login"
# A reset link works once, and only for this long (Django's default is three days).
PASSWORD_RESET_TIMEOUT = 60 * 60
# One reset email per address per this interval, however often the form is sent (the cache
# counts: with the default per-process cache, once per web worker).
PASSWORD_RESET_EMAIL_INTERVAL = timedelta(minutes=10)

# The admin's address: a path of its own ("backstage/"), ending in a slash, without a leading one.
ADMIN_URL = env_str("ADMIN_URL", "admin/")
if not re.fullmatch(r"([A-Za-z0-9._~-]+/)+", ADMIN_URL):
    raise ImproperlyConfigured(
        f"ADMIN_URL={ADMIN_URL!r} is not a path like admin/ (no leading slash, one at the end)"
    )

# --- Email (password reset) ----------------------------------------------------------------------
# With EMAIL_HOST set, mail goes out over SMTP; without it, it is printed to the log, which suits
# `make run` but not a server: anyone who can read the log could use the reset links in it.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
# Implicit TLS (port 465) or STARTTLS (port 587, the default); never both.
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    raise ImproperlyConfigured("EMAIL_USE_SSL and EMAIL_USE_TLS cannot both be true")
EMAIL_PORT = env_int("EMAIL_PORT", 465 if EMAIL_USE_SSL else 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
# Seconds: a mail server that does not answer must not hold a web worker until gunicorn kills it.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")

# --- Login throttling (django-axes) ---------------------------------------------------------------
# Axes' backend comes first: it refuses a locked-out user+address before the password is checked,
# on /login/ and on the admin's login alike. API tokens and existing sessions never authenticate
# with a password, so they are not counted.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Last, as axes asks: it turns the lockout its backend flagged into the lockout page.
MIDDLEWARE = [*MIDDLEWARE, "axes.middleware.AxesMiddleware"]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
# Minutes (axes itself reads a bare number as hours); never 0, which would lock for good.
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_TIME", 15)
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT and AXES_COOLOFF_TIME must be at least 1")
# Count per username and address together: a guesser elsewhere cannot lock a reviewer out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Each attempt while locked restarts the cool-off (axes' default, stated because the lockout
# page's "try again after" relies on it).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_CALLABLE = "factcheck.lockout.lockout_response"
# The address a failure is counted against. TRUSTED_PROXY_COUNT is how many reverse proxies stand
# in front of the workbench, each appending the address it saw to X-Forwarded-For (nginx with
# $proxy_add_x_forwarded_for; a CDN and nginx are 2). 0, the default, counts the connecting
# address (REMOTE_ADDR). With N, the Nth address from the right end of the header is the client:
# whatever a client wrote into the header itself stands further left and is ignored. Set it only
# when the workbench cannot be reached except through those proxies.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT} cannot be negative")
if TRUSTED_PROXY_COUNT:
    # Without django-ipware axes reads REMOTE_ADDR whatever it is told: all behind one proxy.
    if find_spec("ipware") is None:
        raise ImproperlyConfigured("TRUSTED_PROXY_COUNT needs django-ipware (django-axes[ipware])")
    AXES_IPWARE_META_PRECEDENCE_ORDER: tuple[str, ...] = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    # ipware counts the proxies named in the header; the last one, which connects to us, is not.
    AXES_IPWARE_PROXY_COUNT: int | None = TRUSTED_PROXY_COUNT - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
AXES_IPWARE_PROXY_ORDER = "left-most"
# Strict, ipware would drop a header with more entries than proxies (a client's own prefix) and
# fall back to the proxy's address for everyone sending one; counting from the right needs none.
IPWARE_STRICT = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Ingest limits -----------------------------------------------------------------------------
# The largest article accepted from any door (form, API, command), in bytes.
ARTICLE_MAX_BYTES = env_int("ARTICLE_MAX_BYTES", 5 * 1024 * 1024)
# Request bodies may carry an article plus form overhead; anything bigger is refused early.
DATA_UPLOAD_MAX_MEMORY_SIZE = ARTICLE_MAX_BYTES + 256 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = ARTICLE_MAX_BYTES + 256 * 1024
# A text whose word 5-grams are at least this similar (estimated Jaccard, 0-1) to an article's is
# kept as a version of that article instead of becoming a second one. Measured on news text:
# small edits, a new headline, a paragraph more or less or one site's boilerplate score 0.85-0.97,
# the same text with two different sites' boilerplate 0.82, another article on the same story 0.01.
# Below 0.5 the LSH bands (claims.matching.neardup) seldom bring the pair together at all.
NEAR_DUPLICATE_THRESHOLD = env_float("NEAR_DUPLICATE_THRESHOLD", 0.8)
if not 0.5 <= NEAR_DUPLICATE_THRESHOLD <= 1.0:
    raise ImproperlyConfigured(
        f"NEAR_DUPLICATE_THRESHOLD={NEAR_DUPLICATE_THRESHOLD} must be between 0.5 and 1"
    )

# --- Reports -----------------------------------------------------------------------------------
# Public address of the workbench: ClaimReview `url`s, report links, the sitemap and the feed are
# built from it. `make run` sets it from HOST and PORT when it is not set.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Selections with more verdicts than this are built by the worker, with progress shown.
REPORT_ASYNC_THRESHOLD = env_int("REPORT_ASYNC_THRESHOLD", 500)
# A PDF takes WeasyPrint about 45 ms of CPU a verdict: bigger PDF selections go to the worker.
REPORT_ASYNC_THRESHOLDS = {"pdf": env_int("REPORT_ASYNC_THRESHOLD_PDF", 25)}
# Finished exports are written here and served only to logged-in users.
EXPORT_ROOT = Path(env_str("EXPORT_ROOT", str(BASE_DIR / "exports")))

# --- Celery ------------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
# `make run` sets CELERY_BROKER_URL to an embedded filesystem broker when Redis does not answer.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_BROKER_FOLDER = Path(env_str("CELERY_BROKER_FOLDER", str(BASE_DIR / ".broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_FOLDER.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(CELERY_BROKER_FOLDER),
        "data_folder_out": str(CELERY_BROKER_FOLDER),
        # Its exchange tables; kombu's default is ./control, wherever the process started.
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        # Processed messages would otherwise pile up on disk forever.
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Give up quickly when Redis is down: the article stays queued and the sweep re-sends it.
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "max_retries": 1,
        # A task whose worker died is handed out again after this long (acks_late).
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    }
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "factcheck")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Splits run on the default queue; the sweep, the worker heartbeat and report exports on queues
# of their own (CELERY_QUEUE + ".maintenance" / ".exports", see factcheck.celery.route_task), so a
# long split never holds them up. `make run` and compose start a worker for each.
CELERY_TASK_ROUTES = ("factcheck.celery.route_task",)
# Articles left queued (Redis was down) or stuck splitting (a worker died) are sent again.
ARTICLE_SWEEP_SECONDS = env_int("ARTICLE_SWEEP_SECONDS", 15)
# A split renews its lease every third of this while it runs; a lease not renewed for this long
# means its worker died, and the sweep hands the article to another.
ARTICLE_SPLIT_LEASE_SECONDS = env_int("ARTICLE_SPLIT_LEASE_SECONDS", 30)
# A task message the broker took is not sent again for this long: it may still be waiting behind
# others in the queue. Only a message Redis lost (it keeps nothing on disk) needs sending again.
TASK_RESEND_SECONDS = env_int("TASK_RESEND_SECONDS", 600)
# A worker child may use this much memory (MB of data, RLIMIT_DATA); a split that needs more
# fails with its reason and the child carries on. Children past 3/4 of it are replaced.
WORKER_MEMORY_LIMIT_MB = env_int("WORKER_MEMORY_LIMIT_MB", 2048)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = WORKER_MEMORY_LIMIT_MB * 1024 * 3 // 4
if min(ARTICLE_SWEEP_SECONDS, ARTICLE_SPLIT_LEASE_SECONDS, WORKER_MEMORY_LIMIT_MB) < 1:
    raise ImproperlyConfigured(
        "ARTICLE_SWEEP_SECONDS, ARTICLE_SPLIT_LEASE_SECONDS and WORKER_MEMORY_LIMIT_MB must be "
        "at least 1"
    )
# "Checked before?" (claims.services.matching). A pair scoring at least the first threshold is
# suggested to a reviewer; at least the second with the same figures, it is confirmed. Empty:
# the values claims.matching calibrated on CLEF 2020 dev (its README says how).
MATCH_SUGGEST_THRESHOLD = env_float("MATCH_SUGGEST_THRESHOLD", None)
MATCH_CONFIRM_THRESHOLD = env_float("MATCH_CONFIRM_THRESHOLD", None)
# Nearest vectors re-ranked per claim, plus claims found by the same figures as written.
MATCH_CANDIDATES = env_int("MATCH_CANDIDATES", 50)
MATCH_LEXICAL_CANDIDATES = env_int("MATCH_LEXICAL_CANDIDATES", 20)
# Two figures are compared for a conflict only when their claims are at least this close.
MATCH_CONFLICT_COSINE = env_float("MATCH_CONFLICT_COSINE", 0.45)
# Matching an article takes seconds; a lease this old means its worker died mid-match.
MATCH_LEASE_SECONDS = env_int("MATCH_LEASE_SECONDS", 300)
# The worker proves it is consuming by running this from beat; /health/ready/ reads the time.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 30)
CELERY_IMPORTS = ["factcheck.health"]
CELERY_BEAT_SCHEDULE = {
    "requeue-stalled-articles": {
        "task": "claims.tasks.requeue_stalled_articles",
        "schedule": float(ARTICLE_SWEEP_SECONDS),
    },
    "worker-heartbeat": {
        "task": "factcheck.health.worker_heartbeat",
        "schedule": float(WORKER_HEARTBEAT_SECONDS),
        # A heartbeat nobody ran in time says nothing: drop it rather than pile them up.
        "options": {"expires": float(WORKER_HEARTBEAT_SECONDS)},
    },
}

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: DRF takes the first class's WWW-Authenticate header, which makes a missing
    # or bad token a 401 (log in) rather than a 403 (not allowed).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "claims.api.auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["claims.api.errors.HasWorkbenchRole"],
    # JSON in, JSON out: a form or multipart body would be read without its nested lists
    # (a verdict's citations) and the schema would advertise bodies nobody should send. Only
    # the article upload takes multipart, and says so itself. The parser refuses bodies nested
    # too deep or with too many values with a 400 (claims/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["claims.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "claims.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "claims.api.errors.exception_handler",
}
# API tokens last this many hours from creation (0: until revoked). Thirty days by default: a
# newsroom script keeps working through a month, and a leaked key stops on its own.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 720)
if API_TOKEN_TTL_HOURS < 0:
    raise ImproperlyConfigured("API_TOKEN_TTL_HOURS must be 0 (never expire) or more")
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS) if API_TOKEN_TTL_HOURS else None,
    # The expiry is fixed when the token is made: a stolen key cannot keep itself alive.
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Factcheck Workbench API",
    "DESCRIPTION": "Ingest articles, triage their candidate claims, and publish verdicts.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # PATCH bodies keep the serializers' required fields (`version`): the server insists on them.
    "COMPONENT_SPLIT_PATCH": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "claims.api.schema.add_error_responses",
        "claims.api.schema.name_operations",
        "claims.api.schema.blank_or_url",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ArticleStatusEnum": "claims.models.ArticleStatus",
        "ClaimStatusEnum": "claims.models.ClaimStatus",
        "VerdictStatusEnum": "claims.models.VerdictStatus",
    },
}

# LOG_FORMAT=json: one JSON object a line (time, level, logger, message, exception, request id,
# path and status in the web process, task id and name in the worker), for a log pipeline.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not one of {', '.join(LOG_FORMATS)}")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env_str("LOG_LEVEL", "INFO"))
LOGGING_CONFIG = "factcheck.logs.configure"
# The worker replaces the root logger's handlers with its own plain-text ones unless told not
# to; with JSON lines it keeps the ones above.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

# --- Error tracking (optional) -----------------------------------------------------------------
# Sentry, for the web process and the worker, only when SENTRY_DSN is set. No personal data is
# sent; traces only when SENTRY_TRACES_SAMPLE_RATE is above 0 (a share of requests, up to 1).
SENTRY_DSN = env_str("SENTRY_DSN", "")
SENTRY_TRACES_SAMPLE_RATE = env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0)
if not 0.0 <= SENTRY_TRACES_SAMPLE_RATE <= 1.0:
    raise ImproperlyConfigured(
        f"SENTRY_TRACES_SAMPLE_RATE={SENTRY_TRACES_SAMPLE_RATE} is not between 0 and 1"
    )
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "production")
SENTRY_RELEASE = env_str("SENTRY_RELEASE", "")
if SENTRY_DSN:
    sentry_init(
        dsn=SENTRY_DSN,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
        environment=SENTRY_ENVIRONMENT,
        release=SENTRY_RELEASE,
    )

# --- HTTPS -------------------------------------------------------------------------------------
# Off by default so `make run` works over plain HTTP; .env.example (production) turns them all on.
# Behind a TLS-terminating proxy, the header it sets to say the request came over HTTPS.
SECURE_PROXY_SSL_HEADER = env_proxy_header("SECURE_PROXY_SSL_HEADER")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# The compose healthchecks probe the container over plain HTTP, from inside it.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# The pages load nothing from other origins and run no inline code. <style> blocks carry the
# per-response nonce (the public pages inline their styles; see public_base.html); colours that
# vary by rating are set through CSSOM or nonced rules, never style="" attributes. JSON-LD
# <script type="application/ld+json"> is a data block and is not subject to script-src.
# The HTML report and Swagger UI relax style-src for their own responses (claims/views/reports.py,
# claims/api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Serve static files straight from the app folders, so `make run` needs no collectstatic;
# docker-compose runs collectstatic and uses the compressed manifest storage instead.
WHITENOISE_USE_FINDERS = True
# Without collectstatic there is no STATIC_ROOT yet; WhiteNoise only needs it in production.
warnings.filterwarnings("ignore", message="No directory at: .*staticfiles")
