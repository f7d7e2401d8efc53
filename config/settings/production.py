"""Production settings: refuses to start without a real secret key and an explicit host list."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import DEV_SECRET_KEY, INSTALLED_APPS, SECRET_KEY, env_bool
from .storage import s3_storage

DEBUG = False
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "testing"]  # base adds it when DEBUG defaults on
if not os.environ.get("SECRET_KEY") or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters.")
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the public host names.")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# No script reads the CSRF cookie: forms carry {% csrf_token %}, the API docs take the token from the
# page (ninja's data-csrf-token), bearer tokens are not cookies. So HttpOnly costs nothing (docs/SECURITY.md).
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Trust (docs/SECURITY.md) --------------------------------------------------------------------
OTP_ENFORCE = env_bool("OTP_ENFORCE", True)  # head, treasurer, admin: password + TOTP code

# Decrees are signed only with the office's real certificate (DECREE_SIGNING_P12_PATH), never a generated one.
DECREE_SIGNING_DEV_CERT = False

# --- Several hosts: pooled PostgreSQL connections, S3-compatible file storage (docs/DEPLOY.md) ----
from .base import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"].endswith("postgresql") and env_bool("DB_POOL", True):
    # One psycopg pool per process, shared by its gunicorn threads (and Huey's): a request borrows a
    # connection and gives it back at its end. Persistent per-thread connections must then be off.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("DB_CONN_HEALTH_CHECKS", False)  # a round trip per borrow
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "2")),
        "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", os.environ.get("GUNICORN_THREADS", "4"))),
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),  # seconds to wait for a free connection
    }

if os.environ.get("STORAGE_BACKEND", "filesystem").strip().lower() == "s3":
    STORAGES["default"] = s3_storage(os.environ)
