from django.apps import AppConfig


class TestingConfig(AppConfig):
    """Harnesses and the large-data generator's command; never installed in production."""

    name = "testing"
    label = "testing"
