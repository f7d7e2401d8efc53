from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "permits.intake"
    label = "intake"
    verbose_name = "Pendaftaran (loket)"
