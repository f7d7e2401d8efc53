from django import forms
from django.contrib import admin

from permits.core.admin import ReadOnlyAdminMixin
from permits.core.identity import clean_phone

from .models import DeliveryAttempt, DeliveryReport, Message, MessageTemplate, OfficerProfile, OptOut
from .rendering import PLACEHOLDERS, sms_errors, text_errors
from .services import applicant_set_opt_out


class MessageTemplateForm(forms.ModelForm):
    """Editable texts are checked before they are saved: known placeholders only, and the SMS
    text must fit one SMS with the longest realistic values."""

    class Meta:
        model = MessageTemplate
        fields = [
            "code",
            "description",
            "essential",
            "text_id",
            "subject_id",
            "email_body_id",
            "text_en",
            "subject_en",
            "whatsapp_name",
            "whatsapp_params",
        ]

    def clean(self):
        data = super().clean()
        for name in ("subject_id", "text_id", "email_body_id", "subject_en", "text_en"):
            errors = text_errors(data.get(name) or "")
            if not errors and name in ("text_id", "text_en"):
                errors = sms_errors(data.get(name) or "")
            for error in errors:
                self.add_error(name, error)
        unknown = [
            p for p in (data.get("whatsapp_params") or "").split(",") if p.strip() and p.strip() not in PLACEHOLDERS
        ]
        if unknown:
            self.add_error("whatsapp_params", f"Isian tidak dikenal: {', '.join(unknown)}.")
        return data


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ("code", "description", "essential", "whatsapp_name", "updated_at")
    search_fields = ("code", "description", "text_id")
    readonly_fields = ("updated_at",)
    fieldsets = [
        (None, {"fields": ("code", "description", "essential")}),
        (
            "Bahasa Indonesia",
            {
                "fields": ("text_id", "subject_id", "email_body_id"),
                "description": "Isian yang boleh dipakai: " + ", ".join("{" + n + "}" for n in PLACEHOLDERS),
            },
        ),
        ("English", {"fields": ("text_en", "subject_en"), "classes": ("collapse",)}),
        ("WhatsApp", {"fields": ("whatsapp_name", "whatsapp_params")}),
        (None, {"fields": ("updated_at",)}),
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # the code names templates by their code


class DeliveryAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    readonly_fields = ("at", "channel", "backend", "outcome", "http_status", "error", "duration_ms")


class DeliveryReportInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DeliveryReport
    extra = 0
    readonly_fields = ("at", "source", "status", "detail")


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: messages change only through the outbox services."""

    list_display = ("id", "created_at", "template", "channel", "recipient", "status", "attempts", "application")
    list_filter = ("status", "channel", "template", "essential")
    search_fields = ("recipient", "recipient_name", "application__registration_number", "provider_message_id")
    inlines = [DeliveryAttemptInline, DeliveryReportInline]
    readonly_fields = [f.name for f in Message._meta.fields]
    raw_id_fields = ("application", "applicant", "recipient_user", "fallback_of")


class OfficerProfileForm(forms.ModelForm):
    class Meta:
        model = OfficerProfile
        fields = ["user", "phone", "channel", "language"]

    def clean_phone(self):
        raw = self.cleaned_data.get("phone") or ""
        if not raw:
            return ""
        try:
            return clean_phone(raw)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


@admin.register(OfficerProfile)
class OfficerProfileAdmin(admin.ModelAdmin):
    form = OfficerProfileForm
    list_display = ("user", "phone", "channel", "language")
    search_fields = ("user__username", "user__first_name", "user__last_name", "phone")
    raw_id_fields = ("user",)


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    """Applicants who asked for essential messages only; recorded through the service (audited)."""

    list_display = ("applicant", "at", "recorded_by")
    raw_id_fields = ("applicant",)
    fields = ("applicant",)

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        applicant_set_opt_out(actor=request.user, applicant=obj.applicant, opted_out=True)
        obj.pk = OptOut.objects.get(applicant=obj.applicant).pk

    def delete_model(self, request, obj):
        applicant_set_opt_out(actor=request.user, applicant=obj.applicant, opted_out=False)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
