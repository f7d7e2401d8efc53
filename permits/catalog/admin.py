from django.contrib import admin

from .models import DataField, PermitType, RejectionReason, Requirement, Step


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
        "active",
        "is_sample",
    )
    list_filter = ("active", "has_levy", "survey_policy")
    search_fields = ("code", "name_id", "name_en")
    inlines = [RequirementInline, DataFieldInline, StepInline, RejectionReasonInline]


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    list_display = ("code", "text_id", "permit_type")
