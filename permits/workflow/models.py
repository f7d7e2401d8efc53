"""The case: the applicant, the application with its status and documents, its tasks (one step each) and
pauses (time spent waiting on the applicant). One app owns an application's whole life (docs/ARCHITECTURE.md);
the front desk (permits/intake) registers it, the engine (services.py) moves it on."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from permits.catalog.models import PermitType, Requirement, Step
from permits.core.audit import stream_prefix


class Applicant(models.Model):
    """A person or company applying for permits (pemohon)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Perorangan")
        COMPANY = "company", _("Badan usaha")

    class Channel(models.TextChoices):
        WHATSAPP = "whatsapp", "WhatsApp"
        SMS = "sms", "SMS"
        EMAIL = "email", "Email"

    class ForeignIdType(models.TextChoices):
        PASSPORT = "passport", _("Paspor")
        KITAS = "kitas", "KITAS"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField("nama", max_length=200)
    # an Indonesian has a NIK; a foreigner has none and is identified by passport or KITAS instead (one or other)
    nik = models.CharField("NIK", max_length=16, db_index=True, blank=True)
    # db_default: rows written by raw bulk inserts that name only the older columns (testing/loadgen.py) stay valid
    foreign_id_type = models.CharField(
        "jenis identitas WNA", max_length=10, choices=ForeignIdType.choices, blank=True, default="", db_default=""
    )
    foreign_id = models.CharField("nomor paspor/KITAS", max_length=20, blank=True, default="", db_default="")
    nib = models.CharField("NIB", max_length=13, blank=True)
    company_name = models.CharField("nama badan usaha", max_length=200, blank=True)
    phone = models.CharField("telepon (E.164)", max_length=20)
    email = models.EmailField(blank=True)
    address = models.TextField("alamat")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WHATSAPP)
    created_at = models.DateTimeField(auto_now_add=True)

    audit_type = "intake.applicant"  # its name in the audit trail since the first event (see Application)

    class Meta:
        db_table = "intake_applicant"
        # the file search (workflow.selectors.application_search) matches the phone exactly; its name prefix
        # index is PostgreSQL-only and NIK's is Django's own `_like` index (see migration 0005)
        indexes = [models.Index(fields=["phone"], name="applicant_phone_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(nik="") & models.Q(foreign_id_type="", foreign_id=""))
                | (models.Q(nik="") & ~models.Q(foreign_id_type="") & ~models.Q(foreign_id="")),
                name="applicant_nik_or_foreign_id",
            )
        ]
        verbose_name = "pemohon"
        verbose_name_plural = "pemohon"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.company_name if self.kind == self.Kind.COMPANY and self.company_name else self.name

    @property
    def id_type(self) -> str:
        """ "nik", "passport" or "kitas": which identity document the applicant registered with."""
        return self.foreign_id_type or "nik"

    @property
    def id_number(self) -> str:
        return self.foreign_id if self.foreign_id_type else self.nik

    @property
    def id_label(self) -> str:
        """The identity as the desk reads it: "NIK 3271...", "Paspor X1234567", "KITAS 2C21..."."""
        if self.foreign_id_type:
            return f"{self.get_foreign_id_type_display()} {self.foreign_id}"
        return f"NIK {self.nik}"

    @property
    def initials(self) -> str:
        """What the public tracking page may show of the applicant (privacy)."""
        return "".join(part[0].upper() + "." for part in self.display_name.split() if part[:1].isalnum())[:12]


class Application(models.Model):
    """A registered permit application (permohonan): the public face of progress.

    Only a complete file becomes an Application; incomplete attempts are IncompleteAttempt rows.
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Terdaftar")
        IN_PROCESS = "in_process", _("Sedang diproses")
        RETURNED = "returned", _("Dikembalikan untuk perbaikan")
        AWAITING_PAYMENT = "awaiting_payment", _("Menunggu pembayaran")
        APPROVED = "approved", _("Disetujui")
        REJECTED = "rejected", _("Ditolak")
        DECREE_ISSUED = "decree_issued", _("SK terbit")
        COLLECTED = "collected", _("SK sudah diambil")
        WITHDRAWN = "withdrawn", _("Dicabut pemohon")

    permit_type = models.ForeignKey(PermitType, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="applications")
    registration_number = models.CharField("nomor pendaftaran", max_length=40, unique=True)
    registered_at = models.DateTimeField(db_index=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registered_applications"
    )
    data = models.JSONField("data objek", default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REGISTERED, db_index=True)
    pin_hash = models.CharField(max_length=64)
    promised_completion_at = models.DateTimeField("janji selesai")
    paused_seconds = models.PositiveBigIntegerField(default=0)  # working time spent waiting on the applicant
    returns_count = models.PositiveSmallIntegerField(default=0)
    survey_required = models.BooleanField(null=True, blank=True)  # decided at verification when the type lets it
    return_items = models.JSONField(default=list, blank=True)  # what to bring, while returned
    rejection_reason = models.ForeignKey(
        "catalog.RejectionReason", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejection_note = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Audit events name their object and stream by this (permits/core/audit.py: audit_type). The model was
    # born in the intake app; chained events cannot be renamed, so the name stays when the case moved here.
    audit_type = "intake.application"

    class Meta:
        db_table = "intake_application"
        indexes = [
            models.Index(fields=["permit_type", "status"]),
            # the portal's estimate reads the newest completions of one permit type
            models.Index(fields=["permit_type", "status", "finished_at"], name="app_type_status_finished_idx"),
        ]
        verbose_name = "permohonan"
        verbose_name_plural = "permohonan"

    def __str__(self) -> str:
        return self.registration_number

    @classmethod
    def audit_stream(cls, pk: int) -> str:
        """The application's audit stream: the workflow, the levy, the decree and the alerts of the
        file all append there, so its history reads as one."""
        return f"{stream_prefix(cls)}{pk}"


class ReceivedDocument(models.Model):
    """A required document the front desk saw (and optionally scanned) for an application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT)
    file = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField()

    audit_type = "intake.receiveddocument"  # see Application

    class Meta:
        db_table = "intake_receiveddocument"
        constraints = [models.UniqueConstraint(fields=["application", "requirement"], name="received_document_unique")]

    def __str__(self) -> str:
        return f"{self.application} {self.requirement.code}"


