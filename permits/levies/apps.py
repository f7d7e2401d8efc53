from django.apps import AppConfig


class LeviesConfig(AppConfig):
    name = "permits.levies"
    label = "levies"
    verbose_name = "Retribusi dan pembayaran"

    def ready(self) -> None:
        # The step kinds this app owns, for the workflow engine (permits/workflow/steps.py).
        from . import tasks  # noqa: F401  (registers the on-demand jobs: permits/core/jobs.py)
        from .steps import register_levy_kinds

        register_levy_kinds()
