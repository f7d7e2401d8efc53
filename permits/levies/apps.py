from django.apps import AppConfig


class LeviesConfig(AppConfig):
    name = "permits.levies"
    label = "levies"
    verbose_name = "Retribusi dan pembayaran"
