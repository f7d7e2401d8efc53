"""Stalled-file detection (`stall_sweep`), explanations (answer, acknowledge) and the daily digest.

The sweep ("check-overdue-steps", every five minutes) finds the active tasks that reached an
alert level and raises each level once per task. Each alert is its own transaction: lock the
application row (the same order as the workflow engine), re-read the task, insert the Alert
(the unique (task, level) constraint is the guard: a concurrent sweep that got there first makes
the insert fail and this one skips), open the Explanation, queue the messages and write the
audit event. The messages commit with the alert or not at all, so a level is notified once.
"""

import datetime
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from permits.core.audit import audit_record
from permits.core.calendar import office_calendar
from permits.core.errors import Conflict, Forbidden, NotFound, ServiceError
from permits.core.roles import ADMIN, HEAD, SUPERVISOR, has_role
from permits.core.workdays import WorkCalendar
from permits.intake.models import Application
from permits.notifications.services import notify_officer
from permits.workflow.models import Task
from permits.workflow.sla import humanize

from . import thresholds as th
from .models import Alert, Explanation

logger = logging.getLogger("permits.monitoring")
L = Alert.Level
# Raised in this order for one task, so that an escalation can point at the officer's explanation.
LEVEL_ORDER = [L.WARNING, L.IDLE, L.OVERDUE, L.ESCALATED_SUPERVISOR, L.ESCALATED_HEAD]
TEMPLATES = {
    L.WARNING: "stall_warning",
    L.OVERDUE: "stall_overdue",
    L.IDLE: "stall_idle",
    L.ESCALATED_SUPERVISOR: "stall_escalation_supervisor",
    L.ESCALATED_HEAD: "stall_escalation_head",
}
ACKNOWLEDGERS = (SUPERVISOR, HEAD, ADMIN)
ANSWER_MAX = 4000


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _stream(application_id: int) -> str:
    return f"intake.application:{application_id}"


def public_url(path: str) -> str:
    return settings.PUBLIC_BASE_URL + path


def explanation_url(explanation: Explanation) -> str:
    return public_url(reverse("monitoring:explanation", args=[explanation.token]))


# --- who is alerted -----------------------------------------------------------------------------


def _role_holders(role: str) -> list:
    return list(get_user_model().objects.filter(is_active=True, groups__name=role).order_by("id"))


def supervisors_for(task: Task) -> list:
    """Every active supervisor. The office has no section-to-supervisor map yet: when it has one,
    narrow the list here (the only place that decides)."""
    return _role_holders(SUPERVISOR)


def heads() -> list:
    return _role_holders(HEAD)


def _recipients(task: Task, level: str) -> tuple[list, str]:
    """(users, to_role): the officer holding the task first; the supervisors when nobody holds it
    (someone must assign it) or when it is overdue; the head when it is overdue by the margin."""
    if level == L.ESCALATED_HEAD:
        return heads(), HEAD
    if level == L.ESCALATED_SUPERVISOR:
        return supervisors_for(task), SUPERVISOR
    if task.assignee_id and task.assignee.is_active:
        return [task.assignee], ""
    return supervisors_for(task), SUPERVISOR


# --- the sweep ----------------------------------------------------------------------------------


@dataclass
class SweepResult:
    """What one sweep did: alerts raised per level, and candidates another sweep had taken."""

    now: datetime.datetime
    raised: dict[str, int] = field(default_factory=lambda: {level: 0 for level in LEVEL_ORDER})
    alert_ids: list[int] = field(default_factory=list)
    skipped: int = 0

    @property
    def total(self) -> int:
        return sum(self.raised.values())

    def __str__(self) -> str:
        counts = ", ".join(f"{level} {n}" for level, n in self.raised.items())
        return f"{self.total} peringatan ({counts}); {self.skipped} dilewati"


def monitored_tasks():
    """Active tasks that wait on an officer (steps that wait on the applicant are left out)."""
    return Task.objects.filter(state__in=Task.ACTIVE_STATES).exclude(kind__in=settings.MONITOR_APPLICANT_WAIT_KINDS)


def _without(qs, level: str):
    """Tasks that do not have `level` yet: NOT EXISTS on the (task, level) unique index."""
    return qs.filter(~Exists(Alert.objects.filter(task=OuterRef("pk"), level=level)))


def _warning_prefilter(cal: WorkCalendar, now: datetime.datetime) -> Q:
    """A superset of the tasks at the warning threshold, one indexed due_at range per bound bucket."""
    left_share = 1 - settings.MONITOR_WARNING_SHARE
    q = Q(pk__in=[])
    for lo, hi in th.bound_buckets():
        bucket = Q(bound_seconds__gt=lo)
        if hi is not None:
            bucket &= Q(
                bound_seconds__lte=hi, due_at__lte=th.cutoff_after(cal, now, timedelta(seconds=hi * left_share))
            )
        q |= bucket
    return q


