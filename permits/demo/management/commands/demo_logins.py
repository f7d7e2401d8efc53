from django.conf import settings
from django.core.management import BaseCommand

from permits.core.roles import ROLES


class Command(BaseCommand):
    help = "Print the demo logins (one user per role, username = role name)."

    def handle(self, *args, **options):
        self.stdout.write(f"\nLogin demo (kata sandi / password: {settings.DEMO_PASSWORD})")
        for role, label in ROLES.items():
            self.stdout.write(f"  {role:<11} {label}")
        self.stdout.write(
            "Permohonan contoh (nomor + PIN untuk /lacak/): %s\n" % (settings.VAR_DIR / "demo-applications.json")
        )
