"""Settings for Working Carers Hub, read from the environment.

Every variable is documented in ``docs/configuration.md``. ``DJANGO_ENV`` picks the
defaults: ``development`` (what ``make run`` uses), ``test`` or ``production``.
Production refuses to start with DEBUG on or without a real secret key.
"""

from __future__ import annotations

import base64
import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dj_database_url
from cryptography.fernet import Fernet
from django.utils.csp import CSP

from shared.env import ConfigError, env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ConfigError(f"DJANGO_ENV must be development, test or production, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", DJANGO_ENV == "development")
if PRODUCTION and DEBUG:
    raise ConfigError("DEBUG cannot be on when DJANGO_ENV=production")

_DEV_SECRET = "insecure-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", None if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ConfigError("SECRET_KEY must be a random value of at least 50 characters in production")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", None if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_forms_gds",
    "django_tasks_db",
    "crontask",
    "shared",
    "carershub",
    "accounts",
    "organisations",
    "audit",
    "api",
    "leave",
    "credentials",
    "passports",
    "plans",
    "commitments",
    "benchmarks",
    "guidance",
    "search",
    "learning",
    "networks",
    "signposting",
    "forum",
    "policies",
    "communications",
    "insights",
    "accessibility",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Request ids, the request log and request metrics; static files are left out.
    "shared.middleware.RequestObservationMiddleware",
    # After WhiteNoise, so static files keep their caching; every other response is no-store.
    "shared.middleware.NoStoreMiddleware",
    # Before sessions and sign-in: a caller over its API limit costs one cache round trip.
    "api.rate_limits.ApiRateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After sign-in is known: a person's own language, or their organisation's, over the
    # browser's (organisations.languages).
    "organisations.middleware.PersonLanguageMiddleware",
    "accounts.middleware.RequireMfaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "api.middleware.ApiProblemMiddleware",
]

ROOT_URLCONF = "carershub.urls"
WSGI_APPLICATION = "carershub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "carershub" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organisations.context_processors.organisation_switcher",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", None if PRODUCTION else f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the task worker and the web server share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
# How long to wait for Redis to connect or answer before carrying on without it (shared/cache.py).
REDIS_TIMEOUT = env_float("REDIS_TIMEOUT", 0.5)
if not 0 < REDIS_TIMEOUT <= 30:
    raise ConfigError("REDIS_TIMEOUT must be a number of seconds above 0 and at most 30")


