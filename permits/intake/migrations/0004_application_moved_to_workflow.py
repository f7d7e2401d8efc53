# State only: the application, its applicant and documents left intake for workflow. The tables keep their names
# (intake_application, ...) and every row; nothing runs on the database (issue 17: one owner of the case).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0003_application_app_type_status_finished_idx'),
        ('booking', '0002_application_in_workflow'),
        ('decrees', '0002_application_in_workflow'),
        ('levies', '0002_application_in_workflow'),
        ('notifications', '0004_application_in_workflow'),
        ('workflow', '0004_case_owns_application'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='application',
                name='applicant',
            ),
            migrations.RemoveField(
                model_name='application',
                name='permit_type',
            ),
            migrations.RemoveField(
                model_name='application',
                name='registered_by',
            ),
            migrations.RemoveField(
                model_name='application',
                name='rejection_reason',
            ),
            migrations.RemoveField(
                model_name='receiveddocument',
                name='application',
            ),
            migrations.RemoveField(
                model_name='receiveddocument',
                name='requirement',
            ),
            migrations.DeleteModel(
                name='Applicant',
            ),
            migrations.DeleteModel(
                name='Application',
            ),
            migrations.DeleteModel(
                name='ReceivedDocument',
            ),
            ],
        ),
    ]
