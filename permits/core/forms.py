"""Login forms: the password step (throttled) and the TOTP step."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .clients import client_ip
from .login_throttle import login_failed, login_reserve, login_succeeded


def locked_message(verdict) -> tuple:
    """The lock-out text (lazy, with its `%(minutes)d`) and its parameters: the login page fills it in the
    reader's language, the API's ServiceError in both."""
    if verdict.scope == "user":
        text = _(
            "Terlalu banyak percobaan gagal untuk nama pengguna ini. Akun dikunci sementara; "
            "coba lagi dalam %(minutes)d menit atau hubungi admin."
        )
    else:
        text = _("Terlalu banyak percobaan gagal dari alamat ini. Coba lagi dalam %(minutes)d menit.")
    return text, {"minutes": verdict.minutes}


class LoginForm(AuthenticationForm):
    """Django's login form behind the login throttle (permits/core/login_throttle.py)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Nama pengguna atau kata sandi salah."),
        "inactive": _("Nama pengguna atau kata sandi salah."),
    }
    via = "page"

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            # No password is checked (the field errors say what is missing), so there is no guess to
            # count, and above all no success that would clear the username's failures.
            return super().clean()
        ip = client_ip(self.request)
        attempt = login_reserve(username=username, ip=ip)
        if not attempt.allowed:
            text, params = locked_message(attempt.verdict)
            raise ValidationError(text, code="locked", params=params)
        try:
            cleaned = super().clean()
        except ValidationError:
            verdict = login_failed(attempt, username=username, ip=ip, via=self.via)
            if not verdict.allowed:
                text, params = locked_message(verdict)
                raise ValidationError(text, code="locked", params=params) from None
            raise
        login_succeeded(attempt)
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Kode 6 angka dari aplikasi autentikator"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
