"""fangkong settings: everything comes from the environment, with development defaults.

FANGKONG_ENV=production turns on production mode, which refuses to start without
SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see `_require`).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
ROOT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("FANGKONG_VAR_DIR", ROOT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = os.environ.get("FANGKONG_ENV", "development") == "production"


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def _require(name: str, dev_default: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"生产环境必须设置环境变量 {name} / {name} must be set in production")
    return dev_default


SECRET_KEY = _require("SECRET_KEY", "dev-only-insecure-key-3f1c0d6e9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d")
DEBUG = _env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = _require("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Reverse proxies (addresses or networks, e.g. 127.0.0.1,10.0.0.0/24) whose X-Forwarded-For is
# believed: the client address of audit rows and rate limits (core.middleware.client_ip).
# Load shedding per application process (core/shedding.py): requests running at once, how many may
# wait and for how long before the answer is 503 "系统繁忙".
FANGKONG_ACTIVE_REQUESTS = int(os.environ.get("FANGKONG_ACTIVE_REQUESTS", "4"))
FANGKONG_QUEUE_LENGTH = int(os.environ.get("FANGKONG_QUEUE_LENGTH", "16"))
FANGKONG_QUEUE_WAIT_MS = int(os.environ.get("FANGKONG_QUEUE_WAIT_MS", "1000"))
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]

DATABASES = {
    "default": dj_database_url.parse(
        _require("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fangkong.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the worker and the web process write without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
                        "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif PRODUCTION and _env_bool("DB_POOL", True):
    # A pool per process, as large as the requests it lets run at once (core/shedding.py): the
    # threads waiting for a slot hold no connection, so a server uses workers × (active + 2).
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1, "max_size": FANGKONG_ACTIVE_REQUESTS + 2, "timeout": 10}
if os.environ.get("TEST_DATABASE_NAME"):
    # Lets several checkouts run their suites against one PostgreSQL at once.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django_otp",  # 双因素认证 (core/twofactor.py)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc served from our static files, not a CDN
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "fangkong.core",
    "fangkong.registry",
    "fangkong.screening",
    "fangkong.control",
    "fangkong.testing",
    "fangkong.grid",
    "fangkong.sectors",
    "fangkong.tracing",
    "fangkong.command",
    "fangkong.supplies",
    "fangkong.releases",
    "fangkong.analytics",
    "fangkong.metrics",
    "fangkong.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fangkong.core.shedding.LoadShedMiddleware",  # 503 at once under overload (static files pass first)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fangkong.core.middleware.LanguageMiddleware",  # zh-hans unless the user switched
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fangkong.core.middleware.AuditContextMiddleware",
    "fangkong.core.middleware.IdleTimeoutMiddleware",
    "fangkong.core.middleware.ForcePasswordChangeMiddleware",  # 三员: no administrator keeps a password
    "fangkong.core.twofactor.TwoFactorMiddleware",  # a code after the password, for the roles that reach most
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fangkong.urls"
WSGI_APPLICATION = "fangkong.wsgi.application"

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
                "django.template.context_processors.i18n",
                "fangkong.core.context_processors.navigation",
            ],
        },
    }
]

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "fangkong.core.backends.AddressLimitBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Two-factor login for the administrators, module leads, reviewers and the command centre
# (core/twofactor.py): on in production unless FANGKONG_REQUIRE_2FA=0.
FANGKONG_REQUIRE_2FA = _env_bool("FANGKONG_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = "fangkong"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Account security (等保): lock after 5 failures for 15 minutes; end idle sessions after 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The account is what locks (等保 requirement); W006 is about IP/user-agent rate limits.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
# Password spraying: besides each account's lock, a client address with this many failed logins
# (any accounts) within the window may not log in at all until the window has passed.
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))
LOGIN_ADDRESS_WINDOW_SECONDS = 15 * 60
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
SESSION_COOKIE_AGE = 12 * 3600  # absolute cap; the idle limit is enforced by IdleTimeoutMiddleware
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AUDIT_RETENTION_DAYS = max(180, int(os.environ.get("AUDIT_RETENTION_DAYS", "180")))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at start-up when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "fangkong.core.staticfiles.StaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production whitenoise serves straight from the app and project static folders, so the
# demo runs with DEBUG off (runserver serves no static files then) without a collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Imports: the largest file accepted, and the most an xlsx may unpack to (its sheets' XML);
# larger sheets are read streaming. See core.imports.reading.
FANGKONG_IMPORT_MAX_MB = int(os.environ.get("FANGKONG_IMPORT_MAX_MB", "200"))
FANGKONG_IMPORT_MAX_UNPACKED_MB = int(os.environ.get("FANGKONG_IMPORT_MAX_UNPACKED_MB", "512"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    # Both make the authenticated user the audit actor (DRF authenticates inside the view).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fangkong.core.api.authentication.TokenAuthentication",
        "fangkong.core.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "fangkong.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Domain errors answer as the pages do (ValidationError 400, out of scope 404): core/errors.py.
    "EXCEPTION_HANDLER": "fangkong.core.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "fangkong API",
    "DESCRIPTION": "疫情防控指挥平台接口 — every intake channel and every exported list",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # 3.1 schemas are plain JSON Schema (2020-12): tests validate responses with jsonschema.
    "OAS_VERSION": "3.1.0",
    "COMPONENT_SPLIT_REQUEST": True,
    # Enums named after their choices class: no collisions as apps add `kind`, `status` …
    "POSTPROCESSING_HOOKS": ["fangkong.core.api.schema.postprocess_schema_enums",
                             "fangkong.core.api.schema.postprocess_errors_and_times"],
    # Self-contained UI (drf-spectacular-sidecar): a county network often cannot reach a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# The analytics engine of the jobs (coverage; co-presence and dedup): "duckdb" in this process,
# or "spark" — the same Ibis expressions on Apache Spark (docs/DEPLOY.md, "Analytics on Spark").
# FANGKONG_SPARK_MASTER is local[N] (a JVM beside the worker) or a cluster, spark://host:7077.
FANGKONG_ANALYTICS = os.environ.get("FANGKONG_ANALYTICS", "duckdb").strip().lower()
FANGKONG_SPARK_MASTER = os.environ.get("FANGKONG_SPARK_MASTER", "local[2]")
FANGKONG_SPARK_DRIVER_MEMORY = os.environ.get("FANGKONG_SPARK_DRIVER_MEMORY", "1g")
FANGKONG_SPARK_EXECUTOR_MEMORY = os.environ.get("FANGKONG_SPARK_EXECUTOR_MEMORY", "2g")
FANGKONG_SPARK_MAX_RESULT = os.environ.get("FANGKONG_SPARK_MAX_RESULT", "1g")  # a job's result brought to the driver
FANGKONG_SPARK_PARTITIONS = int(os.environ.get("FANGKONG_SPARK_PARTITIONS", "4"))
FANGKONG_SPARK_JAVA_OPTIONS = os.environ.get("FANGKONG_SPARK_JAVA_OPTIONS", "")  # extra JVM flags of the driver

# Co-presence (时空伴随, tracing): the rule's defaults — one location record overlapping one index
# record in the same cell by at least this many minutes, or a scan of the same venue code within
# this many minutes of an index scan — and how long venue scans and location records are kept (PIPL).
FANGKONG_COPRESENCE_MIN_OVERLAP = int(os.environ.get("FANGKONG_COPRESENCE_MIN_OVERLAP", "10"))
FANGKONG_COPRESENCE_SCAN_WINDOW = int(os.environ.get("FANGKONG_COPRESENCE_SCAN_WINDOW", "30"))
FANGKONG_COPRESENCE_RETENTION_DAYS = int(os.environ.get("FANGKONG_COPRESENCE_RETENTION_DAYS", "21"))
# Venue scans and location records: Parquet files by day (tracing.copresence_store), personal
# data like the database's — back it up with it.
FANGKONG_COPRESENCE_STORE = os.environ.get("FANGKONG_COPRESENCE_STORE", str(VAR_DIR / "copresence"))

# SMS goes through a pluggable gateway; the default only logs.
SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "fangkong.core.notify.LoggingSmsGateway")

if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

FANGKONG_TITLE = _("疫情防控指挥平台")
# The address the public reaches the self-report page at (its QR code on the login page and
# posters), when it differs from the one staff use, e.g. https://fk.example.gov.cn
FANGKONG_PUBLIC_URL = os.environ.get("FANGKONG_PUBLIC_URL", "")

# The county report (工作汇报, `fangkong briefing`): a county's own docxtpl template (.docx) replaces
# the default one (fangkong/command/templates/command/briefing.docx); an administrator's upload on
# the report page (stored in MEDIA_ROOT/briefing/template.docx) takes precedence over both.
FANGKONG_BRIEFING_TEMPLATE = os.environ.get("FANGKONG_BRIEFING_TEMPLATE", "")
