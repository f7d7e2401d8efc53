"""Create one auth group per office role (production too: roles are not demo data)."""

from django.db import migrations

ROLE_NAMES = ["frontdesk", "verifier", "surveyor", "data_entry", "technical", "treasurer", "supervisor", "head", "admin"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