class Task(models.Model):
    """One step of one application: who owns it, when it started, when it is due, how it ended.

    Task history is the SLA record. `version` increases on every change so that two officers
    acting on the same task at the same moment cannot both win.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Menunggu diambil")
        CLAIMED = "claimed", _("Sedang dikerjakan")
        DONE = "done", _("Selesai")
        SKIPPED = "skipped", _("Dilewati")
        RETURNED = "returned", _("Dikembalikan ke pemohon")
        CANCELLED = "cancelled", _("Dibatalkan")

    ACTIVE_STATES = (State.OPEN, State.CLAIMED)

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="tasks")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(max_length=20, choices=Step.Kind.choices)
    role = models.CharField(max_length=20)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    bound_seconds = models.PositiveIntegerField(help_text="working time allowed for this task")
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    working_seconds = models.PositiveIntegerField(null=True, blank=True, help_text="working time it took")
    outcome = models.CharField(max_length=30, blank=True)
    notes = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["state", "role", "due_at"], name="task_queue_idx"),
            models.Index(fields=["assignee", "state", "due_at"], name="task_mine_idx"),
            models.Index(fields=["application", "state"], name="task_app_state_idx"),
            # Only the active tasks (the backlog, not the history): the role's unclaimed queue and the
            # supervisors' all-tasks view, both read most urgent first (docs/PERFORMANCE.md).
            models.Index(
                fields=["role", "due_at", "id"],
                name="task_unclaimed_role_idx",
                condition=models.Q(state__in=["open", "claimed"], assignee__isnull=True),
            ),
            models.Index(
                fields=["due_at", "id"], name="task_active_due_idx", condition=models.Q(state__in=["open", "claimed"])
            ),
            # Monitoring's reads of the backlog (stages, overdue, due soon, idle, per step and officer):
            # a range per kind, answered from the index alone on PostgreSQL (the included columns).
            models.Index(
                fields=["kind", "due_at", "id"],
                name="task_active_kind_idx",
                include=["bound_seconds", "assignee", "claimed_at", "started_at", "step"],
                condition=models.Q(state__in=["open", "claimed"]),
            ),
            # Decrees signed in a period ("granted this month", applications decided): one month's range.
            models.Index(
                fields=["finished_at"], name="task_signed_idx", condition=models.Q(kind="signing", state="done")
            ),
        ]
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.application.registration_number} #{self.step.order} {self.kind} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES


class Pause(models.Model):
    """An interval in which the application waited on the applicant (returned for correction).

    SLA arithmetic subtracts pauses; it never restarts the clock.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pauses")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField()
    items = models.JSONField(default=list)  # what the applicant must bring or fix
    working_seconds = models.PositiveIntegerField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"pause {self.application} {self.started_at:%Y-%m-%d}"


class Correction(models.Model):
    """Corrected documents the applicant sent online while the file was returned (tracking page or API).

    Only the fact lives here (when, which requirements, the applicant's note): the scans themselves
    are the application's ReceivedDocument rows, replaced in place, so the desk's scan view and the
    file's document list stay the one home of an application's documents.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="corrections")
    pause = models.ForeignKey(Pause, on_delete=models.PROTECT, related_name="corrections")
    received_at = models.DateTimeField()
    items = models.JSONField(default=list)  # requirement codes, in the permit type's order
    note = models.TextField(blank=True)

    audit_type = "workflow.correction"  # see Application

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"correction {self.application} {self.received_at:%Y-%m-%d}"
