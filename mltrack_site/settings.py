"""MLTrack settings, read from environment variables with safe defaults.

Development (the default) runs on SQLite under ``var/`` with no other servers.
``MLTRACK_ENV=production`` switches to settings that pass ``manage.py check --deploy``
and refuses to start without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MLTRACK_VAR_DIR", BASE_DIR / "var"))

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int, maximum: int) -> int:
    """A whole number from ``minimum`` to ``maximum``: every integer setting says its range, and a
    value outside it stops start-up (a page size of 0 would otherwise pass and fail on every page)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ImproperlyConfigured(f"{name} must be between {minimum:,} and {maximum:,}, not {value:,}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


MLTRACK_ENV = env_str("MLTRACK_ENV", "development")
if MLTRACK_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"MLTRACK_ENV must be development or production, not {MLTRACK_ENV!r}")
PRODUCTION = MLTRACK_ENV == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else DEV_SECRET_KEY)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == DEV_SECRET_KEY):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters in production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the host(s) MLTrack is served on in production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    # Swagger UI and ReDoc served from the app's own static files (no CDN).
    "drf_spectacular_sidecar",
    # The domain apps, each built on the ones above it: packages -> reports -> compliance -> reviews -> inventory.
    "inventory",
    "reviews",
    "compliance",
    # Model, system and agent cards, above compliance and below reports.
    "cards",
    # Model registries reconciled against the inventory (above compliance, below reports).
    "registries",
    "reports",
    "packages",
    "transfers",
    # The REST API and its tokens, above every domain app.
    "api",
    # Digests, escalation, scheduled reports and the nightly verification, above reports and reviews.
    "notifications",
    # The scheduler's jobs as rows that administrators edit in the admin (defaults below).
    "django_celery_beat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Scripts and styles from the app's own files only (common/middleware.py says why that is enough).
    "common.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A request with NUL in its address or query string is answered 400 (PostgreSQL refuses NUL);
    # after authentication, so that the log line names who sent it.
    "common.middleware.RefuseNulMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the final response of a failed login.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "mltrack_site.urls"
WSGI_APPLICATION = "mltrack_site.wsgi.application"

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
                "inventory.context_processors.console",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another (sqlite:////abs/path or postgres://...).
DEFAULT_SQLITE_PATH = VAR_DIR / "mltrack.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}")
try:
    DATABASES = {"default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0, maximum=24 * 60 * 60)
    )}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL this build understands: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the console read while the worker or CLI writes; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
