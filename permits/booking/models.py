"""Online pre-registration: a booking the applicant fills in at home and brings to the front desk."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from permits.catalog.models import PermitType, Requirement

# No 0/O, 1/I: a code read aloud or copied from a phone screen cannot be misread.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class Booking(models.Model):
    """An application started online (booking): data and scans, no number yet.

    It becomes an Application only at the front desk, through the same completeness gate, when the
    officer has seen the originals. Abandoned bookings expire and lose their files.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Menunggu di loket")
        REGISTERED = "registered", _("Sudah didaftarkan")
        EXPIRED = "expired", _("Kedaluwarsa")

    code = models.CharField("kode booking", max_length=CODE_LENGTH, unique=True)
    permit_type = models.ForeignKey(PermitType, on_delete=models.PROTECT, related_name="bookings")
    applicant = models.JSONField("data pemohon")  # cleaned by permits.intake.services.applicant_clean
    data = models.JSONField("data objek", default=dict)  # cleaned by permits.catalog.rules.validate_object_data
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    application = models.ForeignKey(
        "workflow.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    registered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "expires_at"], name="booking_status_expiry")]
        verbose_name = "booking online"
        verbose_name_plural = "booking online"

    def __str__(self) -> str:
        return self.code

    @property
    def code_display(self) -> str:
        """ABCD-EFGH: easier to read aloud and to type."""
        return f"{self.code[:4]}-{self.code[4:]}"

    @property
    def applicant_name(self) -> str:
        a = self.applicant or {}
        return a.get("company_name") if a.get("kind") == "company" and a.get("company_name") else a.get("name", "")


class BookingDocument(models.Model):
    """A scan uploaded with a booking. Stored under a random name (never the client's); served only to officers."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="bookings/%Y/%m/", blank=True)  # emptied when the booking ends
    original_name = models.CharField("nama berkas asli", max_length=255)  # for display only
    content_type = models.CharField(max_length=100)  # sniffed from the content
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["booking", "requirement"], name="booking_document_unique")]

    def __str__(self) -> str:
        return f"{self.booking.code} {self.requirement.code}"
