"""Load the demo data once: catalogue, one user per role, sample applications at every status and
step kind (permits.demo.walk), and var/demo-applications.json listing each application's
number, PIN, state, current step and what it shows.

Never run in production: it refuses when DEBUG is off unless --force is given (the demo users'
shared password would be a hole in a real office).
"""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import BaseCommand, CommandError
from django.db import transaction

from permits.catalog.models import Section
from permits.core.models import OfficialProfile, Sequence
from permits.core.roles import ADMIN, HEAD, ROLES, SUPERVISOR, TREASURER
from permits.decrees import localsign
from permits.demo.catalogue import DEMO_SECTIONS, catalog_load_demo
from permits.demo.tariffs import levies_load_demo
from permits.demo.walk import demo_walk

MARKER = "demo-data-loaded"
# The head signs the demo decrees: a sample official (the NIP is made up but well formed).
DEMO_HEAD_OFFICIAL = {
    "full_name": "Dr. Ir. H. Ahmad Santoso, M.Si.",
    "position": "Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    "nip": "197203151998031004",
}
# The official printed on the demo's SKRD/SKPD/STRD, which the treasurer issues (levies.services.issuing_official).
DEMO_TREASURER_OFFICIAL = {
    "full_name": "Sri Wahyuni, S.E., M.Ak.",
    "position": "Kepala Bidang Pendapatan Retribusi dan Pajak Perizinan",
    "nip": "198005122006042002",
}


def demo_file() -> Path:
    """Where the list of demo applications goes (read at run time: tests point VAR_DIR elsewhere)."""
    return Path(settings.VAR_DIR) / "demo-applications.json"


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
    OfficialProfile.objects.get_or_create(user=users[HEAD], defaults=DEMO_HEAD_OFFICIAL)
    OfficialProfile.objects.get_or_create(user=users[TREASURER], defaults=DEMO_TREASURER_OFFICIAL)
    return users


def demo_section_head(code: str) -> str:
    """The username of a demo section's head (a supervisor who heads only that section)."""
    return f"kabid-{code}"


def demo_section_heads_create(password: str) -> list:
    """One supervisor per demo section, heading it: they see and are alerted about its files only (the
    demo user `supervisor` heads none, so sees every file). After `catalog_load_demo` (the sections)."""
    User = get_user_model()
    heads = []
    group = Group.objects.get_or_create(name=SUPERVISOR)[0]
    for code, name_id, _name_en, _types in DEMO_SECTIONS:
        user, created = User.objects.get_or_create(
            username=demo_section_head(code),
            defaults={"first_name": f"Kepala {name_id}", "email": f"kabid-{code}@smart.example"},
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(group)
        Section.objects.get(code=code).supervisors.add(user)
        heads.append(user)
    return heads


class Command(BaseCommand):
    help = "Load the demo data (once)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="load even if loaded before or DEBUG is off")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is for development only (DEBUG is off); use --force to insist.")
        path = demo_file()
        if Sequence.objects.filter(key=MARKER).exists() and not force:
            self.stdout.write(f"Data demo sudah dimuat sebelumnya ({path}).")
            return
        with transaction.atomic():
            n_types = catalog_load_demo()
            levies_load_demo()
            users = demo_users_create(settings.DEMO_PASSWORD)
            section_heads = demo_section_heads_create(settings.DEMO_PASSWORD)
            with localsign.running():  # the demo decrees are time-stamped by the local TSA (docs/DECREE.md)
                entries = demo_walk(users)
            Sequence.objects.update_or_create(key=MARKER, defaults={"value": 1})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"applications": entries}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        overdue = sum(1 for e in entries if e["overdue"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Data demo dimuat: {n_types} jenis izin, {len(users) + len(section_heads)} pengguna, "
                f"{len(entries)} permohonan ({overdue} terlambat) -> {path}"
            )
        )
