from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "permits.notifications"
    label = "notifications"
    verbose_name = "Pemberitahuan"

    def ready(self):
        from . import (
            checks,  # noqa: F401  (registers the channel settings check)
            tasks,  # noqa: F401  (registers the on-demand jobs: permits/core/jobs.py)
        )
        from .events import subscribe_reactions

        subscribe_reactions()  # the applicant's messages follow recorded events (events.py)
