"""Security middleware: response headers (CSP and friends) and the second-factor gate."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from .otp import otp_pending

# Pages a user who still owes the TOTP code may open.
OTP_EXEMPT_VIEWS = {"login", "logout", "otp_verify", "otp_setup", "set_language"}


class SecurityHeadersMiddleware:
    """Content-Security-Policy on HTML answers; Permissions-Policy on all. (X-Frame-Options,
    nosniff, Referrer-Policy, COOP and HSTS come from Django's own middleware and settings.)"""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        self.permissions = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if self.csp and content_type.startswith("text/html") and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.csp
        if self.permissions and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.permissions
        return response


class OTPRequiredMiddleware:
    """While OTP_ENFORCE is on, a user of a role that needs a second factor who has given only the
    password is sent to the code page (pages) or refused (API by session). Needs django-otp's
    OTPMiddleware before it. Bearer-token API calls pass: the token itself needed the code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not otp_pending(getattr(request, "user", None)):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OTP_EXEMPT_VIEWS:
            return None
        if request.path.startswith("/api/") or (match is not None and match.namespace == "api"):
            if request.headers.get("Authorization"):
                return None
            return JsonResponse(
                {
                    "error": "otp_required",
                    "message": "Selesaikan verifikasi dua langkah (kode OTP) terlebih dahulu.",
                    "message_en": "Complete the two-factor (OTP) step first.",
                    "fields": {},
                    "details": {},
                },
                status=401,
            )
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': request.get_full_path()})}")


# How a NUL looks in each body type we read.
NUL_IN_BODY = {"application/json": (b"\x00", b"\\u0000"), "application/x-www-form-urlencoded": (b"\x00", b"%00")}


class NulInputGuardMiddleware:
    """Refuse a NUL character anywhere in the path, the query or a JSON/form body.

    No valid input holds one, and PostgreSQL cannot store it: left alone it reaches a query and
    fails there with a server error (found by the API fuzzer). Multipart bodies are left to the
    forms, whose CharFields refuse NUL themselves. A view marked `refuses_nul_itself` (the SNAP endpoints,
    whose every refusal must be in the bank's protocol) is left to refuse it in its own answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request) and not self._view_refuses_nul_itself(request):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _view_refuses_nul_itself(request) -> bool:
        try:  # only for a request holding a NUL, so the lookup costs nothing on ordinary traffic
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return False
        return getattr(match.func, "refuses_nul_itself", False)

    @staticmethod
    def _has_nul(request) -> bool:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return True
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        markers = NUL_IN_BODY.get(content_type)
        if markers and request.method in ("POST", "PUT", "PATCH"):
            try:
                body = request.body
            except Exception:  # too large: Django itself answers that later
                return False
            return any(marker in body for marker in markers)
        return False

    @staticmethod
    def _refuse(request):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "error": "invalid",
                    "message": "Permintaan memuat karakter NUL yang tidak diperbolehkan.",
                    "message_en": "The request contains a NUL character, which is not allowed.",
                    "fields": {},
                    "details": {},
                },
                status=422,
            )
        return HttpResponseBadRequest(
            "Permintaan memuat karakter yang tidak diperbolehkan. / The request contains a forbidden character.",
            content_type="text/plain; charset=utf-8",
        )