def _head_prefilter(cal: WorkCalendar, now: datetime.datetime) -> Q:
    """A superset of the tasks overdue by the head's margin: overdue by at least margin x the bucket's low end."""
    share = settings.MONITOR_HEAD_ESCALATION_SHARE
    q = Q(pk__in=[])
    for lo, hi in th.bound_buckets():
        bucket = Q(
            bound_seconds__gt=lo, due_at__lte=th.working_instant_before(cal, now, timedelta(seconds=max(lo, 0) * share))
        )
        if hi is not None:
            bucket &= Q(bound_seconds__lte=hi)
        q |= bucket
    return q


def _idle_cutoff(cal: WorkCalendar, now: datetime.datetime) -> datetime.datetime:
    return th.working_instant_before(cal, now, timedelta(hours=settings.MONITOR_IDLE_HOURS))


def idle_tasks(qs, cal: WorkCalendar, now: datetime.datetime):
    """Tasks (not overdue) nobody acted on since the idle cutoff. A survey whose visit is
    scheduled is waiting for the visit date, not idle."""
    return (
        qs.filter(due_at__gte=now)
        .annotate(last_action=Coalesce("claimed_at", "started_at"))
        .filter(last_action__lte=_idle_cutoff(cal, now))
        .exclude(payload__has_key="schedule")
    )


def _qualifies(level: str, task: Task, cal: WorkCalendar, now: datetime.datetime) -> bool:
    """The exact rule for `level` (the queries only narrow the candidates)."""
    if not task.is_active or task.kind in settings.MONITOR_APPLICANT_WAIT_KINDS:
        return False
    if level == L.WARNING:
        return th.is_warning(cal, now, task.due_at, task.bound_seconds, settings.MONITOR_WARNING_SHARE)
    if level == L.OVERDUE:
        return th.is_overdue(now, task.due_at)
    if level == L.ESCALATED_SUPERVISOR:
        return th.is_overdue(now, task.due_at) and task.assignee_id is not None
    if level == L.ESCALATED_HEAD:
        return th.is_head_escalation(cal, now, task.due_at, task.bound_seconds, settings.MONITOR_HEAD_ESCALATION_SHARE)
    if level == L.IDLE:
        if "schedule" in (task.payload or {}):
            return False
        idle = timedelta(hours=settings.MONITOR_IDLE_HOURS)
        return th.is_idle(cal, now, task.due_at, task.claimed_at or task.started_at, idle)
    return False


def _candidates(cal: WorkCalendar, now: datetime.datetime) -> list[tuple[int, str]]:
    """(task id, level) pairs to try, each level's query bounded by MONITOR_SWEEP_BATCH."""
    batch = settings.MONITOR_SWEEP_BATCH
    base = monitored_tasks()
    overdue = base.filter(due_at__lt=now)
    fields = ("pk", "due_at", "bound_seconds")
    pairs: list[tuple[int, str]] = []
    for level, qs in (
        (L.OVERDUE, overdue),
        (L.ESCALATED_SUPERVISOR, overdue.filter(assignee__isnull=False)),
        (L.IDLE, idle_tasks(base, cal, now)),
    ):
        pairs += [(pk, level) for pk in _without(qs, level).order_by("due_at").values_list("pk", flat=True)[:batch]]
    share = settings.MONITOR_WARNING_SHARE
    rows = _without(base.filter(_warning_prefilter(cal, now), due_at__gte=now), L.WARNING).order_by("due_at")
    warned = [
        pk for pk, due, bound in rows.values_list(*fields)[: batch * 4] if th.is_warning(cal, now, due, bound, share)
    ]
    pairs += [(pk, L.WARNING) for pk in warned[:batch]]
    share = settings.MONITOR_HEAD_ESCALATION_SHARE
    rows = _without(overdue.filter(_head_prefilter(cal, now)), L.ESCALATED_HEAD).order_by("due_at")
    late = [
        pk
        for pk, due, bound in rows.values_list(*fields)[: batch * 4]
        if th.is_head_escalation(cal, now, due, bound, share)
    ]
    pairs += [(pk, L.ESCALATED_HEAD) for pk in late[:batch]]
    return sorted(pairs, key=lambda p: (p[0], LEVEL_ORDER.index(p[1])))