# ISO dates in every form (see mltrack_site/formats/en/formats.py).
FORMAT_MODULE_PATH = ["mltrack_site.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
try:
    ZoneInfo(TIME_ZONE)
except (ValueError, ZoneInfoNotFoundError, OSError):
    raise ImproperlyConfigured(
        f"TIME_ZONE must be a time zone name such as Europe/London, not {TIME_ZONE!r}"
    ) from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
# Outside production, serve straight from static/ (no collectstatic needed on a laptop).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Email (digests arrive with the scheduler); console backend until SMTP is configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "mltrack@localhost")

# Background work and scheduled jobs (Celery). Production: Redis. The default needs no server:
# the broker keeps its messages as files under var/broker/, which every process on this machine
# shares (web, worker and scheduler); see docs/deployment.md. Importing these settings creates no
# folder: each process makes the ones it needs (common/folders.py).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0" if PRODUCTION else "filesystem://")
# Redis hands a message that a worker took but never acknowledged (the worker died) to another
# worker after this many seconds. Longer than any report takes, so a slow render is not handed out
# twice; a dead worker's report is picked up sooner by the sweeper below.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 60 * 60, minimum=60, maximum=7 * 24 * 60 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
if CELERY_BROKER_URL.startswith("filesystem://"):
    BROKER_DIR = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
# Keep retrying a broker that is not up yet when a worker starts (Celery 6 stops deriving this).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Tasks record their outcome in MLTrack's own tables (a report job, a snapshot): no result backend.
CELERY_TASK_IGNORE_RESULT = True
# A message is acknowledged when its task ends, not when it starts, and a pool process that dies
# mid-task (killed, out of memory) hands its message back to the broker: the work is not lost with
# the process. Tasks are written to be run twice (a report job is claimed before it is rendered).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE

# A report job's lease (docs/deployment.md, "When a worker dies"): the worker rendering a report
# renews it every third of this many seconds; a job whose lease ran out has lost its worker. The
# sweeper then queues it again, up to MLTRACK_REPORT_JOB_ATTEMPTS renders in all, and after the
# last one fails it with the reason.
MLTRACK_REPORT_JOB_LEASE = env_int("MLTRACK_REPORT_JOB_LEASE", 2 * 60, minimum=3, maximum=24 * 60 * 60)
MLTRACK_REPORT_JOB_ATTEMPTS = env_int("MLTRACK_REPORT_JOB_ATTEMPTS", 3, minimum=1, maximum=20)

# An OSCAL export is built and validated this many models at a time (docs/oscal.md, "Size, time and
# memory"): its memory follows this number, not the inventory's size.
MLTRACK_OSCAL_CHUNK_MODELS = env_int("MLTRACK_OSCAL_CHUNK_MODELS", 2000, minimum=1, maximum=100_000)

# The scheduler's jobs. Periods in seconds, not crontab(): importing celery.schedules here would add
# a tenth of a second to every mltrack command, which otherwise never loads Celery. Each message
# expires before the next one is sent, so a worker that was down does not run a backlog of one job.
# These are the defaults: beat keeps the schedule in the database (django-celery-beat), where
# administrators change it in the admin; mltrack_site/scheduler.py writes these entries there when
# they are missing or still as the defaults left them (docs/notifications.md).
MINUTE, HOUR = 60, 60 * 60
REPORT_JOB_SWEEP_PERIOD = MLTRACK_REPORT_JOB_LEASE / 2
CELERY_BEAT_SCHEDULER = "mltrack_site.scheduler:DefaultsScheduler"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Every hour: today's compliance snapshot for the dashboard's trend, so a console started today
    # has today's point within the hour (the task keeps one row per day and scope).
    "compliance-snapshot": {
        "task": "reports.tasks.take_compliance_snapshot", "schedule": HOUR, "options": {"expires": 50 * MINUTE},
    },
    # Every six hours: a review policy version dated in the future takes over on its effective date.
    "apply-review-policy": {
        "task": "inventory.tasks.apply_review_policy", "schedule": 6 * HOUR, "options": {"expires": 5 * HOUR},
    },
    # Every half lease (every minute by default): report jobs whose worker died are queued again or,
    # after their last attempt, failed; so a dead worker's report is settled within 1.5 leases.
    "sweep-report-jobs": {
        "task": "reports.tasks.sweep_report_jobs", "schedule": REPORT_JOB_SWEEP_PERIOD,
        "options": {"expires": 0.9 * REPORT_JOB_SWEEP_PERIOD},
    },
    # Every hour: the review digests and escalations, sent once a day from MLTRACK_DIGEST_HOUR (local
    # time) and weekly ones on MLTRACK_DIGEST_WEEKDAY; each is claimed before it is sent, so the hourly
    # runs after the first send nothing new (a run while the worker was down is made up the next hour).
    "send-review-digests": {
        "task": "notifications.tasks.send_review_digests", "schedule": HOUR, "options": {"expires": 50 * MINUTE},
    },
    # Every ten minutes: scheduled reports due today are queued (once per period), and the finished
    # ones are emailed to their recipients.
    "run-scheduled-reports": {
        "task": "notifications.tasks.run_scheduled_reports", "schedule": 10 * MINUTE,
        "options": {"expires": 9 * MINUTE},
    },
    # Every ten minutes: emails whose send failed are tried again, with a growing pause, up to
    # MLTRACK_DELIVERY_ATTEMPTS sends in all.
    "retry-deliveries": {
        "task": "notifications.tasks.retry_deliveries", "schedule": 10 * MINUTE, "options": {"expires": 9 * MINUTE},
    },
    # Every hour: uploads nobody imported within MLTRACK_UPLOAD_KEEP_HOURS are deleted, file and all.
    "discard-stale-uploads": {
        "task": "transfers.tasks.discard_stale_uploads", "schedule": HOUR, "options": {"expires": 50 * MINUTE},
    },
    # Every hour: the nightly verification of the audit trail, once a night from MLTRACK_VERIFY_HOUR
    # (local time); its signed checkpoint is emailed to MLTRACK_AUDIT_EMAIL, a failure raises an alarm.
    "verify-audit-trail": {
        "task": "notifications.tasks.verify_audit_trail", "schedule": HOUR, "options": {"expires": 50 * MINUTE},
    },
    # Every hour: each enabled model registry reconciled once a day (the run claims its day, so the
    # hourly runs after the first do nothing; a day missed while the worker was down is made up).
    "reconcile-registries": {
        "task": "registries.tasks.reconcile_registries", "schedule": HOUR, "options": {"expires": 50 * MINUTE},
    },
}

