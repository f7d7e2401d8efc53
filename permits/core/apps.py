from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "permits.core"
    label = "core"
    verbose_name = "Inti (audit, kalender, peran)"
