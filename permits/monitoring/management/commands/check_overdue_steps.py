"""`manage.py check_overdue_steps`: the Huey job's sweep, for cron and tests."""

from django.core.management import BaseCommand

from permits.monitoring.services import stall_sweep


class Command(BaseCommand):
    help = "Raise stalled-file alerts (warning, overdue, idle, escalations) not raised yet; each level once per task."

    def handle(self, *args, **options):
        result = stall_sweep()
        self.stdout.write(str(result))
