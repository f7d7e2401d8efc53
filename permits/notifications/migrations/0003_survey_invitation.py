"""The satisfaction-survey invitation sent after the decree is handed over (permits.decrees)."""

from django.db import migrations

FOOTER = "\n\n{office}\n{place}\nJam layanan: {hours}"

ROW = {
    "code": "survey_invitation",
    "description": "Undangan survei kepuasan masyarakat (SKM) setelah SK diserahkan",
    "essential": False,
    "subject_id": "Survei kepuasan layanan {number}",
    "text_id": "Izin {number} selesai, terima kasih. Isi survei kepuasan (anonim): {url}",
    "email_body_id": "Yth. {name},\n\nTerima kasih telah mengurus {permit} nomor {number}. Bantu kami memperbaiki "
    "layanan dengan mengisi survei kepuasan masyarakat (sekitar 2 menit, anonim terhadap petugas):\n{url}" + FOOTER,
    "subject_en": "How was our service for {number}?",
    "text_en": "Permit {number} done, thank you. Rate our service (anonymous): {url}",
    "whatsapp_name": "smart_survei_kepuasan",
    "whatsapp_params": "number,url",
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.update_or_create(code=ROW["code"], defaults=ROW)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_seed_templates")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
