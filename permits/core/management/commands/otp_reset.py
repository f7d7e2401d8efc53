"""Remove a user's authenticator app (lost or replaced phone): their next login sets up a new one."""

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError

from permits.core.otp import otp_device_reset


class Command(BaseCommand):
    help = "Reset a user's two-factor (TOTP) device; recorded in the audit trail."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--note", default="", help="why (kept in the audit trail)")

    def handle(self, *args, username, note="", **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        removed = otp_device_reset(actor=None, user=user, note=note or "manage.py otp_reset")
        self.stdout.write(f"{removed} device(s) removed for {username!r}; the next login sets up a new one")
