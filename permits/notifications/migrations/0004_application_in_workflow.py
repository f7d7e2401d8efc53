# State only: the application, its applicant and documents now live in workflow: this foreign key points there. The tables keep their names
# (intake_application, ...) and every row; nothing runs on the database (issue 17: one owner of the case).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0003_survey_invitation'),
        ('workflow', '0004_case_owns_application'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='message',
                name='applicant',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.applicant'),
            ),
            migrations.AlterField(
                model_name='message',
                name='application',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='outbox_messages', to='workflow.application'),
            ),
            migrations.AlterField(
                model_name='optout',
                name='applicant',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='notification_opt_out', to='workflow.applicant'),
            ),
            ],
        ),
    ]
