# State only: the application, its applicant and documents now live in workflow: this foreign key points there. The tables keep their names
# (intake_application, ...) and every row; nothing runs on the database (issue 17: one owner of the case).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('levies', '0001_initial'),
        ('workflow', '0004_case_owns_application'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='bill',
                name='application',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bills', to='workflow.application'),
            ),
            migrations.AlterField(
                model_name='levyassessment',
                name='application',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='levy_assessments', to='workflow.application'),
            ),
            ],
        ),
    ]
