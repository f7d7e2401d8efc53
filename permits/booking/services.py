"""Online pre-registration: create a booking, register it at the front desk, expire abandoned ones.

The completeness gate is not repeated here: registering a booking calls
`permits.intake.services.application_register` with the booking's data and its stored scans.
"""

import datetime
import hashlib
import logging
import os
import secrets
from contextlib import ExitStack
from decimal import Decimal

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from permits.catalog.models import PermitType
from permits.catalog.rules import validate_object_data
from permits.core.audit import audit_record
from permits.core.clock import now_or
from permits.core.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from permits.core.roles import DESK, has_role
from permits.core.uploads import CONTENT_TYPES, check_requirement_files
from permits.intake.services import Registration, applicant_clean, application_register

from .models import CODE_ALPHABET, CODE_LENGTH, Booking, BookingDocument

log = logging.getLogger(__name__)
PUBLIC = "publik"  # the audit's actor label for the applicant, who has no account


def booking_code_generate() -> str:
    """A random code of CODE_LENGTH characters from an alphabet without 0/O and 1/I (40 bits)."""
    for _ in range(10):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Booking.objects.filter(code=code).exists():
            return code
    raise RuntimeError("no free booking code after 10 tries")  # 1 in 10^12 per try: never in practice


def booking_code_normalise(raw: str) -> str:
    """What the officer typed ("abcd-efgh", " ABCD EFGH ") as the stored code ("ABCDEFGH")."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:40]


def _display_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/"))
    return "".join(ch for ch in base if ch.isprintable())[:255] or "berkas"


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def booking_create(
    *,
    permit_type_code: str,
    applicant: dict,
    data: dict,
    files: dict | None = None,
    now: datetime.datetime | None = None,
) -> Booking:
    """Start an application online: validated data and content-checked scans, a booking code, no number.

    `files` maps a requirement code to an uploaded file. Each is checked by its content (PDF, JPEG,
    PNG as the requirement accepts, at most 5 MB); all together at most BOOKING_MAX_TOTAL_BYTES.
    Raises ServiceError(422) naming every bad field; nothing is stored then.
    """
    permit_type = (
        PermitType.objects.filter(code=permit_type_code, active=True)
        .prefetch_related("requirements", "data_fields")
        .first()
    )
    if permit_type is None:
        raise NotFound(_l("Jenis izin"))
    applicant_data, errors = applicant_clean(applicant or {}, foreign_allowed=False)
    data_clean, data_errors = validate_object_data(list(permit_type.data_fields.all()), data or {})
    errors.update({f"data.{k}": v for k, v in data_errors.items()})
    requirements = {r.code: r for r in permit_type.requirements.all()}
    files = files or {}
    kinds, file_errors = check_requirement_files(files, requirements, total_limit=settings.BOOKING_MAX_TOTAL_BYTES)
    errors.update(file_errors)
    if errors:
        raise Invalid(errors, _l("Data belum benar. Periksa isian yang ditandai."))
    return _create(permit_type, applicant_data, data_clean, {c: files[c] for c in kinds}, kinds, requirements, now)


def _create(permit_type, applicant_data, data_clean, files, kinds, requirements, now) -> Booking:
    now = now_or(now)
    stored: list[BookingDocument] = []
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                code=booking_code_generate(),
                permit_type=permit_type,
                applicant=applicant_data,
                data=data_clean,
                created_at=now,
                expires_at=now + datetime.timedelta(days=settings.BOOKING_TTL_DAYS),
            )
            for code, upload in files.items():
                doc = BookingDocument(
                    booking=booking,
                    requirement=requirements[code],
                    original_name=_display_name(upload.name),
                    content_type=CONTENT_TYPES[kinds[code]],
                    size=upload.size,
                    sha256=_sha256(upload),
                )
                # A random name: the client's file name never reaches the file system.
                doc.file.save(f"{secrets.token_hex(16)}.{kinds[code]}", upload, save=False)
                stored.append(doc)
                doc.save()
            audit_record(
                actor=None,
                actor_label=PUBLIC,
                action="booking.create",
                obj=booking,
                after={
                    "code": booking.code,
                    "permit_type": permit_type.code,
                    "documents": {d.requirement.code: d.sha256 for d in stored},
                    "expires_at": booking.expires_at,
                },
                at=now,
            )
    except BaseException:
        for doc in stored:  # the rows are gone with the transaction: do not leave their files behind
            doc.file.storage.delete(doc.file.name)
        raise
    return booking


def _ensure_open(booking: Booking | None, now: datetime.datetime) -> Booking:
    if booking is None:
        raise NotFound(_l("Kode booking"))
    if booking.status == Booking.Status.REGISTERED:
        number = booking.application.registration_number if booking.application_id else ""
        raise Conflict(
            "booking_registered",
            _l("Booking ini sudah didaftarkan dengan nomor pendaftaran %(number)s."),
            params={"number": number},
        )
    if booking.status == Booking.Status.EXPIRED or booking.expires_at <= now:
        when = timezone.localtime(booking.expires_at).strftime("%d/%m/%Y %H:%M")
        raise Conflict(
            "booking_expired",
            _l(
                "Booking ini sudah kedaluwarsa (%(when)s). Pemohon dapat mendaftar ulang secara online "
                "atau mendaftar langsung di loket."
            ),
            params={"when": when},
        )
    return booking


def _typed_data(permit_type: PermitType, data: dict) -> dict:
    """Cleaned decimals are stored as canonical strings ("1.234"); hand them back as Decimal so that
    re-validation cannot read a decimal point as an Indonesian thousands separator."""
    decimals = {f.code for f in permit_type.data_fields.all() if f.type == "decimal"}
    return {k: Decimal(v) if k in decimals and isinstance(v, str) else v for k, v in data.items()}


def _release_files(booking: Booking) -> int:
    """Empty the booking's file fields now and delete the files once the transaction has committed."""
    docs = [d for d in booking.documents.all() if d.file]
    files = [(d.file.storage, d.file.name) for d in docs]
    BookingDocument.objects.filter(pk__in=[d.pk for d in docs]).update(file="")

    def delete():
        for storage, name in files:
            try:
                storage.delete(name)
            except OSError:  # a file already gone is what we wanted; keep deleting the others
                log.warning("booking file %s could not be deleted", name)

    transaction.on_commit(delete)
    return len(files)


