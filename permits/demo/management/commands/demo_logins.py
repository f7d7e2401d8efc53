from django.conf import settings
from django.core.management import BaseCommand

from permits.core.roles import ROLES
from permits.demo.catalogue import DEMO_SECTIONS
from permits.demo.management.commands.load_demo import demo_section_head


class Command(BaseCommand):
    help = "Print the demo logins (one user per role, username = role name)."

    def handle(self, *args, **options):
        self.stdout.write(f"\nLogin demo (kata sandi / password: {settings.DEMO_PASSWORD})")
        for role, label in ROLES.items():
            self.stdout.write(f"  {role:<11} {label}")
        self.stdout.write("Kepala bidang per bidang (hanya berkas bidangnya; `supervisor` melihat semua):")
        for code, name_id, _name_en, _types in DEMO_SECTIONS:
            self.stdout.write(f"  {demo_section_head(code):<16} {name_id}")
        self.stdout.write(
            "Permohonan contoh (nomor + PIN untuk /lacak/): %s\n" % (settings.VAR_DIR / "demo-applications.json")
        )
