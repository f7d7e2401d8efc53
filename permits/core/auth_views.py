"""Logging in: the password page (throttled) and, for head, treasurer and admin, the TOTP step."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import otp
from .errors import ServiceError
from .forms import LoginForm, TokenForm
from .qr import qr_svg


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class LoginView(auth_views.LoginView):
    """Django's login view with the throttled form; users who need a second factor go on to it."""

    authentication_form = LoginForm

    def get_success_url(self):
        url = super().get_success_url()
        if otp.otp_pending(self.request.user):
            return _with_next("otp_verify", url)
        return url


@sensitive_post_parameters("token")
@never_cache
@login_required
def otp_verify(request):
    """The second step: a 6-digit code from the user's authenticator app."""
    user, next_url = request.user, _next_url(request)
    if not otp.otp_pending(user):
        return redirect(next_url)
    if otp.otp_confirmed_device(user) is None:
        return redirect(_with_next("otp_setup", next_url))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp.otp_check(user, form.cleaned_data["token"])
        if device is not None:
            from django_otp import login as otp_login

            otp_login(request, device)
            return redirect(next_url)
        form.add_error("token", _("Kode salah atau sudah kedaluwarsa (setelah beberapa kali salah, tunggu sejenak)."))
    return render(request, "otp/verify.html", {"form": form, "next": next_url})


@sensitive_post_parameters("token")
@never_cache
@login_required
def otp_setup(request):
    """First login of a user who needs a second factor: scan the QR code, then confirm with a code."""
    user, next_url = request.user, _next_url(request)
    if not otp.otp_required_for(user):
        messages.info(request, _("Akun Anda tidak memerlukan verifikasi dua langkah."))
        return redirect(next_url)
    if otp.otp_confirmed_device(user) is not None:
        if otp.otp_pending(user):
            return redirect(_with_next("otp_verify", next_url))
        messages.info(request, _("Aplikasi autentikator sudah terpasang."))
        return redirect(next_url)
    device = otp.otp_setup_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp.otp_device_confirm(request=request, token=form.cleaned_data["token"])
        except ServiceError as exc:
            form.add_error("token", exc.text())
        else:
            messages.success(request, _("Verifikasi dua langkah aktif."))
            return redirect(next_url)
    context = {
        "form": form,
        "next": next_url,
        "qr": qr_svg(device.config_url, scale=5),
        "secret": otp.otp_secret_text(device),
    }
    return render(request, "otp/setup.html", context)
