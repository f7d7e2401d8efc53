from django.contrib import admin

from permits.core.admin import ReadOnlyAdminMixin

from .drafting import DEFAULT_BODY
from .models import Decree, DecreeTemplate, Handover


@admin.register(DecreeTemplate)
class DecreeTemplateAdmin(admin.ModelAdmin):
    """The wording of each permit type's decree; a new template starts from the default text."""

    list_display = ("permit_type", "subject", "updated_at")
    search_fields = ("permit_type__code", "permit_type__name_id")

    def get_changeform_initial_data(self, request):
        return {"body": DEFAULT_BODY, **super().get_changeform_initial_data(request)}


class HandoverInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = Handover
    fields = ("collected_by", "relation", "id_number", "authorisation_letter", "at", "by")
    readonly_fields = fields
    extra = 0


@admin.register(Decree)
class DecreeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: decrees are issued, revoked and handed over only through services (audited)."""

    list_display = ("number", "permit_type", "holder_name", "issued_at", "valid_until", "revoked")
    list_filter = ("revoked", "permit_type", "year")
    search_fields = ("number", "holder_name", "application__registration_number")
    readonly_fields = [f.name for f in Decree._meta.fields]
    inlines = [HandoverInline]
