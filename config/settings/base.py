"""Settings shared by every environment, read from the environment with safe development defaults.

`make run` uses this module as it is (SQLite and Huey on SQLite under var/, dev channels);
production overrides in `config.settings.production`, tests in `config.settings.test`.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SMART_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
# A development-only key; production refuses to start with it (config/settings/production.py).
DEV_SECRET_KEY = "dev-insecure-smart-key-change-me-in-production-0123456789"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "ninja",  # serves Swagger UI from our own static files (the CSP allows no CDN)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "permits.core",
    "permits.catalog",
    "permits.intake",
    "permits.workflow",
    "permits.monitoring",
    "permits.decrees",
    "permits.levies",
    "permits.notifications",
    "permits.portal",
    "permits.booking",
    "permits.demo",  # the demo office (make run); above every app, imported by none
]
if DEBUG:
    INSTALLED_APPS.append("testing")  # generate_load_data for the benchmarks (testing/; never in production)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "permits.core.middleware.SecurityHeadersMiddleware",
    "permits.core.middleware.NulInputGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "permits.core.middleware.OTPRequiredMiddleware",
    "permits.core.permissions.PageAccessMiddleware",  # the access table, for every page
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "permits.core.context_processors.office",
                "permits.core.context_processors.navigation",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL selects PostgreSQL (production, CI).
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'smart.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent registrations queue
    # instead of failing with "database is locked" on lock upgrade; WAL lets readers go on.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
# Files browsers ask for at the site root (favicon.ico), served by WhiteNoise without a Django URL.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_ROOT = VAR_DIR / "media"  # outside the web root; documents are served only through views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Background jobs: Huey on SQLite by default, Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "smart",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
    CACHES = {"default": {"BACKEND": "permits.core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "smart",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
    # A file cache is shared by the web server and the worker on one host (throttle counters).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- The office -------------------------------------------------------------------------------
OFFICE_NAME = os.environ.get(
    "OFFICE_NAME", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu (DPMPTSP) Kota Contoh"
)
OFFICE_SHORT_NAME = os.environ.get("OFFICE_SHORT_NAME", "DPMPTSP Kota Contoh")
OFFICE_ADDRESS = os.environ.get("OFFICE_ADDRESS", "Jl. Merdeka No. 1, Kota Contoh")
OFFICE_HOURS = os.environ.get("OFFICE_HOURS", "Senin-Jumat 08.00-16.00 WIB")
# The same hours for the English pages (text the office types: a twin, like the catalogue's *_en fields).
OFFICE_HOURS_EN = os.environ.get("OFFICE_HOURS_EN", "Monday-Friday 08.00-16.00 WIB")
# Public base URL printed in QR codes, receipts, messages and decree verification links. Unset, it is
# where `make run` serves (HOST, PORT), so `PORT=8080 make run` links to port 8080 in every process;
# a wildcard HOST (listen on all interfaces) is reached on this machine at 127.0.0.1.
_SERVE_HOST = os.environ.get("HOST", "") or "127.0.0.1"
_SERVE_HOST = "127.0.0.1" if _SERVE_HOST in ("0.0.0.0", "::", "[::]") else _SERVE_HOST
_SERVE_HOST = f"[{_SERVE_HOST}]" if ":" in _SERVE_HOST and not _SERVE_HOST.startswith("[") else _SERVE_HOST
PUBLIC_BASE_URL = (
    os.environ.get("PUBLIC_BASE_URL") or f"http://{_SERVE_HOST}:{os.environ.get('PORT') or '8000'}"
).rstrip("/")
# Registration number format; {year} and {seq} are filled in. No "/" (numbers appear in URLs).
REGISTRATION_NUMBER_FORMAT = os.environ.get("REGISTRATION_NUMBER_FORMAT", "{year}-{seq:06d}")
# Working hours of the office, used by the working-day calendar (Asia/Jakarta).
OFFICE_DAY_START = os.environ.get("OFFICE_DAY_START", "08:00")
OFFICE_DAY_END = os.environ.get("OFFICE_DAY_END", "16:00")
API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", "12"))
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "smart-demo-2026")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
WORKFLOW_AUTO_ASSIGN = env_bool("WORKFLOW_AUTO_ASSIGN", False)

# --- Online pre-registration (permits/booking, docs/BOOKING.md) -----------------------------------
BOOKING_TTL_DAYS = int(os.environ.get("BOOKING_TTL_DAYS", "14"))  # an open booking expires after this
BOOKING_MAX_TOTAL_BYTES = int(os.environ.get("BOOKING_MAX_TOTAL_MB", "20")) * 1024 * 1024  # all uploads together
BOOKING_THROTTLE_LIMIT = int(os.environ.get("BOOKING_THROTTLE_LIMIT", "10"))  # bookings per client and window
BOOKING_THROTTLE_WINDOW_SECONDS = int(os.environ.get("BOOKING_THROTTLE_WINDOW_SECONDS", "3600"))
# The client's address is read as for tracking (TRUSTED_PROXY_COUNT, permits/portal/throttle.py: client_ip).

# --- Levies (SKRD) and Bank BJB through SNAP BI virtual accounts (docs/LEVY.md) -----------------
# The due date: at least this many calendar days after the SKRD/SKPD date, rolled to the next working day.
SKRD_DUE_DAYS = int(os.environ.get("SKRD_DUE_DAYS", "30"))
SKRD_NUMBER_FORMAT = os.environ.get("SKRD_NUMBER_FORMAT", "SKRD/{year}/{seq:05d}")  # levies (retribusi)
SKPD_NUMBER_FORMAT = os.environ.get("SKPD_NUMBER_FORMAT", "SKPD/{year}/{seq:05d}")  # taxes (pajak)
STRD_NUMBER_FORMAT = os.environ.get("STRD_NUMBER_FORMAT", "STRD/{year}/{seq:05d}")  # late levy claims
STPD_NUMBER_FORMAT = os.environ.get("STPD_NUMBER_FORMAT", "STPD/{year}/{seq:05d}")  # late tax claims
LEVY_SANCTION_PERCENT = os.environ.get("LEVY_SANCTION_PERCENT", "1")  # interest per started month late
LEVY_SANCTION_MAX_MONTHS = int(os.environ.get("LEVY_SANCTION_MAX_MONTHS", "24"))
LEVY_OBJECTION_MONTHS = int(os.environ.get("LEVY_OBJECTION_MONTHS", "3"))  # keberatan after the document date
# The official printed on SKRD/SKPD/STRD when the issuing treasurer has no complete official profile (username).
LEVY_OFFICIAL_USERNAME = os.environ.get("LEVY_OFFICIAL_USERNAME", "")
SNAP_PREFIX = os.environ.get("SNAP_PREFIX", "snap").strip("/")  # the endpoints live at /{prefix}/v1.0/...
# The bank's credentials. Empty values fall back, in development only (DEBUG, or SNAP_USE_SIMULATOR=true),
# to the bank simulator's file below (created on first use, never committed).
SNAP_PARTNER_ID = os.environ.get("SNAP_PARTNER_ID", "")  # X-PARTNER-ID the bank sends
SNAP_CLIENT_ID = os.environ.get("SNAP_CLIENT_ID", "")  # X-CLIENT-KEY of the token request
SNAP_CLIENT_SECRET = os.environ.get("SNAP_CLIENT_SECRET", "")  # HMAC-SHA512 key of transaction signatures
SNAP_BANK_PUBLIC_KEY = os.environ.get("SNAP_BANK_PUBLIC_KEY", "")  # PEM text, or the path of a PEM file
SNAP_PARTNER_SERVICE_ID = os.environ.get("SNAP_PARTNER_SERVICE_ID", "77001")  # VA prefix the bank assigned
SNAP_TIMESTAMP_WINDOW_SECONDS = int(os.environ.get("SNAP_TIMESTAMP_WINDOW_SECONDS", "300"))
# A posted payment's advance still pending this long is the every-minute sweep's (its worker or its
# enqueue was lost); younger ones are left to the worker that has them (permits/levies/tasks.py).
LEVY_ADVANCE_SWEEP_AFTER_SECONDS = int(os.environ.get("LEVY_ADVANCE_SWEEP_AFTER_SECONDS", "30"))
SNAP_SIGNATURE_ENCODING = os.environ.get("SNAP_SIGNATURE_ENCODING", "base64")  # or "hex"
SNAP_TOKEN_TTL_SECONDS = int(os.environ.get("SNAP_TOKEN_TTL_SECONDS", "900"))
SNAP_SIMULATOR_FILE = Path(os.environ.get("SNAP_SIMULATOR_FILE", str(VAR_DIR / "bank-simulator.json")))
# None: follow DEBUG (the simulator is used in development only)
SNAP_USE_SIMULATOR = env_bool("SNAP_USE_SIMULATOR", False) if "SNAP_USE_SIMULATOR" in os.environ else None

# --- Public tracking (permits/portal, docs/PORTAL.md) ---------------------------------------------
# Failed lookups (unknown number or wrong PIN) allowed per client address and per registration number
# within a window of TRACKING_LOCK_MINUTES; a number that reaches its limit is locked that long, even for
# the right PIN. TRUSTED_PROXY_COUNT: how many proxies of our own append to X-Forwarded-For (0 = none).
TRACKING_MAX_FAILS_PER_IP = int(os.environ.get("TRACKING_MAX_FAILS_PER_IP", "20"))
TRACKING_MAX_FAILS_PER_NUMBER = int(os.environ.get("TRACKING_MAX_FAILS_PER_NUMBER", "5"))
TRACKING_LOCK_MINUTES = int(os.environ.get("TRACKING_LOCK_MINUTES", "15"))
# The public view of an application is kept in the cache under the version of its audit stream (any
# recorded change makes a new entry); this bounds only the parts that change without an event (the
# estimate from the office's history, an admin's edit of a step name). 0 turns the cache off.
TRACKING_CACHE_SECONDS = int(os.environ.get("TRACKING_CACHE_SECONDS", "300"))
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# --- Notifications (permits/notifications, docs/NOTIFICATIONS.md) --------------------------------
SMS_BACKEND = os.environ.get("SMS_BACKEND", "dev")  # dev | kannel | http
KANNEL_SENDSMS_URL = os.environ.get("KANNEL_SENDSMS_URL", "http://127.0.0.1:13013/cgi-bin/sendsms")
KANNEL_USERNAME = os.environ.get("KANNEL_USERNAME", "")
KANNEL_PASSWORD = os.environ.get("KANNEL_PASSWORD", "")
KANNEL_SENDER = os.environ.get("KANNEL_SENDER", "DPMPTSP")
KANNEL_DLR_MASK = int(os.environ.get("KANNEL_DLR_MASK", "31"))  # 1 phone, 2 not, 4 queued, 8 smsc, 16 rejected
KANNEL_SMSC = os.environ.get("KANNEL_SMSC", "")  # route through this smsc-id (optional)
# Kannel's sms-service calls GET /sms/masuk/?from=%p&text=%a&key=<this> (portal.views.sms_inbound); empty: off
SMS_INBOUND_KEY = os.environ.get("SMS_INBOUND_KEY", "")
KANNEL_DLR_BASE_URL = os.environ.get("KANNEL_DLR_BASE_URL", PUBLIC_BASE_URL)  # how Kannel reaches our callback
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")  # generic HTTP SMS gateway (SMS_BACKEND=http)
SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN", "")
SMS_HTTP_SENDER = os.environ.get("SMS_HTTP_SENDER", KANNEL_SENDER)
WHATSAPP_BACKEND = os.environ.get("WHATSAPP_BACKEND", "dev")  # dev | cloud
WHATSAPP_API_BASE_URL = os.environ.get("WHATSAPP_API_BASE_URL", "https://graph.facebook.com/v21.0")
WHATSAPP_PHONE_NUMBER_ID = os.environ.get("WHATSAPP_PHONE_NUMBER_ID", "")
WHATSAPP_TOKEN = os.environ.get("WHATSAPP_TOKEN", "")
WHATSAPP_APP_SECRET = os.environ.get("WHATSAPP_APP_SECRET", "")  # checks X-Hub-Signature-256 on the webhook
WHATSAPP_VERIFY_TOKEN = os.environ.get("WHATSAPP_VERIFY_TOKEN", "")  # the webhook's GET handshake
WHATSAPP_LANGUAGE = os.environ.get("WHATSAPP_LANGUAGE", "id")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SMART <noreply@localhost>")
NOTIFY_RETRY_HOURS = int(os.environ.get("NOTIFY_RETRY_HOURS", "24"))  # then the message is failed (recorded)
NOTIFY_BACKOFF_BASE_SECONDS = int(os.environ.get("NOTIFY_BACKOFF_BASE_SECONDS", "60"))  # 1, 2, 4, ... minutes
NOTIFY_BACKOFF_MAX_SECONDS = int(os.environ.get("NOTIFY_BACKOFF_MAX_SECONDS", "3600"))
NOTIFY_SENDING_TIMEOUT_SECONDS = int(os.environ.get("NOTIFY_SENDING_TIMEOUT_SECONDS", "600"))  # worker presumed dead
NOTIFY_HTTP_TIMEOUT_SECONDS = float(os.environ.get("NOTIFY_HTTP_TIMEOUT_SECONDS", "10"))
NOTIFY_PENDING_BATCH = int(os.environ.get("NOTIFY_PENDING_BATCH", "500"))  # messages per deliver_pending run
NOTIFY_PICKUP_PLACE = os.environ.get("NOTIFY_PICKUP_PLACE", OFFICE_ADDRESS)  # where decrees are collected

# --- Decrees (SK), verification and the satisfaction survey (permits/decrees, docs/DECREE.md) -----
# Number format: {seq} (gap-free per year), {permit_code}, {year}; assigned at signing.
DECREE_NUMBER_FORMAT = os.environ.get("DECREE_NUMBER_FORMAT", "503/{seq:04d}/{permit_code}/DPMPTSP/{year}")
DECREE_AUTHORITY = os.environ.get("DECREE_AUTHORITY", "Kepala " + OFFICE_NAME)  # "KEPUTUSAN <authority>"
DECREE_PLACE = os.environ.get("DECREE_PLACE", "Kota Contoh")  # "Ditetapkan di <place>"
OFFICE_LOGO_PATH = os.environ.get("OFFICE_LOGO_PATH", "")  # PNG/JPEG printed on the letterhead (optional)
DECREE_ELECTRONIC_NOTE = os.environ.get(
    "DECREE_ELECTRONIC_NOTE",
    "Dokumen ini ditandatangani secara elektronik menggunakan sertifikat elektronik; tidak memerlukan cap basah.",
)
# The office's signing certificate (production: the PKCS#12 issued by BSrE) and what signatures are checked
# against (PEM/DER file of root certificates; unset: the self-signed certificates inside the PKCS#12 file).
DECREE_SIGNING_P12_PATH = os.environ.get("DECREE_SIGNING_P12_PATH", "")
DECREE_SIGNING_P12_PASSWORD = os.environ.get("DECREE_SIGNING_P12_PASSWORD", "")
DECREE_TRUST_ROOTS_PATH = os.environ.get("DECREE_TRUST_ROOTS_PATH", "")
# Without DECREE_SIGNING_P12_PATH, generate a development certificate into VAR_DIR on first use.
# Production must set DECREE_SIGNING_DEV_CERT=false (manage.py check --deploy reports it).
DECREE_SIGNING_DEV_CERT = env_bool("DECREE_SIGNING_DEV_CERT", True)
# Which signer makes the signature (permits/decrees/signers.py): "pkcs12" (the key file above) or "esign"
# (BSrE's e-sign service: the digest is sent with the signer's NIK and the passphrase the head types).
DECREE_SIGNER = os.environ.get("DECREE_SIGNER", "pkcs12")
# Development and tests: the local time-stamp authority and e-sign fake (permits/decrees/localsign.py) listen
# here; `make run` starts them. Production sets DECREE_TSA_URL (BSrE's TSA) and DECREE_ESIGN_URL.
DECREE_LOCAL_SIGNING_ADDRESS = os.environ.get("DECREE_LOCAL_SIGNING_ADDRESS", "127.0.0.1:8479")
DECREE_TSA_URL = os.environ.get("DECREE_TSA_URL", f"http://{DECREE_LOCAL_SIGNING_ADDRESS}/tsa")  # RFC 3161
DECREE_TSA_USERNAME = os.environ.get("DECREE_TSA_USERNAME", "")  # HTTP basic auth, if the TSA asks for it
DECREE_TSA_PASSWORD = os.environ.get("DECREE_TSA_PASSWORD", "")
DECREE_SIGNING_TIMEOUT_SECONDS = float(os.environ.get("DECREE_SIGNING_TIMEOUT_SECONDS", "15"))  # TSA, e-sign, OCSP
# Fetch OCSP responses/CRLs named in the certificates while signing (embedded as PAdES B-LT validation data).
DECREE_REVOCATION_FETCH = env_bool("DECREE_REVOCATION_FETCH", True)
DECREE_ESIGN_URL = os.environ.get("DECREE_ESIGN_URL", f"http://{DECREE_LOCAL_SIGNING_ADDRESS}/esign")
DECREE_ESIGN_CLIENT_ID = os.environ.get("DECREE_ESIGN_CLIENT_ID", "")  # the office's API account (basic auth)
DECREE_ESIGN_CLIENT_SECRET = os.environ.get("DECREE_ESIGN_CLIENT_SECRET", "")
DECREE_ESIGN_NIK = os.environ.get("DECREE_ESIGN_NIK", "3171014508800002")  # the signing official's NIK at BSrE
# The local fake only: the NIKs it holds a key for and their passphrases ("nik:passphrase,...").
DECREE_ESIGN_FAKE_USERS = os.environ.get("DECREE_ESIGN_FAKE_USERS", "3171014508800002:rahasia-demo-123")
DECREE_DIGITAL_DELIVERY = env_bool("DECREE_DIGITAL_DELIVERY", True)  # applicants download the SK with their PIN
DECREE_VERIFY_UPLOADS_PER_HOUR = int(os.environ.get("DECREE_VERIFY_UPLOADS_PER_HOUR", "20"))  # per client address
DECREE_VERIFY_MAX_BYTES = int(os.environ.get("DECREE_VERIFY_MAX_MB", "10")) * 1024 * 1024

# --- Leadership monitoring: stalled-file alerts, dashboard, digest (permits/monitoring, docs/MONITORING.md) ---
# A task gets a warning once this share of its bound (working time) is used up.
MONITOR_WARNING_SHARE = float(os.environ.get("MONITOR_WARNING_SHARE", "0.75"))
# A task nobody acted on for this many working hours (since it was claimed, or opened) is idle.
MONITOR_IDLE_HOURS = float(os.environ.get("MONITOR_IDLE_HOURS", "8"))
# The head is alerted when a task is overdue by this further share of its bound (0.5: 1.5 x the bound).
MONITOR_HEAD_ESCALATION_SHARE = float(os.environ.get("MONITOR_HEAD_ESCALATION_SHARE", "0.5"))
# Steps that wait on the applicant, not on an officer: no alerts, not in the stalled list or step compliance.
MONITOR_APPLICANT_WAIT_KINDS = [
    k.strip() for k in os.environ.get("MONITOR_APPLICANT_WAIT_KINDS", "payment,handover").split(",") if k.strip()
]
MONITOR_SWEEP_BATCH = int(os.environ.get("MONITOR_SWEEP_BATCH", "500"))  # alerts per level and sweep run
MONITOR_SWEEP_CHUNK = int(os.environ.get("MONITOR_SWEEP_CHUNK", "200"))  # tasks per transaction of the sweep
MONITOR_DIGEST_HOUR = int(os.environ.get("MONITOR_DIGEST_HOUR", "7"))  # daily digest, local hour (Asia/Jakarta)
MONITOR_TRANSPARENCY_DAYS = int(os.environ.get("MONITOR_TRANSPARENCY_DAYS", "90"))
# The dashboard's history figures (month, 12-week trend, 90-day step times) are kept this long (0: not kept).
MONITOR_DASHBOARD_CACHE_SECONDS = int(os.environ.get("MONITOR_DASHBOARD_CACHE_SECONDS", "300"))
# The dashboard's "now" counts (the backlog) are counted at most this often for all readers (0: per request).
MONITOR_NOW_CACHE_SECONDS = int(os.environ.get("MONITOR_NOW_CACHE_SECONDS", "15"))

# --- Trust: login, second factor, security headers (permits/core, docs/SECURITY.md) --------------
# Password guesses (login page, admin, POST /api/v1/auth/token): a username is locked for
# LOGIN_LOCK_MINUTES after LOGIN_MAX_FAILS_PER_USER failures; an address after LOGIN_MAX_FAILS_PER_IP.
LOGIN_MAX_FAILS_PER_USER = int(os.environ.get("LOGIN_MAX_FAILS_PER_USER", "5"))
LOGIN_MAX_FAILS_PER_IP = int(os.environ.get("LOGIN_MAX_FAILS_PER_IP", "20"))
LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))
# TOTP second factor for these roles (and staff/superusers). Off by default while DEBUG is on, so the
# demo users log in with their password only; config.settings.production turns it on.
OTP_REQUIRED_ROLES = [r for r in os.environ.get("OTP_REQUIRED_ROLES", "head,treasurer,admin").split(",") if r]
OTP_ENFORCE = env_bool("OTP_ENFORCE", not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "SMART " + OFFICE_SHORT_NAME)
# Response headers. Inline style attributes remain in some templates, hence 'unsafe-inline' for
# styles only. Scripts: our own files, plus exactly two inline handlers of the print buttons
# ("window.print()" and "window.print();return false", allowed by hash; permits/core/tests/test_headers.py).
CSP_PRINT_HANDLER_HASHES = "'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU=' " + (
    "'sha256-R7rXn9vB3Vz2GkaRq/qyiVxnqHXKCxP89N5/c+UFP0Q='"
)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    f"script-src 'self' 'unsafe-hashes' {CSP_PRINT_HANDLER_HASHES}; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), payment=(), usb=()"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
