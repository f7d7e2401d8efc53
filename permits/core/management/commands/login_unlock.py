"""Lift the lock-out of a username after too many failed logins (the owner need not wait it out)."""

from django.core.management import BaseCommand

from permits.core.login_throttle import login_unlock


class Command(BaseCommand):
    help = "Lift the temporary lock-out of a username (failed login attempts)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        login_unlock(username=username)
        self.stdout.write(f"lock-out lifted for {username!r}")
