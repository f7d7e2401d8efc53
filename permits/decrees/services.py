"""Decree actions: issue (number, draft, sign, store) at the signing step, revoke, record the handover,
deliver by download, and take the satisfaction survey. Each runs in one transaction with its audit.

Files and transactions: the signed PDF is written to storage inside the issuing transaction, under a
fresh random name, before the row that points to it. If this function fails after the write, it
deletes the file itself; if the caller's transaction rolls back later (a failure after us in
`task_complete`), the file stays behind without a row: `decree_files_sweep` (a periodic job) removes
such orphans once they are an hour old. A decree row therefore never points to a missing file.
"""

import datetime
import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from permits.core.audit import audit_record
from permits.core.clock import now_or
from permits.core.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from permits.core.models import OfficialProfile
from permits.core.roles import HEAD, has_role
from permits.core.sequences import sequence_next
from permits.workflow.models import Application
from permits.workflow.services import audit_application

from . import drafting, signers, signing
from .models import ELEMENT_CODES, Decree, Handover, SurveyInvitation, SurveyResponse

log = logging.getLogger("permits.decrees")
FILES_DIR = "decrees"


def verify_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("decrees:verify", args=[token])


def survey_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("decrees:survey", args=[token])


def decree_number(*, seq: int, permit_code: str, year: int) -> str:
    try:
        return settings.DECREE_NUMBER_FORMAT.format(seq=seq, permit_code=permit_code.upper(), year=year)
    except (KeyError, IndexError, ValueError) as exc:
        raise ImproperlyConfigured(f"DECREE_NUMBER_FORMAT is invalid: {exc}") from exc


def signer_display_name(user) -> str:
    return (user.get_full_name() or user.get_username()).strip()


def official_profile(user) -> OfficialProfile | None:
    """The official's profile (name, position, NIP as printed), if the user has one."""
    return OfficialProfile.objects.filter(user=user).first()


def signing_official(user) -> OfficialProfile:
    """The signer's profile as printed on the decree; refused when it lacks the name, position or NIP."""
    profile = official_profile(user)
    if profile is None or not profile.complete:
        raise Conflict(
            "signer_profile_incomplete",
            _l(
                "Profil pejabat penanda tangan (nama lengkap, jabatan, NIP) belum lengkap; "
                "lengkapi di admin sebelum menandatangani SK."
            ),
        )
    return profile


# --- issuing ------------------------------------------------------------------------------------


