from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "permits.portal"
    label = "portal"
    verbose_name = "Portal publik"

    def ready(self):
        # A WhatsApp text to the office is answered like an SMS (sms.sms_reply); notifications, below
        # the portal, only knows the registered handler.
        from permits.notifications.inbound import text_handler_register  # in ready(): models are loaded now

        from .sms import sms_reply

        text_handler_register(sms_reply)
