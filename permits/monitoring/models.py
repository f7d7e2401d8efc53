"""Monitoring's record of who was chased about a stalled file, when, and what they answered.

Alert: one level of one task (warning, overdue, idle, escalation to the supervisor, to the head),
raised at most once: the unique (task, level) constraint is the guard, so two sweeps running at
the same moment cannot both raise (and notify) the same level. Explanation: what the officer owes
for an overdue or idle file (answered from the link in the message), acknowledged by a
supervisor or the head.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from permits.notifications.models import Message
from permits.workflow.models import Task


def new_token() -> str:
    """96 random bits, URL-safe (16 characters): short enough for an SMS link, never guessable."""
    return secrets.token_urlsafe(12)


class Alert(models.Model):
    """One alert level raised for one task, with the message that carried it."""

    class Level(models.TextChoices):
        WARNING = "warning", _("Peringatan (batas waktu hampir habis)")
        OVERDUE = "overdue", _("Terlambat")
        IDLE = "idle", _("Tidak ada tindakan")
        ESCALATED_SUPERVISOR = "escalated_supervisor", _("Eskalasi ke kepala bidang")
        ESCALATED_HEAD = "escalated_head", _("Eskalasi ke kepala dinas")

    # Levels that ask the recipient for an explanation (a warning is a reminder; the head reads
    # the explanations rather than owing one).
    EXPLAINED = (Level.OVERDUE, Level.IDLE, Level.ESCALATED_SUPERVISOR)

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="alerts")
    level = models.CharField(max_length=24, choices=Level.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monitoring_alerts",
        help_text="the first (or only) person alerted; empty when nobody holds the role",
    )
    to_role = models.CharField(
        max_length=20, blank=True, help_text="set when the alert went to every holder of a role (supervisor, head)"
    )
    sent_at = models.DateTimeField(help_text="when the alert was raised and its message queued")
    due_at = models.DateTimeField(help_text="the task's due instant when the alert was raised")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="who held the task when the alert was raised",
    )
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "level"], name="alert_task_level_unique")]
        indexes = [
            models.Index(fields=["sent_at"], name="alert_sent_idx"),
            models.Index(fields=["recipient", "sent_at"], name="alert_recipient_idx"),
            models.Index(fields=["assignee", "sent_at"], name="alert_assignee_idx"),
        ]
        ordering = ["-sent_at", "-id"]
        verbose_name = "peringatan"
        verbose_name_plural = "peringatan"

    def __str__(self) -> str:
        return f"{self.task_id} {self.level} {self.sent_at:%Y-%m-%d %H:%M}"


class Explanation(models.Model):
    """The explanation an alert asks for: answered by the officer, acknowledged by a superior."""

    alert = models.OneToOneField(Alert, on_delete=models.PROTECT, related_name="explanation")
    token = models.CharField(max_length=32, unique=True, default=new_token)
    requested_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledgement_note = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["answered_at", "requested_at"], name="explanation_open_idx"),
            models.Index(fields=["acknowledged_at", "answered_at"], name="explanation_ack_idx"),
        ]
        ordering = ["-requested_at", "-id"]
        verbose_name = "penjelasan"
        verbose_name_plural = "penjelasan"

    def __str__(self) -> str:
        return f"penjelasan {self.alert_id} ({'dijawab' if self.answered_at else 'belum dijawab'})"

    @property
    def state(self) -> str:
        if self.acknowledged_at:
            return "acknowledged"
        return "answered" if self.answered_at else "open"
