from django.contrib import admin

from .models import Booking, BookingDocument


class BookingDocumentInline(admin.TabularInline):
    model = BookingDocument
    fields = ("requirement", "original_name", "content_type", "size", "sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only: bookings change only through services (create, register, expire)."""

    list_display = ("code", "permit_type", "status", "created_at", "expires_at", "application")
    list_filter = ("status", "permit_type")
    search_fields = ("code",)
    readonly_fields = [f.name for f in Booking._meta.fields]
    inlines = [BookingDocumentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
