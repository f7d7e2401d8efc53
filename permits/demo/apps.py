from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo office (`make run`, `manage.py load_demo`): sample catalogue, users, tariffs and applications
    walked through the real engine. It sits above every app and no app imports it."""

    name = "permits.demo"
    label = "demo"
    verbose_name = "Data contoh / demo data"