def decree_issue(*, application: Application, actor, now: datetime.datetime | None = None) -> Decree:
    """Number, draft, sign and store the decree of an approved application.

    Called by the workflow when the head completes the signing step, inside that transaction and
    with the application row locked: the number (gap-free per year, `sequence_next`) and the row
    commit, or roll back, with the step. Not atomic by itself on purpose: it must share the caller's.
    Who may sign is the signing step's rule (the signing handler's owner_role, permits/decrees/steps.py: the head only).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("decree_issue runs inside the signing step's transaction")
    now = now_or(now)
    if application.status != Application.Status.APPROVED:
        raise Conflict(
            "not_approved",
            _l("SK hanya diterbitkan untuk permohonan yang sudah disetujui."),
        )
    if Decree.objects.filter(application=application).exists():
        raise Conflict("decree_exists", _l("SK permohonan ini sudah diterbitkan."))
    official = signing_official(actor)  # before a number is taken
    permit_type = application.permit_type
    year = timezone.localtime(now).year
    seq = sequence_next(f"decree:{year}")
    number = decree_number(seq=seq, permit_code=permit_type.code, year=year)
    token = secrets.token_urlsafe(24)
    draft = drafting.decree_draft(
        application=application,
        number=number,
        issued_at=now,
        verify_url=verify_url(token),
        signer_name=official.full_name,
        signer_position=official.position,
        signer_nip=official.nip,
    )
    signer = signers.current()  # the key file, or BSrE's e-sign with the head's passphrase (signers.py)
    signed = signing.sign_pdf(
        drafting.render_pdf(draft),
        reason=f"Keputusan nomor {number}",
        location=settings.DECREE_PLACE,
        signer_name=official.full_name,
        signer=signer.pyhanko_signer(),
    )
    digest = hashlib.sha256(signed).hexdigest()
    name = default_storage.save(f"{FILES_DIR}/{year}/{seq:06d}-{secrets.token_hex(8)}.pdf", ContentFile(signed))
    try:
        with transaction.atomic():  # a savepoint: a failed insert leaves the caller's transaction usable
            decree = Decree.objects.create(
                application=application,
                number=number,
                year=year,
                seq=seq,
                permit_type=permit_type,
                holder_name=application.applicant.display_name,
                object_summary=[list(row) for row in draft.object_rows],
                file=name,
                sha256=digest,
                token=token,
                issued_at=now,
                valid_until=draft.extra["valid_until"],
                signed_by=actor,
                signed_at=now,
                signer_name=official.full_name,
                signer_position=official.position,
                signer_nip=official.nip,
                certificate_fingerprint=signer.fingerprint,
                certificate_subject=signer.subject[:300],
            )
    except IntegrityError:
        default_storage.delete(name)
        raise Conflict("decree_conflict", _l("Nomor atau SK bentrok; ulangi penandatanganan.")) from None
    except Exception:
        default_storage.delete(name)
        raise
    audit_application(
        application,
        actor,
        "decree.issue",
        decree,
        after={"number": number, "sha256": digest, "valid_until": decree.valid_until, "file": name},
        now=now,
    )
    return decree


def decree_files_sweep(*, older_than: timedelta = timedelta(hours=1), now: datetime.datetime | None = None) -> int:
    """Delete stored decree files that no decree row points to (left by a rolled-back signing)."""
    now = now_or(now)
    removed = 0
    try:
        years, _files = default_storage.listdir(FILES_DIR)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    for year in years:
        _dirs, files = default_storage.listdir(f"{FILES_DIR}/{year}")
        names = [f"{FILES_DIR}/{year}/{f}" for f in files]
        known = set(Decree.objects.filter(file__in=names).values_list("file", flat=True))
        for name in names:
            if name in known:
                continue
            try:
                modified = default_storage.get_modified_time(name)
            except (NotImplementedError, FileNotFoundError):
                continue
            if now - modified >= older_than:
                default_storage.delete(name)
                removed += 1
                log.warning("removed orphan decree file %s", name)
    return removed


# --- revocation ---------------------------------------------------------------------------------


@transaction.atomic
def decree_revoke(*, actor, decree_id: int, reason: str, now: datetime.datetime | None = None) -> Decree:
    """The head revokes a decree, with a reason: recorded, audited, and shown on verification."""
    now = now_or(now)
    if not has_role(actor, HEAD):
        raise Forbidden(_l("Hanya Kepala Dinas yang dapat mencabut SK."))
    decree = Decree.objects.select_for_update().select_related("application").filter(pk=decree_id).first()
    if decree is None:
        raise NotFound(_l("SK"))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": "Wajib diisi."}, _l("Alasan pencabutan wajib diisi."))
    if len(reason) > 2000:
        raise Invalid({"reason": "Maks. 2000 karakter."}, _l("Alasan terlalu panjang."))
    if decree.revoked:
        raise Conflict("already_revoked", _l("SK ini sudah dicabut."))
    decree.revoked, decree.revoked_reason, decree.revoked_by, decree.revoked_at = True, reason, actor, now
    decree.save(update_fields=["revoked", "revoked_reason", "revoked_by", "revoked_at"])
    audit_application(
        decree.application,
        actor,
        "decree.revoke",
        decree,
        before={"revoked": False},
        after={"revoked": True, "number": decree.number},
        note=reason,
        now=now,
    )
    return decree


# --- handover and digital delivery --------------------------------------------------------------


def _invite(application: Application, now: datetime.datetime) -> SurveyInvitation:
    invitation, _created = SurveyInvitation.objects.get_or_create(
        application=application, defaults={"token": secrets.token_urlsafe(24), "created_at": now}
    )
    return invitation


def decree_handover_record(*, application: Application, actor, payload: dict, now=None) -> Handover:
    """The front desk hands the decree over: who took it (holder, or a representative with a letter),
    the identity shown, when. Called by the workflow's handover step inside its transaction; the
    applicant is then invited to the satisfaction survey. Who may record it is the handover step's
    rule (permits.workflow.services.task_may_act)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("decree_handover_record runs inside the handover step's transaction")
    now = now_or(now)
    decree = Decree.objects.select_for_update().filter(application=application).first()
    if decree is None:
        raise Conflict("no_decree", _l("SK permohonan ini belum diterbitkan."))
    if decree.revoked:
        raise Conflict("revoked", _l("SK ini sudah dicabut dan tidak dapat diserahkan."))
    if Handover.objects.filter(decree=decree).exists():
        raise Conflict("handed_over", _l("Penyerahan SK ini sudah dicatat."))
    relation = payload.get("relation") or Handover.Relation.HOLDER
    id_type = payload.get("id_type") or "nik"
    handover_identity_check(application=application, relation=relation, id_type=id_type, id_number=payload["id_number"])
    handover = Handover.objects.create(
        decree=decree,
        collected_by=payload["collected_by"],
        relation=relation,
        id_type=id_type,
        id_number=payload["id_number"],
        authorisation_letter=bool(payload.get("authorisation_letter")),
        at=now,
        by=actor,
    )
    _invite(application, now)  # the satisfaction survey link (notifications sends it on decree.handover)
    audit_application(
        application,
        actor,
        "decree.handover",
        decree,
        after={
            "collected_by": handover.collected_by,
            "relation": relation,
            "id_type": id_type,
            "id_number": handover.id_number,
            "authorisation_letter": handover.authorisation_letter,
            "number": decree.number,
        },
        now=now,
    )
    return handover


