from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "permits.core"
    label = "core"
    verbose_name = "Inti (audit, kalender, peran)"

    def ready(self):
        from . import checks  # noqa: F401 (registers the deploy checks)
