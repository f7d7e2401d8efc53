# State only: the application, its applicant and documents move into workflow. The tables keep their names
# (intake_application, ...) and every row; nothing runs on the database (issue 17: one owner of the case).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0002_rejection_reason_unique_code'),
        ('workflow', '0003_monitoring_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('intake', '0003_application_app_type_status_finished_idx'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Applicant',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('person', 'Perorangan'), ('company', 'Badan usaha')], default='person', max_length=10)),
                    ('name', models.CharField(max_length=200, verbose_name='nama')),
                    ('nik', models.CharField(db_index=True, max_length=16, verbose_name='NIK')),
                    ('nib', models.CharField(blank=True, max_length=13, verbose_name='NIB')),
                    ('company_name', models.CharField(blank=True, max_length=200, verbose_name='nama badan usaha')),
                    ('phone', models.CharField(max_length=20, verbose_name='telepon (E.164)')),
                    ('email', models.EmailField(blank=True, max_length=254)),
                    ('address', models.TextField(verbose_name='alamat')),
                    ('channel', models.CharField(choices=[('whatsapp', 'WhatsApp'), ('sms', 'SMS'), ('email', 'Email')], default='whatsapp', max_length=10)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                ],
                options={
                    'verbose_name': 'pemohon',
                    'verbose_name_plural': 'pemohon',
                    'db_table': 'intake_applicant',
                },
            ),
            migrations.CreateModel(
                name='Application',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('registration_number', models.CharField(max_length=40, unique=True, verbose_name='nomor pendaftaran')),
                    ('registered_at', models.DateTimeField(db_index=True)),
                    ('data', models.JSONField(default=dict, verbose_name='data objek')),
                    ('status', models.CharField(choices=[('registered', 'Terdaftar'), ('in_process', 'Sedang diproses'), ('returned', 'Dikembalikan untuk perbaikan'), ('awaiting_payment', 'Menunggu pembayaran'), ('approved', 'Disetujui'), ('rejected', 'Ditolak'), ('decree_issued', 'SK terbit'), ('collected', 'SK sudah diambil'), ('withdrawn', 'Dicabut pemohon')], db_index=True, default='registered', max_length=20)),
                    ('pin_hash', models.CharField(max_length=64)),
                    ('promised_completion_at', models.DateTimeField(verbose_name='janji selesai')),
                    ('paused_seconds', models.PositiveBigIntegerField(default=0)),
                    ('returns_count', models.PositiveSmallIntegerField(default=0)),
                    ('survey_required', models.BooleanField(blank=True, null=True)),
                    ('return_items', models.JSONField(blank=True, default=list)),
                    ('rejection_note', models.TextField(blank=True)),
                    ('finished_at', models.DateTimeField(blank=True, null=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('applicant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='workflow.applicant')),
                    ('permit_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='catalog.permittype')),
                    ('registered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='registered_applications', to=settings.AUTH_USER_MODEL)),
                    ('rejection_reason', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.rejectionreason')),
                ],
                options={
                    'verbose_name': 'permohonan',
                    'verbose_name_plural': 'permohonan',
                    'db_table': 'intake_application',
                },
            ),
            migrations.AlterField(
                model_name='pause',
                name='application',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pauses', to='workflow.application'),
            ),
            migrations.AlterField(
                model_name='task',
                name='application',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='workflow.application'),
            ),
            migrations.CreateModel(
                name='ReceivedDocument',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('file', models.FileField(blank=True, upload_to='documents/%Y/%m/')),
                    ('content_type', models.CharField(blank=True, max_length=100)),
                    ('received_at', models.DateTimeField()),
                    ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='workflow.application')),
                    ('requirement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='catalog.requirement')),
                ],
                options={
                    'db_table': 'intake_receiveddocument',
                },
            ),
            migrations.AddIndex(
                model_name='application',
                index=models.Index(fields=['permit_type', 'status'], name='intake_appl_permit__90faa9_idx'),
            ),
            migrations.AddIndex(
                model_name='application',
                index=models.Index(fields=['permit_type', 'status', 'finished_at'], name='app_type_status_finished_idx'),
            ),
            migrations.AddConstraint(
                model_name='receiveddocument',
                constraint=models.UniqueConstraint(fields=('application', 'requirement'), name='received_document_unique'),
            ),
            ],
        ),
    ]