def stall_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Raise every alert level reached by an active task and not raised before (check-overdue-steps).

    Safe to run twice, or twice at the same moment: each level of each task is raised, notified
    and audited once (see the module docstring).
    """
    now = _now(now)
    cal = office_calendar()
    result = SweepResult(now=now)
    for task_id, level in _candidates(cal, now):
        try:
            alert = alert_raise(task_id=task_id, level=level, now=now, cal=cal)
        except Exception:  # one broken alert (a bad address, a template) must not stop the others
            logger.exception("monitoring: could not raise %s for task %s", level, task_id)
            alert = None
        if alert is None:
            result.skipped += 1
        else:
            result.raised[level] += 1
            result.alert_ids.append(alert.pk)
    if result.total:
        logger.info("monitoring sweep %s: %s", now.isoformat(), result)
    return result


def _late_label(level: str, task: Task, cal: WorkCalendar, now: datetime.datetime) -> str:
    day = cal.day_length()
    if level == L.WARNING:
        return humanize(th.working_left(cal, now, task.due_at), day)
    if level == L.IDLE:
        return humanize(cal.working_time_between(task.claimed_at or task.started_at, now), day)
    return humanize(cal.working_time_between(task.due_at, now), day)


def _link(level: str, task: Task, explanation: Explanation | None) -> str:
    if explanation is not None:
        return explanation_url(explanation)
    if level == L.ESCALATED_HEAD:
        tokens = dict(
            Explanation.objects.filter(
                alert__task=task, alert__level__in=[L.OVERDUE, L.ESCALATED_SUPERVISOR]
            ).values_list("alert__level", "token")
        )
        token = tokens.get(L.OVERDUE) or tokens.get(L.ESCALATED_SUPERVISOR)  # the officer's own first
        if token:
            return public_url(reverse("monitoring:explanation", args=[token]))
        return public_url(reverse("monitoring:stalled"))
    return public_url(reverse("workflow:task", args=[task.pk]))


def alert_raise(
    *, task_id: int, level: str, now: datetime.datetime | None = None, cal: WorkCalendar | None = None
) -> Alert | None:
    """Raise one level for one task, in one transaction; None when the task no longer qualifies or
    the level was raised already (by an earlier or a concurrent sweep)."""
    now = _now(now)
    cal = cal or office_calendar()
    with transaction.atomic():
        app_id = Task.objects.filter(pk=task_id).values_list("application_id", flat=True).first()
        if app_id is None:
            return None
        app = Application.objects.select_for_update(of=("self",)).select_related("permit_type").get(pk=app_id)
        task = Task.objects.select_related("step", "assignee").get(pk=task_id)
        if not _qualifies(level, task, cal, now):
            return None
        users, to_role = _recipients(task, level)
        try:
            with transaction.atomic():  # a savepoint: the constraint refuses a level raised meanwhile
                alert = Alert.objects.create(
                    task=task,
                    level=level,
                    recipient=users[0] if users else None,
                    to_role=to_role,
                    sent_at=now,
                    due_at=task.due_at,
                    assignee=task.assignee,
                )
        except IntegrityError:
            return None
        explanation = None
        if level in Alert.EXPLAINED:
            explanation = Explanation.objects.create(alert=alert, requested_at=now)
        context = {
            "number": app.registration_number,
            "step": task.step.name_id,
            "overdue": _late_label(level, task, cal, now),
            "url": _link(level, task, explanation),
            "officer": (task.assignee.get_full_name() or task.assignee.get_username()) if task.assignee else "-",
        }
        messages = [
            notify_officer(
                user=user,
                template=TEMPLATES[level],
                context=context,
                application=app,
                idempotency_key=f"monitoring:alert:{alert.pk}:{user.pk}",
                now=now,
            )
            for user in users
        ]
        if messages:
            alert.message = messages[0]
            alert.save(update_fields=["message"])
        else:
            logger.warning("monitoring: nobody to alert for %s of task %s (no %s)", level, task.pk, to_role)
        audit_record(
            actor=None,
            actor_label="pemantauan",
            action=f"monitoring.alert.{level}",
            obj=alert,
            after={
                "task": task.pk,
                "step": task.step.code,
                "level": level,
                "due_at": task.due_at,
                "late": context["overdue"],
                "recipients": [u.get_username() for u in users],
                "to_role": to_role,
                "explanation": bool(explanation),
            },
            stream=_stream(app.pk),
            at=now,
        )
    return alert


# --- explanations -------------------------------------------------------------------------------


def may_answer(user, alert: Alert) -> bool:
    """The person alerted, whoever holds the task now, or (for an alert sent to a role) its holders."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk in (alert.recipient_id, alert.task.assignee_id, alert.assignee_id):
        return True
    return bool(alert.to_role) and has_role(user, alert.to_role)


def may_acknowledge(user, explanation: Explanation) -> bool:
    return has_role(user, *ACKNOWLEDGERS) and user.pk != explanation.answered_by_id


def may_view(user, explanation: Explanation) -> bool:
    return may_answer(user, explanation.alert) or has_role(user, *ACKNOWLEDGERS)


