"""Front-desk intake: the completeness gate, registration numbers, PINs. Every change is audited."""

import datetime
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from permits.catalog.models import PermitType
from permits.catalog.rules import validate_object_data
from permits.core.audit import audit_record
from permits.core.calendar import due_after
from permits.core.clock import now_or
from permits.core.errors import ServiceError
from permits.core.identity import clean_foreign_id, clean_nib, clean_nik, clean_phone
from permits.core.roles import DESK, has_role
from permits.core.sequences import sequence_next
from permits.core.uploads import CONTENT_TYPES, check_requirement_files
from permits.workflow.models import Applicant, Application, ReceivedDocument
from permits.workflow.services import workflow_enter

from .models import IncompleteAttempt
from .numbers import registration_number_format
from .pins import pin_generate, pin_hash


@dataclass
class Registration:
    application: Application
    pin: str  # shown once, on the receipt; only its keyed hash is stored


def applicant_clean(raw: dict, *, foreign_allowed: bool = True) -> tuple[dict, dict[str, str]]:
    """Validate and normalise applicant data (also used by online pre-registration): (clean, errors).

    An Indonesian gives a NIK. A foreigner has none: `foreign_id_type` (passport/kitas) and `foreign_id` instead,
    and then no NIK. Online pre-registration passes foreign_allowed=False: foreigners register at the desk,
    where the officer sees the passport or KITAS itself.
    """
    errors: dict[str, str] = {}
    out: dict = {}
    kind = (raw.get("kind") or "person").strip()
    if kind not in Applicant.Kind.values:
        errors["applicant.kind"] = "Jenis pemohon harus perorangan (person) atau badan usaha (company)."
    out["kind"] = kind
    name = " ".join((raw.get("name") or "").split())
    if not name:
        errors["applicant.name"] = "Nama pemohon wajib diisi."
    elif len(name) > 200:
        errors["applicant.name"] = "Nama terlalu panjang (maks. 200 karakter)."
    out["name"] = name
    _identity_clean(raw, out, errors, foreign_allowed)
    try:
        out["phone"] = clean_phone(str(raw.get("phone") or ""))
    except ValueError as exc:
        errors["applicant.phone"] = str(exc)
    out["nib"] = ""
    out["company_name"] = " ".join((raw.get("company_name") or "").split())
    if kind == Applicant.Kind.COMPANY:
        try:
            out["nib"] = clean_nib(str(raw.get("nib") or ""))
        except ValueError as exc:
            errors["applicant.nib"] = str(exc)
        if not out["company_name"]:
            errors["applicant.company_name"] = "Nama badan usaha wajib diisi untuk pemohon badan usaha."
    email = (raw.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["applicant.email"] = "Alamat email tidak valid."
    out["email"] = email
    address = (raw.get("address") or "").strip()
    if not address:
        errors["applicant.address"] = "Alamat wajib diisi."
    out["address"] = address[:1000]
    channel = (raw.get("channel") or Applicant.Channel.WHATSAPP).strip()
    if channel not in Applicant.Channel.values:
        errors["applicant.channel"] = "Saluran pemberitahuan harus whatsapp, sms atau email."
    elif channel == Applicant.Channel.EMAIL and not email:
        errors["applicant.email"] = "Email wajib diisi bila pemberitahuan lewat email."
    out["channel"] = channel
    return out, errors


def _identity_clean(raw: dict, out: dict, errors: dict[str, str], foreign_allowed: bool) -> None:
    """The NIK, or (a foreigner) the passport/KITAS type and number: exactly one identity."""
    id_type = str(raw.get("foreign_id_type") or "").strip()
    out["nik"], out["foreign_id_type"], out["foreign_id"] = "", "", ""
    if not id_type:
        try:
            out["nik"] = clean_nik(str(raw.get("nik") or ""))
        except ValueError as exc:
            errors["applicant.nik"] = str(exc)
        return
    if not foreign_allowed:
        errors["applicant.foreign_id_type"] = "Pemohon WNA (paspor/KITAS) mendaftar langsung di loket."
    elif id_type not in Applicant.ForeignIdType.values:
        errors["applicant.foreign_id_type"] = "Jenis identitas WNA harus paspor (passport) atau KITAS (kitas)."
    elif str(raw.get("nik") or "").strip():
        errors["applicant.nik"] = "Isi NIK atau paspor/KITAS, tidak keduanya (WNA tidak memiliki NIK)."
    out["foreign_id_type"] = id_type
    try:
        out["foreign_id"] = clean_foreign_id(str(raw.get("foreign_id") or ""))
    except ValueError as exc:
        errors["applicant.foreign_id"] = str(exc)


def missing_requirements(permit_type: PermitType, received_codes) -> list[str]:
    """Codes of the mandatory requirements not in `received_codes`, in checklist order."""
    received = set(received_codes)
    return [r.code for r in permit_type.requirements.all() if r.mandatory and r.code not in received]


def application_register(
    *,
    officer,
    permit_type_code: str,
    applicant: dict,
    data: dict,
    documents_received: list[str],
    files: dict | None = None,
    now: datetime.datetime | None = None,
) -> Registration:
    """Register a complete file: number, PIN, promised date, audit. Refuse anything less.

    Raises ServiceError(422) naming every bad field and every missing requirement; an incomplete
    file is counted (IncompleteAttempt) and nothing else is written.
    """
    if not has_role(officer, *DESK):
        raise ServiceError(
            "forbidden",
            _l("Hanya petugas loket yang dapat mendaftarkan berkas."),
            status=403,
        )
    permit_type = (
        PermitType.objects.filter(code=permit_type_code, active=True)
        .prefetch_related("requirements", "data_fields")
        .first()
    )
    if permit_type is None:
        raise ServiceError(
            "unknown_permit_type",
            _l("Jenis izin tidak dikenal."),
            fields={"permit_type": "Jenis izin tidak dikenal."},
            status=422,
        )
    applicant_data, errors = applicant_clean(applicant or {})
    data_clean, data_errors = validate_object_data(list(permit_type.data_fields.all()), data or {})
    errors.update({f"data.{k}": v for k, v in data_errors.items()})
    known = {r.code for r in permit_type.requirements.all()}
    unknown = sorted(set(documents_received) - known)
    for code in unknown:
        errors[f"documents_received.{code}"] = "Persyaratan tidak dikenal untuk jenis izin ini."
    missing = missing_requirements(permit_type, documents_received)
    files = files or {}
    requirements = {r.code: r for r in permit_type.requirements.all()}
    ticked = {c: r for c, r in requirements.items() if c in documents_received}
    kinds, file_errors = check_requirement_files(
        files, ticked, unknown="Berkas diunggah untuk persyaratan yang tidak dicentang."
    )
    errors.update(file_errors)
    for code, kind in kinds.items():
        files[code].content_type = CONTENT_TYPES[kind]
    if missing:
        IncompleteAttempt.objects.create(permit_type=permit_type, at=now_or(now), officer=officer, missing=missing)
    if errors or missing:
        names = {c: r.name_id for c, r in requirements.items()}
        if missing and not errors:
            code, message = "incomplete", _l("Berkas belum lengkap. Kekurangan: %(missing)s.")
        else:
            code, message = "invalid", _l("Data belum benar. Periksa isian yang ditandai.")
        raise ServiceError(
            code,
            message,
            params={"missing": "; ".join(names[c] for c in missing)},
            fields=errors,
            status=422,
            details={"missing": missing, "missing_names": [names[c] for c in missing]},
        )
    return _register(officer, permit_type, applicant_data, data_clean, documents_received, files, now)


@transaction.atomic
def _register(officer, permit_type, applicant_clean, data_clean, documents_received, files, now) -> Registration:
    now = now_or(now)
    year = timezone.localtime(now).year
    seq = sequence_next(f"registration:{year}")
    number = registration_number_format(year, seq)
    pin = pin_generate()
    applicant = Applicant.objects.create(**applicant_clean)
    application = Application.objects.create(
        permit_type=permit_type,
        applicant=applicant,
        registration_number=number,
        registered_at=now,
        registered_by=officer,
        data=data_clean,
        pin_hash=pin_hash(number, pin),
        promised_completion_at=due_after(now, permit_type.service_standard_days, "days"),
    )
    requirements = {r.code: r for r in permit_type.requirements.all()}
    for code in dict.fromkeys(documents_received):
        upload = files.get(code)
        doc = ReceivedDocument(application=application, requirement=requirements[code], received_at=now)
        if upload is not None:
            doc.content_type = getattr(upload, "content_type", "") or ""
            # never the client's file name on disk: a random name with the sniffed extension
            ext = {v: k for k, v in CONTENT_TYPES.items()}.get(doc.content_type, "bin")
            doc.file.save(f"{secrets.token_hex(12)}.{ext}", upload, save=False)
        doc.save()
    audit_record(
        actor=officer,
        action="application.register",
        obj=application,
        after={
            "registration_number": number,
            "permit_type": permit_type.code,
            "status": application.status,
            "documents": list(dict.fromkeys(documents_received)),
            "promised_completion_at": application.promised_completion_at,
        },
        at=now,
    )
    _after_register(application, officer, now)
    return Registration(application=application, pin=pin)


def _after_register(application: Application, officer, now) -> None:
    """The registered application enters its procedure: its first step opens (same transaction)."""
    workflow_enter(application=application, actor=officer, now=now)


@transaction.atomic
def application_reset_pin(*, officer, application: Application) -> str:
    """Issue a new tracking PIN (the applicant lost the receipt); the old one stops working."""
    if not has_role(officer, *DESK):
        raise ServiceError(
            "forbidden",
            _l("Hanya petugas loket yang dapat mengganti PIN."),
            status=403,
        )
    application = Application.objects.select_for_update().get(pk=application.pk)
    pin = pin_generate()
    application.pin_hash = pin_hash(application.registration_number, pin)
    application.save(update_fields=["pin_hash", "updated_at"])
    audit_record(actor=officer, action="application.reset_pin", obj=application)
    return pin
