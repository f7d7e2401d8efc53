"""Shared records: the audit trail, gap-free counters, calendar closures and API tokens."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One recorded change: who did what to which object, with the state before and after.

    Events are append-only and chained per stream (usually one application): each carries the
    hash of the previous event of its stream, so an edited or deleted row breaks the chain.
    `(stream, seq)` is unique, so two writers can never fork a stream.
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=150, blank=True)  # kept when no user (system, bank, public)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    stream = models.CharField(max_length=100)
    seq = models.PositiveIntegerField()
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="audit_stream_seq_unique")]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"


class Sequence(models.Model):
    """A gap-free counter (registration numbers, decree numbers), locked in the using transaction."""

    key = models.CharField(max_length=100, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class CalendarClosure(models.Model):
    """A day the office is closed besides weekends and national holidays (cuti bersama, closures)."""

    class Kind(models.TextChoices):
        CUTI_BERSAMA = "cuti_bersama", "Cuti bersama"
        CLOSURE = "closure", "Kantor tutup / Office closed"

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CUTI_BERSAMA)
    reason = models.CharField(max_length=200)
    legal_basis = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "hari libur kantor / cuti bersama"
        verbose_name_plural = "hari libur kantor / cuti bersama"

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"token of {self.user} until {self.expires_at:%Y-%m-%d %H:%M}"
