from django.contrib import admin

from .models import AuditEvent, CalendarClosure, OfficialProfile


class ReadOnlyAdminMixin:
    """For a ModelAdmin or an inline of a record (case records, money, messages, the audit trail):
    shown in the admin, never added, changed or deleted there, even by a superuser. Such records
    change only through the services, which check and audit each change."""

    def has_add_permission(self, request, obj=None):  # obj: inlines are asked with the parent object
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarClosure)
class CalendarClosureAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "reason", "legal_basis")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(OfficialProfile)
class OfficialProfileAdmin(admin.ModelAdmin):
    """The signing official's name, position and NIP as printed on decrees (configuration, not a record)."""

    list_display = ("full_name", "position", "nip", "user")
    search_fields = ("full_name", "nip", "user__username")
    raw_id_fields = ("user",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the audit trail is append-only and is never edited through the admin."""

    list_display = ("at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_label", "stream")


def _admin_login(request, extra_context=None):
    """The admin signs in through /masuk/ like everyone: the same throttle and the same second factor."""
    from django.contrib.auth.views import redirect_to_login
    from django.urls import reverse

    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


admin.site.login = _admin_login
