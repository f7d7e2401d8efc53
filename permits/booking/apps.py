from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "permits.booking"
    label = "booking"
    verbose_name = "Pendaftaran online (booking)"
