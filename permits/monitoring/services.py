"""Stalled-file detection (`stall_sweep`), explanations (answer, acknowledge) and the daily digest.

The sweep ("check-overdue-steps", every five minutes) finds the active tasks that reached an
alert level and raises each level once per task, a few hundred tasks per transaction
(`_raise_chunk`): lock their application rows (the row the workflow engine locks; in id order),
re-read the tasks and the levels raised already, then insert the Alerts, Explanations, messages and
audit events in bulk. The unique (task, level) constraint is the backstop: a concurrent sweep that
got there first has committed before the locks are granted, so its levels are seen and skipped; if
the constraint fires anyway the chunk is rolled back and raised one alert at a time (`alert_raise`,
one transaction each: the same chunk with one pair, so the rule is written once). The messages commit
with the alert or not at all, so a level is notified once.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _l

from permits.catalog.models import Step
from permits.catalog.selectors import (
    section_members,
    step_sections,
)
from permits.core.audit import audit_record_many
from permits.core.calendar import office_calendar
from permits.core.clock import now_or
from permits.core.errors import Conflict, Forbidden, Invalid, NotFound
from permits.core.roles import HEAD, LEADERS, SUPERVISOR, has_role
from permits.core.workdays import WorkCalendar
from permits.notifications.services import notify_officer, notify_officers_many
from permits.workflow.models import Application, Task
from permits.workflow.services import audit_application
from permits.workflow.sla import humanize

from . import thresholds as th
from .models import Alert, Explanation
from .scope import idle_candidates, idle_tasks, monitored_tasks
from .selectors import digest_figures

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
ANSWER_MAX = 4000


def public_url(path: str) -> str:
    return settings.PUBLIC_BASE_URL + path


def explanation_url(explanation: Explanation) -> str:
    return public_url(reverse("monitoring:explanation", args=[explanation.token]))


# --- who is alerted -----------------------------------------------------------------------------


def _role_holders(role: str) -> list:
    return list(get_user_model().objects.filter(is_active=True, groups__name=role).order_by("id"))


def supervisors_for(
    task: Task,
    role_holders: Callable[[str], list] | None = None,
    sections: tuple[dict[int, int], dict[int, set[int]]] | None = None,
) -> list:
    """The supervisors alerted about `task` (the only place that decides): those who head the task's
    section, and those who head no section (they see every file). A task in no section, or in a
    section nobody heads, goes to every supervisor, so that no alert is lost. `role_holders` and
    `sections` ((step_sections, section_members), read once per sweep) save reading them per task."""
    everyone = (role_holders or _role_holders)(SUPERVISOR)
    by_step, members = sections or (step_sections(), section_members())
    section = by_step.get(task.step_id)
    if section is None or not any(section in members.get(u.pk, ()) for u in everyone):
        return everyone
    return [u for u in everyone if section in members.get(u.pk, ()) or not members.get(u.pk)]


def heads() -> list:
    return _role_holders(HEAD)


class _Recipients:
    """Who is alerted (users, to_role): the officer holding the task first; the supervisors when nobody
    holds it (someone must assign it) or when it is overdue; the head when it is overdue by the margin.
    One instance per sweep (or per single alert) reads each role's holders once and keeps the officers'
    addresses."""

    def __init__(self):
        self._roles: dict[str, list] = {}
        self._sections: tuple[dict[int, int], dict[int, set[int]]] | None = None
        self.addresses: dict[int, tuple[str, str, str]] = {}  # user -> (channel, recipient, language)

    def sections(self) -> tuple[dict[int, int], dict[int, set[int]]]:
        if self._sections is None:
            self._sections = (step_sections(), section_members())
        return self._sections

    def role(self, role: str) -> list:
        if role not in self._roles:
            self._roles[role] = _role_holders(role)
        return self._roles[role]

    def __call__(self, task: Task, level: str) -> tuple[list, str]:
        if level == L.ESCALATED_HEAD:
            return self.role(HEAD), HEAD
        if level == L.ESCALATED_SUPERVISOR or not (task.assignee_id and task.assignee.is_active):
            return supervisors_for(task, self.role, self.sections()), SUPERVISOR
        return [task.assignee], ""


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
    ):
        pairs += [(pk, level) for pk in _without(qs, level).order_by("due_at").values_list("pk", flat=True)[:batch]]
    # Idle: the surveys apart, so that only their payloads are read (a scheduled one is not idle);
    # the other kinds are answered from the backlog's index.
    idle = [
        (due, pk)
        for qs in (
            idle_candidates(base.exclude(kind=Step.Kind.SURVEY), cal, now),
            idle_tasks(base.filter(kind=Step.Kind.SURVEY), cal, now),
        )
        for pk, due in _without(qs, L.IDLE).order_by("due_at").values_list("pk", "due_at")[:batch]
    ]
    pairs += [(pk, L.IDLE) for _due, pk in sorted(idle)[:batch]]
    # The exact rules, as instants per distinct bound (working time is monotonic in the instant):
    # a warning when due at or before the cutoff of the time it may have left (`th.is_warning`),
    # the head's escalation when due at or before the instant that far in working time before now.
    share = settings.MONITOR_WARNING_SHARE
    warn_by: dict[int, datetime.datetime] = {}
    rows = _without(base.filter(_warning_prefilter(cal, now), due_at__gte=now), L.WARNING).order_by("due_at")
    warned = []
    for pk, due, bound in rows.values_list(*fields)[: batch * 4]:
        if bound not in warn_by:
            warn_by[bound] = th.cutoff_after(cal, now, timedelta(seconds=bound * (1 - share)))
        if due <= warn_by[bound]:
            warned.append(pk)
    pairs += [(pk, L.WARNING) for pk in warned[:batch]]
    share = settings.MONITOR_HEAD_ESCALATION_SHARE
    head_by: dict[int, datetime.datetime] = {}
    rows = _without(overdue.filter(_head_prefilter(cal, now)), L.ESCALATED_HEAD).order_by("due_at")
    late = []
    for pk, due, bound in rows.values_list(*fields)[: batch * 4]:
        if bound not in head_by:
            head_by[bound] = th.working_instant_before(cal, now, timedelta(seconds=bound * share))
        if due <= head_by[bound]:
            late.append(pk)
    pairs += [(pk, L.ESCALATED_HEAD) for pk in late[:batch]]
    return sorted(pairs, key=lambda p: (p[0], LEVEL_ORDER.index(p[1])))


def stall_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Raise every alert level reached by an active task and not raised before (check-overdue-steps).

    Safe to run twice, or twice at the same moment: each level of each task is raised, notified
    and audited once (see the module docstring). The candidates are raised MONITOR_SWEEP_CHUNK tasks at a
    time, each chunk in one transaction (`_raise_chunk`); a chunk that fails is retried one alert at
    a time (`alert_raise`), so one broken alert does not stop the others.
    """
    now = now_or(now)
    cal = office_calendar()
    result = SweepResult(now=now)
    by_task: dict[int, list[tuple[int, str]]] = {}
    for pair in _candidates(cal, now):  # a task's levels stay together, in LEVEL_ORDER
        by_task.setdefault(pair[0], []).append(pair)
    recipients = _Recipients()
    tasks = list(by_task.values())
    size = max(1, settings.MONITOR_SWEEP_CHUNK)
    for i in range(0, len(tasks), size):
        chunk = [pair for levels in tasks[i : i + size] for pair in levels]
        try:
            alerts, skipped = _raise_chunk(chunk, now=now, cal=cal, recipients=recipients)
        except Exception:  # a broken row or a race outside the locking order: one at a time instead
            logger.exception("monitoring: a chunk of %s alerts failed; raising them one by one", len(chunk))
            alerts, skipped = _raise_each(chunk, now=now, cal=cal)
        result.skipped += skipped
        for alert in alerts:
            result.raised[alert.level] += 1
            result.alert_ids.append(alert.pk)
    if result.total:
        logger.info("monitoring sweep %s: %s", now.isoformat(), result)
    return result


