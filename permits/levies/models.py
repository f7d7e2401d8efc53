"""Tariffs, levy assessments (SKRD) with their lines, bills with virtual accounts, payments, the
record of every call the bank made, and the bank's statement lines for reconciliation.

Money is whole rupiah in DecimalField(max_digits=15, decimal_places=0): no float anywhere.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from permits.catalog.models import PermitType
from permits.core.errors import Conflict
from permits.workflow.models import Application

from . import tariffs

MONEY = {"max_digits": 15, "decimal_places": 0}


RULE_USED = _(
    "Tarif %(rule)s sudah dipakai untuk menetapkan SKRD/SKPD, sehingga tidak boleh diubah atau dihapus. "
    "Buat versi baru (Salin sebagai versi baru) dengan tanggal berlaku yang baru."
)


RULE_PROBLEMS = {
    "no_line": _("%(label)s: baris '%(code)s' tidak ada (kode baris tarif: %(codes)s)."),
    "over_cap": _("%(label)s: %(value)s melebihi batas tertinggi %(maximum)s."),
    "no_terms": _("%(label)s: jumlah berbobot tanpa parameter."),
}
VERSION_EXISTS = _("Versi %(version)s sudah ada untuk jenis izin ini.")


class DocumentKind(models.TextChoices):
    """What the office issues for a permit type's charge: a levy (retribusi) is assessed with an SKRD, a
    tax (pajak: billboard, groundwater) with an SKPD; each has its own yearly number series."""

    SKRD = "SKRD", _("SKRD (retribusi daerah)")
    SKPD = "SKPD", _("SKPD (pajak daerah)")


class TariffRule(models.Model):
    """One version of a permit type's levy tariff, in force from a date (a regulation's change).

    A rule that an assessment used must not change: make a new version with a later
    `effective_from` instead. Assessments also keep a snapshot of the rule they used.
    """

    class Rounding(models.TextChoices):
        UP = "up", _("Dibulatkan ke atas")
        HALF_UP = "half_up", _("Dibulatkan terdekat")
        DOWN = "down", _("Dibulatkan ke bawah")

    permit_type = models.ForeignKey(PermitType, on_delete=models.PROTECT, related_name="tariff_rules")
    version = models.CharField(max_length=40, help_text="mis. 2024.1")
    effective_from = models.DateField("berlaku mulai")
    effective_to = models.DateField("berlaku sampai", null=True, blank=True, help_text="kosong = sampai diganti")
    legal_basis = models.TextField("dasar hukum")
    rounding_unit = models.DecimalField("pembulatan (rupiah)", default=Decimal(1), **MONEY)
    rounding_mode = models.CharField(max_length=10, choices=Rounding.choices, default=Rounding.UP)
    is_sample = models.BooleanField("data contoh", default=False)
    document_kind = models.CharField(
        "jenis ketetapan",
        max_length=4,
        choices=DocumentKind.choices,
        default=DocumentKind.SKRD,
        db_default=DocumentKind.SKRD,
        help_text="SKRD untuk retribusi, SKPD untuk pajak daerah (reklame, air tanah)",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["permit_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["permit_type", "version"], name="tariff_rule_version_unique"),
            models.CheckConstraint(condition=Q(rounding_unit__gt=0), name="tariff_rounding_positive"),
        ]
        verbose_name = "tarif retribusi"
        verbose_name_plural = "tarif retribusi"

    def __str__(self) -> str:
        return f"{self.permit_type.code} v{self.version} ({self.effective_from})"

    def save(self, *args, **kwargs):
        self.refuse_if_used()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.refuse_if_used()
        return super().delete(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.pk is not None:
            problems = tariffs.rule_problems(self.as_rule())
            if problems:
                raise ValidationError([RULE_PROBLEMS[code] % params for code, params in problems])

    def as_rule(self) -> tariffs.Rule:
        """The rule as plain data for the pure calculation module."""
        return tariffs.Rule(
            permit_type=self.permit_type.code,
            version=self.version,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            legal_basis=self.legal_basis,
            rounding_unit=self.rounding_unit,
            rounding_mode=self.rounding_mode,
            components=tuple(c.as_component() for c in self.components.all()),
        )

    @transaction.atomic
    def copy_as_version(self, *, version: str, effective_from) -> "TariffRule":
        """A new version with the same components, in force from `effective_from`: how a used tariff is
        changed. The old version stays as it was: from `effective_from` on the new one is in force (the
        latest `effective_from` covering a day wins)."""
        if TariffRule.objects.filter(permit_type=self.permit_type, version=version).exists():
            raise Conflict("tariff_version_exists", VERSION_EXISTS, params={"version": version})
        new = TariffRule.objects.create(
            permit_type=self.permit_type,
            version=version,
            effective_from=effective_from,
            legal_basis=self.legal_basis,
            rounding_unit=self.rounding_unit,
            rounding_mode=self.rounding_mode,
            document_kind=self.document_kind,
            is_sample=self.is_sample,
            notes=self.notes,
        )
        for c in self.components.all():
            c.pk, c.rule = None, new
            c.save()
        return new

    def is_used(self) -> bool:
        """An assessment (SKRD/SKPD) used this version: it may no longer change."""
        return self.pk is not None and LevyAssessment.objects.filter(rule_id=self.pk).exists()

    def refuse_if_used(self) -> None:
        """The one rule "a used tariff version does not change", read by save/delete here, by the
        components and by the admin."""
        if self.is_used():
            raise Conflict(
                "tariff_rule_used",
                RULE_USED,
                params={"rule": f"{self.permit_type.code} v{self.version}"},
            )


class TariffComponent(models.Model):
    """One row of a tariff rule: a line (fixed, rate x quantity), a factor (index looked up by a field, a
    weighted sum of lookups, a constant, a value per year) that multiplies some or all rate lines, or a
    minimum. The arithmetic is `tariffs.compute`; the kinds are explained in tariffs.py and docs/LEVY.md."""

    class Kind(models.TextChoices):
        FIXED = tariffs.FIXED, _("Tetap")
        RATE = tariffs.RATE, _("Tarif x jumlah")
        COEFFICIENT = tariffs.COEFFICIENT, _("Indeks menurut data objek")
        WEIGHTED = tariffs.WEIGHTED, _("Jumlah berbobot indeks")
        CONSTANT = tariffs.CONSTANT, _("Faktor tetap")
        YEARLY = tariffs.YEARLY, _("Nilai per tahun")
        MINIMUM = tariffs.MINIMUM, _("Minimum")

    rule = models.ForeignKey(TariffRule, on_delete=models.CASCADE, related_name="components")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    label = models.CharField("uraian", max_length=200)
    code = models.SlugField(
        "kode baris", max_length=40, blank=True, help_text="tarif: nama baris untuk 'berlaku untuk' faktor"
    )
    symbol = models.CharField("simbol", max_length=20, blank=True, help_text="faktor: mis. If, Ibg, Ilo, SHST")
    amount = models.DecimalField(
        "jumlah / tarif / faktor",
        max_digits=15,
        decimal_places=4,
        default=Decimal(0),
        help_text="rupiah (tetap, tarif, minimum) atau faktor (faktor tetap, mis. 0.2 = 20%)",
    )
    maximum = models.DecimalField(
        "batas tertinggi", max_digits=15, decimal_places=4, null=True, blank=True, help_text="faktor tetap: batas UU"
    )
    quantities = models.CharField(
        max_length=200, blank=True, help_text="tarif: nama data objek/ukuran survei yang dikalikan, dipisah koma"
    )
    optional = models.BooleanField(
        "baris opsional", default=False, help_text="tarif: tanpa baris bila datanya kosong/0"
    )
    unit = models.CharField(max_length=60, blank=True)
    class_field = models.CharField("kolom kelas", max_length=60, blank=True)
    factors = models.JSONField(
        "indeks per nilai / nilai per tahun",
        default=dict,
        blank=True,
        help_text='indeks: {"Usaha": "0.7", "*": "1"}; per tahun: {"2026": "5800000"}',
    )
    terms = models.JSONField(
        "parameter berbobot",
        default=list,
        blank=True,
        help_text='[{"field": "kompleksitas", "weight": "0.3", "index": {"Sederhana": "1", "Tidak sederhana": "2"}}]',
    )
    applies_to = models.CharField(
        "berlaku untuk baris", max_length=200, blank=True, help_text="faktor: kode baris dipisah koma; kosong = semua"
    )

    class Meta:
        ordering = ["rule", "order", "id"]
        verbose_name = "komponen tarif"
        verbose_name_plural = "komponen tarif"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"

    def save(self, *args, **kwargs):
        self.rule.refuse_if_used()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.rule.refuse_if_used()
        return super().delete(*args, **kwargs)

    def clean(self):
        super().clean()
        try:
            tariffs.terms_from_list(self.terms or [])
        except (ValueError, ArithmeticError, TypeError):
            raise ValidationError({"terms": _("Parameter berbobot harus daftar {field, weight, index}.")}) from None
        if self.kind == tariffs.WEIGHTED and not self.terms:
            raise ValidationError({"terms": _("Jumlah berbobot memerlukan paling sedikit satu parameter.")})
        if self.kind == tariffs.CONSTANT and self.maximum is not None and self.amount > self.maximum:
            raise ValidationError({"amount": _("Faktor melebihi batas tertinggi.")})

    def as_component(self) -> tariffs.Component:
        return tariffs.Component(
            kind=self.kind,
            label=self.label,
            amount=self.amount,
            quantities=_names(self.quantities),
            unit=self.unit,
            class_field=self.class_field,
            factors={str(k): Decimal(str(v)) for k, v in (self.factors or {}).items()},
            code=self.code,
            symbol=self.symbol,
            applies_to=_names(self.applies_to),
            terms=tariffs.terms_from_list(self.terms or []),
            optional=self.optional,
            maximum=self.maximum,
        )


def _names(text: str) -> tuple[str, ...]:
    return tuple(q.strip() for q in (text or "").split(",") if q.strip())


class LevyAssessment(models.Model):
    """The SKRD (Surat Ketetapan Retribusi Daerah) or, for a tax, the SKPD (Surat Ketetapan Pajak Daerah):
    number, lines, total, due date, and what the document prints that may change later elsewhere (the
    period, the payer's registration number, the issuing official) copied when it is issued.

    Numbers are gap-free per year and kind (a counter locked in the issuing transaction). At most one
    assessment of an application is issued at a time (a partial unique constraint).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Konsep")
        ISSUED = "issued", _("Terbit")
        CANCELLED = "cancelled", _("Dibatalkan")

    number = models.CharField("nomor SKRD/SKPD", max_length=40, unique=True)
    document_kind = models.CharField(
        max_length=4, choices=DocumentKind.choices, default=DocumentKind.SKRD, db_default=DocumentKind.SKRD
    )
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="levy_assessments")
    task = models.ForeignKey("workflow.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(TariffRule, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments")
    rule_snapshot = models.JSONField(default=dict, blank=True)  # the rule as it was when issued
    computed = models.JSONField(default=list, blank=True)  # the lines the rule gave, before any adjustment
    adjusted = models.BooleanField(default=False)  # the treasurer changed the computed lines
    total = models.DecimalField(**MONEY)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ISSUED)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    due_date = models.DateField("jatuh tempo")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    # printed on the document, copied at issue (documents.py); blank on rows issued before they existed
    period = models.CharField("masa retribusi/pajak", max_length=120, blank=True, default="", db_default="")
    payer_reg_no = models.CharField("NPWRD/NPWPD", max_length=40, blank=True, default="", db_default="")
    official_name = models.CharField(max_length=200, blank=True, default="", db_default="")
    official_position = models.CharField(max_length=300, blank=True, default="", db_default="")
    official_nip = models.CharField(max_length=18, blank=True, default="", db_default="")
    token = models.CharField(max_length=43, unique=True, null=True, blank=True)  # the public /cek/<token> page

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(status="issued"), name="one_issued_skrd_per_application"
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="skrd_total_not_negative"),
        ]
        verbose_name = "SKRD/SKPD"
        verbose_name_plural = "SKRD/SKPD"

    def __str__(self) -> str:
        return self.number

    @property
    def is_tax(self) -> bool:
        return self.document_kind == DocumentKind.SKPD


