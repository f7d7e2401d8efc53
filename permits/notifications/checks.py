"""`manage.py check` refuses a channel configuration that could only fail at send time, and a number format
or site address whose values the message texts would cut."""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.urls import reverse

from .channels import SMS_BACKENDS, WHATSAPP_BACKENDS
from .rendering import PLACEHOLDERS


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


YEARLY_FILES_MAX = 99_999  # registrations in one year: some forty times a busy city office's


@register()
def check_placeholder_room(app_configs, **kwargs):
    """The message texts have room for the longest value each placeholder gets (rendering.PLACEHOLDERS); a
    registration number format longer than `{number}`'s room would be cut in every SMS, and a tracking
    link longer than `{url}`'s promise would push texts into a second SMS."""
    problems = []
    number = settings.REGISTRATION_NUMBER_FORMAT.format(year=2026, seq=YEARLY_FILES_MAX)
    if len(number) > PLACEHOLDERS["number"].max_len:
        problems.append(
            Error(
                f"REGISTRATION_NUMBER_FORMAT gives {len(number)} characters ({number}); messages have room for "
                f"{PLACEHOLDERS['number'].max_len}",
                id="notifications.E003",
            )
        )
    url = settings.PUBLIC_BASE_URL + reverse("portal:track_number", args=[number])
    if len(url) > PLACEHOLDERS["url"].max_len:
        problems.append(
            Warning(
                f"the tracking link ({len(url)} characters, {url}) is longer than the {PLACEHOLDERS['url'].max_len} "
                "the SMS texts were proved with: shorten PUBLIC_BASE_URL or REGISTRATION_NUMBER_FORMAT",
                id="notifications.W002",
            )
        )
    return problems