def _redis_url_with_timeouts(url: str) -> str:
    """The URL with REDIS_TIMEOUT as its socket timeouts, unless it sets its own."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.setdefault("socket_connect_timeout", str(REDIS_TIMEOUT))
    query.setdefault("socket_timeout", str(REDIS_TIMEOUT))
    return urlunsplit(parts._replace(query=urlencode(query)))


if REDIS_URL:
    _redis_options = {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT}
    CACHES = {
        # Rate limits and used two-factor codes: a memory cache per process while Redis is away.
        "default": {
            "BACKEND": "shared.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {**_redis_options, "FALLBACK": "local"},
        },
        # Sessions: read from the database while Redis is away; cached for at most 10 minutes.
        "sessions": {
            "BACKEND": "shared.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {**_redis_options, "FALLBACK": "miss", "MAX_TIMEOUT": 600},
        },
    }
    # Sessions stay in the database (nothing is lost if Redis is), but are read through the
    # shared cache, which saves a query on every signed-in page.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "sessions"
    # The API's request counters (api/rate_limits.py): shared and atomic in Redis.
    CACHES["api_rate"] = CACHES["default"]
elif PRODUCTION:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "carershub_cache",
            # Django's default of 300 entries would let a burst of new keys (sign-in
            # attempts from many addresses) cull the rate limits and used two-factor codes.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        },
        # The API's request counters stay out of the shared table (whose increments are not
        # atomic, and whose entries they would crowd): counted in each process's memory, so
        # each process allows the limit (docs/configuration.md).
        "api_rate": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "api-rate",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "api_rate": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "api-rate",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }

# A person's organisations and roles, kept between requests in each process's memory under
# a version the database moves on any change to them (organisations.selectors): correct in
# every process without a shared cache. About 1 KB a person; the least recently used go.
_ACCESS_CACHE: dict[str, Any] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "access",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}
CACHES["access"] = _ACCESS_CACHE

_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.backend.RQBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
_task_backend = env_str("TASKS_BACKEND", "immediate" if DJANGO_ENV == "test" else "database")
if _task_backend not in _TASK_BACKENDS:
    raise ConfigError(
        f"TASKS_BACKEND must be one of {sorted(_TASK_BACKENDS)}, not {_task_backend!r}"
    )
# Three queues, so that a national staff import never holds up a password reset: "email"
# (sending), "default" (reminders, housekeeping) and "heavy" (staff imports, the month's
# figures). `manage.py task_worker --queue ...` runs some of them; with no --queue, all, in
# this order (docs/deploy.md, "Task worker and scheduler").
TASK_QUEUES = ["email", "default", "heavy"]
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend], "QUEUES": TASK_QUEUES}}
#: How long a heavy task may run before RQ stops it: a national import takes minutes.
HEAVY_TASK_TIMEOUT = env_int("HEAVY_TASK_TIMEOUT", 3600)
if _task_backend == "redis":
    if not REDIS_URL:
        raise ConfigError("TASKS_BACKEND=redis needs REDIS_URL")
    INSTALLED_APPS += ["django_rq"]
    # `manage.py task_worker` starts an RQ worker with the right job class. Short socket
    # timeouts so that queueing a task fails fast; RQ's worker raises its own.
    RQ_QUEUES = {
        name: {
            "URL": _redis_url_with_timeouts(REDIS_URL),
            "DEFAULT_TIMEOUT": HEAVY_TASK_TIMEOUT if name == "heavy" else 600,
        }
        for name in TASK_QUEUES
    }
CRONTASK = {"REDIS_URL": _redis_url_with_timeouts(REDIS_URL) if REDIS_URL else None}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if DJANGO_ENV == "test":
    # Hashing strength is not under test; the real hasher makes every persona cost ~0.3 s.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_FORMS = {
    # An organisation that requires single sign-on refuses its staff a password
    # (organisations/sign_on/, docs/single-sign-on.md).
    "login": "organisations.sign_on.forms.PasswordLoginForm",
    "reset_password": "organisations.sign_on.forms.PasswordResetForm",
    "reset_password_from_key": "organisations.sign_on.forms.PasswordResetKeyForm",
}
# Single sign-on: each organisation's own OpenID Connect provider, kept as a SocialApp in the
# database (ADR 0020). Nobody signs up through it: it only signs in people already here.
SOCIALACCOUNT_ADAPTER = "organisations.sign_on.adapter.SignOnAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
# Whether an organisation's provider may be on plain http: only for the tests' own provider
# on this machine. Production refuses it (docs/single-sign-on.md).
SSO_ALLOW_HTTP_PROVIDERS = env_bool("SSO_ALLOW_HTTP_PROVIDERS", DJANGO_ENV == "test")
if PRODUCTION and SSO_ALLOW_HTTP_PROVIDERS:
    raise ConfigError("SSO_ALLOW_HTTP_PROVIDERS cannot be on when DJANGO_ENV=production")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Working Carers Hub"
MFA_ADAPTER = "accounts.adapter.MfaAdapter"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

LANGUAGE_CODE = "en-gb"
# Each language named in itself, as a language switcher must: someone who reads only Welsh
# looks for "Cymraeg", not for the English word for it (docs/welsh.md).
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
# The choice of someone not signed in lasts a year on their browser; a signed-in person's
# choice is kept on their account (organisations.languages).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"  # accounts.views.language_settings sets the same
# The product's own text first; then the Welsh of the libraries' text that people see
# (django-allauth has no Welsh, and Django's own leaves some out): docs/welsh.md.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "libraries"]
# "1 June 2027" everywhere (shared/formats/en_GB/formats.py).
FORMAT_MODULE_PATH = ["shared.formats"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files (staff files between preview and import, benchmark evidence): on local disk
# (MEDIA_ROOT), or in an S3-compatible bucket or Azure Blob container that every server
# shares (docs/deploy.md "Object storage"). Files are private: the site streams them to
# whoever may see them and never hands out an address of the store's own.
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "local")
_storage: dict[str, object]
if STORAGE_BACKEND == "local":
    _storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif STORAGE_BACKEND == "s3":
    _s3_options: dict[str, object] = {
        "bucket_name": env_str("STORAGE_S3_BUCKET"),
        "location": env_str("STORAGE_S3_PREFIX", "").strip("/"),
        # Objects get the bucket's own permissions (which must be private), never a public
        # ACL; any address made for one is signed and short-lived, never a plain public one.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "custom_domain": None,
        "file_overwrite": False,
        "addressing_style": env_str("STORAGE_S3_ADDRESSING_STYLE", "auto"),
    }
    if _s3_options["addressing_style"] not in {"auto", "path", "virtual"}:
        raise ConfigError("STORAGE_S3_ADDRESSING_STYLE must be auto, path or virtual")
    if _endpoint := env_str("STORAGE_S3_ENDPOINT_URL", ""):
        _s3_options["endpoint_url"] = _endpoint
    if _region := env_str("STORAGE_S3_REGION", ""):
        _s3_options["region_name"] = _region
    # Without keys, boto3 finds credentials itself (an instance role, AWS_* variables).
    _s3_key_id = env_str("STORAGE_S3_ACCESS_KEY_ID", "")
    _s3_secret = env_str("STORAGE_S3_SECRET_ACCESS_KEY", "")
    if bool(_s3_key_id) != bool(_s3_secret):
        raise ConfigError(
            "Set both STORAGE_S3_ACCESS_KEY_ID and STORAGE_S3_SECRET_ACCESS_KEY, or neither"
        )
    if _s3_key_id:
        _s3_options |= {"access_key": _s3_key_id, "secret_key": _s3_secret}
    _s3_encryption = env_str("STORAGE_S3_ENCRYPTION", "")
    _s3_kms_key = env_str("STORAGE_S3_KMS_KEY_ID", "")
    if _s3_encryption not in {"", "AES256", "aws:kms"}:
        raise ConfigError("STORAGE_S3_ENCRYPTION must be empty, AES256 or aws:kms")
    if _s3_kms_key and _s3_encryption != "aws:kms":
        raise ConfigError("STORAGE_S3_KMS_KEY_ID needs STORAGE_S3_ENCRYPTION=aws:kms")
    _s3_options["object_parameters"] = (
        {"ServerSideEncryption": _s3_encryption} if _s3_encryption else {}
    ) | ({"SSEKMSKeyId": _s3_kms_key} if _s3_kms_key else {})
    _storage = {"BACKEND": "shared.object_storage.S3Storage", "OPTIONS": _s3_options}
elif STORAGE_BACKEND == "azure":
    _azure_options: dict[str, object] = {
        "azure_container": env_str("STORAGE_AZURE_CONTAINER"),
        "location": env_str("STORAGE_AZURE_PREFIX", "").strip("/"),
        "overwrite_files": False,
        "expiration_secs": 300,
        "custom_domain": None,
        # Reads fetch 256 KiB at a time rather than the library's 32 MB first; the library
        # briefly holds about nine times what it fetches (shared/object_storage.py).
        "client_options": {"max_single_get_size": 256 * 1024, "max_chunk_get_size": 256 * 1024},
    }
    _azure_connection = env_str("STORAGE_AZURE_CONNECTION_STRING", "")
    _azure_account = env_str("STORAGE_AZURE_ACCOUNT_NAME", "")
    _azure_key = env_str("STORAGE_AZURE_ACCOUNT_KEY", "")
    if _azure_connection and (_azure_account or _azure_key):
        raise ConfigError(
            "Set STORAGE_AZURE_CONNECTION_STRING or STORAGE_AZURE_ACCOUNT_NAME with "
            "STORAGE_AZURE_ACCOUNT_KEY, not both"
        )
    if _azure_connection:
        _azure_options["connection_string"] = _azure_connection
    elif _azure_account and _azure_key:
        _azure_options |= {"account_name": _azure_account, "account_key": _azure_key}
    else:
        raise ConfigError(
            "STORAGE_BACKEND=azure needs STORAGE_AZURE_CONNECTION_STRING, or "
            "STORAGE_AZURE_ACCOUNT_NAME and STORAGE_AZURE_ACCOUNT_KEY"
        )
    _storage = {"BACKEND": "shared.object_storage.AzureStorage", "OPTIONS": _azure_options}
else:
    raise ConfigError(f"STORAGE_BACKEND must be local, s3 or azure, not {STORAGE_BACKEND!r}")
STORAGES = {
    "default": _storage,
    # Static files stay with the code, served by WhiteNoise, whatever holds uploads.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
STAFF_IMPORT_MAX_BYTES = env_int("STAFF_IMPORT_MAX_BYTES", 200 * 1024 * 1024)
STAFF_IMPORT_INLINE_ROWS = env_int("STAFF_IMPORT_INLINE_ROWS", 5000)
# A staff file up to this size is checked for its preview while HR waits; a larger one by a
# background task, decided before a row is read. Rows of an HR extract are about 80 bytes
# (bench/run.py's staff_file and docs/examples average 75 to 80), so 2 MiB is at most about
# 27,000 rows, checked in 0.5 s on PostgreSQL and 1.6 s on SQLite on the development machine:
# well inside any request timeout. A wide extract (400 bytes a row) still has 5,000 rows here.
STAFF_IMPORT_INLINE_BYTES = env_int("STAFF_IMPORT_INLINE_BYTES", 2 * 1024 * 1024)
# An import that marks the staff missing from it as left is refused, unless forced, when it
# would mark more than this share of the people in post, and more than the minimum: a partial
# file must not end a whole organisation's employment (docs/staff-import.md).
STAFF_IMPORT_LEAVERS_LIMIT_PERCENT = env_int("STAFF_IMPORT_LEAVERS_LIMIT_PERCENT", 10)
if not 0 <= STAFF_IMPORT_LEAVERS_LIMIT_PERCENT <= 100:
    raise ConfigError("STAFF_IMPORT_LEAVERS_LIMIT_PERCENT must be a whole number from 0 to 100")
STAFF_IMPORT_LEAVERS_LIMIT_MIN = env_int("STAFF_IMPORT_LEAVERS_LIMIT_MIN", 10)
if STAFF_IMPORT_LEAVERS_LIMIT_MIN < 0:
    raise ConfigError("STAFF_IMPORT_LEAVERS_LIMIT_MIN must be 0 or more")
# For how many days after an import marked people as left a later import that puts them back
# in post also shares again the passports their leaving stopped sharing (docs/staff-import.md).
# An ESR extract gives each assignment's whole-time equivalent (0.6); the import turns it into
# contracted hours a week against this full-time week: 37.5 hours under Agenda for Change
# (docs/staff-import.md, "ESR extracts").
try:
    STAFF_IMPORT_FULL_TIME_HOURS = Decimal(env_str("STAFF_IMPORT_FULL_TIME_HOURS", "37.5"))
except ArithmeticError as error:
    raise ConfigError(
        "STAFF_IMPORT_FULL_TIME_HOURS must be a number of hours, like 37.5"
    ) from error
if not (
    STAFF_IMPORT_FULL_TIME_HOURS.is_finite()
    and 1 <= STAFF_IMPORT_FULL_TIME_HOURS <= 100
    and STAFF_IMPORT_FULL_TIME_HOURS.quantize(Decimal("0.01")) == STAFF_IMPORT_FULL_TIME_HOURS
):
    raise ConfigError(
        "STAFF_IMPORT_FULL_TIME_HOURS must be from 1 to 100 hours, with at most 2 decimal places"
    )
STAFF_IMPORT_RESTORE_DAYS = env_int("STAFF_IMPORT_RESTORE_DAYS", 30)
if STAFF_IMPORT_RESTORE_DAYS < 0:
    raise ConfigError("STAFF_IMPORT_RESTORE_DAYS must be 0 or more")
PASSPORT_REVIEW_REMINDER_DAYS = env_int("PASSPORT_REVIEW_REMINDER_DAYS", 14)
PLAN_ACTION_REMINDER_DAYS = env_int("PLAN_ACTION_REMINDER_DAYS", 7)
# Uploaded benchmark evidence (policies, minutes): the largest file accepted.
EVIDENCE_MAX_UPLOAD_BYTES = env_int("EVIDENCE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
if EVIDENCE_MAX_UPLOAD_BYTES < 1:
    raise ConfigError("EVIDENCE_MAX_UPLOAD_BYTES must be a positive number of bytes")
# Extra directories of benchmark framework files, separated by colons; a file there with the
# same slug as a shipped framework replaces it (docs/frameworks.md).
BENCHMARK_FRAMEWORK_DIRS = [
    Path(item) for item in env_str("BENCHMARK_FRAMEWORK_DIRS", "").split(":") if item.strip()
]
for _framework_dir in BENCHMARK_FRAMEWORK_DIRS:
    if not _framework_dir.is_dir():
        raise ConfigError(
            f"BENCHMARK_FRAMEWORK_DIRS names {_framework_dir}, which is not a directory"
        )

# Fernet keys that encrypt credential signing keys at rest; the first encrypts, all decrypt,
# so a new key can be put first and the old ones kept until `rotate_signing_key --reencrypt`.
_credentials_keys_default = (
    []
    if PRODUCTION
    else [
        base64.urlsafe_b64encode(
            hashlib.sha256(b"carershub-credentials:" + SECRET_KEY.encode()).digest()
        ).decode()
    ]
)
CREDENTIALS_ENCRYPTION_KEYS = env_list("CREDENTIALS_ENCRYPTION_KEYS", _credentials_keys_default)
if not CREDENTIALS_ENCRYPTION_KEYS:
    raise ConfigError("CREDENTIALS_ENCRYPTION_KEYS must be set in production")
for _credentials_key in CREDENTIALS_ENCRYPTION_KEYS:
    try:
        Fernet(_credentials_key)
    except ValueError as exc:
        raise ConfigError(
            "CREDENTIALS_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes)"
        ) from exc
# Key set fetches never reach this machine or its private network; this lets two local
# servers (tests, development) trust each other over loopback, and nothing else.
CREDENTIALS_FETCH_ALLOW_LOOPBACK = env_bool("CREDENTIALS_FETCH_ALLOW_LOOPBACK", False)
if PRODUCTION and CREDENTIALS_FETCH_ALLOW_LOOPBACK:
    raise ConfigError("CREDENTIALS_FETCH_ALLOW_LOOPBACK cannot be on when DJANGO_ENV=production")

# Django 6.1's MAILERS replaces the EMAIL_* settings; the variables keep their usual names.
_email_host = env_str("EMAIL_HOST", None if PRODUCTION else "")
if _email_host:
    _email_port = env_int("EMAIL_PORT", 587)
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": _email_port,
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", _email_port == 587),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Working Carers Hub <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Delivery through the outbox (shared/outbox.py): a send that fails is tried again after
# EMAIL_RETRY_SECONDS, then twice that, and so on up to an hour, EMAIL_MAX_ATTEMPTS times in all
# (8: about two hours); a send whose worker stopped is tried again after EMAIL_SEND_LEASE_SECONDS.
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 8)
EMAIL_RETRY_SECONDS = env_int("EMAIL_RETRY_SECONDS", 60)
EMAIL_SEND_LEASE_SECONDS = env_int("EMAIL_SEND_LEASE_SECONDS", 300)
if EMAIL_MAX_ATTEMPTS < 1 or EMAIL_RETRY_SECONDS < 1:
    raise ConfigError("EMAIL_MAX_ATTEMPTS and EMAIL_RETRY_SECONDS must be 1 or more")
# A live send takes a few round trips of at most 20 s each (the SMTP timeout); a shorter lease
# would send again while the first attempt is still going.
if EMAIL_SEND_LEASE_SECONDS < 120:
    raise ConfigError("EMAIL_SEND_LEASE_SECONDS must be at least 120")
# A database-queue task still running after this long has lost its worker and is marked failed.
TASK_RUNNING_TIMEOUT = env_int("TASK_RUNNING_TIMEOUT", 3600)
if TASK_RUNNING_TIMEOUT < 600:
    raise ConfigError("TASK_RUNNING_TIMEOUT must be at least 600 seconds")
if TASK_RUNNING_TIMEOUT < HEAVY_TASK_TIMEOUT:
    # A heavy task still running would be marked failed under its worker.
    raise ConfigError("TASK_RUNNING_TIMEOUT must be at least HEAVY_TASK_TIMEOUT")

# Audit entries are kept at least this many months; `manage.py audit_archive` archives and
# drops whole months older than that, on PostgreSQL (docs/deploy.md "Audit log retention").
AUDIT_RETENTION_MONTHS = env_int("AUDIT_RETENTION_MONTHS", 84)
if AUDIT_RETENTION_MONTHS < 1:
    raise ConfigError("AUDIT_RETENTION_MONTHS must be 1 or more")

# A strict policy everywhere, not only in production, so tests catch inline scripts early.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe, and Prometheus scrapes, over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Which client address sign-in rate limits count (shared/proxies.py): by default the
# connection's own; behind proxies, the one they report. Trusting more proxies than there are
# lets clients choose their own address; trusting fewer counts everyone as the proxy.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER", "")
if TRUSTED_PROXY_COUNT < 0:
    raise ConfigError("TRUSTED_PROXY_COUNT must be 0 or more")
if TRUSTED_PROXY_COUNT and TRUSTED_CLIENT_IP_HEADER:
    raise ConfigError("Set TRUSTED_PROXY_COUNT or TRUSTED_CLIENT_IP_HEADER, not both")
# The same values for any part of django-allauth that reads the address without the adapter.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# API rate limits (api/rate_limits.py): requests per window per token, and per client address
# for calls without a valid token. Off in tests, which make many calls from one address;
# the rate-limit tests turn them on.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 0 if DJANGO_ENV == "test" else 600)
API_RATE_LIMIT_ANONYMOUS = env_int("API_RATE_LIMIT_ANONYMOUS", 0 if DJANGO_ENV == "test" else 60)
API_RATE_LIMIT_WINDOW = env_int("API_RATE_LIMIT_WINDOW", 60)
if API_RATE_LIMIT < 0 or API_RATE_LIMIT_ANONYMOUS < 0:
    raise ConfigError("API_RATE_LIMIT and API_RATE_LIMIT_ANONYMOUS must be 0 (off) or more")
if API_RATE_LIMIT_WINDOW < 1:
    raise ConfigError("API_RATE_LIMIT_WINDOW must be at least 1 second")
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = TRUSTED_CLIENT_IP_HEADER or None

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ConfigError(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}"
    )
# One line a record on standard error: JSON for log collectors (production's default), or
# text for a terminal. Every line carries the request's id; none carries a path, a query
# string or an exception's words (shared/logs.py).
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ConfigError(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "shared.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "shared.logs.JsonFormatter"},
        "text": {"()": "shared.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own lines go through the same handler, rather than Django's defaults
        # (a second console handler, and error emails that would carry the whole request).
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "apscheduler": {"level": "WARNING"},
        # The Azure SDK logs every HTTP request and response at INFO: noise, and each names
        # a stored file. Its warnings and errors still come through.
        "azure": {"level": "WARNING"},
        # WeasyPrint logs each step of every PDF at INFO, and fontTools each font it subsets:
        # noise. Their warnings (a template's CSS it cannot read) still come through.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Error reports to Sentry (shared/error_reports.py): off unless SENTRY_DSN is set, and never
# with a request's body, cookies, query string, user or local variables.
SENTRY_DSN = env_str("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", DJANGO_ENV)
SENTRY_RELEASE = env_str("SENTRY_RELEASE", "")
SENTRY_SAMPLE_RATE = env_float("SENTRY_SAMPLE_RATE", 1.0)
if not 0 <= SENTRY_SAMPLE_RATE <= 1:
    raise ConfigError("SENTRY_SAMPLE_RATE must be a number from 0 to 1")
if SENTRY_DSN:
    from shared.error_reports import error_reports_init

    error_reports_init(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        release=SENTRY_RELEASE,
        sample_rate=SENTRY_SAMPLE_RATE,
    )

# /metrics for Prometheus (shared/metrics.py): answers only a request bearing this token, and
# is not there at all (404) without it.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ConfigError("METRICS_TOKEN must be at least 32 characters long")
# Each task worker writes a heartbeat this often; /healthz calls the workers stale when none
# has for WORKER_HEARTBEAT_TIMEOUT seconds (shared/heartbeat.py).
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 15)
WORKER_HEARTBEAT_TIMEOUT = env_int("WORKER_HEARTBEAT_TIMEOUT", 60)
if WORKER_HEARTBEAT_SECONDS < 1:
    raise ConfigError("WORKER_HEARTBEAT_SECONDS must be 1 or more")
if WORKER_HEARTBEAT_TIMEOUT < 2 * WORKER_HEARTBEAT_SECONDS:
    raise ConfigError("WORKER_HEARTBEAT_TIMEOUT must be at least twice WORKER_HEARTBEAT_SECONDS")
# How often the scheduler's recover_lost_work job looks for work whose worker died: emails,
# staff imports and tasks (carershub/tasks.py). A killed worker's import is queued again
# within WORKER_HEARTBEAT_TIMEOUT + LOST_WORK_CHECK_SECONDS.
LOST_WORK_CHECK_SECONDS = env_int("LOST_WORK_CHECK_SECONDS", 120)
if LOST_WORK_CHECK_SECONDS < 1:
    raise ConfigError("LOST_WORK_CHECK_SECONDS must be 1 or more")

# Demo password shared by every seeded account; printed by `make run`.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "carers-hub-demo")
