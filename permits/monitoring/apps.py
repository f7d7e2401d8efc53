from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "permits.monitoring"
    label = "monitoring"
    verbose_name = "Pemantauan pimpinan"
