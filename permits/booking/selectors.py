"""Reads of bookings."""

from django.db.models import Prefetch

from permits.catalog.models import PermitType

from .models import Booking, BookingDocument


def booking_get(code: str) -> Booking | None:
    """A booking with what the front desk shows: permit type checklist, data fields, documents."""
    return (
        Booking.objects.select_related("permit_type", "application")
        .prefetch_related(
            "permit_type__requirements",
            "permit_type__data_fields",
            Prefetch("documents", queryset=BookingDocument.objects.select_related("requirement")),
        )
        .filter(code=code)
        .first()
    )


def booking_document_get(code: str, document_id: int) -> BookingDocument | None:
    return BookingDocument.objects.select_related("booking").filter(pk=document_id, booking__code=code).first()


def bookable_permit_types():
    """Permit types open for online pre-registration: every active one."""
    return PermitType.objects.filter(active=True).prefetch_related("requirements", "data_fields")
