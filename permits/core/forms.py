"""Login forms: the password step (throttled) and the TOTP step."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .clients import client_ip
from .login_throttle import login_check, login_failed, login_succeeded


def locked_message(verdict) -> str:
    if verdict.scope == "user":
        return _(
            "Terlalu banyak percobaan gagal untuk nama pengguna ini. Akun dikunci sementara; "
            "coba lagi dalam %(minutes)d menit atau hubungi admin."
        ) % {"minutes": verdict.minutes}
    return _("Terlalu banyak percobaan gagal dari alamat ini. Coba lagi dalam %(minutes)d menit.") % {
        "minutes": verdict.minutes
    }


class LoginForm(AuthenticationForm):
    """Django's login form behind the login throttle (permits/core/login_throttle.py)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Nama pengguna atau kata sandi salah."),
        "inactive": _("Nama pengguna atau kata sandi salah."),
    }
    via = "page"

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        verdict = login_check(username=username, ip=ip)
        if not verdict.allowed:
            raise ValidationError(locked_message(verdict), code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            verdict = login_failed(username=username, ip=ip, via=self.via)
            if not verdict.allowed:
                raise ValidationError(locked_message(verdict), code="locked") from None
            raise
        login_succeeded(username=username)
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Kode 6 angka dari aplikasi autentikator"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
