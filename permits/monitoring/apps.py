from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "permits.monitoring"
    label = "monitoring"
    verbose_name = "Pemantauan pimpinan"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the on-demand jobs: permits/core/jobs.py)