def _raise_each(pairs, *, now, cal) -> tuple[list[Alert], int]:
    alerts, skipped = [], 0
    for task_id, level in pairs:
        try:
            alert = alert_raise(task_id=task_id, level=level, now=now, cal=cal)
        except Exception:  # one broken alert (a bad address, a template) must not stop the others
            logger.exception("monitoring: could not raise %s for task %s", level, task_id)
            alert = None
        if alert is None:
            skipped += 1
        else:
            alerts.append(alert)
    return alerts, skipped


def _late_label(level: str, task: Task, cal: WorkCalendar, now: datetime.datetime) -> str:
    """How late, for the alert message. In Indonesian whatever language the request that raised the
    alert speaks: the message templates and the step's name in them (`name_id`) are Indonesian."""
    if level == L.WARNING:
        late = th.working_left(cal, now, task.due_at)
    elif level == L.IDLE:
        late = cal.working_time_between(task.claimed_at or task.started_at, now)
    else:
        late = cal.working_time_between(task.due_at, now)
    with translation.override("id"):
        return humanize(late, cal.day_length())


def _link(level: str, task: Task, explanation: Explanation | None, tokens: dict[tuple[int, str], str]) -> str:
    """Where the alert points: its own explanation form; for the head, the officer's explanation (the
    overdue one first, `tokens` from `_explanation_tokens`) or else the stalled list; else the task."""
    if explanation is not None:
        return explanation_url(explanation)
    if level == L.ESCALATED_HEAD:
        token = tokens.get((task.pk, L.OVERDUE)) or tokens.get((task.pk, L.ESCALATED_SUPERVISOR))
        path = reverse("monitoring:explanation", args=[token]) if token else reverse("monitoring:stalled")
        return public_url(path)
    return public_url(reverse("workflow:task", args=[task.pk]))


