from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "permits.catalog"
    label = "catalog"
    verbose_name = "Katalog izin"
