from django.contrib import admin

from .models import DataField, PermitType, RejectionReason, Requirement, Section, Step


class RequirementInline(admin.TabularInline):
    model = Requirement
    extra = 0


class DataFieldInline(admin.TabularInline):
    model = DataField
    extra = 0


class StepInline(admin.TabularInline):
    model = Step
    extra = 0


class RejectionReasonInline(admin.TabularInline):
    model = RejectionReason
    extra = 0


@admin.register(PermitType)
class PermitTypeAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_id",
        "service_standard_days",
        "has_levy",
        "survey_policy",
        "section",
        "active",
        "is_sample",
    )
    list_filter = ("active", "has_levy", "survey_policy", "section")
    search_fields = ("code", "name_id", "name_en")
    inlines = [RequirementInline, DataFieldInline, StepInline, RejectionReasonInline]


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    list_display = ("code", "text_id", "permit_type")


class PermitTypeOfSectionInline(admin.TabularInline):
    """The permit types of a section (map a type here or on the type's own page)."""

    model = PermitType
    fields = ("code", "name_id", "active")
    readonly_fields = ("code", "name_id", "active")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    """Sections (bidang/seksi) and their heads: a supervisor listed here sees and is alerted about the
    section's files only (docs/MONITORING.md, "Sections")."""

    list_display = ("code", "name_id", "order")
    search_fields = ("code", "name_id", "name_en")
    filter_horizontal = ("supervisors",)
    inlines = [PermitTypeOfSectionInline]