# Generated report files (PDF and OSCAL made in the background), served only through the console's
# permission-checked download view. Several machines need a shared folder here.
MLTRACK_REPORTS_DIR = Path(env_str("MLTRACK_REPORTS_DIR", str(VAR_DIR / "reports")))

# The audit trail's signing key and its anchors, outside the database (docs/audit-trail.md): the
# Ed25519 private key that signs review records and checkpoints (generated here on first use in
# development; production must name one), public keys of earlier keys still trusted after a
# rotation, and the folder where each verification's signed checkpoint is written.
KEYS_DIR = VAR_DIR / "keys"
MLTRACK_SIGNING_KEY_FILE = Path(env_str("MLTRACK_SIGNING_KEY_FILE", str(KEYS_DIR / "signing-key.pem")))
MLTRACK_TRUSTED_KEYS_DIR = Path(env_str("MLTRACK_TRUSTED_KEYS_DIR", str(KEYS_DIR / "trusted")))
MLTRACK_CHECKPOINT_DIR = Path(env_str("MLTRACK_CHECKPOINT_DIR", str(VAR_DIR / "checkpoints")))
if PRODUCTION and "MLTRACK_SIGNING_KEY_FILE" not in os.environ:
    raise ImproperlyConfigured(
        "MLTRACK_SIGNING_KEY_FILE must name the audit trail's signing key in production "
        "(python manage.py signing_key --generate PATH makes one)"
    )

