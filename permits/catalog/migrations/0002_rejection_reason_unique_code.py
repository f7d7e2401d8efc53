# A rejection code means one reason per permit type (and one among the general reasons). A database made
# before this rule may hold two rows with one code; the later rows get their id appended to the code, so
# every row (and every application that points at it) is kept and the constraint can be added.

from django.db import migrations, models


def _suffix_duplicate_codes(apps, schema_editor):
    RejectionReason = apps.get_model("catalog", "RejectionReason")
    seen = set()
    for reason in RejectionReason.objects.order_by("permit_type_id", "code", "id"):
        key = (reason.permit_type_id, reason.code)
        if key in seen:
            reason.code = f"{reason.code[:30]}-{reason.pk}"
            reason.save(update_fields=["code"])
        seen.add((reason.permit_type_id, reason.code))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_suffix_duplicate_codes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="rejectionreason",
            constraint=models.UniqueConstraint(fields=("permit_type", "code"), name="rejection_reason_code_per_type"),
        ),
        migrations.AddConstraint(
            model_name="rejectionreason",
            constraint=models.UniqueConstraint(
                condition=models.Q(("permit_type__isnull", True)), fields=("code",), name="rejection_reason_code_general"
            ),
        ),
    ]