class LevyLine(models.Model):
    """One line of an SKRD (the bank shows these as bill details)."""

    assessment = models.ForeignKey(LevyAssessment, on_delete=models.CASCADE, related_name="lines")
    order = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=250)
    basis = models.CharField("dasar perhitungan", max_length=tariffs.BASIS_MAX, blank=True)
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["assessment", "order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "order"], name="levy_line_order_unique")]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class Bill(models.Model):
    """What the bank collects: one SKRD's amount under one virtual account number, until a due instant.

    A bill is paid at most once: `paid_payment` is unique and set under a row lock in the same
    transaction that inserts the Payment (whose request id is unique per partner).
    """

    class State(models.TextChoices):
        OPEN = "open", _("Menunggu pembayaran")
        PAID = "paid", _("Lunas")
        EXPIRED = "expired", _("Kedaluwarsa")
        CANCELLED = "cancelled", _("Dibatalkan")

    assessment = models.ForeignKey(LevyAssessment, on_delete=models.PROTECT, related_name="bills")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="bills")
    virtual_account_no = models.CharField("nomor virtual account", max_length=28, unique=True)
    customer_no = models.CharField(max_length=20, unique=True)
    amount = models.DecimalField(**MONEY)
    due_date = models.DateField("jatuh tempo")
    expires_at = models.DateTimeField()  # the end of the due date, Asia/Jakarta
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    paid_payment = models.OneToOneField(
        "Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="paid_bill"
    )
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment"], condition=Q(state__in=["open", "paid"]), name="one_live_bill_per_skrd"
            ),
            models.CheckConstraint(
                condition=Q(state="paid", paid_payment__isnull=False)
                | (~Q(state="paid") & Q(paid_payment__isnull=True)),
                name="bill_paid_iff_payment",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bill_amount_positive"),
        ]
        indexes = [models.Index(fields=["state", "expires_at"], name="bill_expiry_idx")]
        verbose_name = "tagihan"
        verbose_name_plural = "tagihan"

    def __str__(self) -> str:
        return f"VA {self.virtual_account_no} ({self.state})"


