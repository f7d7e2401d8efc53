"""Decrees (Surat Keputusan): the signed PDF, its number and verification token, revocation,
handover, and the public-service satisfaction survey (SKM) that follows it."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from permits.catalog.models import PermitType
from permits.workflow.models import Application

PLACEHOLDER_HELP = (
    "Satu baris per bagian. 'Label: teks' dicetak sebagai dua kolom (mis. 'Menimbang: ...'); baris tanpa "
    "titik dua dicetak rata tengah tebal (mis. 'MEMUTUSKAN'); baris '{object_table}' menjadi tabel data "
    "pemegang izin dan objek. Isian: {holder}, {holder_address}, {permit_type}, {permit_type_upper}, "
    "{registration_number}, {registered_date}, {legal_basis}, {validity}, {office}, {place}, {authority}, "
    "{authority_upper}, {number}."
)


class DecreeTemplate(models.Model):
    """The wording of one permit type's decree (admin-editable); types without one use the default text."""

    permit_type = models.OneToOneField(PermitType, on_delete=models.CASCADE, related_name="decree_template")
    subject = models.CharField(
        "tentang", max_length=300, blank=True, help_text="Judul 'TENTANG ...'; kosong: PEMBERIAN <nama izin>"
    )
    body = models.TextField("isi keputusan", help_text=PLACEHOLDER_HELP)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "templat SK"
        verbose_name_plural = "templat SK"

    def __str__(self) -> str:
        return f"Templat SK {self.permit_type.code}"


class Decree(models.Model):
    """An issued decree: its number, the signed PDF and that file's SHA-256, the public verification token.

    Numbered and signed in the transaction that completes the signing step; the stored hash always
    matches the stored file (invariant 8). Revocation keeps the row and says why.
    """

    class Status(models.TextChoices):
        VALID = "valid", _("Berlaku")
        REVOKED = "revoked", _("Dicabut")
        EXPIRED = "expired", _("Masa berlaku habis")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="decree")
    number = models.CharField("nomor SK", max_length=120, unique=True)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    permit_type = models.ForeignKey(PermitType, on_delete=models.PROTECT, related_name="decrees")
    holder_name = models.CharField("pemegang izin", max_length=200)
    object_summary = models.JSONField("data objek", default=list)  # [[label, value], ...] as printed
    file = models.FileField(max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    token = models.CharField(max_length=64, unique=True)  # the QR's /verify/<token>; unguessable
    issued_at = models.DateTimeField(db_index=True)
    valid_until = models.DateField("berlaku sampai", null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    signer_name = models.CharField(max_length=200)  # as printed on the decree (the official's profile then)
    # Blank on decrees signed before profiles; db_default keeps raw bulk inserts (testing/loadgen.py) valid.
    signer_position = models.CharField(max_length=300, blank=True, db_default="")
    signer_nip = models.CharField("NIP penanda tangan", max_length=18, blank=True, db_default="")
    certificate_fingerprint = models.CharField(max_length=64)  # SHA-256 of the signing certificate
    certificate_subject = models.CharField(max_length=300, blank=True)
    revoked = models.BooleanField(default=False)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    downloads = models.PositiveIntegerField(default=0)  # digital delivery: downloads by the applicant
    first_downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="decree_year_seq_unique"),
            models.CheckConstraint(
                condition=Q(revoked=False) | (Q(revoked_at__isnull=False) & ~Q(revoked_reason="")),
                name="decree_revoked_has_reason",
            ),
        ]
        ordering = ["-issued_at", "-id"]
        verbose_name = "Surat Keputusan"
        verbose_name_plural = "Surat Keputusan"

    def __str__(self) -> str:
        return self.number

    def status_on(self, day: datetime.date) -> str:
        """valid, revoked or expired on `day` (a local date)."""
        if self.revoked:
            return self.Status.REVOKED
        if self.valid_until is not None and day > self.valid_until:
            return self.Status.EXPIRED
        return self.Status.VALID


class Handover(models.Model):
    """The front desk's record of who collected the decree, with which identity, and when."""

    class Relation(models.TextChoices):
        HOLDER = "holder", _("Pemegang izin")
        REPRESENTATIVE = "representative", _("Kuasa (dengan surat kuasa)")

    decree = models.OneToOneField(Decree, on_delete=models.PROTECT, related_name="handover")
    collected_by = models.CharField("nama pengambil", max_length=200)
    relation = models.CharField(max_length=20, choices=Relation.choices)
    # "nik", "passport" or "kitas" (a foreigner has no NIK: workflow.Applicant.foreign_id_type)
    id_type = models.CharField("jenis identitas", max_length=10, default="nik")
    id_number = models.CharField("nomor identitas", max_length=40)
    authorisation_letter = models.BooleanField("surat kuasa diperlihatkan", default=False)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(relation="representative") | Q(authorisation_letter=True),
                name="handover_representative_has_letter",
            )
        ]
        verbose_name = "penyerahan SK"
        verbose_name_plural = "penyerahan SK"

    def __str__(self) -> str:
        return f"{self.decree} -> {self.collected_by}"


class SurveyInvitation(models.Model):
    """The applicant's invitation to the satisfaction survey: one per application, opened by its token."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="survey_invitation")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "undangan survei"
        verbose_name_plural = "undangan survei"

    def __str__(self) -> str:
        return f"survei {self.application}"


# The nine elements (unsur) of PermenPANRB 14/2017, in the regulation's order: (code, name).
ELEMENTS: tuple[tuple[str, str], ...] = (
    ("u1", _("Persyaratan")),
    ("u2", _("Sistem, mekanisme, dan prosedur")),
    ("u3", _("Waktu penyelesaian")),
    ("u4", _("Biaya/tarif")),
    ("u5", _("Produk spesifikasi jenis pelayanan")),
    ("u6", _("Kompetensi pelaksana")),
    ("u7", _("Perilaku pelaksana")),
    ("u8", _("Penanganan pengaduan, saran dan masukan")),
    ("u9", _("Sarana dan prasarana")),
)
ELEMENT_CODES = tuple(code for code, _name in ELEMENTS)


def _score(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label)


class SurveyResponse(models.Model):
    """One applicant's answers (1-4 on each element). Anonymous towards officers: no officer, no IP;
    only the permit type and the day are kept for the index. At most one per invitation."""

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="response")
    permit_type = models.ForeignKey(PermitType, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    u1 = _score("persyaratan")
    u2 = _score("prosedur")
    u3 = _score("waktu")
    u4 = _score("biaya/tarif")
    u5 = _score("produk")
    u6 = _score("kompetensi pelaksana")
    u7 = _score("perilaku pelaksana")
    u8 = _score("penanganan pengaduan")
    u9 = _score("sarana dan prasarana")
    suggestion = models.TextField("saran", blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(**{f"{c}__gte": 1, f"{c}__lte": 4}), name=f"survey_{c}_1_to_4")
            for c in ELEMENT_CODES
        ]
        indexes = [
            models.Index(fields=["submitted_at"], name="survey_submitted_idx"),
            models.Index(fields=["permit_type", "submitted_at"], name="survey_type_submitted_idx"),
        ]
        verbose_name = "jawaban survei kepuasan"
        verbose_name_plural = "jawaban survei kepuasan"

    def __str__(self) -> str:
        return f"SKM {self.submitted_at:%Y-%m-%d}"

    def scores(self) -> list[int]:
        return [getattr(self, code) for code in ELEMENT_CODES]