def handover_identity_check(*, application: Application, relation: str, id_type: str, id_number: str) -> None:
    """Whose identity the collector shows: the holder shows the identity the applicant registered with (an
    Indonesian's NIK, a foreigner's passport or KITAS: same type, same number); a representative (with the
    authorisation letter, `workflow.payloads.handover`) shows their own, never the holder's. Anything else is
    refused and the decree stays at the desk."""
    holder = application.applicant
    holders_own = (id_type, id_number) == (holder.id_type, holder.id_number)
    if relation == Handover.Relation.HOLDER and not holders_own:
        if holder.foreign_id_type:
            raise ServiceError(
                "identity_mismatch",
                _l("Identitas pengambil bukan paspor/KITAS pemegang izin: SK tidak diserahkan."),
                fields={"id_number": "Bukan paspor/KITAS pemegang izin yang terdaftar."},
                status=422,
            )
        raise ServiceError(
            "identity_mismatch",
            _l("NIK pengambil bukan NIK pemegang izin: SK tidak diserahkan."),
            fields={
                "id_number": "Bukan NIK pemegang izin. Bila SK diambil orang lain, pilih Kuasa dan surat kuasanya."
            },
            status=422,
        )
    if relation == Handover.Relation.REPRESENTATIVE and holders_own:
        raise ServiceError(
            "identity_not_own",
            _l("Kuasa mencatat NIK-nya sendiri, bukan NIK pemegang izin: SK tidak diserahkan."),
            fields={"id_number": "Isi NIK kuasa yang mengambil, sesuai KTP-nya."},
            status=422,
        )


@transaction.atomic
def decree_download_record(*, application: Application, now=None) -> Decree:
    """The applicant downloaded the signed decree with the PIN (digital delivery): counted and audited."""
    now = now_or(now)
    if not settings.DECREE_DIGITAL_DELIVERY:
        raise Forbidden(_l("Unduhan SK tidak tersedia; ambil SK di loket."))
    decree = Decree.objects.select_for_update().filter(application=application).first()
    if decree is None:
        raise NotFound(_l("SK"))
    if decree.revoked:
        raise Conflict("revoked", _l("SK ini sudah dicabut."))
    first = decree.first_downloaded_at is None
    decree.downloads += 1
    decree.first_downloaded_at = decree.first_downloaded_at or now
    decree.save(update_fields=["downloads", "first_downloaded_at"])
    _invite(application, now)
    if first:  # one audit event for the first download; the count keeps the rest
        audit_application(
            application,
            None,
            "decree.download",
            decree,
            after={"number": decree.number},
            now=now,
            actor_label="pemohon",
        )
    return decree


# --- the satisfaction survey --------------------------------------------------------------------


def _survey_invalid(errors: dict[str, str]) -> ServiceError:
    return Invalid(errors, _l("Jawab semua pertanyaan (nilai 1 sampai 4)."))


@transaction.atomic
def survey_submit(*, token: str, answers: dict, suggestion: str = "", now=None) -> SurveyResponse:
    """Record one applicant's answers, once per application. Nothing identifies an officer or the
    respondent's address; the answers are not written to the audit trail."""
    now = now_or(now)
    invitation = (
        SurveyInvitation.objects.select_for_update()
        .select_related("application")
        .filter(token=(token or "")[:64])
        .first()
    )
    if invitation is None:
        raise NotFound(_l("Survei"))
    if SurveyResponse.objects.filter(invitation=invitation).exists():
        raise Conflict("already_answered", _l("Survei ini sudah diisi. Terima kasih."))
    scores, errors = {}, {}
    for code in ELEMENT_CODES:
        value = str(answers.get(code) or "").strip()
        if value not in ("1", "2", "3", "4"):
            errors[code] = "Pilih salah satu nilai."
        else:
            scores[code] = int(value)
    suggestion = (suggestion or "").strip()
    if len(suggestion) > 2000:
        errors["suggestion"] = "Terlalu panjang (maks. 2000 karakter)."
    if errors:
        raise _survey_invalid(errors)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                invitation=invitation,
                permit_type_id=invitation.application.permit_type_id,
                submitted_at=now,
                suggestion=suggestion,
                **scores,
            )
    except IntegrityError:  # the unique constraint is the backstop behind the row lock
        raise Conflict("already_answered", _l("Survei ini sudah diisi. Terima kasih.")) from None
    # On the invitation's own stream, not the application's: officers reading the file's history do
    # not see when (or whether) the applicant answered.
    audit_record(actor=None, actor_label="pemohon", action="survey.answer", obj=invitation, at=now)
    return response