def _new_alert(task: Task, level: str, users: list, to_role: str, now: datetime.datetime) -> Alert:
    """The alert row of `level` for `task`, to its first recipient (not saved)."""
    return Alert(
        task=task,
        level=level,
        recipient=users[0] if users else None,
        to_role=to_role,
        sent_at=now,
        due_at=task.due_at,
        assignee=task.assignee,
    )


def alert_raise(
    *, task_id: int, level: str, now: datetime.datetime | None = None, cal: WorkCalendar | None = None
) -> Alert | None:
    """Raise one level for one task, in one transaction; None when the task no longer qualifies or
    the level was raised already (by an earlier or a concurrent sweep). The sweep's own path with one
    pair, so levels, recipients, links, messages and audit are decided in one place (`_raise_chunk`)."""
    try:
        alerts, _skipped = _raise_chunk(
            [(task_id, level)], now=now_or(now), cal=cal or office_calendar(), recipients=_Recipients()
        )
    except IntegrityError:  # the (task, level) constraint: a concurrent sweep raised it meanwhile
        return None
    return alerts[0] if alerts else None


# --- the sweep's chunks -------------------------------------------------------------------------


def _raise_chunk(pairs, *, now, cal, recipients: _Recipients) -> tuple[list[Alert], int]:
    """Raise the (task, level) pairs of a few hundred tasks in one transaction (or one pair: `alert_raise`),
    in a fixed number of statements instead of some 50 per alert.

    Lock the applications (in id order, so concurrent sweeps cannot deadlock; every writer of an
    alert or of an application's audit stream locks the application first), re-read the tasks and
    the levels already raised (after the locks: a concurrent sweep that got there first has
    committed by now), decide each pair exactly, then insert the alerts, explanations, messages and
    audit events in bulk. The unique (task, level) constraint stays the backstop: if it fires,
    the whole chunk rolls back and is retried one alert at a time.
    """
    task_ids = sorted({task_id for task_id, _level in pairs})
    with transaction.atomic():
        app_ids = set(Task.objects.filter(pk__in=task_ids).values_list("application_id", flat=True))
        apps = {
            a.pk: a
            for a in Application.objects.select_for_update(of=("self",))
            .select_related("permit_type", "applicant")
            .filter(pk__in=app_ids)
            .order_by("pk")
        }
        tasks = Task.objects.select_related("step", "assignee").in_bulk(task_ids)
        raised = set(Alert.objects.filter(task_id__in=task_ids).values_list("task_id", "level"))
        todo = []
        for task_id, level in pairs:
            task = tasks.get(task_id)
            if task is None or (task_id, level) in raised or not _qualifies(level, task, cal, now):
                continue
            users, to_role = recipients(task, level)
            alert = _new_alert(task, level, users, to_role, now)
            todo.append((alert, task, apps[task.application_id], users))
        if not todo:
            return [], len(pairs)
        Alert.objects.bulk_create([a for a, *_ in todo])
        explanations = {
            alert.pk: Explanation(alert=alert, requested_at=now) for alert, *_ in todo if alert.level in Alert.EXPLAINED
        }
        Explanation.objects.bulk_create(explanations.values())
        tokens = _explanation_tokens([t.pk for a, t, *_ in todo if a.level == L.ESCALATED_HEAD])
        messages, events = [], []
        for alert, task, app, users in todo:
            explanation, to_role = explanations.get(alert.pk), alert.to_role
            context = {
                "number": app.registration_number,
                "step": task.step.name_id,
                "overdue": _late_label(alert.level, task, cal, now),
                "url": _link(alert.level, task, explanation, tokens),
                "officer": (task.assignee.get_full_name() or task.assignee.get_username()) if task.assignee else "-",
            }
            for user in users:
                messages.append(
                    (
                        alert,
                        dict(
                            user=user,
                            template=TEMPLATES[alert.level],
                            context=context,
                            application=app,
                            idempotency_key=f"monitoring:alert:{alert.pk}:{user.pk}",
                        ),
                    )
                )
            if not users:
                logger.warning("monitoring: nobody to alert for %s of task %s (no %s)", alert.level, task.pk, to_role)
            events.append(
                dict(
                    action=f"monitoring.alert.{alert.level}",
                    obj=alert,
                    after={
                        "task": task.pk,
                        "step": task.step.code,
                        "level": alert.level,
                        "due_at": task.due_at,
                        "late": context["overdue"],
                        "recipients": [u.get_username() for u in users],
                        "to_role": alert.to_role,
                        "explanation": explanation is not None,
                    },
                    stream=Application.audit_stream(app.pk),
                )
            )
        queued = notify_officers_many([m for _alert, m in messages], now=now, addresses=recipients.addresses)
        first: dict[int, object] = {}
        for (alert, _m), message in zip(messages, queued, strict=True):
            first.setdefault(alert.pk, message)
        for alert, *_ in todo:
            alert.message = first.get(alert.pk)
        Alert.objects.bulk_update([a for a, *_ in todo if a.message is not None], ["message"])
        audit_record_many(events, actor_label="pemantauan", at=now)
    return [a for a, *_ in todo], len(pairs) - len(todo)


