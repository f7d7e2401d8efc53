"""`manage.py check` refuses a channel configuration that could only fail at send time."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from .channels import SMS_BACKENDS, WHATSAPP_BACKENDS


@register()
def check_channels(app_configs, **kwargs):
    problems = []
    if settings.SMS_BACKEND not in SMS_BACKENDS:
        problems.append(Error(f"SMS_BACKEND must be one of {sorted(SMS_BACKENDS)}", id="notifications.E001"))
    if settings.WHATSAPP_BACKEND not in WHATSAPP_BACKENDS:
        problems.append(Error(f"WHATSAPP_BACKEND must be one of {sorted(WHATSAPP_BACKENDS)}", id="notifications.E002"))
    needed = {
        "kannel": ("KANNEL_SENDSMS_URL", "KANNEL_USERNAME", "KANNEL_PASSWORD"),
        "http": ("SMS_HTTP_URL",),
        "cloud": ("WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_TOKEN", "WHATSAPP_APP_SECRET"),
    }
    for backend in (settings.SMS_BACKEND, settings.WHATSAPP_BACKEND):
        for name in needed.get(backend, ()):
            if not getattr(settings, name, ""):
                problems.append(
                    Warning(f"{name} is empty but the {backend} channel is selected", id="notifications.W001")
                )
    return problems
