"""Two-factor login (TOTP, django-otp) for the roles that sign, collect money or administer.

Policy: users holding a role in OTP_REQUIRED_ROLES (default head, treasurer, admin), and anyone who
can reach the admin site (staff, superusers), must pass a TOTP code after their password when
OTP_ENFORCE is on (the default when DEBUG is off; production forces it on unless overridden). Their
first login sets up the authenticator app (/masuk/otp/atur/); later logins ask for the code
(/masuk/otp/). Bearer tokens for these users need the code in the token request (`otp`).
"""

import base64

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _l
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .errors import ServiceError
from .roles import has_role


def otp_enforced() -> bool:
    return bool(getattr(settings, "OTP_ENFORCE", False))


def otp_required_for(user) -> bool:
    """Whether this user's role calls for a second factor (whatever the enforcement setting)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or has_role(user, *settings.OTP_REQUIRED_ROLES))


def otp_pending(user) -> bool:
    """Logged in with a password only, while this user must also pass a TOTP code."""
    if not otp_enforced() or not otp_required_for(user):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified and is_verified())


def otp_confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def otp_setup_device(user) -> TOTPDevice:
    """The unconfirmed device whose secret the setup page shows (created on first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="SMART", confirmed=False)
    return device


def otp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app that cannot scan."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean(token: str) -> str:
    return "".join(ch for ch in (token or "") if ch.isdigit())[:8]


def otp_check(user, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts `token`, or None (a device throttles repeated failures)."""
    token = _clean(token)
    if not token:
        return None
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


@transaction.atomic
def otp_device_confirm(*, request, token: str) -> TOTPDevice:
    """First login: the code from the new app proves the secret was stored; the device is confirmed."""
    user = request.user
    if otp_confirmed_device(user) is not None:
        raise ServiceError(
            "otp_exists",
            _l("Aplikasi autentikator sudah terpasang. Minta admin menyetel ulang bila perangkat hilang."),
            status=409,
        )
    device = otp_setup_device(user)
    if not device.verify_token(_clean(token)):
        raise ServiceError(
            "otp_invalid",
            _l("Kode salah atau sudah kedaluwarsa. Masukkan kode 6 angka yang sedang tampil."),
            fields={"token": "Kode salah / wrong code"},
            status=422,
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    audit_record(actor=user, action="otp_device_confirmed", obj=user, after={"device": device.pk})
    return device


@transaction.atomic
def otp_device_reset(*, actor, user, note: str = "") -> int:
    """Remove a user's authenticator (lost phone); their next login sets up a new one."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="otp_device_reset", obj=user, after={"removed": removed}, note=note)
    return removed
