"""Corrected documents sent online by the applicant while the file is returned (issue 20 item 3).

Receiving them changes no status and stops no clock: the front desk opens the scans and resubmits the
file with `services.application_resubmit`, exactly as at the counter (originals, where the permit type
demands them, are checked at handover). The receipt is recorded on the application's audit stream, so
the officers' timeline shows it and the cached tracking view is refreshed.
"""

import secrets

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _l

from permits.core.clock import now_or
from permits.core.errors import Conflict, Invalid
from permits.core.uploads import CONTENT_TYPES, check_requirement_files

from .models import Application, Correction, Pause, ReceivedDocument
from .services import _lock, audit_application

NOTE_MAX = 1000


def _checked(app: Application, files: dict, note: str) -> dict[str, str]:
    """The sniffed kind per requirement code, or Invalid naming every bad field (nothing stored then)."""
    requirements = {r.code: r for r in app.permit_type.requirements.all()}
    # The same limits as online pre-registration.
    kinds, errors = check_requirement_files(files, requirements, total_limit=settings.BOOKING_MAX_TOTAL_BYTES)
    if not files:
        errors["files"] = "Unggah paling sedikit satu dokumen perbaikan."
    if len(note) > NOTE_MAX:
        errors["note"] = f"Catatan paling panjang {NOTE_MAX} karakter."
    if errors:
        raise Invalid(errors, _l("Data belum benar. Periksa isian yang ditandai."))
    return kinds


@transaction.atomic
def application_corrections_receive(*, application_id: int, files: dict, note: str = "", now=None) -> Correction:
    """Store the applicant's corrected scans of a returned file: each replaces the file of the
    application's document for that requirement (or becomes it). Raises Conflict (409) when the file
    is not returned, Invalid (422) for an unknown requirement code or a file refused by its content
    or size."""
    now = now_or(now)
    note = (note or "").strip()
    app = _lock(application_id)
    pause = Pause.objects.filter(application=app, ended_at__isnull=True).first()
    if app.status != Application.Status.RETURNED or pause is None:
        raise Conflict("not_returned", _l("Permohonan ini tidak sedang dikembalikan."))
    kinds = _checked(app, files, note)
    requirements = {r.code: r for r in app.permit_type.requirements.all()}
    items = [code for code in requirements if code in kinds]  # the permit type's order
    stored: list[str] = []
    try:
        for code in items:
            doc = ReceivedDocument.objects.filter(application=app, requirement=requirements[code]).first()
            if doc is None:
                doc = ReceivedDocument(application=app, requirement=requirements[code])
            old = doc.file.name if doc.file else ""
            # A random name: the client's file name never reaches the file system.
            doc.file.save(f"{secrets.token_hex(16)}.{kinds[code]}", files[code], save=False)
            stored.append(doc.file.name)
            doc.content_type, doc.received_at = CONTENT_TYPES[kinds[code]], now
            doc.save()
            if old:
                storage = doc.file.storage
                transaction.on_commit(lambda name=old, storage=storage: storage.delete(name))
    except Exception:
        for name in stored:  # the rows roll back; the files written so far must go too
            ReceivedDocument._meta.get_field("file").storage.delete(name)
        raise
    correction = Correction.objects.create(application=app, pause=pause, received_at=now, items=items, note=note)
    audit_application(
        app,
        None,
        "application.corrections_received",
        correction,
        after={"items": items},
        note=note,
        now=now,
        actor_label="pemohon",
    )
    return correction


def corrections_pending(app: Application) -> list[Correction]:
    """The corrections received online since the file was last returned (what the desk has to look at)."""
    pause = app.pauses.filter(ended_at__isnull=True).first() if app.status == Application.Status.RETURNED else None
    return list(pause.corrections.all()) if pause else []
