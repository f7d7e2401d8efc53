"""Load the demo data once: catalogue, one user per role, sample applications, and
var/demo-applications.json listing each application's number, PIN and state.

Never run in production: it refuses when DEBUG is off unless --force is given (the demo users'
shared password would be a hole in a real office).
"""

import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import BaseCommand, CommandError
from django.db import transaction

from permits.catalog.demo import catalog_load_demo
from permits.core.models import Sequence
from permits.core.roles import ADMIN, FRONTDESK, ROLES
from permits.intake.demo import demo_applications_create

MARKER = "demo-data-loaded"
DEMO_FILE = settings.VAR_DIR / "demo-applications.json"


def demo_users_create(password: str) -> dict:
    User = get_user_model()
    users = {}
    for role, label in ROLES.items():
        user, created = User.objects.get_or_create(
            username=role, defaults={"first_name": str(label), "email": f"{role}@smart.example"}
        )
        if created:
            user.set_password(password)
            user.is_staff = role == ADMIN
            user.is_superuser = role == ADMIN
            user.save()
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        users[role] = user
    return users


class Command(BaseCommand):
    help = "Load the demo data (once)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="load even if loaded before or DEBUG is off")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is for development only (DEBUG is off); use --force to insist.")
        if Sequence.objects.filter(key=MARKER).exists() and not force:
            self.stdout.write(f"Data demo sudah dimuat sebelumnya ({DEMO_FILE}).")
            return
        with transaction.atomic():
            n_types = catalog_load_demo()
            users = demo_users_create(settings.DEMO_PASSWORD)
            entries = demo_applications_create(users[FRONTDESK])
            Sequence.objects.update_or_create(key=MARKER, defaults={"value": 1})
        DEMO_FILE.write_text(json.dumps({"applications": entries}, indent=2, ensure_ascii=False) + "\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Data demo dimuat: {n_types} jenis izin, {len(users)} pengguna, "
                f"{len(entries)} permohonan -> {DEMO_FILE}"
            )
        )
