"""API bearer tokens: issued for a username and password, stored only as a SHA-256."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from .clients import client_ip
from .errors import ServiceError
from .forms import locked_message
from .login_throttle import login_failed, login_reserve, login_succeeded
from .models import ApiToken
from .otp import otp_check, otp_confirmed_device, otp_enforced, otp_required_for


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _refused(verdict) -> ServiceError:
    message, params = locked_message(verdict)
    return ServiceError(
        "too_many_attempts",
        message,
        params=params,
        details={"retry_after": verdict.retry_after},
        status=429,
    )


def token_issue(*, username: str, password: str, otp: str | None = None, request=None) -> tuple[str, ApiToken]:
    """A new bearer token for a username and password (and, for roles that need it, a TOTP code).

    Throttled like the login page (permits/core/login_throttle.py): each attempt is counted before
    the password is checked, and wrong ones towards locking the username and the client's address;
    a locked one answers 429.
    """
    ip = client_ip(request)
    attempt = login_reserve(username=username, ip=ip)
    if not attempt.allowed:
        raise _refused(attempt.verdict)
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        verdict = login_failed(attempt, username=username, ip=ip, via="api")
        if not verdict.allowed:
            raise _refused(verdict)
        raise ServiceError(
            "invalid_credentials",
            _l("Nama pengguna atau kata sandi salah."),
            status=401,
        )
    login_succeeded(attempt)
    if otp_enforced() and otp_required_for(user):
        if otp_confirmed_device(user) is None:
            raise ServiceError(
                "otp_setup_required",
                _l("Peran Anda memerlukan verifikasi dua langkah: masuk lewat browser sekali untuk memasangnya."),
                status=401,
            )
        if otp_check(user, otp or "") is None:
            raise ServiceError(
                "otp_required",
                _l("Kode OTP tidak ada atau salah. Kirim kode 6 angka dari aplikasi autentikator di `otp`."),
                fields={"otp": "Kode OTP diperlukan / OTP code required"},
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