# Login throttling: lock a username + address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1, maximum=7 * 24 * 60) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60, maximum=30 * 24 * 60 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0, maximum=2 * 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request (403, CSRF, django.security) is one line with user, path and reason, not a traceback.
    "filters": {"refusals": {"()": "common.logs.RefusalLogFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every step of a PDF at INFO; the report job's progress says enough.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# MLTrack's own settings.
MLTRACK_INSTITUTION_NAME = env_str("MLTRACK_INSTITUTION_NAME", "Example Bank, N.A.")
# Whom people without a role (or without enough of one) are told to ask, on every refusal page.
MLTRACK_ACCESS_CONTACT = env_str("MLTRACK_ACCESS_CONTACT", "your MLTrack administrator")
MLTRACK_PAGE_SIZE = env_int("MLTRACK_PAGE_SIZE", 50, minimum=1, maximum=500)
# The largest file an import reads, in megabytes (console uploads and mltrack import alike): a CSV
# of 100,000 models is about 40 MB.
MLTRACK_IMPORT_MAX_MB = env_int("MLTRACK_IMPORT_MAX_MB", 100, minimum=1, maximum=2048)
# The console exports a list of up to this many models within the request; a longer one is written
# by the background worker (its job page offers the file).
MLTRACK_EXPORT_INLINE_MAX = env_int("MLTRACK_EXPORT_INLINE_MAX", 10_000, minimum=0, maximum=1_000_000)
# Uploads not imported (left at the mapping or the preview, or failed) are deleted, with their file,
# after this many hours.
MLTRACK_UPLOAD_KEEP_HOURS = env_int("MLTRACK_UPLOAD_KEEP_HOURS", 24, minimum=1, maximum=30 * 24)
# The blank choice of the list page's filter drop-downs.
FILTERS_EMPTY_CHOICE_LABEL = "Any"
# When true, the CLI refuses to act for anybody who is not a user account (see docs/cli.md).
MLTRACK_CLI_REQUIRE_ACCOUNT = env_bool("MLTRACK_CLI_REQUIRE_ACCOUNT", PRODUCTION)

# The REST API (docs/api.md): rows per page (a client may ask for up to the maximum with
# page_size=), and requests per token (or per signed-in user of the console).
MLTRACK_API_PAGE_SIZE = env_int("MLTRACK_API_PAGE_SIZE", 50, minimum=1, maximum=1000)
MLTRACK_API_MAX_PAGE_SIZE = env_int("MLTRACK_API_MAX_PAGE_SIZE", 500, minimum=1, maximum=1000)
if not 1 <= MLTRACK_API_PAGE_SIZE <= MLTRACK_API_MAX_PAGE_SIZE:
    raise ImproperlyConfigured(
        "MLTRACK_API_PAGE_SIZE must be at least 1 and at most MLTRACK_API_MAX_PAGE_SIZE "
        f"({MLTRACK_API_PAGE_SIZE} and {MLTRACK_API_MAX_PAGE_SIZE} given)"
    )
THROTTLE_RATE = re.compile(r"^[1-9][0-9]*/(second|minute|hour|day)$")


def env_rate(name: str, default: str) -> str:
    rate = env_str(name, default).strip()
    if not THROTTLE_RATE.match(rate):
        raise ImproperlyConfigured(
            f"{name} must be a number of requests per second, minute, hour or day, e.g. 600/minute, not {rate!r}"
        )
    return rate


MLTRACK_API_THROTTLE_RATE = env_rate("MLTRACK_API_THROTTLE_RATE", "600/minute")

REST_FRAMEWORK = {
    # A token (Authorization: Bearer ...) for machines; the browser's session, with CSRF, for people.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    # Signed in, and a read-only token only reads; each role's rules are the services' own.
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.SignedIn", "api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.handle_exception",
    # ?format= would pick a renderer; there is one, and "format" names a report's format here.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MLTrack API",
    "DESCRIPTION": "The model inventory, audit trail, compliance, dashboard and reports of MLTrack. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema is for signed-in clients, as every endpoint is.
    "SERVE_PERMISSIONS": ["api.permissions.SignedIn"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No call-outs: Swagger UI would otherwise ask validator.swagger.io about the schema.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The docs' sections, in the order people look for them.
    "TAGS": [
        {"name": "models", "description": "The inventory: the console's filters, add, change, lifecycle, delete."},
        {"name": "reviews", "description": "The audit trail: read and record; never changed or deleted."},
        {"name": "compliance", "description": "The rules engine: the evaluation, the CI/CD gate's verdict, SARIF."},
        {"name": "dashboard", "description": "Where the inventory stands."},
        {"name": "review policy", "description": "How often each risk tier is reviewed, versioned."},
        {"name": "reports", "description": "Reports in any format, made in the background, with their SHA-256."},
        {"name": "tokens", "description": "API tokens, and who a request acts as."},
    ],
    "ENUM_NAME_OVERRIDES": {
        "RiskTierEnum": "inventory.models.RiskTier",
        "ModelStatusEnum": "inventory.models.Status",
        "OutcomeEnum": "reviews.models.Outcome",
        "JobStateEnum": "reports.models.ReportJob.State",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}

def env_emails(name: str) -> list[str]:
    """Comma-separated email addresses, each checked (a typo here would lose every message to it)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    addresses = env_list(name, [])
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(f"{name} must be email addresses separated by commas, not {address!r}") from None
    return addresses


def env_days(name: str, default: list[int], *, minimum: int, maximum: int) -> list[int]:
    """Distinct whole numbers of days, largest first (e.g. "30,7,1")."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        values = [int(item) for item in raw.split(",") if item.strip()]
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be whole numbers of days separated by commas, not {raw!r}") from None
    if not values or any(not minimum <= value <= maximum for value in values):
        raise ImproperlyConfigured(f"{name} must be days between {minimum} and {maximum:,}, not {raw!r}")
    return sorted(set(values), reverse=True)


def env_base_url(name: str, default: str) -> str:
    """The console's address as the people who get its emails reach it: http(s)://host[:port][/path],
    with no query, fragment or credentials; no trailing slash."""
    from urllib.parse import urlsplit

    raw = os.environ.get(name, default).strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if (
        parts is None or parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment
        or parts.username or parts.password or len(raw) > 200 or any(char.isspace() for char in raw)
        or (port is not None and not 1 <= port <= 65535)
    ):
        raise ImproperlyConfigured(
            f"{name} must be the console's address, such as https://mltrack.bank.example (http or https, "
            f"a host, an optional port and path; no query), not {raw!r}"
        )
    return raw.rstrip("/")


# Notifications (docs/notifications.md). Links in emails start with MLTRACK_BASE_URL; in production
# it defaults to https:// and the first of ALLOWED_HOSTS.
_FIRST_HOST = ALLOWED_HOSTS[0] if ALLOWED_HOSTS else "127.0.0.1"
_DEFAULT_BASE_URL = f"https://{_FIRST_HOST}" if PRODUCTION else "http://127.0.0.1:8000"
if PRODUCTION and "MLTRACK_BASE_URL" not in os.environ and (_FIRST_HOST.startswith(".") or "*" in _FIRST_HOST):
    raise ImproperlyConfigured("MLTRACK_BASE_URL must name the console's address in production "
                               "(ALLOWED_HOSTS starts with a wildcard, so it cannot be guessed)")
MLTRACK_BASE_URL = env_base_url("MLTRACK_BASE_URL", _DEFAULT_BASE_URL)
# The day's digests go out from this hour (local time, TIME_ZONE), weekly ones on this weekday (1 is Monday).
MLTRACK_DIGEST_HOUR = env_int("MLTRACK_DIGEST_HOUR", 7, minimum=0, maximum=23)
MLTRACK_DIGEST_WEEKDAY = env_int("MLTRACK_DIGEST_WEEKDAY", 1, minimum=1, maximum=7)
# A review "due soon" falls in one of these windows (days before its due date), largest first.
MLTRACK_DUE_SOON_WINDOWS = env_days("MLTRACK_DUE_SOON_WINDOWS", [30, 7, 1], minimum=1, maximum=365)
# The reviews listed one by one in a digest (worst first); the rest are counted and linked.
MLTRACK_DIGEST_MAX_ITEMS = env_int("MLTRACK_DIGEST_MAX_ITEMS", 50, minimum=1, maximum=1000)
# Overdue this many days or more: escalated to MLTRACK_ESCALATION_EMAILS (empty: every administrator).
MLTRACK_ESCALATION_DAYS = env_int("MLTRACK_ESCALATION_DAYS", 30, minimum=1, maximum=3650)
MLTRACK_ESCALATION_EMAILS = env_emails("MLTRACK_ESCALATION_EMAILS")
# Internal audit: every nightly checkpoint of the audit trail is emailed here (empty: not emailed).
MLTRACK_AUDIT_EMAILS = env_emails("MLTRACK_AUDIT_EMAILS")
# The nightly verification runs from this hour (local time).
MLTRACK_VERIFY_HOUR = env_int("MLTRACK_VERIFY_HOUR", 2, minimum=0, maximum=23)
# A failed send is tried again after this many minutes, doubling each time, up to this many sends.
MLTRACK_DELIVERY_ATTEMPTS = env_int("MLTRACK_DELIVERY_ATTEMPTS", 5, minimum=1, maximum=20)
MLTRACK_DELIVERY_RETRY_MINUTES = env_int("MLTRACK_DELIVERY_RETRY_MINUTES", 15, minimum=1, maximum=24 * 60)

# Caches of pages' figures and fragments (keyed on the state of their data, see inventory/caching.py):
# each process's own memory, or one Redis shared by every process when MLTRACK_CACHE_URL names it
# (entries signed with SECRET_KEY: common/shared_cache.py). Use a database of its own, not the
# Celery broker's: clearing the cache empties its whole database.
MLTRACK_CACHE_URL = env_str("MLTRACK_CACHE_URL", "")


def _redis_database(url: str) -> tuple[object, ...]:
    """(host, port, database or socket, ?db=) of a Redis URL, its password aside."""
    parts = urlsplit(url)
    return (parts.hostname, parts.port or 6379, parts.path.strip("/") or "0", parse_qs(parts.query).get("db"))


if MLTRACK_CACHE_URL:
    if not MLTRACK_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        # The URL may hold a password: the message names its scheme only.
        raise ImproperlyConfigured("MLTRACK_CACHE_URL must be a redis://, rediss:// or unix:// URL, not a "
                                   f"{urlsplit(MLTRACK_CACHE_URL).scheme or 'scheme-less'} one")
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://", "unix://")) and (
            _redis_database(MLTRACK_CACHE_URL) == _redis_database(CELERY_BROKER_URL)):
        raise ImproperlyConfigured(
            "MLTRACK_CACHE_URL must name another Redis database than CELERY_BROKER_URL (e.g. /1 instead of /0)")
    CACHES = {"default": {"BACKEND": "common.shared_cache.SignedRedisCache", "LOCATION": MLTRACK_CACHE_URL,
                          "KEY_PREFIX": "mltrack"}}
