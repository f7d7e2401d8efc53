"""The first Indonesian message texts (editable afterwards in the admin). Each SMS text fits one
160-character SMS with the longest realistic values (tests/test_rendering.py checks every row)."""

from django.db import migrations

FOOTER = "\n\n{office}\n{place}\nJam layanan: {hours}"

TEMPLATES = [
    {
        "code": "registration_receipt",
        "description": "Tanda terima pendaftaran (nomor, target selesai, tautan lacak; tanpa PIN)",
        "essential": False,
        "subject_id": "Permohonan {number} terdaftar",
        "text_id": "Berkas {number} terdaftar. Target selesai {due}. Lacak dg PIN di tanda terima: {url}",
        "email_body_id": "Yth. {name},\n\nPermohonan {permit} Anda terdaftar dengan nomor {number}. Target selesai: "
        "{due}.\nLacak kemajuannya di {url} dengan PIN yang tercetak pada tanda terima." + FOOTER,
        "subject_en": "Application {number} registered",
        "text_en": "File {number} registered, due {due}. Track it with the PIN on your receipt: {url}",
        "whatsapp_name": "smart_pendaftaran",
        "whatsapp_params": "number,due,url",
    },
    {
        "code": "returned",
        "description": "Berkas dikembalikan untuk perbaikan (apa yang harus dibawa)",
        "essential": False,
        "subject_id": "Permohonan {number} perlu dilengkapi",
        "text_id": "Berkas {number} dikembalikan untuk perbaikan. Mohon bawa ke loket: {items}",
        "email_body_id": "Yth. {name},\n\nPermohonan {permit} nomor {number} dikembalikan untuk perbaikan. Mohon "
        "bawa ke loket:\n{items}\n\nWaktu penyelesaian berhenti dihitung sampai perbaikan diterima.\nLacak: {url}"
        + FOOTER,
        "subject_en": "Application {number} needs corrections",
        "text_en": "File {number} was returned for correction. Please bring to the desk: {items}",
        "whatsapp_name": "smart_perbaikan",
        "whatsapp_params": "number,items",
    },
    {
        "code": "survey_scheduled",
        "description": "Jadwal survei lapangan",
        "essential": False,
        "subject_id": "Jadwal survei lapangan {number}",
        "text_id": "Survei lapangan berkas {number} dijadwalkan {date}. Mohon pemohon/kuasa hadir di lokasi.",
        "email_body_id": "Yth. {name},\n\nSurvei lapangan untuk permohonan {permit} nomor {number} dijadwalkan "
        "{date}. Mohon pemohon atau kuasanya hadir di lokasi.\nLacak: {url}" + FOOTER,
        "subject_en": "Site survey scheduled for {number}",
        "text_en": "Site survey for file {number} is scheduled on {date}. Please be present at the site.",
        "whatsapp_name": "smart_survei",
        "whatsapp_params": "number,date",
    },
    {
        "code": "rejected",
        "description": "Permohonan ditolak (alasan)",
        "essential": True,
        "subject_id": "Permohonan {number} ditolak",
        "text_id": "Permohonan {number} ditolak. Alasan: {reason}. Rincian dapat ditanyakan di loket.",
        "email_body_id": "Yth. {name},\n\nDengan menyesal kami sampaikan bahwa permohonan {permit} nomor {number} "
        "ditolak.\nAlasan: {reason}\n\nRincian dapat ditanyakan di loket." + FOOTER,
        "subject_en": "Application {number} rejected",
        "text_en": "Application {number} was rejected. Reason: {reason}. Ask at the desk for details.",
        "whatsapp_name": "smart_ditolak",
        "whatsapp_params": "number,reason",
    },
    {
        "code": "levy_assessed",
        "description": "Retribusi ditetapkan (jumlah, nomor VA, jatuh tempo)",
        "essential": True,
        "subject_id": "Tagihan retribusi permohonan {number}",
        "text_id": "Retribusi berkas {number}: {amount}. Bayar ke VA {va} paling lambat {due}.",
        "email_body_id": "Yth. {name},\n\nRetribusi permohonan {permit} nomor {number} ditetapkan sebesar {amount}."
        "\nBayar ke nomor virtual account {va} paling lambat {due}." + FOOTER,
        "subject_en": "Levy for application {number}",
        "text_en": "Levy for file {number}: {amount}. Pay to VA {va} by {due}.",
        "whatsapp_name": "smart_retribusi",
        "whatsapp_params": "number,amount,va,due",
    },
    {
        "code": "payment_received",
        "description": "Pembayaran retribusi diterima",
        "essential": False,
        "subject_id": "Pembayaran permohonan {number} diterima",
        "text_id": "Pembayaran {amount} untuk berkas {number} sudah diterima. Terima kasih, berkas diproses lanjut.",
        "email_body_id": "Yth. {name},\n\nPembayaran retribusi {amount} untuk permohonan {permit} nomor {number} "
        "sudah kami terima. Terima kasih; berkas Anda diproses lanjut.\nLacak: {url}" + FOOTER,
        "subject_en": "Payment for application {number} received",
        "text_en": "Payment of {amount} for file {number} received. Thank you; processing continues.",
        "whatsapp_name": "smart_bayar",
        "whatsapp_params": "amount,number",
    },
    {
        "code": "decree_ready",
        "description": "SK siap diambil (tempat, jam layanan, yang harus dibawa)",
        "essential": True,
        "subject_id": "SK permohonan {number} siap diambil",
        "text_id": "SK izin berkas {number} siap diambil di {place} ({hours}). Bawa tanda terima & KTP asli.",
        "email_body_id": "Yth. {name},\n\nSurat Keputusan (SK) {permit} untuk permohonan nomor {number} siap diambil."
        "\nTempat: {place}\nJam layanan: {hours}\nMohon bawa tanda terima pendaftaran dan KTP asli (atau surat "
        "kuasa bila diwakilkan).\n\n{office}",
        "subject_en": "Decree for application {number} ready for pickup",
        "text_en": "The decree for file {number} is ready at {place} ({hours}). Bring your receipt & ID card.",
        "whatsapp_name": "smart_sk_siap",
        "whatsapp_params": "number,place,hours",
    },
    {
        "code": "officer_alert",
        "description": "Peringatan untuk petugas: berkas terlambat",
        "essential": True,
        "subject_id": "Berkas {number} terlambat",
        "text_id": "SMART: berkas {number} ({step}) terlambat {overdue}. Mohon segera ditindaklanjuti dan beri "
        "penjelasan.",
        "email_body_id": "",
        "subject_en": "File {number} is late",
        "text_en": "SMART: file {number} ({step}) is {overdue} late. Please act on it and give an explanation.",
        "whatsapp_name": "smart_peringatan",
        "whatsapp_params": "number,step,overdue",
    },
]


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for row in TEMPLATES:
        MessageTemplate.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
