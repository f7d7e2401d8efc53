"""Tasks (one step of one application) and pauses (time spent waiting on the applicant)."""

from django.conf import settings
from django.db import models

from permits.catalog.models import Step
from permits.intake.models import Application


class Task(models.Model):
    """One step of one application: who owns it, when it started, when it is due, how it ended.

    Task history is the SLA record. `version` increases on every change so that two officers
    acting on the same task at the same moment cannot both win.
    """

    class State(models.TextChoices):
        OPEN = "open", "Menunggu diambil"
        CLAIMED = "claimed", "Sedang dikerjakan"
        DONE = "done", "Selesai"
        SKIPPED = "skipped", "Dilewati"
        RETURNED = "returned", "Dikembalikan ke pemohon"
        CANCELLED = "cancelled", "Dibatalkan"

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
