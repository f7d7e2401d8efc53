from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "permits.portal"
    label = "portal"
    verbose_name = "Portal publik"
