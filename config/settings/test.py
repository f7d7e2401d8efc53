"""Test settings: in-memory SQLite unless DATABASE_URL points at PostgreSQL; jobs run inline."""

from .base import *  # noqa: F401,F403
from .base import HUEY, INSTALLED_APPS

if "testing" not in INSTALLED_APPS:  # the harnesses and generate_load_data (testing/), whatever DEBUG says
    INSTALLED_APPS = [*INSTALLED_APPS, "testing"]

DEBUG = False
HUEY = {**HUEY, "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Trust (docs/SECURITY.md) --------------------------------------------------------------------
from .base import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # The audit table refuses TRUNCATE (core migration 0003) except in sessions that opt in: Django
    # empties the test database with TRUNCATE between transactional tests.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c smart.audit_allow_truncate=on"
OTP_ENFORCE = False  # tests log in head/treasurer/admin without a second factor; test_otp.py turns it on
