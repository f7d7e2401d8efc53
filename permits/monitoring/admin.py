"""Read-only admin views of alerts and explanations: they change only through the services (audited)."""

from django.contrib import admin

from permits.core.admin import ReadOnlyAdminMixin

from .models import Alert, Explanation


class ReadOnly(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = ("sent_at", "task", "level", "recipient", "to_role")
    list_filter = ("level", "to_role")
    date_hierarchy = "sent_at"
    raw_id_fields = ("task", "recipient", "assignee", "message")


@admin.register(Explanation)
class ExplanationAdmin(ReadOnly):
    list_display = ("requested_at", "alert", "answered_at", "acknowledged_at")
    list_filter = (("answered_at", admin.EmptyFieldListFilter), ("acknowledged_at", admin.EmptyFieldListFilter))
    raw_id_fields = ("alert", "answered_by", "acknowledged_by")
    exclude = ("token",)  # the answer link is the officer's
