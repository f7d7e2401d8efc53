"""Messages that can be long (what to bring, a rejection's reason) end with the tracking link, and their SMS
leaves the list the room it is shortened into by whole items (rendering.shorten_items). Only rows still equal
to the text seeded before are changed: an office's own wording stays (its link can be added in the admin)."""

from django.db import migrations

OLD_FOOTER = "\n\n{office}\n{place}\nJam layanan: {hours}"
CHANGES = {
    "returned": {
        "text_id": (
            "Berkas {number} dikembalikan untuk perbaikan. Mohon bawa ke loket: {items}",
            "Berkas {number} perlu dilengkapi: {items}. Lacak: {url}",
        ),
        "text_en": (
            "File {number} was returned for correction. Please bring to the desk: {items}",
            "File {number} needs corrections: {items}. Track: {url}",
        ),
        "whatsapp_params": ("number,items", "number,items,url"),
    },
    "rejected": {
        "text_id": (
            "Permohonan {number} ditolak. Alasan: {reason}. Rincian dapat ditanyakan di loket.",
            "Permohonan {number} ditolak. Alasan: {reason} Rincian: {url}",
        ),
        "text_en": (
            "Application {number} was rejected. Reason: {reason}. Ask at the desk for details.",
            "Application {number} rejected. Reason: {reason} Details: {url}",
        ),
        "email_body_id": (
            "Yth. {name},\n\nDengan menyesal kami sampaikan bahwa permohonan {permit} nomor {number} "
            "ditolak.\nAlasan: {reason}\n\nRincian dapat ditanyakan di loket." + OLD_FOOTER,
            "Yth. {name},\n\nDengan menyesal kami sampaikan bahwa permohonan {permit} nomor {number} "
            "ditolak.\nAlasan: {reason}\n\nRincian dapat ditanyakan di loket.\nLacak: {url}" + OLD_FOOTER,
        ),
        "whatsapp_params": ("number,reason", "number,reason,url"),
    },
}


def _apply(apps, which: int) -> None:
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for code, fields in CHANGES.items():
        row = MessageTemplate.objects.filter(code=code).first()
        if row is None:
            continue
        changed = [name for name, texts in fields.items() if getattr(row, name) == texts[1 - which]]
        for name in changed:
            setattr(row, name, fields[name][which])
        if changed:
            row.save(update_fields=changed)


def forward(apps, schema_editor):
    _apply(apps, 1)


def backward(apps, schema_editor):
    _apply(apps, 0)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_application_in_workflow")]
    operations = [migrations.RunPython(forward, backward)]