def _explanation_tokens(task_ids: list[int]) -> dict[tuple[int, str], str]:
    """{(task, level): token} of the officer's explanations (overdue, supervisor) of these tasks,
    those of this chunk included (inserted just before)."""
    if not task_ids:
        return {}
    rows = Explanation.objects.filter(alert__task_id__in=task_ids, alert__level__in=[L.OVERDUE, L.ESCALATED_SUPERVISOR])
    return {(t, lv): tok for t, lv, tok in rows.values_list("alert__task_id", "alert__level", "token")}


# --- explanations -------------------------------------------------------------------------------


def may_answer(user, alert: Alert) -> bool:
    """The person alerted, whoever holds the task now, or (for an alert sent to a role) its holders."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk in (alert.recipient_id, alert.task.assignee_id, alert.assignee_id):
        return True
    return bool(alert.to_role) and has_role(user, alert.to_role)


def may_acknowledge(user, explanation: Explanation) -> bool:
    return has_role(user, *LEADERS) and user.pk != explanation.answered_by_id


def may_view(user, explanation: Explanation) -> bool:
    return may_answer(user, explanation.alert) or has_role(user, *LEADERS)


def _locked_explanation(token: str) -> tuple[Explanation, Application]:
    token = (token or "").strip()
    row = (
        Explanation.objects.filter(token=token).values_list("pk", "alert__task__application_id").first()
        if token and len(token) <= 32
        else None
    )
    if row is None:
        raise NotFound(_l("Permintaan penjelasan"))
    app = Application.objects.select_for_update().get(pk=row[1])  # every writer of the stream locks it first
    exp = Explanation.objects.select_related("alert__task__step", "alert__task__assignee").get(pk=row[0])
    return exp, app


@transaction.atomic
def explanation_answer(*, actor, token: str, answer: str, now: datetime.datetime | None = None) -> Explanation:
    """The officer explains why the file is late (or idle). An answer may be corrected until a
    superior acknowledges it; every version is in the audit trail."""
    now = now_or(now)
    exp, app = _locked_explanation(token)
    if not may_answer(actor, exp.alert):
        raise Forbidden(_l("Penjelasan ini diminta dari petugas lain."))
    if exp.acknowledged_at:
        raise Conflict(
            "acknowledged",
            _l("Penjelasan ini sudah ditanggapi pimpinan dan tidak dapat diubah."),
        )
    text = (answer or "").strip()
    if not text:
        raise Invalid({"answer": "Tuliskan penjelasan Anda."}, _l("Tuliskan penjelasan Anda."))
    if len(text) > ANSWER_MAX:
        error = Invalid({}, _l("Penjelasan terlalu panjang (maks. %(max)s karakter)."), params={"max": ANSWER_MAX})
        error.fields = {"answer": error.message}
        raise error
    before = {"answer": exp.answer} if exp.answered_at else None
    exp.answer, exp.answered_at, exp.answered_by = text, now, actor
    exp.save(update_fields=["answer", "answered_at", "answered_by"])
    audit_application(
        app,
        actor,
        "monitoring.explanation.answer",
        exp,
        before=before,
        after={"answer": text, "level": exp.alert.level, "task": exp.alert.task_id},
        now=now,
    )
    return exp


@transaction.atomic
def explanation_acknowledge(*, actor, token: str, note: str = "", now: datetime.datetime | None = None) -> Explanation:
    """A supervisor or the head has read the explanation (with an optional note)."""
    now = now_or(now)
    exp, app = _locked_explanation(token)
    if not has_role(actor, *LEADERS):
        raise Forbidden(
            _l("Hanya kepala bidang/seksi atau kepala dinas yang menanggapi penjelasan."),
        )
    if actor.pk == exp.answered_by_id:
        raise Forbidden(_l("Penjelasan Anda sendiri ditanggapi oleh atasan."))
    if not exp.answered_at:
        raise Conflict("not_answered", _l("Penjelasan belum dijawab petugas."))
    if exp.acknowledged_at:
        raise Conflict("acknowledged", _l("Penjelasan ini sudah ditanggapi."))
    note = (note or "").strip()
    if len(note) > ANSWER_MAX:
        error = Invalid({}, _l("Catatan terlalu panjang (maks. %(max)s karakter)."), params={"max": ANSWER_MAX})
        error.fields = {"note": error.message}
        raise error
    exp.acknowledged_at, exp.acknowledged_by, exp.acknowledgement_note = now, actor, note
    exp.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    audit_application(
        app,
        actor,
        "monitoring.explanation.acknowledge",
        exp,
        after={"note": note, "level": exp.alert.level, "task": exp.alert.task_id},
        now=now,
    )
    return exp


# --- the daily digest ---------------------------------------------------------------------------


@transaction.atomic
def daily_digest_send(*, day: datetime.date | None = None, now: datetime.datetime | None = None) -> int:
    """Queue yesterday's figures and the worst stalls to every head (once per head and day)."""
    now = now_or(now)
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
