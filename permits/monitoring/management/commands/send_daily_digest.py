"""`manage.py send_daily_digest [--date YYYY-MM-DD]`: the head's digest (once per head and day)."""

import datetime

from django.core.management import BaseCommand, CommandError

from permits.monitoring.services import daily_digest_send


class Command(BaseCommand):
    help = "Queue the daily digest (a day's figures and the worst stalls) to every head; default: yesterday."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to report (YYYY-MM-DD, Asia/Jakarta); default yesterday")

    def handle(self, *args, **options):
        day = None
        if options.get("date"):
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        sent = daily_digest_send(day=day)
        self.stdout.write(f"Ringkasan harian dikirim ke {sent} kepala dinas.")
