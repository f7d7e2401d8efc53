"""The outbox: every message the system means to send is a row first, then a task delivers it.

Message -> DeliveryAttempt (each try at the provider) and DeliveryReport (each status the
provider reports back). MessageTemplate holds the editable Indonesian texts; OfficerProfile the
officers' phone numbers; OptOut the applicants who want only essential messages.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from permits.workflow.models import Applicant, Application


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class Channel(models.TextChoices):
    WHATSAPP = "whatsapp", "WhatsApp"
    SMS = "sms", "SMS"
    EMAIL = "email", "Email"


class Language(models.TextChoices):
    ID = "id", _("Bahasa Indonesia")
    EN = "en", _("English")


class MessageTemplate(models.Model):
    """An editable message text (Indonesian, with an optional English twin).

    Texts name placeholders like `{number}` (see rendering.PLACEHOLDERS); they are filled without
    any template engine. `text_id` is what SMS and the dev inbox show and must fit one SMS with
    the longest values; email uses `email_body_id` when set (values uncut). A WhatsApp message
    outside the 24-hour window must be an approved template: `whatsapp_name` is its name at Meta
    and `whatsapp_params` the placeholders that fill its {{1}}, {{2}}, ... in order.
    """

    code = models.SlugField(max_length=50, unique=True)
    description = models.CharField("keterangan", max_length=200)
    essential = models.BooleanField(
        "wajib", default=False, help_text="Pesan wajib tetap dikirim walau pemohon menolak pesan tambahan."
    )
    subject_id = models.CharField("subjek email", max_length=150)
    text_id = models.TextField("teks (SMS/WhatsApp)")
    email_body_id = models.TextField("isi email", blank=True, help_text="Kosong: sama dengan teks SMS.")
    subject_en = models.CharField("subject (English)", max_length=150, blank=True)
    text_en = models.TextField("text (English)", blank=True)
    whatsapp_name = models.CharField("nama templat WhatsApp", max_length=100, blank=True)
    whatsapp_params = models.CharField(
        "isian templat WhatsApp",
        max_length=200,
        blank=True,
        help_text="Nama isian untuk {{1}}, {{2}}, ... dipisah koma, mis. number,date",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "templat pesan"
        verbose_name_plural = "templat pesan"

    def __str__(self) -> str:
        return f"{self.code}: {self.description}"

    @property
    def whatsapp_param_names(self) -> list[str]:
        return [p.strip() for p in self.whatsapp_params.split(",") if p.strip()]


class Message(models.Model):
    """One message to one recipient on one channel: written in the transaction of the event that
    caused it, then delivered by a task. It is never deleted; it ends sent, delivered or failed.

    Statuses: queued (waiting, `next_attempt_at`) -> sending (claimed by one worker at
    `claimed_at`) -> sent (the provider accepted it) -> delivered (the provider confirmed), or
    back to queued with a later `next_attempt_at` after a temporary error, or failed (permanent
    error, or still undelivered at `expires_at`). `idempotency_key` identifies the message to
    providers that deduplicate, across retries and restarted workers.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Antre")
        SENDING = "sending", _("Sedang dikirim")
        SENT = "sent", _("Terkirim")
        DELIVERED = "delivered", _("Diterima")
        FAILED = "failed", _("Gagal")

    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="outbox_messages"
    )
    applicant = models.ForeignKey(Applicant, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="outbox_messages"
    )
    recipient = models.CharField("penerima", max_length=254)  # E.164 phone or email address
    recipient_name = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    template = models.CharField(max_length=50)
    context = models.JSONField(default=dict, blank=True)  # the placeholder values (re-rendered for a fallback)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ID)
    subject = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    essential = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(help_text="retries stop here; the message is then failed")
    backend = models.CharField(max_length=20, blank=True)  # dev, kannel, http, cloud, smtp (last attempt)
    provider_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    last_error = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True, default=new_idempotency_key)
    fallback_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="fallbacks")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_due_idx"),
            models.Index(fields=["status", "failed_at"], name="message_failed_idx"),
            models.Index(fields=["application", "created_at"], name="message_app_idx"),
        ]
        verbose_name = "pesan"
        verbose_name_plural = "pesan"

    def __str__(self) -> str:
        return f"#{self.pk} {self.template} {self.channel} {self.recipient} ({self.status})"

    @property
    def is_final(self) -> bool:
        return self.status in (self.Status.DELIVERED, self.Status.FAILED)


class DeliveryAttempt(models.Model):
    """One try at handing a message to its provider, whatever came of it (the provider's answer)."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Diterima penyedia")
        DELIVERED = "delivered", _("Sampai")
        RETRY = "retry", _("Gagal sementara")
        FAILED = "failed", _("Gagal tetap")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="delivery_attempts")
    at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    backend = models.CharField(max_length=20)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.at:%Y-%m-%d %H:%M:%S} {self.outcome}"


class DeliveryReport(models.Model):
    """A status the provider reported after accepting a message (Kannel DLR, WhatsApp webhook)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="delivery_reports")
    at = models.DateTimeField()
    source = models.CharField(max_length=20)  # kannel, whatsapp
    status = models.CharField(max_length=20)  # the provider's word: 1/2/4/8/16, sent/delivered/read/failed
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.source} {self.status}"


class OfficerProfile(models.Model):
    """How to reach an officer (alerts about stalled files): phone (E.164) and preferred channel."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer_profile")
    phone = models.CharField("telepon (E.164)", max_length=20, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WHATSAPP)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ID)

    class Meta:
        verbose_name = "profil petugas"
        verbose_name_plural = "profil petugas"

    def __str__(self) -> str:
        return f"{self.user} {self.channel}"


class OptOut(models.Model):
    """An applicant who asked for essential messages only (rejection, levy, decree ready)."""

    applicant = models.OneToOneField(Applicant, on_delete=models.CASCADE, related_name="notification_opt_out")
    at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = "penolakan pesan tambahan"
        verbose_name_plural = "penolakan pesan tambahan"

    def __str__(self) -> str:
        return str(self.applicant)
