"""`manage.py check --deploy`: the trust settings that production must keep (docs/SECURITY.md)."""

from django.conf import settings
from django.core.checks import Warning, register


@register("security", deploy=True)
def trust_settings(app_configs, **kwargs):
    found = []
    if not getattr(settings, "OTP_ENFORCE", False):
        found.append(
            Warning(
                "OTP_ENFORCE is off: head, treasurer and admin log in with a password only.",
                hint="Unset OTP_ENFORCE (production defaults to on) or set OTP_ENFORCE=true.",
                id="core.W001",
            )
        )
    if "default-src" not in getattr(settings, "CONTENT_SECURITY_POLICY", ""):
        found.append(
            Warning(
                "CONTENT_SECURITY_POLICY has no default-src: pages are sent without a useful CSP.",
                id="core.W002",
            )
        )
    middleware = getattr(settings, "MIDDLEWARE", [])
    for needed in (
        "permits.core.middleware.SecurityHeadersMiddleware",
        "permits.core.middleware.OTPRequiredMiddleware",
        "permits.core.permissions.PageAccessMiddleware",
    ):
        if needed not in middleware:
            found.append(Warning(f"{needed} is not in MIDDLEWARE.", id="core.W003"))
    return found
