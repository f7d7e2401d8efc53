"""`manage.py expire_bookings`: the Huey job's work, for cron and tests."""

from django.core.management import BaseCommand

from permits.booking.services import booking_expire_due


class Command(BaseCommand):
    help = "Mark open bookings past their expiry as expired and delete their files."

    def handle(self, *args, **options):
        count = booking_expire_due()
        self.stdout.write(f"{count} booking kedaluwarsa.")
