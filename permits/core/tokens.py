"""API bearer tokens: issued for a username and password, stored only as a SHA-256."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone

from .errors import ServiceError
from .models import ApiToken


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(*, username: str, password: str, request=None) -> tuple[str, ApiToken]:
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        raise ServiceError(
            "invalid_credentials",
            "Nama pengguna atau kata sandi salah.",
            "Wrong username or password.",
            status=401,
        )
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        key_hash=_digest(key),
        created_at=now,
        expires_at=now + timedelta(hours=settings.API_TOKEN_TTL_HOURS),
    )
    return key, token


def token_user(key: str):
    """The active user behind a bearer token, or None."""
    if not key or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_digest(key), revoked=False, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user
