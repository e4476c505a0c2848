"""EcoLedger settings, read from ``ECOLEDGER_*`` environment variables.

| variable | default | meaning |
|---|---|---|
| ECOLEDGER_DATA_DIR | ./var | database (SQLite), uploaded files, collected static files |
| ECOLEDGER_DATABASE_URL | sqlite:///ecoledger.sqlite3 | sqlite:///… or postgres://u:pw@host/db |
| ECOLEDGER_SECRET_KEY | — (required unless DEBUG) | Django's signing key |
| ECOLEDGER_DEBUG | false | development mode |
| ECOLEDGER_ALLOWED_HOSTS | localhost,127.0.0.1 | comma-separated host names |
| ECOLEDGER_CSRF_TRUSTED_ORIGINS | — | comma-separated origins behind a proxy |
| ECOLEDGER_TIME_ZONE | Asia/Shanghai | the zone times are shown in (stored in UTC) |
| ECOLEDGER_PROBLEM_CODE_PREFIX | ZG | prefix of problem codes (ZG-2026-000123) |
| ECOLEDGER_WARNING_DAYS | 7 | a deadline this close turns the traffic light yellow |
| ECOLEDGER_CONTEST_WINDOW_DAYS | 3 | days after assignment in which a unit may contest |
| ECOLEDGER_ARBITRATION_DAYS | 5 | days a supervisor has to arbitrate a contest |
| ECOLEDGER_MAX_UPLOAD_MB | 20 | largest evidence file accepted |
| ECOLEDGER_LIST_COUNT_CAP | 10000 | lists count exactly up to this many rows |
| ECOLEDGER_SITE_URL | http://127.0.0.1:8000 | the address links in emails and webhooks point to |
| ECOLEDGER_EMAIL_HOST | — | SMTP server; without it mail is written to files in DATA_DIR/mail |
| ECOLEDGER_EMAIL_PORT | 25 | SMTP port |
| ECOLEDGER_EMAIL_USER, _PASSWORD | — | SMTP login |
| ECOLEDGER_EMAIL_TLS | false | STARTTLS (ECOLEDGER_EMAIL_SSL for implicit TLS) |
| ECOLEDGER_EMAIL_FROM | ecoledger@localhost | sender address |
| ECOLEDGER_NOTIFY_TIMEOUT | 10 | seconds an email or webhook send may take |
| ECOLEDGER_NOTIFY_RETRY_SECONDS | 60 | first retry delay; it doubles with every failed attempt |
| ECOLEDGER_NOTIFY_MAX_ATTEMPTS | 8 | attempts before a delivery is marked failed |
| ECOLEDGER_DIGEST_HOUR | 8 | local hour from which the daily digest is sent |
| ECOLEDGER_INTAKE_PER_IP_HOUR, _PER_IP_DAY | 5, 20 | complaints per address an hour, a day |
| ECOLEDGER_INTAKE_PER_PHONE_DAY | 3 | complaints one phone number may file per day |
| ECOLEDGER_INTAKE_MAX_PHOTOS | 6 | photos on one complaint |
| ECOLEDGER_INTAKE_REPLY_DAYS | 15 | days to answer a complaint once it joins a case |
| ECOLEDGER_INTAKE_DUPLICATE_RADIUS_M, _DAYS | 500, 30 | where and when duplicates are sought |
| ECOLEDGER_OPEN311_JURISDICTION_ID | — | the Open311 jurisdiction this server answers for |
| ECOLEDGER_FOLLOWUP_DAYS | 30,90,180 | days after closing when follow-up checks (回头看) fall due |
| ECOLEDGER_FOLLOWUP_DAYS_BY_DOMAIN | — | per-domain offsets, e.g. water=30,90,180,365;noise=30 |
| ECOLEDGER_FOLLOWUP_RISKY_DOMAINS | water,soil,solid_waste | domains that raise a problem's risk |
| ECOLEDGER_FOLLOWUP_SAMPLE_PERCENT | 30 | share of low-risk closed problems that get follow-ups |
| ECOLEDGER_REBOUND_DEADLINE_DAYS | 30 | deadline of a problem a follow-up reopens as rebound |
| ECOLEDGER_REBOUND_RADIUS_M, _WINDOW_DAYS | 200, 180 | how near and how soon news flags a rebound |
| ECOLEDGER_EVIDENCE_MAX_DISTANCE_M | 500 | a photo's GPS this far from the problem is flagged |
| ECOLEDGER_EVIDENCE_HASH_DISTANCE | 6 | perceptual hashes this close (bits, 0 to 16) look alike |
| ECOLEDGER_CJK_FONT | — (fontconfig finds one) | font file for briefing charts' Chinese labels |
| ECOLEDGER_BRIEFING_PDF_TIMEOUT | 120 | seconds LibreOffice may take to turn a briefing into PDF |
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.choices import Domain
from ecoledger.lib.env import (
    database_from_url,
    env_bool,
    env_int,
    env_int_list,
    env_int_lists,
    env_list,
    env_path,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_path("DATA_DIR", Path.cwd() / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG")
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ECOLEDGER_SECRET_KEY is not set. Set it to a long random string "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "ecoledger.org",
    "ecoledger.audit",
    "ecoledger.ledger",
    "ecoledger.jobs",
    "ecoledger.monitoring",
    "ecoledger.intake",
    "ecoledger.notifications",
    "ecoledger.assessment",
    "ecoledger.reports",
    "ecoledger.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ecoledger.lib.requests.RequestIdMiddleware",
    "ecoledger.lib.requests.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ecoledger.lib.requests.WriteForgetsCountsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ecoledger.urls"
WSGI_APPLICATION = "ecoledger.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", "sqlite:///ecoledger.sqlite3"), data_dir=DATA_DIR
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 20, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "ecoledger.lib.pagination.CappedPageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "ecoledger.lib.api.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "EcoLedger API",
    "DESCRIPTION": "The ecological-environment problem rectification ledger.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "FollowUpStatusEnum": "ecoledger.ledger.choices.FollowUpStatus",
        "SuspicionStatusEnum": "ecoledger.ledger.choices.SuspicionStatus",
        "SignalKindEnum": "ecoledger.ledger.choices.SignalKind",
        "VersionStatusEnum": "ecoledger.assessment.choices.VersionStatus",
        "ExemptionStatusEnum": "ecoledger.assessment.choices.DecisionStatus",
        "AppealStatusEnum": "ecoledger.assessment.choices.AppealStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Domain settings.
PROBLEM_CODE_PREFIX = env_str("PROBLEM_CODE_PREFIX", "ZG")
WARNING_DAYS = env_int("WARNING_DAYS", 7, minimum=0)
CONTEST_WINDOW_DAYS = env_int("CONTEST_WINDOW_DAYS", 3, minimum=0)
ARBITRATION_DAYS = env_int("ARBITRATION_DAYS", 5, minimum=1)
LIST_COUNT_CAP = env_int("LIST_COUNT_CAP", 10000, minimum=100)
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
# The datum the tiles are drawn in: Chinese commercial maps use GCJ-02, 天地图 WGS-84.
MAP_DATUM = env_str("MAP_DATUM", "gcj02")
if MAP_DATUM not in ("gcj02", "wgs84"):
    raise ImproperlyConfigured(f"ECOLEDGER_MAP_DATUM={MAP_DATUM!r}: use gcj02 or wgs84")

# Notifications: mail through Django's settings, webhooks, retries, the daily digest.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    # No mail server configured (the demo, a fresh install): keep the mail as files.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_SSL")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("ECOLEDGER_EMAIL_TLS and ECOLEDGER_EMAIL_SSL exclude each other")
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "ecoledger@localhost")
NOTIFY_TIMEOUT = env_int("NOTIFY_TIMEOUT", 10, minimum=1)
EMAIL_TIMEOUT = NOTIFY_TIMEOUT
NOTIFY_RETRY_SECONDS = env_int("NOTIFY_RETRY_SECONDS", 60, minimum=1)
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 8, minimum=1)
DIGEST_HOUR = env_int("DIGEST_HOUR", 8, minimum=0)
if DIGEST_HOUR > 23:
    raise ImproperlyConfigured(f"ECOLEDGER_DIGEST_HOUR={DIGEST_HOUR} must be an hour, 0 to 23")

# Public complaints (intake): abuse limits per sender address and per phone, duplicate search.
INTAKE_PER_IP_HOUR = env_int("INTAKE_PER_IP_HOUR", 5, minimum=1)
INTAKE_PER_IP_DAY = env_int("INTAKE_PER_IP_DAY", 20, minimum=1)
INTAKE_PER_PHONE_DAY = env_int("INTAKE_PER_PHONE_DAY", 3, minimum=1)
INTAKE_MAX_PHOTOS = env_int("INTAKE_MAX_PHOTOS", 6, minimum=0)
INTAKE_REPLY_DAYS = env_int("INTAKE_REPLY_DAYS", 15, minimum=1)
INTAKE_DUPLICATE_RADIUS_M = env_int("INTAKE_DUPLICATE_RADIUS_M", 500, minimum=1)
INTAKE_DUPLICATE_DAYS = env_int("INTAKE_DUPLICATE_DAYS", 30, minimum=1)
OPEN311_JURISDICTION_ID = env_str("OPEN311_JURISDICTION_ID", "")

# Follow-ups (回头看), rebound detection and evidence integrity flags.
FOLLOWUP_DAYS = env_int_list("FOLLOWUP_DAYS", [30, 90, 180], minimum=1)
FOLLOWUP_DAYS_BY_DOMAIN = env_int_lists("FOLLOWUP_DAYS_BY_DOMAIN", Domain.values, minimum=1)
FOLLOWUP_RISKY_DOMAINS = env_list("FOLLOWUP_RISKY_DOMAINS", ["water", "soil", "solid_waste"])
if unknown_domains := set(FOLLOWUP_RISKY_DOMAINS) - set(Domain.values):
    raise ImproperlyConfigured(
        f"ECOLEDGER_FOLLOWUP_RISKY_DOMAINS names unknown domains: "
        f"{', '.join(sorted(unknown_domains))} (known: {', '.join(Domain.values)})"
    )
FOLLOWUP_SAMPLE_PERCENT = env_int("FOLLOWUP_SAMPLE_PERCENT", 30, minimum=0)
if FOLLOWUP_SAMPLE_PERCENT > 100:
    raise ImproperlyConfigured(
        f"ECOLEDGER_FOLLOWUP_SAMPLE_PERCENT={FOLLOWUP_SAMPLE_PERCENT} must be 0 to 100"
    )
REBOUND_DEADLINE_DAYS = env_int("REBOUND_DEADLINE_DAYS", 30, minimum=1)
REBOUND_RADIUS_M = env_int("REBOUND_RADIUS_M", 200, minimum=1)
REBOUND_WINDOW_DAYS = env_int("REBOUND_WINDOW_DAYS", 180, minimum=1)
EVIDENCE_MAX_DISTANCE_M = env_int("EVIDENCE_MAX_DISTANCE_M", 500, minimum=1)
EVIDENCE_HASH_DISTANCE = env_int("EVIDENCE_HASH_DISTANCE", 6, minimum=0)
if EVIDENCE_HASH_DISTANCE > 16:
    # Unrelated pictures are about 32 bits apart, and the band search (ecoledger.lib.hashbands)
    # would look up thousands of band values for every upload.
    raise ImproperlyConfigured(
        f"ECOLEDGER_EVIDENCE_HASH_DISTANCE={EVIDENCE_HASH_DISTANCE} must be 0 to 16"
    )

# Briefings (通报): the font of their charts' Chinese labels, the PDF conversion's time limit.
CJK_FONT = env_str("CJK_FONT", "")
BRIEFING_PDF_TIMEOUT = env_int("BRIEFING_PDF_TIMEOUT", 120, minimum=10)
