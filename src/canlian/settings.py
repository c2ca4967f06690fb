"""Django settings, driven by the environment with clear defaults (Zulip style).

Environment variables:

- ``CANLIAN_ENV``: ``development`` (default), ``test`` or ``production``.
- ``DATABASE_URL``: any dj-database-url URL; default a SQLite file in the data folder.
- ``CANLIAN_DATA_DIR``: where the SQLite file, uploads and the dev secret key live
  (default ``var/`` in the checkout).
- ``SECRET_KEY``: required in production; generated once and kept in the data folder
  otherwise.
- ``DEBUG``: ``1``/``0``; defaults to on only in development.
- ``ALLOWED_HOSTS``: comma-separated; default ``localhost,127.0.0.1`` outside production.
- ``CANLIAN_DEPLOYMENT``: the deployment served (``yueqing`` or ``linzi``; default the
  only one loaded).
- ``CANLIAN_NOTIFIER``: dotted path of the class sending citizens' sign-in codes
  (default the console notifier, development only).
- ``CANLIAN_ARREARS_LIMIT_MONTHS``: arrears of more months than this wait for a second
  person's approval before a roll pays them (default 6).
- ``CANLIAN_TRUSTED_PROXIES``: comma-separated addresses or networks of the reverse
  proxies in front of Canlian; only their ``X-Forwarded-For`` is believed.
- ``CANLIAN_REQUIRE_TOTP``: staff of the roles that can read or export a whole county
  (federation, auditor) must sign in with a second factor (TOTP); default on in
  production only.
- ``CANLIAN_PROCESS``: ``web`` (set by ``wsgi.py`` and ``canlian runserver``), ``worker``
  (``canlian db_worker``) or ``cli`` (default); chooses the PostgreSQL time limits below.
- ``CANLIAN_WEB_STATEMENT_TIMEOUT`` (default ``30s``), ``CANLIAN_WEB_IDLE_TIMEOUT``
  (``30s``), ``CANLIAN_BATCH_STATEMENT_TIMEOUT`` (``2h``), ``CANLIAN_BATCH_IDLE_TIMEOUT``
  (``10min``), ``CANLIAN_CLIENT_CHECK_INTERVAL`` (``5s``): PostgreSQL's
  ``statement_timeout``, ``idle_in_transaction_session_timeout`` and
  ``client_connection_check_interval`` for web requests and for commands and jobs
  (``0`` turns one off). See docs/operations.md, "Timeouts".
- ``CANLIAN_TASKS_BACKEND``: ``database`` (default; run ``canlian db_worker``) or
  ``immediate`` (jobs run inside the request; the default under ``CANLIAN_ENV=test``).
- ``CANLIAN_CACHE``: ``file`` (default outside tests: one cache in ``<data dir>/cache`` that
  every web worker of the server shares, so a computed dashboard is computed once, not once
  per worker) or ``memory`` (per process; the default under ``CANLIAN_ENV=test``).
- ``CANLIAN_JOB_RETENTION_DAYS``: how long jobs' result files are kept (default 7).
- Operations (ops/, docs/deploy.md): ``CANLIAN_SCHEDULE_<JOB>`` (a cron expression or
  ``off``), ``CANLIAN_ROLL_DRAFT_DAY``, ``CANLIAN_BACKUP_DIR``, ``CANLIAN_BACKUP_KEEP_DAYS``,
  ``CANLIAN_METRICS_TOKEN`` (``/metrics``), ``CANLIAN_LOG_FORMAT`` (``json``),
  ``CANLIAN_MIN_FREE_DISK_MB``, ``PROMETHEUS_MULTIPROC_DIR``.

Production refuses to start with settings that would expose the registry (see
``_refuse_insecure_production`` and docs/security.md).
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
_checkout = PACKAGE_DIR.parent.parent
PROJECT_DIR = _checkout if (_checkout / "pyproject.toml").exists() else Path.cwd()

ENV = os.environ.get("CANLIAN_ENV", "development")
if ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"CANLIAN_ENV must be development, test or production, not {ENV!r}")
PRODUCTION = ENV == "production"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("CANLIAN_DATA_DIR", PROJECT_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = _flag("DEBUG", ENV == "development")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver"
    ).split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

CANLIAN_NOTIFIER = os.environ.get("CANLIAN_NOTIFIER", "canlian.portal.notifiers.ConsoleNotifier")
# The SMS gateway of ``canlian.exchange.sms.KannelNotifier`` (Kannel's HTTP sendsms).
CANLIAN_SMS_URL = os.environ.get("CANLIAN_SMS_URL", "")
CANLIAN_SMS_USERNAME = os.environ.get("CANLIAN_SMS_USERNAME", "")
CANLIAN_SMS_PASSWORD = os.environ.get("CANLIAN_SMS_PASSWORD", "")
CANLIAN_SMS_FROM = os.environ.get("CANLIAN_SMS_FROM", "")
CANLIAN_SMS_ATTEMPTS = int(os.environ.get("CANLIAN_SMS_ATTEMPTS", "3"))
CANLIAN_SMS_TIMEOUT = float(os.environ.get("CANLIAN_SMS_TIMEOUT", "5"))
CANLIAN_SMS_BACKOFF = float(os.environ.get("CANLIAN_SMS_BACKOFF", "0.5"))
CANLIAN_SMS_REPORT_BASE = os.environ.get("CANLIAN_SMS_REPORT_BASE", "")
# The shared secret the SMS gateway sends with citizens' replies to rating invitations
# (evaluation/views.py ``sms_inbound``); empty: the inbound endpoint does not exist.
CANLIAN_SMS_INBOUND_TOKEN = os.environ.get("CANLIAN_SMS_INBOUND_TOKEN", "")

# Signing citizens in through the provincial platform's OpenID Connect provider (浙里办 in
# Yueqing, 爱山东 in Linzi), beside the one-time code (portal/oidc.py, docs/integration.md).
# Off unless an issuer is named. The claims name where the provider puts the verified
# resident ID and name; the label is what the sign-in button says.
CANLIAN_OIDC_ISSUER = os.environ.get("CANLIAN_OIDC_ISSUER", "").rstrip("/")
CANLIAN_OIDC_CLIENT_ID = os.environ.get("CANLIAN_OIDC_CLIENT_ID", "")
CANLIAN_OIDC_CLIENT_SECRET = os.environ.get("CANLIAN_OIDC_CLIENT_SECRET", "")
CANLIAN_OIDC_SCOPE = os.environ.get("CANLIAN_OIDC_SCOPE", "openid profile")
CANLIAN_OIDC_ID_CLAIM = os.environ.get("CANLIAN_OIDC_ID_CLAIM", "resident_id")
CANLIAN_OIDC_NAME_CLAIM = os.environ.get("CANLIAN_OIDC_NAME_CLAIM", "name")
CANLIAN_OIDC_LABEL = os.environ.get("CANLIAN_OIDC_LABEL", "")
CANLIAN_OIDC_TIMEOUT = float(os.environ.get("CANLIAN_OIDC_TIMEOUT", "5"))

CANLIAN_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("CANLIAN_TRUSTED_PROXIES", "").split(",") if p.strip()
]
# Second factor (TOTP, django-otp) for the roles that can export a whole county.
CANLIAN_REQUIRE_TOTP = _flag("CANLIAN_REQUIRE_TOTP", PRODUCTION)
CANLIAN_TOTP_ROLES = ("federation_staff", "auditor", "evaluator")  # roles that read across the deployment
WEAK_SECRET_KEYS = {"secret", "changeme", "change-me", "dev", "development", "test", "canlian"}


def _refuse_insecure_production() -> None:
    """Settings a production instance must never start with (docs/security.md)."""
    problems = []
    if DEBUG:
        problems.append("DEBUG must be off")
    key = SECRET_KEY
    if (len(key) < 50 or len(set(key)) < 12 or key.startswith("django-insecure")
            or key.lower() in WEAK_SECRET_KEYS):
        problems.append("SECRET_KEY must be a random value of at least 50 characters "
                        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must name the site's host names (not *)")
    if CANLIAN_NOTIFIER.endswith("ConsoleNotifier"):
        problems.append("CANLIAN_NOTIFIER must name the deployment's SMS gateway, "
                        "not the console notifier")
    if CANLIAN_NOTIFIER.endswith("KannelNotifier") and not CANLIAN_SMS_URL:
        problems.append("CANLIAN_SMS_URL must name the SMS gateway's sendsms URL")
    if CANLIAN_OIDC_ISSUER and not (CANLIAN_OIDC_CLIENT_ID and CANLIAN_OIDC_CLIENT_SECRET):
        problems.append("CANLIAN_OIDC_CLIENT_ID and CANLIAN_OIDC_CLIENT_SECRET must be set "
                        "with CANLIAN_OIDC_ISSUER")
    if CANLIAN_OIDC_ISSUER and not CANLIAN_OIDC_ISSUER.startswith("https://"):
        problems.append("CANLIAN_OIDC_ISSUER must be an https:// address")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems))


if PRODUCTION:
    _refuse_insecure_production()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "canlian.core",
    "canlian.regions",
    "canlian.accounts",
    "canlian.audit",
    "canlian.people",
    "canlian.events",
    "canlian.certificates",
    "canlian.todos",
    "canlian.benefits",
    "canlian.employment",
    "canlian.rights",
    "canlian.education",
    "canlian.culture",
    "canlian.plantasks",
    "canlian.disclosure",
    "canlian.evaluation",
    "canlian.surveys",
    "canlian.services",
    "canlian.community",
    "canlian.care",
    "canlian.exchange",
    "canlian.transfers",
    "canlian.programmes",
    "canlian.indicators",
    "canlian.api",
    "canlian.province",
    "canlian.portal",
    "canlian.privacy",
    "canlian.demo",
    "canlian.jobs",
    "canlian.ops",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # Outermost: every log line of the request carries its id; latency covers the rest.
    "canlian.ops.logs.RequestIdMiddleware",
    "canlian.ops.metrics.RequestMetricsMiddleware",
    "canlian.core.clientip.TrustedProxyMiddleware",
    "canlian.core.limits.RequestSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside everything that reads the session: error pages (a 503 while the database is
    # down) still get the security headers.
    "canlian.core.middleware.SecurityHeadersMiddleware",
    "canlian.core.startup.SchemaGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "canlian.accounts.twofactor.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "canlian.core.middleware.DiskFullMiddleware",
    "axes.middleware.AxesMiddleware",
    "canlian.audit.reads.AuditReadsMiddleware",
]

# One field template for every form (core/renderer.py); django.forms above lets the
# project's engine find the widget templates.
FORM_RENDERER = "canlian.core.renderer.CanlianRenderer"

ROOT_URLCONF = "canlian.urls"
WSGI_APPLICATION = "canlian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "canlian.core.context_processors.deployment",
                "canlian.core.menu.context",
                "canlian.portal.display.context",
                "canlian.ops.banner.context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'canlian.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
CANLIAN_PROCESS = os.environ.get("CANLIAN_PROCESS", "cli")
if CANLIAN_PROCESS not in {"web", "worker", "cli"}:
    raise ImproperlyConfigured(f"CANLIAN_PROCESS must be web, worker or cli, not {CANLIAN_PROCESS!r}")


def _duration(name: str, default: str) -> str:
    value = os.environ.get(name, default).strip()
    if not re.fullmatch(r"\d+(ms|s|min|h|d)?", value):
        raise ImproperlyConfigured(f"{name} must be a duration such as 30s, 10min or 2h, not {value!r}")
    return value


def postgres_limits(process: str) -> dict[str, str]:
    """PostgreSQL's time limits for a process. A web request's statement stops before
    gunicorn's 30-second timeout kills its worker, and a transaction left idle (a client that
    hangs) gives up its locks; commands and jobs get longer limits. The server checks that a
    client is still there while a statement runs, so a killed client's query stops within
    seconds instead of holding its locks to the end."""
    web = process == "web"
    return {
        "statement_timeout": _duration("CANLIAN_WEB_STATEMENT_TIMEOUT", "30s") if web
        else _duration("CANLIAN_BATCH_STATEMENT_TIMEOUT", "2h"),
        "idle_in_transaction_session_timeout": _duration("CANLIAN_WEB_IDLE_TIMEOUT", "30s") if web
        else _duration("CANLIAN_BATCH_IDLE_TIMEOUT", "10min"),
        "client_connection_check_interval": _duration("CANLIAN_CLIENT_CHECK_INTERVAL", "5s"),
    }


# Behind PgBouncer in transaction mode (CANLIAN_DB_POOLER=pgbouncer; docs/deploy.md) a
# connection may change server session between transactions: no server-side cursors, no
# prepared statements, and the time limits come from the pooler (``connect_query``), which
# refuses the ``options`` startup parameter.
CANLIAN_DB_POOLER = os.environ.get("CANLIAN_DB_POOLER", "")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and CANLIAN_DB_POOLER:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(
        f"-c {name}={value}" for name, value in postgres_limits(CANLIAN_PROCESS).items())
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and a running import share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# A streaming read replica (docs/scaling.md "Read replica"): dashboards, reports and exports
# read from it when it is up and not lagging beyond CANLIAN_REPLICA_MAX_LAG seconds
# (core/replica.py); everything else, and every write, uses the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True)
    DATABASES["replica"]["OPTIONS"] = {
        k: v for k, v in DATABASES["default"].get("OPTIONS", {}).items() if k != "init_command"}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["canlian.core.replica.Router"]
CANLIAN_REPLICA_MAX_LAG = float(os.environ.get("CANLIAN_REPLICA_MAX_LAG", "30"))

# Province mode (docs/scaling.md "A province"): CANLIAN_MODE=province makes this instance
# collect its cities' aggregates (their base URLs and API keys in the YAML file named by
# CANLIAN_PROVINCE_CITIES) and show the provincial dashboard; "city" (the default) is a
# deployment serving one city or district.
CANLIAN_MODE = os.environ.get("CANLIAN_MODE", "city")
if CANLIAN_MODE not in ("city", "province"):
    raise ImproperlyConfigured(f"CANLIAN_MODE must be city or province, not {CANLIAN_MODE!r}")
CANLIAN_PROVINCE_CITIES = os.environ.get("CANLIAN_PROVINCE_CITIES", "")
# A city whose last good export is older than this is flagged late (the collection runs
# hourly by default: CANLIAN_SCHEDULE_PROVINCE_COLLECT).
CANLIAN_PROVINCE_LATE_HOURS = float(os.environ.get("CANLIAN_PROVINCE_LATE_HOURS", "26"))
CANLIAN_PROVINCE_TIMEOUT = float(os.environ.get("CANLIAN_PROVINCE_TIMEOUT", "60"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "canlian.accounts.backends.RegionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"  # each role its own start page (core/views.py)
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock a username+address after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The client address as TrustedProxyMiddleware resolved it (core/clientip.py).
AXES_CLIENT_IP_CALLABLE = "canlian.core.clientip.client_ip"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Amounts grouped by three digits in Chinese too (2,422,260.00): see canlian/formats.
FORMAT_MODULE_PATH = ["canlian.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# SQLite ignores an index's covering (INCLUDE) columns and says so on every migrate: the
# covering indexes (the gap lists' ``yearfact_*_gap``) serve PostgreSQL, production's database.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# The figures' cache (indicators, disclosure, option lists): shared by the server's workers.
_cache_kind = os.environ.get("CANLIAN_CACHE", "memory" if ENV == "test" else "file")
if _cache_kind not in ("file", "memory"):
    raise ImproperlyConfigured(f"CANLIAN_CACHE must be file or memory, not {_cache_kind!r}")
CACHES = {"default": {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": str(DATA_DIR / "cache"),
    "OPTIONS": {"MAX_ENTRIES": 20_000},
} if _cache_kind == "file" else {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
}}

STATIC_URL = "/static/"
# Collected static files, served by nginx (docs/deploy.md): outside the data folder, which
# holds uploads and is never under a web root.
STATIC_ROOT = Path(os.environ.get("CANLIAN_STATIC_ROOT", DATA_DIR / "static"))
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    # Uploads under generated names, partial files removed on failure (core/storage.py).
    "default": {"BACKEND": "canlian.core.storage.PrivateStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Uploaded files go to disk under generated names with owner-only permissions.
FILE_UPLOAD_PERMISSIONS = 0o600
# Roster workbooks larger than this are refused at upload (a 100,000-row roster is ~6 MB).
CANLIAN_MAX_ROSTER_BYTES = int(os.environ.get("CANLIAN_MAX_ROSTER_BYTES", str(50 * 1024 * 1024)))
# A roster's uncompressed size and rows are capped before it is parsed (zip bombs).
CANLIAN_MAX_ROSTER_UNCOMPRESSED = int(os.environ.get("CANLIAN_MAX_ROSTER_UNCOMPRESSED",
                                                     str(200 * 1024 * 1024)))
CANLIAN_MAX_ROSTER_ROWS = int(os.environ.get("CANLIAN_MAX_ROSTER_ROWS", "200000"))
# Request bodies larger than this are refused with 413 before they are read; the roster
# import takes the roster limit, everything else (forms, JSON, 5 MB attachments) this.
CANLIAN_MAX_REQUEST_BYTES = int(os.environ.get("CANLIAN_MAX_REQUEST_BYTES",
                                               str(DATA_UPLOAD_MAX_MEMORY_SIZE)))

# Background jobs (canlian/jobs, docs/architecture-jobs.md): django-tasks with its database
# backend, run by `canlian db_worker`; tests run them at once, inside the request.
_TASK_BACKENDS = {"database": "django_tasks_db.DatabaseBackend",
                  "immediate": "django_tasks.backends.immediate.ImmediateBackend"}
_tasks_backend = os.environ.get("CANLIAN_TASKS_BACKEND", "immediate" if ENV == "test" else "database")
if _tasks_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"CANLIAN_TASKS_BACKEND must be database or immediate, not {_tasks_backend!r}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_tasks_backend]}}
CANLIAN_JOB_RETENTION_DAYS = int(os.environ.get("CANLIAN_JOB_RETENTION_DAYS", "7"))

CANLIAN_DEPLOYMENT = os.environ.get("CANLIAN_DEPLOYMENT", "")
# Transfers between deployments (canlian/transfers, docs/integration.md): the code this
# installation signs its messages with (default: the deployment's code) and its peers, as
# JSON {"linzi": {"name": "临淄区残联", "url": "https://…", "key": "shared secret"}}.
CANLIAN_TRANSFER_SELF = os.environ.get("CANLIAN_TRANSFER_SELF", "")
CANLIAN_TRANSFER_PEERS = os.environ.get("CANLIAN_TRANSFER_PEERS", "")
# Arrears beyond this many months are held in a roll until a second person approves them.
CANLIAN_ARREARS_LIMIT_MONTHS = int(os.environ.get("CANLIAN_ARREARS_LIMIT_MONTHS", "6"))
# How sign-in codes reach citizens' phones (portal/notifiers.py) is CANLIAN_NOTIFIER above.
# The page listing codes "sent" by the console notifier (never in production).
CANLIAN_DEV_OUTBOX = not PRODUCTION and _flag("CANLIAN_DEV_OUTBOX", True)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", True)
    # The load balancer's health check and Prometheus' scrape come over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if CANLIAN_TRUSTED_PROXIES:  # TrustedProxyMiddleware drops the header from anyone else
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs (ops/logs.py): resident IDs and mobile numbers are masked in every line, whichever
# logger wrote it. CANLIAN_LOG_FORMAT=json (the systemd units) writes one JSON object a line
# with the request id, and a line per request (view name, status, duration; never the path).
_LOG_JSON = os.environ.get("CANLIAN_LOG_FORMAT", "text") == "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_ids": {"()": "canlian.ops.logs.RedactFilter"}},
    "formatters": {"json": {"()": "canlian.ops.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_ids"],
                             **({"formatter": "json"} if _LOG_JSON else {})}},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "canlian.requests": {"handlers": ["console"], "propagate": False,
                             "level": "INFO" if _LOG_JSON else "WARNING"},
        "canlian.ops": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # The console notifier's texts (development only: the sign-in codes to type).
        "canlian.portal.sms": {"handlers": ["console"], "propagate": False,
                               "level": "INFO" if ENV == "development" else "WARNING"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The staff site's name, shown in the header; each deployment's own name comes from data.
SITE_TITLE = _("Canlian — Digital Disabled Persons' Federation")