class LevyClaim(models.Model):
    """The STRD (Surat Tagihan Retribusi Daerah) or, for a tax, the STPD (Surat Tagihan Pajak Daerah): the claim
    the worker issues once for a bill left unpaid past its due date. It states the principal and the
    sanction (interest per started month, capped) as of its date; the bill stays payable on the same
    virtual account for the amount due on the day of payment (selectors.bill_payability). One per bill
    (a unique key), so the periodic job may run any number of times."""

    class Kind(models.TextChoices):
        STRD = "STRD", _("STRD (tagihan retribusi daerah)")
        STPD = "STPD", _("STPD (tagihan pajak daerah)")

    number = models.CharField("nomor STRD/STPD", max_length=40, unique=True)
    kind = models.CharField(max_length=4, choices=Kind.choices)
    bill = models.OneToOneField(Bill, on_delete=models.PROTECT, related_name="claim")
    assessment = models.ForeignKey(LevyAssessment, on_delete=models.PROTECT, related_name="claims")
    issued_at = models.DateTimeField()
    principal = models.DecimalField(**MONEY)
    months = models.PositiveSmallIntegerField()  # started months late on the claim's date
    sanction = models.DecimalField(**MONEY)  # the interest on the claim's date
    total = models.DecimalField(**MONEY)
    official_name = models.CharField(max_length=200, blank=True)
    official_position = models.CharField(max_length=300, blank=True)
    official_nip = models.CharField(max_length=18, blank=True)
    token = models.CharField(max_length=43, unique=True)  # the public /verify/levy/<token> page

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(condition=Q(total=models.F("principal") + models.F("sanction")), name="claim_total")
        ]
        verbose_name = "STRD/STPD"
        verbose_name_plural = "STRD/STPD"

    def __str__(self) -> str:
        return self.number


