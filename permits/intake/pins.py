"""Tracking PINs: six random digits, stored as an HMAC keyed with the server's secret.

A keyed hash (not a slow password hash) because every tracking lookup checks it; the throttle on
lookups is what protects a six-digit PIN, and the key keeps a leaked table from being brute-forced
offline without the secret.
"""

import hashlib
import hmac
import secrets

from django.conf import settings


def pin_generate() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def pin_hash(registration_number: str, pin: str) -> str:
    key = hashlib.sha256(("smart-tracking-pin:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, f"{registration_number}:{pin}".encode(), hashlib.sha256).hexdigest()


def pin_matches(registration_number: str, pin: str, stored: str) -> bool:
    return hmac.compare_digest(pin_hash(registration_number, (pin or "").strip()), stored or "")