def _locked_explanation(token: str) -> tuple[Explanation, Application]:
    token = (token or "").strip()
    row = (
        Explanation.objects.filter(token=token).values_list("pk", "alert__task__application_id").first()
        if token and len(token) <= 32
        else None
    )
    if row is None:
        raise NotFound("Permintaan penjelasan", "Explanation request")
    app = Application.objects.select_for_update().get(pk=row[1])  # every writer of the stream locks it first
    exp = Explanation.objects.select_related("alert__task__step", "alert__task__assignee").get(pk=row[0])
    return exp, app


def _invalid(field_name: str, message: str, message_en: str) -> ServiceError:
    return ServiceError("invalid", message, message_en, fields={field_name: message}, status=422)


@transaction.atomic
def explanation_answer(*, actor, token: str, answer: str, now: datetime.datetime | None = None) -> Explanation:
    """The officer explains why the file is late (or idle). An answer may be corrected until a
    superior acknowledges it; every version is in the audit trail."""
    now = _now(now)
    exp, app = _locked_explanation(token)
    if not may_answer(actor, exp.alert):
        raise Forbidden("Penjelasan ini diminta dari petugas lain.", "This explanation is owed by someone else.")
    if exp.acknowledged_at:
        raise Conflict(
            "acknowledged",
            "Penjelasan ini sudah ditanggapi pimpinan dan tidak dapat diubah.",
            "This explanation was already acknowledged.",
        )
    text = (answer or "").strip()
    if not text:
        raise _invalid("answer", "Tuliskan penjelasan Anda.", "Write your explanation.")
    if len(text) > ANSWER_MAX:
        raise _invalid("answer", f"Penjelasan terlalu panjang (maks. {ANSWER_MAX} karakter).", "Too long.")
    before = {"answer": exp.answer} if exp.answered_at else None
    exp.answer, exp.answered_at, exp.answered_by = text, now, actor
    exp.save(update_fields=["answer", "answered_at", "answered_by"])
    audit_record(
        actor=actor,
        action="monitoring.explanation.answer",
        obj=exp,
        before=before,
        after={"answer": text, "level": exp.alert.level, "task": exp.alert.task_id},
        stream=_stream(app.pk),
        at=now,
    )
    return exp


@transaction.atomic
def explanation_acknowledge(*, actor, token: str, note: str = "", now: datetime.datetime | None = None) -> Explanation:
    """A supervisor or the head has read the explanation (with an optional note)."""
    now = _now(now)
    exp, app = _locked_explanation(token)
    if not has_role(actor, *ACKNOWLEDGERS):
        raise Forbidden(
            "Hanya kepala bidang/seksi atau kepala dinas yang menanggapi penjelasan.",
            "Only supervisors or the head acknowledge explanations.",
        )
    if actor.pk == exp.answered_by_id:
        raise Forbidden(
            "Penjelasan Anda sendiri ditanggapi oleh atasan.", "Your own explanation is acknowledged by a superior."
        )
    if not exp.answered_at:
        raise Conflict("not_answered", "Penjelasan belum dijawab petugas.", "The explanation has not been answered.")
    if exp.acknowledged_at:
        raise Conflict("acknowledged", "Penjelasan ini sudah ditanggapi.", "Already acknowledged.")
    note = (note or "").strip()
    if len(note) > ANSWER_MAX:
        raise _invalid("note", f"Catatan terlalu panjang (maks. {ANSWER_MAX} karakter).", "Too long.")
    exp.acknowledged_at, exp.acknowledged_by, exp.acknowledgement_note = now, actor, note
    exp.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    audit_record(
        actor=actor,
        action="monitoring.explanation.acknowledge",
        obj=exp,
        after={"note": note, "level": exp.alert.level, "task": exp.alert.task_id},
        stream=_stream(app.pk),
        at=now,
    )
    return exp


# --- the daily digest ---------------------------------------------------------------------------


@transaction.atomic
def daily_digest_send(*, day: datetime.date | None = None, now: datetime.datetime | None = None) -> int:
    """Queue yesterday's figures and the worst stalls to every head (once per head and day)."""
    from .selectors import digest_figures

    now = _now(now)
    day = day or (timezone.localtime(now).date() - timedelta(days=1))
    figures = digest_figures(day=day, now=now)
    sent = 0
    for head in heads():
        notify_officer(
            user=head,
            template="daily_digest",
            context={
                "date": day.strftime("%d/%m/%Y"),
                "items": figures.summary,
                "reason": figures.worst_summary,
                "url": public_url(reverse("monitoring:dashboard")),
            },
            idempotency_key=f"monitoring:digest:{day.isoformat()}:{head.pk}",
            now=now,
        )
        sent += 1
    return sent
