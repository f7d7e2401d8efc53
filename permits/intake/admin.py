from django.contrib import admin

from permits.core.admin import ReadOnlyAdminMixin
from permits.workflow.models import Application

from .models import IncompleteAttempt


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only view: applications change state only through services (see DESIGN.md)."""

    list_display = ("registration_number", "permit_type", "status", "registered_at", "promised_completion_at")
    list_filter = ("status", "permit_type")
    search_fields = ("registration_number", "applicant__name", "applicant__nik")
    readonly_fields = [f.name for f in Application._meta.fields if f.name != "pin_hash"]
    exclude = ("pin_hash",)


@admin.register(IncompleteAttempt)
class IncompleteAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the desk's refusals of incomplete files, counted for the reports."""

    list_display = ("at", "permit_type", "officer", "missing")
    list_filter = ("permit_type",)
