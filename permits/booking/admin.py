from django.contrib import admin

from permits.core.admin import ReadOnlyAdminMixin

from .models import Booking, BookingDocument


class BookingDocumentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = BookingDocument
    fields = ("requirement", "original_name", "content_type", "size", "sha256")
    readonly_fields = fields
    extra = 0


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: bookings change only through services (create, register, expire)."""

    list_display = ("code", "permit_type", "status", "created_at", "expires_at", "application")
    list_filter = ("status", "permit_type")
    search_fields = ("code",)
    readonly_fields = [f.name for f in Booking._meta.fields]
    inlines = [BookingDocumentInline]
