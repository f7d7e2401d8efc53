from django.contrib import admin

from permits.core.admin import ReadOnlyAdminMixin

from .models import BankCall, Bill, LevyAssessment, LevyLine, Payment, StatementLine, TariffComponent, TariffRule


class TariffComponentInline(admin.TabularInline):
    model = TariffComponent
    extra = 0


@admin.register(TariffRule)
class TariffRuleAdmin(admin.ModelAdmin):
    """Tariffs are edited here. A rule an SKRD used should not change: add a new version instead."""

    list_display = ("permit_type", "version", "document_kind", "effective_from", "effective_to", "is_sample")
    list_filter = ("permit_type", "document_kind", "is_sample")
    inlines = [TariffComponentInline]


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
