"""Message texts of the stalled-file alerts and the head's daily digest (editable in the admin).

Each SMS text fits one 160-character SMS with the longest sample values of the notifications
renderer (permits/monitoring/tests/test_templates.py checks it). Officers' messages always go
(notify_officer makes them essential), so `essential` stays False here.
"""

from django.db import migrations

TEMPLATES = [
    {
        "code": "stall_warning",
        "description": "Pemantauan: batas waktu langkah hampir habis (untuk petugas)",
        "subject_id": "Berkas {number} hampir melewati batas waktu",
        "text_id": "{number} ({step}) sisa {overdue}. Mohon segera selesaikan: {url}",
        "email_body_id": "Yth. Bapak/Ibu,\n\nLangkah {step} berkas {number} tinggal {overdue} lagi sebelum batas "
        "waktunya. Mohon segera diselesaikan:\n{url}\n\n{office}",
        "subject_en": "File {number} is close to its deadline",
        "text_en": "{number} ({step}) has {overdue} left. Please finish it: {url}",
        "whatsapp_name": "smart_pantau_peringatan",
        "whatsapp_params": "number,step,overdue,url",
    },
    {
        "code": "stall_overdue",
        "description": "Pemantauan: langkah terlambat, minta penjelasan (untuk petugas)",
        "subject_id": "Berkas {number} terlambat: mohon penjelasan",
        "text_id": "{number} ({step}) terlambat {overdue}. Mohon jelaskan: {url}",
        "email_body_id": "Yth. Bapak/Ibu,\n\nLangkah {step} berkas {number} sudah terlambat {overdue}. Mohon segera "
        "ditindaklanjuti dan berikan penjelasan melalui tautan berikut:\n{url}\n\n{office}",
        "subject_en": "File {number} is late: please explain",
        "text_en": "{number} ({step}) is {overdue} late. Please explain: {url}",
        "whatsapp_name": "smart_pantau_terlambat",
        "whatsapp_params": "number,step,overdue,url",
    },
    {
        "code": "stall_idle",
        "description": "Pemantauan: langkah tanpa tindakan, minta penjelasan (untuk petugas)",
        "subject_id": "Berkas {number} belum ditindaklanjuti",
        "text_id": "{number} ({step}) tanpa tindakan {overdue}. Jelaskan: {url}",
        "email_body_id": "Yth. Bapak/Ibu,\n\nLangkah {step} berkas {number} belum ditindaklanjuti selama {overdue}. "
        "Mohon berikan penjelasan melalui tautan berikut:\n{url}\n\n{office}",
        "subject_en": "File {number} has not been acted on",
        "text_en": "{number} ({step}) idle for {overdue}. Please explain: {url}",
        "whatsapp_name": "smart_pantau_diam",
        "whatsapp_params": "number,step,overdue,url",
    },
    {
        "code": "stall_escalation_supervisor",
        "description": "Pemantauan: eskalasi keterlambatan ke kepala bidang/seksi",
        "subject_id": "Eskalasi: berkas {number} terlambat",
        "text_id": "{number} terlambat {overdue} di {officer}. Jelaskan: {url}",
        "email_body_id": "Yth. Bapak/Ibu,\n\nBerkas {number} (langkah {step}) terlambat {overdue}. Mohon "
        "ditindaklanjuti dan berikan penjelasan:\n{url}\n\n{office}",
        "subject_en": "Escalation: file {number} is late",
        "text_en": "{number} is {overdue} late with {officer}. Explain: {url}",
        "whatsapp_name": "smart_pantau_eskalasi_kabid",
        "whatsapp_params": "number,overdue,officer,url",
    },
    {
        "code": "stall_escalation_head",
        "description": "Pemantauan: eskalasi keterlambatan ke kepala dinas",
        "subject_id": "Eskalasi pimpinan: berkas {number} terlambat",
        "text_id": "{number} terlambat {overdue} di {officer}. Lihat: {url}",
        "email_body_id": "Berkas {number} (langkah {step}) terlambat {overdue} melewati batas eskalasi.\n"
        "Rincian dan penjelasan petugas:\n{url}\n\n{office}",
        "subject_en": "Escalation: file {number} is late",
        "text_en": "{number} is {overdue} late with {officer}. See: {url}",
        "whatsapp_name": "smart_pantau_eskalasi_kadis",
        "whatsapp_params": "number,overdue,officer,url",
    },
    {
        "code": "daily_digest",
        "description": "Ringkasan harian untuk kepala dinas (angka kemarin, berkas paling lama tersendat)",
        "subject_id": "Ringkasan layanan {date}",
        "text_id": "{items}. Terlama: {reason}",
        "email_body_id": "Ringkasan layanan perizinan {date}\n\n{items}\n\nBerkas paling lama tersendat:\n{reason}"
        "\n\nDasbor pimpinan: {url}\n\n{office}",
        "subject_en": "Service summary {date}",
        "text_en": "{items}. Longest: {reason}",
        "whatsapp_name": "smart_ringkasan_harian",
        "whatsapp_params": "date,items,reason",
    },
]
CODES = [t["code"] for t in TEMPLATES]


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for row in TEMPLATES:
        MessageTemplate.objects.get_or_create(code=row["code"], defaults={"essential": False, **row})


def unseed(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(code__in=CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial"), ("notifications", "0002_seed_templates")]
    operations = [migrations.RunPython(seed, unseed)]
