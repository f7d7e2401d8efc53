"""Applicants, applications, the documents seen at the front desk, and refused attempts."""

from django.conf import settings
from django.db import models

from permits.catalog.models import PermitType, Requirement
from permits.core.audit import stream_prefix


class Applicant(models.Model):
    """A person or company applying for permits (pemohon)."""

    class Kind(models.TextChoices):
        PERSON = "person", "Perorangan"
        COMPANY = "company", "Badan usaha"

    class Channel(models.TextChoices):
        WHATSAPP = "whatsapp", "WhatsApp"
        SMS = "sms", "SMS"
        EMAIL = "email", "Email"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField("nama", max_length=200)
    nik = models.CharField("NIK", max_length=16, db_index=True)
    nib = models.CharField("NIB", max_length=13, blank=True)
    company_name = models.CharField("nama badan usaha", max_length=200, blank=True)
    phone = models.CharField("telepon (E.164)", max_length=20)
    email = models.EmailField(blank=True)
    address = models.TextField("alamat")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WHATSAPP)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pemohon"
        verbose_name_plural = "pemohon"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.company_name if self.kind == self.Kind.COMPANY and self.company_name else self.name

    @property
    def initials(self) -> str:
        """What the public tracking page may show of the applicant (privacy)."""
        return "".join(part[0].upper() + "." for part in self.display_name.split() if part[:1].isalnum())[:12]


class Application(models.Model):
    """A registered permit application (permohonan): the public face of progress.

    Only a complete file becomes an Application; incomplete attempts are IncompleteAttempt rows.
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", "Terdaftar"
        IN_PROCESS = "in_process", "Sedang diproses"
        RETURNED = "returned", "Dikembalikan untuk perbaikan"
        AWAITING_PAYMENT = "awaiting_payment", "Menunggu pembayaran"
        APPROVED = "approved", "Disetujui"
        REJECTED = "rejected", "Ditolak"
        DECREE_ISSUED = "decree_issued", "SK terbit"
        COLLECTED = "collected", "SK sudah diambil"
        WITHDRAWN = "withdrawn", "Dicabut pemohon"

    permit_type = models.ForeignKey(PermitType, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="applications")
    registration_number = models.CharField("nomor pendaftaran", max_length=40, unique=True)
    registered_at = models.DateTimeField(db_index=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registered_applications"
    )
    data = models.JSONField("data objek", default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REGISTERED, db_index=True)
    pin_hash = models.CharField(max_length=64)
    promised_completion_at = models.DateTimeField("janji selesai")
    paused_seconds = models.PositiveBigIntegerField(default=0)  # working time spent waiting on the applicant
    returns_count = models.PositiveSmallIntegerField(default=0)
    survey_required = models.BooleanField(null=True, blank=True)  # decided at verification when the type lets it
    return_items = models.JSONField(default=list, blank=True)  # what to bring, while returned
    rejection_reason = models.ForeignKey(
        "catalog.RejectionReason", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejection_note = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["permit_type", "status"]),
            # the portal's estimate reads the newest completions of one permit type
            models.Index(fields=["permit_type", "status", "finished_at"], name="app_type_status_finished_idx"),
        ]
        verbose_name = "permohonan"
        verbose_name_plural = "permohonan"

    def __str__(self) -> str:
        return self.registration_number

    @classmethod
    def audit_stream(cls, pk: int) -> str:
        """The application's audit stream: the workflow, the levy, the decree and the alerts of the
        file all append there, so its history reads as one."""
        return f"{stream_prefix(cls)}{pk}"


class ReceivedDocument(models.Model):
    """A required document the front desk saw (and optionally scanned) for an application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT)
    file = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "requirement"], name="received_document_unique")]

    def __str__(self) -> str:
        return f"{self.application} {self.requirement.code}"


class IncompleteAttempt(models.Model):
    """A file refused at the front desk as incomplete: counted for the office's statistics."""

    permit_type = models.ForeignKey(PermitType, on_delete=models.PROTECT)
    at = models.DateTimeField(db_index=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    missing = models.JSONField(default=list)  # requirement codes

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.permit_type.code} missing {len(self.missing)}"
