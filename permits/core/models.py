"""Shared records: the audit trail, gap-free counters, calendar closures, API tokens and officials' profiles."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .identity import clean_nip


class AppendOnlyError(Exception):
    """An attempt to change or remove a recorded audit event (a programming error, never a user's)."""


class AuditEventQuerySet(models.QuerySet):
    """Audit rows are only ever inserted: bulk update and delete are refused in code (and, on
    PostgreSQL, by the trigger of migration core 0003)."""

    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only: update() is refused.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only: delete() is refused.")

    def _raw_delete(self, using):  # the deletion collector's fast path
        raise AppendOnlyError("Audit events are append-only: delete() is refused.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Audit events are append-only: bulk_update() is refused.")


class AuditEvent(models.Model):
    """One recorded change: who did what to which object, with the state before and after.

    Events are append-only and chained per stream (usually one application): each carries the
    hash of the previous event of its stream, so an edited or deleted row breaks the chain
    (`manage.py audit_verify`). `(stream, seq)` is unique, so two writers can never fork a stream.
    Saving an existing row or deleting one raises AppendOnlyError; PostgreSQL refuses it too.
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

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="audit_stream_seq_unique")]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        # Only a first INSERT: an instance loaded from the database, or one given an existing pk
        # without force_insert (which Django would turn into an UPDATE), is refused.
        updating = not self._state.adding or (self.pk is not None and not kwargs.get("force_insert"))
        if args or updating or kwargs.get("force_update") or kwargs.get("update_fields") is not None:
            raise AppendOnlyError(f"Audit event {self.pk} is append-only: it cannot be saved again.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"Audit event {self.pk} is append-only: it cannot be deleted.")


class Sequence(models.Model):
    """A gap-free counter (registration numbers, decree numbers), locked in the using transaction."""

    key = models.CharField(max_length=100, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class ThrottleCounter(models.Model):
    """One throttle counter of the database store (permits/core/counters.py): attempts reserved under
    `key` in a window that ends at `expires_ms` (milliseconds since the epoch, the throttle's clock).

    Used only when the cache is not Redis (development, a single host without Redis). A row whose
    window has ended counts as absent and starts afresh on its next hit; the periodic task
    `throttle_counters_purge` deletes such rows.
    """

    key = models.CharField(max_length=200, primary_key=True)
    count = models.IntegerField(default=0)
    expires_ms = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}={self.count} until {self.expires_ms}"


class CalendarClosure(models.Model):
    """A day the office is closed besides weekends and national holidays (cuti bersama, closures)."""

    class Kind(models.TextChoices):
        CUTI_BERSAMA = "cuti_bersama", _("Cuti bersama")
        CLOSURE = "closure", _("Kantor tutup")

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


class OfficialProfile(models.Model):
    """How a signing official is printed on what they sign (decrees; later SKRD/SKPD): the full name with
    titles, the position (jabatan) and the NIP. Configuration, edited in the admin; a decree copies it when
    signed, so a later change never alters an issued decree."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official_profile")
    full_name = models.CharField(
        "nama lengkap", max_length=200, help_text="Seperti dicetak, dengan gelar, mis. Dr. Ir. H. Ahmad Santoso, M.Si."
    )
    position = models.CharField("jabatan", max_length=300, help_text="Mis. Kepala Dinas Penanaman Modal dan PTSP")
    nip = models.CharField(
        "NIP",
        max_length=24,  # typed with the spaces it is printed with; clean() stores the 18 digits
        help_text="18 digit: tanggal lahir, TMT pengangkatan, jenis kelamin, urut",
    )

    class Meta:
        verbose_name = "profil pejabat penanda tangan"
        verbose_name_plural = "profil pejabat penanda tangan"

    def __str__(self) -> str:
        return f"{self.full_name} ({self.position})"

    def clean(self):
        try:
            self.nip = clean_nip(self.nip)
        except ValueError as exc:
            raise ValidationError({"nip": str(exc)}) from None

    @property
    def complete(self) -> bool:
        return bool(self.full_name.strip() and self.position.strip() and self.nip.strip())