def booking_register(
    *, officer, code: str, documents_seen: list[str], now: datetime.datetime | None = None
) -> Registration:
    """Register a booking at the front desk once the officer has seen the originals.

    The same completeness gate as a walk-in file (`application_register`), fed with the booking's
    data and the stored scans of the ticked requirements. An incomplete file raises the same
    ServiceError("incomplete") and is counted; the booking stays open. The booking's own copies of
    the scans are deleted after commit (the application keeps its copies).
    """
    if not has_role(officer, *DESK):
        raise Forbidden(_l("Hanya petugas loket yang dapat mendaftarkan booking."))
    now = now_or(now)
    seen = list(dict.fromkeys(documents_seen))
    refused: ServiceError | None = None
    with transaction.atomic():
        booking = _ensure_open(
            Booking.objects.select_for_update(of=("self",))  # lock the booking, not its permit type
            .select_related("permit_type")
            .filter(code=booking_code_normalise(code))
            .first(),
            now,
        )
        docs = {d.requirement.code: d for d in booking.documents.select_related("requirement") if d.file}
        with ExitStack() as stack:
            files = {}
            for req_code, doc in docs.items():
                if req_code in seen:  # a scan is attached only when its original was seen
                    handle = stack.enter_context(doc.file.storage.open(doc.file.name, "rb"))
                    files[req_code] = File(handle, name=os.path.basename(doc.file.name))
            try:
                registration = application_register(
                    officer=officer,
                    permit_type_code=booking.permit_type.code,
                    applicant=booking.applicant,
                    data=_typed_data(booking.permit_type, booking.data),
                    documents_received=seen,
                    files=files,
                    now=now,
                )
            except ServiceError as exc:
                # application_register wrote nothing but the IncompleteAttempt row (if incomplete):
                # leave the block normally so that row is kept, then refuse.
                refused = exc
        if refused is None:
            booking.status = Booking.Status.REGISTERED
            booking.application = registration.application
            booking.registered_at = now
            booking.save(update_fields=["status", "application", "registered_at"])
            moved = _release_files(booking)
            audit_record(
                actor=officer,
                action="booking.register",
                obj=booking,
                before={"status": Booking.Status.OPEN},
                after={
                    "status": booking.status,
                    "registration_number": registration.application.registration_number,
                    "documents_seen": seen,
                    "scans_attached": sorted(files),
                    "booking_files_deleted": moved,
                },
                at=now,
            )
    if refused is not None:
        raise refused
    return registration


def booking_expire_due(*, now: datetime.datetime | None = None) -> int:
    """Mark every open booking past its expiry as expired and delete its files; return how many."""
    now = now_or(now)
    due = Booking.objects.filter(status=Booking.Status.OPEN, expires_at__lte=now).values_list("pk", flat=True)
    return sum(_expire_one(pk, now) for pk in list(due))


@transaction.atomic
def _expire_one(pk: int, now: datetime.datetime) -> bool:
    booking = Booking.objects.select_for_update().filter(pk=pk, status=Booking.Status.OPEN, expires_at__lte=now).first()
    if booking is None:  # registered or expired meanwhile
        return False
    booking.status = Booking.Status.EXPIRED
    booking.save(update_fields=["status"])
    deleted = _release_files(booking)
    audit_record(
        actor=None,
        action="booking.expire",
        obj=booking,
        before={"status": Booking.Status.OPEN},
        after={"status": booking.status, "files_deleted": deleted},
        at=now,
    )
    return True
