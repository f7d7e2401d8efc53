import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from permits.core.admin import ReadOnlyAdminMixin
from permits.core.errors import ServiceError

from .models import (
    RULE_USED,
    BankCall,
    Bill,
    LevyAssessment,
    LevyLine,
    Payment,
    StatementLine,
    TariffComponent,
    TariffRule,
)


def _used(obj) -> bool:
    rule = obj.rule if isinstance(obj, TariffComponent) else obj
    return rule is not None and rule.is_used()


class TariffComponentInline(admin.StackedInline):
    """The rows of a version. Read only once an assessment used the version (TariffRule.refuse_if_used)."""

    model = TariffComponent
    extra = 0
    fields = (
        ("order", "kind", "label"),
        ("code", "symbol", "applies_to"),
        ("quantities", "unit", "optional"),
        ("amount", "maximum"),
        "class_field",
        "factors",
        "terms",
    )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and _used(obj))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and _used(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and _used(obj))


class NewVersionForm(forms.Form):
    version = forms.CharField(label=_("Versi baru"), max_length=40)
    effective_from = forms.DateField(label=_("Berlaku mulai"), widget=forms.DateInput(attrs={"type": "date"}))


@admin.register(TariffRule)
class TariffRuleAdmin(admin.ModelAdmin):
    """Tariffs are edited here. A version an SKRD/SKPD used cannot change: copy it as a new version."""

    list_display = ("permit_type", "version", "document_kind", "effective_from", "effective_to", "is_sample", "used")
    list_filter = ("permit_type", "document_kind", "is_sample")
    inlines = [TariffComponentInline]
    actions = ["copy_as_new_version"]

    @admin.display(boolean=True, description=_("dipakai SKRD/SKPD"))
    def used(self, obj):
        return obj.is_used()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_used())

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_used())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.is_used() and request.method == "GET":
            rule = f"{obj.permit_type.code} v{obj.version}"
            self.message_user(request, RULE_USED % {"rule": rule}, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_queryset(self, request, queryset):
        for obj in queryset:  # one by one, so a used version is refused (TariffRule.delete)
            try:
                obj.delete()
            except ServiceError as exc:
                self.message_user(request, exc.text(), messages.ERROR)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        try:  # the whole version, with its rows, must make sense (a factor naming a missing line ...)
            form.instance.full_clean()
        except ValidationError as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("Salin sebagai versi baru"))
    def copy_as_new_version(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Pilih tepat satu versi tarif untuk disalin."), messages.ERROR)
            return None
        rule = queryset.get()
        form = NewVersionForm(
            request.POST if "apply" in request.POST else None,
            initial={"effective_from": timezone.localdate() + datetime.timedelta(days=1)},
        )
        if "apply" in request.POST and form.is_valid():
            try:
                new = rule.copy_as_version(**form.cleaned_data)
            except ServiceError as exc:
                form.add_error("version", exc.text())
            else:
                return redirect("admin:levies_tariffrule_change", new.pk)
        return render(
            request,
            "admin/levies/tariffrule/copy_version.html",
            {**self.admin_site.each_context(request), "form": form, "rule": rule, "opts": self.model._meta},
        )


class ReadOnly(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Money records change only through the services (audited); the admin only shows them."""


class LevyLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LevyLine
    extra = 0


@admin.register(LevyAssessment)
class LevyAssessmentAdmin(ReadOnly):
    list_display = ("number", "document_kind", "application", "total", "status", "issued_at", "due_date")
    list_filter = ("document_kind", "status")
    search_fields = ("number", "application__registration_number")
    inlines = [LevyLineInline]


@admin.register(Bill)
class BillAdmin(ReadOnly):
    list_display = ("virtual_account_no", "application", "amount", "state", "due_date")
    list_filter = ("state",)
    search_fields = ("virtual_account_no", "application__registration_number")


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ("payment_request_id", "bill", "amount", "channel", "paid_at")
    list_filter = ("channel",)
    search_fields = ("payment_request_id", "bank_reference", "bill__virtual_account_no")


@admin.register(BankCall)
class BankCallAdmin(ReadOnly):
    list_display = ("at", "service", "path", "status", "response_code", "external_id", "duration_ms")
    list_filter = ("service", "status")
    search_fields = ("external_id", "body")


@admin.register(StatementLine)
class StatementLineAdmin(ReadOnly):
    list_display = ("statement_date", "bank_reference", "virtual_account_no", "amount", "payment")
    list_filter = ("statement_date",)
