"""Indexes for the file search (workflow.selectors.application_search).

The phone is matched exactly (normalised to E.164): a plain b-tree, on every database. The name is
matched by prefix on LOWER(name) (Django writes `LOWER("name")::text LIKE 'siti%'`): on PostgreSQL only
an index with text_pattern_ops serves LIKE whatever the database's collation, and Django cannot declare
an opclass on an expression portably, so it is created here for PostgreSQL only (SQLite's LIKE would
not use it). The NIK prefix needs nothing new: Django gives the db_index column a varchar_pattern_ops
twin (`..._like`) on PostgreSQL.
"""

from django.db import migrations, models

NAME_INDEX = "applicant_name_prefix_idx"


def create_name_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {NAME_INDEX} ON intake_applicant (LOWER(name) text_pattern_ops)")


def drop_name_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0004_case_owns_application"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="applicant",
            index=models.Index(fields=["phone"], name="applicant_phone_idx"),
        ),
        migrations.RunPython(create_name_index, drop_name_index),
    ]