class Payment(models.Model):
    """Money received for a bill, posted exactly once: (partner, payment_request_id) is unique, and
    so is the bill. `answer` keeps the first answer given, to repeat it to a repeated notice."""

    class Channel(models.TextChoices):
        SNAP = "snap", _("Bank BJB (SNAP virtual account)")
        TELLER = "teller", _("Teller / bukti setor")

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="payments")
    partner = models.CharField(max_length=64)  # the bank's SNAP partner id, or "teller"
    payment_request_id = models.CharField(max_length=128)
    bank_reference = models.CharField(max_length=128, blank=True)
    amount = models.DecimalField(**MONEY)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    paid_at = models.DateTimeField()
    posted_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raw = models.JSONField(default=dict, blank=True)
    answer = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-paid_at"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "payment_request_id"], name="payment_request_unique"),
            models.UniqueConstraint(fields=["bill"], name="one_payment_per_bill"),
        ]
        indexes = [models.Index(fields=["paid_at"]), models.Index(fields=["bank_reference"])]
        verbose_name = "pembayaran"
        verbose_name_plural = "pembayaran"

    def __str__(self) -> str:
        return f"{self.channel} {self.payment_request_id} {self.amount}"


class PaymentAdvance(models.Model):
    """The event "this levy is paid", written with its payment in the posting's transaction; what
    follows from it (the payment step done, the application moved on, their audit events, the
    applicant's message) is applied once by a worker (`services.payment_advance_apply`): on commit,
    or by the every-minute sweep for one whose enqueue or worker was lost. `applied_at` is the durable
    record that it was applied; `outcome` says how ("advanced", or why it could not be)."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="advance")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"], condition=models.Q(applied_at__isnull=True), name="levy_advance_pending_idx"
            )
        ]
        verbose_name = "pembayaran diteruskan"
        verbose_name_plural = "pembayaran diteruskan"

    def __str__(self) -> str:
        return f"advance {self.payment_id} {self.outcome or 'pending'}"


class BankCall(models.Model):
    """Every inbound SNAP request and our answer, accepted or refused (for disputes and audits)."""

    at = models.DateTimeField(db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    service = models.CharField(max_length=20)  # token / inquiry / payment / status
    partner_id = models.CharField(max_length=64, blank=True)
    external_id = models.CharField(max_length=64, blank=True, db_index=True)
    headers = models.JSONField(default=dict)
    body = models.TextField(blank=True)
    status = models.PositiveSmallIntegerField()
    response_code = models.CharField(max_length=7, blank=True, db_index=True)
    response = models.JSONField(default=dict)
    duration_ms = models.PositiveIntegerField(default=0)
    remote_addr = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "panggilan bank"
        verbose_name_plural = "panggilan bank"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.response_code}"


class SnapToken(models.Model):
    """A bearer token we issued to the bank (only its SHA-256 is kept)."""

    key_hash = models.CharField(max_length=64, unique=True)
    client_id = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"token {self.client_id} until {self.expires_at:%H:%M:%S}"


class SnapExternalId(models.Model):
    """An X-EXTERNAL-ID seen from a partner on a day (unique), with the answer given to it."""

    partner_id = models.CharField(max_length=64)
    day = models.DateField()
    external_id = models.CharField(max_length=36)
    service = models.CharField(max_length=20)
    body_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner_id", "day", "external_id"], name="snap_external_id_unique_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.day} {self.external_id}"


class StatementLine(models.Model):
    """One line of the bank's daily settlement statement (imported CSV); unique per bank reference
    and date, so importing the same file twice adds nothing."""

    statement_date = models.DateField(db_index=True)
    bank_reference = models.CharField(max_length=128)
    virtual_account_no = models.CharField(max_length=28, blank=True)
    payment_request_id = models.CharField(max_length=128, blank=True)
    amount = models.DecimalField(**MONEY)
    trx_at = models.DateTimeField(null=True, blank=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="statement_lines"
    )
    raw = models.JSONField(default=dict)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["statement_date", "trx_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bank_reference", "statement_date"], name="statement_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.statement_date} {self.bank_reference} {self.amount}"


class ReconciliationNote(models.Model):
    """The treasurer's resolution of one mismatch (bank-only, ours-only or amount difference)."""

    key = models.CharField(max_length=80, unique=True)  # e.g. "bank_only:line:12", "ours_only:payment:5"
    statement_date = models.DateField()
    kind = models.CharField(max_length=20)
    note = models.TextField()
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key}: {self.note[:40]}"
