"""The permit catalogue: permit types, their required documents, object data and procedure."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from permits.core.roles import ROLE_CHOICES


def twin(indonesian: str, english: str) -> str:
    """Of a text the office typed in both languages, the one for the active language (English only when
    English is on and the English twin is filled in)."""
    return english or indonesian if (get_language() or "id").startswith("en") else indonesian


class Bilingual:
    """Picks the Indonesian or English twin of a field the office types, for the active language.

    The Indonesian one is `<field>_id`, or plain `<field>` where the field came first (DataField's
    unit and choices); the English one is `<field>_en`, used when English is on and it is filled in.
    """

    def tr(self, field: str) -> str:
        indonesian = getattr(self, f"{field}_id") if hasattr(self, f"{field}_id") else getattr(self, field)
        return twin(indonesian, getattr(self, f"{field}_en"))


class Section(Bilingual, models.Model):
    """A section of the office (bidang/seksi) with its own heads: the supervisors who see its files on
    the leadership pages and are alerted about them (docs/MONITORING.md, "Sections"). Permit types
    belong to a section; a step may belong to another one (`Step.section`)."""

    code = models.SlugField(max_length=20, unique=True, help_text="Kode singkat, mis. usaha")
    name_id = models.CharField("nama (id)", max_length=200)
    name_en = models.CharField("name (en)", max_length=200, blank=True)
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="sections",
        verbose_name="kepala bidang/seksi",
        help_text="Pengawas bidang ini: melihat dan diberi peringatan hanya untuk berkas bidangnya",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "bidang/seksi"
        verbose_name_plural = "bidang/seksi"

    def __str__(self) -> str:
        return f"{self.code} - {self.name_id}"

    @property
    def name(self) -> str:
        return self.tr("name")


class PermitType(Bilingual, models.Model):
    """A kind of permit the office issues, with its published service standard."""

    class SurveyPolicy(models.TextChoices):
        ALWAYS = "always", _("Selalu disurvei")
        NEVER = "never", _("Tanpa survei")
        DECIDED_AT_VERIFICATION = "verification", _("Ditentukan saat verifikasi")

    code = models.SlugField(max_length=20, unique=True, help_text="Kode singkat, mis. PBG")
    name_id = models.CharField("nama (id)", max_length=200)
    name_en = models.CharField("name (en)", max_length=200, blank=True)
    legal_basis = models.TextField("dasar hukum", blank=True)
    description_id = models.TextField("deskripsi (id)", blank=True)
    description_en = models.TextField("description (en)", blank=True)
    service_standard_days = models.PositiveSmallIntegerField("standar pelayanan (hari kerja)")
    has_levy = models.BooleanField("dikenakan retribusi", default=False)
    survey_policy = models.CharField(max_length=20, choices=SurveyPolicy.choices, default=SurveyPolicy.NEVER)
    validity_years = models.PositiveSmallIntegerField("masa berlaku (tahun)", null=True, blank=True)
    is_sample = models.BooleanField("data contoh", default=False)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="permit_types",
        verbose_name="bidang/seksi",
        help_text="Bidang yang menangani jenis izin ini (kosong: dipantau semua kepala bidang)",
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "jenis izin"
        verbose_name_plural = "jenis izin"

    def __str__(self) -> str:
        return f"{self.code} - {self.name_id}"

    @property
    def name(self) -> str:
        return self.tr("name")


class Requirement(Bilingual, models.Model):
    """A document the front desk must see for a permit type (persyaratan)."""

    class Form(models.TextChoices):
        ORIGINAL = "original", _("Asli")
        COPY = "copy", _("Fotokopi")
        EITHER = "either", _("Asli atau fotokopi")

    permit_type = models.ForeignKey(PermitType, on_delete=models.CASCADE, related_name="requirements")
    code = models.SlugField(max_length=40)
    name_id = models.CharField(max_length=250)
    name_en = models.CharField(max_length=250, blank=True)
    mandatory = models.BooleanField(default=True)
    condition_id = models.CharField(
        "syarat berlaku bila", max_length=250, blank=True, help_text="Untuk persyaratan bersyarat"
    )
    form = models.CharField(max_length=10, choices=Form.choices, default=Form.COPY)
    accepted_types = models.CharField(
        max_length=100, default="pdf,jpg,png", help_text="Jenis berkas unggahan yang diterima"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["permit_type", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["permit_type", "code"], name="requirement_code_unique")]
        verbose_name = "persyaratan"
        verbose_name_plural = "persyaratan"

    def __str__(self) -> str:
        return self.name_id

    @property
    def name(self) -> str:
        return self.tr("name")

    @property
    def accepted(self) -> list[str]:
        """The upload kinds this requirement takes ("pdf", "jpg", "png"), in the order the office typed."""
        return [t.strip() for t in self.accepted_types.split(",") if t.strip()]


class DataField(Bilingual, models.Model):
    """One typed item of object data the permit type needs (floor area, location, size ...)."""

    class Type(models.TextChoices):
        TEXT = "text", _("Teks")
        INTEGER = "integer", _("Bilangan bulat")
        DECIMAL = "decimal", _("Desimal")
        DATE = "date", _("Tanggal")
        CHOICE = "choice", _("Pilihan")

    permit_type = models.ForeignKey(PermitType, on_delete=models.CASCADE, related_name="data_fields")
    code = models.SlugField(max_length=40)
    label_id = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200, blank=True)
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.TEXT)
    required = models.BooleanField(default=True)
    unit = models.CharField(max_length=20, blank=True)
    unit_en = models.CharField("satuan (en)", max_length=20, blank=True)
    min_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    choices = models.CharField(max_length=500, blank=True, help_text="Pilihan dipisah koma (untuk tipe pilihan)")
    choices_en = models.CharField(
        "pilihan (en)",
        max_length=500,
        blank=True,
        help_text="Pilihan yang sama dalam bahasa Inggris, dipisah koma, urutan sama (hanya tampilan)",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["permit_type", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["permit_type", "code"], name="datafield_code_unique")]
        verbose_name = "data objek"
        verbose_name_plural = "data objek"

    def __str__(self) -> str:
        return self.label_id

    @property
    def label(self) -> str:
        return self.tr("label")

    @property
    def choice_list(self) -> list[str]:
        """The choices as stored in the object data (Indonesian): what validation and tariffs compare."""
        return [c.strip() for c in self.choices.split(",") if c.strip()]

    @property
    def unit_label(self) -> str:
        return self.tr("unit")

    @property
    def choice_options(self) -> list[tuple[str, str]]:
        """(stored value, label in the active language) of each choice; the English by position in
        `choices_en`, the Indonesian value where that list is short."""
        values = self.choice_list
        labels = [c.strip() for c in self.tr("choices").split(",")]
        return [(value, labels[i] if i < len(labels) and labels[i] else value) for i, value in enumerate(values)]

    def value_label(self, value) -> str:
        """A stored value as shown: a choice in the active language, anything else as typed."""
        if self.type == self.Type.CHOICE:
            return dict(self.choice_options).get(value, value)
        return value


class Step(Bilingual, models.Model):
    """One step of a permit type's procedure (SOP), owned by a role and bounded in working time."""

    class Kind(models.TextChoices):
        VERIFICATION = "verification", _("Verifikasi berkas")
        SURVEY = "survey", _("Survei lapangan")
        DATA_ENTRY = "data_entry", _("Entri data")
        TECHNICAL_REVIEW = "technical_review", _("Rekomendasi teknis")
        LEVY_ASSESSMENT = "levy_assessment", _("Penetapan retribusi (SKRD)")
        PAYMENT = "payment", _("Pembayaran retribusi")
        APPROVAL = "approval", _("Persetujuan")
        SIGNING = "signing", _("Penandatanganan SK")
        HANDOVER = "handover", _("Penyerahan SK")

    class Unit(models.TextChoices):
        HOURS = "hours", _("jam kerja")
        DAYS = "days", _("hari kerja")

    permit_type = models.ForeignKey(PermitType, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    name_id = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    bound_value = models.PositiveSmallIntegerField("batas waktu")
    bound_unit = models.CharField(max_length=5, choices=Unit.choices, default=Unit.DAYS)
    optional = models.BooleanField(
        default=False, help_text="Langkah opsional (mis. survei yang diputuskan saat verifikasi)"
    )
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="steps",
        verbose_name="bidang/seksi",
        help_text="Bila langkah ini ditangani bidang lain dari jenis izinnya (kosong: bidang jenis izin)",
    )

    class Meta:
        ordering = ["permit_type", "order"]
        constraints = [
            models.UniqueConstraint(fields=["permit_type", "order"], name="step_order_unique"),
            models.UniqueConstraint(fields=["permit_type", "code"], name="step_code_unique"),
        ]
        verbose_name = "langkah SOP"
        verbose_name_plural = "langkah SOP"

    def __str__(self) -> str:
        return f"{self.order}. {self.name_id}"

    @property
    def name(self) -> str:
        return self.tr("name")

    @property
    def bound_label(self) -> str:
        """The step's time limit in the active language: '4 jam kerja' / '4 working hours'."""
        n = self.bound_value
        if self.bound_unit == self.Unit.HOURS:
            return ngettext("%(n)d jam kerja", "%(n)d jam kerja", n) % {"n": n}
        return ngettext("%(n)d hari kerja", "%(n)d hari kerja", n) % {"n": n}


class RejectionReason(Bilingual, models.Model):
    """A structured reason for refusing an application; permit_type empty = valid for all types."""

    permit_type = models.ForeignKey(
        PermitType, on_delete=models.CASCADE, related_name="rejection_reasons", null=True, blank=True
    )
    code = models.SlugField(max_length=40)
    text_id = models.CharField(max_length=250)
    text_en = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "alasan penolakan"
        verbose_name_plural = "alasan penolakan"
        # A code means one reason per permit type, and one among the general reasons: the lookup
        # (catalog.selectors.rejection_reason_get) must never have to pick between two rows.
        constraints = [
            models.UniqueConstraint(fields=["permit_type", "code"], name="rejection_reason_code_per_type"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(permit_type__isnull=True), name="rejection_reason_code_general"
            ),
        ]

    def __str__(self) -> str:
        return self.text_id

    @property
    def text(self) -> str:
        return self.tr("text")
