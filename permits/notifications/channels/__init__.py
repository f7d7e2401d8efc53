"""One adapter per provider, chosen by settings: SMS_BACKEND (dev | kannel | http),
WHATSAPP_BACKEND (dev | cloud); email always goes through Django's EMAIL_BACKEND."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import Channel
from .dev import DevChannel
from .email import EmailChannel
from .http_gateway import HttpGatewaySms
from .kannel import KannelSms
from .whatsapp import WhatsAppCloud

SMS_BACKENDS = {"dev": lambda: DevChannel("sms"), "kannel": KannelSms, "http": HttpGatewaySms}
WHATSAPP_BACKENDS = {"dev": lambda: DevChannel("whatsapp"), "cloud": WhatsAppCloud}


def channel_for(kind: str) -> Channel:
    """The adapter that sends messages of `kind` (sms, whatsapp, email) under the current settings."""
    if kind == "email":
        return EmailChannel()
    if kind == "sms":
        backends, name = SMS_BACKENDS, settings.SMS_BACKEND
    elif kind == "whatsapp":
        backends, name = WHATSAPP_BACKENDS, settings.WHATSAPP_BACKEND
    else:
        raise ImproperlyConfigured(f"unknown channel {kind!r}")
    if name not in backends:
        raise ImproperlyConfigured(f"{kind.upper()}_BACKEND={name!r} is not one of {sorted(backends)}")
    return backends[name]()
