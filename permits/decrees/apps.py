from django.apps import AppConfig


class DecreesConfig(AppConfig):
    name = "permits.decrees"
    label = "decrees"
    verbose_name = "Surat Keputusan (SK)"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy check)
        from .steps import register_decree_kinds

        register_decree_kinds()  # signing and handover, for the workflow engine (permits/workflow/steps.py)
