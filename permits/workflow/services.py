"""The SOP engine: every action on an application's steps, each one transaction with its audit.

Each public function locks the application row first, so two officers acting on the same file at
the same moment are serialised: the first wins, the second finds the task changed and is told.
"""

import datetime
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _l

from permits.catalog.models import PermitType, RejectionReason, Step
from permits.catalog.selectors import rejection_reason_get
from permits.core.audit import audit_record
from permits.core.calendar import office_calendar
from permits.core.clock import now_or
from permits.core.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from permits.core.roles import CASE_DESK, LEADERS, ROLES, has_role
from permits.workflow.models import Application

from . import payloads
from .models import Pause, Task
from .sla import step_bound
from .steps import handler_for, kind_owner
from .transitions import ACTIVE, Event, TransitionError, next_status

K = Step.Kind


# --- helpers ------------------------------------------------------------------------------------


def audit_application(app, actor, action, obj=None, *, before=None, after=None, note="", now=None, actor_label=""):
    """Record a change of `app` (or of `obj`, one of its parts: a task, an SKRD, a bill, a decree, an
    explanation) on the application's audit stream, so its timeline tells the whole story. The one writer
    of that stream for every app (`actor_label` names an actor that is not a user: "bank", "sistem")."""
    return audit_record(
        actor=actor,
        action=action,
        obj=obj or app,
        before=before,
        after=after,
        note=note,
        stream=Application.audit_stream(app.pk),
        actor_label=actor_label,
        at=now,
    )


def _transition(app: Application, event: Event, actor, now, note="", **after) -> None:
    before = app.status
    try:
        app.status = next_status(app.status, event)
    except TransitionError:
        raise Conflict(
            "invalid_transition",
            _l("Tindakan ini tidak dapat dilakukan: permohonan berstatus '%(status)s'."),
            params={"status": Application.Status(before).label},
        ) from None
    app.save()
    audit_application(
        app,
        actor,
        f"application.{event.value}",
        before={"status": before},
        after={"status": app.status, **after},
        note=note,
        now=now,
    )


def _lock(application_id: int) -> Application:
    # of=("self",): lock the application only; a joined permit-type row locked too would serialise
    # every action on every application of that permit type (PostgreSQL locks all joined rows).
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("permit_type")
        .filter(pk=application_id)
        .first()
    )
    if app is None:
        raise NotFound(_l("Permohonan"))
    return app


def _locked_task(task_id: int, version: int | None = None) -> tuple[Task, Application]:
    """Lock the task's application, then read the task fresh (it may have changed while we waited)."""
    app_id = Task.objects.filter(pk=task_id).values_list("application_id", flat=True).first()
    if app_id is None:
        raise NotFound(_l("Tugas"))
    app = _lock(app_id)
    task = Task.objects.select_related("step", "assignee").get(pk=task_id)
    if version is not None and task.version != version:
        raise Conflict(
            "stale",
            _l("Tugas ini baru saja diubah petugas lain. Muat ulang halaman."),
        )
    return task, app


def _least_loaded(role: str):
    User = get_user_model()
    return (
        User.objects.filter(is_active=True, groups__name=role)
        .annotate(load=Count("tasks", filter=Q(tasks__state__in=Task.ACTIVE_STATES)))
        .order_by("load", "id")
        .first()
    )


def _open_task(app: Application, step: Step, actor, now, bound: timedelta | None = None) -> Task:
    bound = step_bound(step) if bound is None else bound
    cal = office_calendar()
    assignee = _least_loaded(step.role) if getattr(settings, "WORKFLOW_AUTO_ASSIGN", False) else None
    task = Task.objects.create(
        application=app,
        step=step,
        kind=step.kind,
        role=step.role,
        started_at=now,
        due_at=cal.add_working_time(now, bound) if bound else now,
        bound_seconds=int(bound.total_seconds()),
        assignee=assignee,
        state=Task.State.CLAIMED if assignee else Task.State.OPEN,
        claimed_at=now if assignee else None,
    )
    audit_application(
        app,
        actor,
        "task.open",
        task,
        after={
            "step": step.code,
            "kind": step.kind,
            "role": step.role,
            "due_at": task.due_at,
            "assignee": assignee and assignee.username,
        },
        now=now,
    )
    return task


def _finish(task: Task, state: str, actor, now, outcome="", payload=None, notes="") -> None:
    task.state = state
    task.finished_at = now
    task.finished_by = actor if getattr(actor, "is_authenticated", False) else None
    task.working_seconds = int(office_calendar().working_time_between(task.started_at, now).total_seconds())
    task.outcome = outcome
    if payload is not None:
        task.payload = {**task.payload, **payload}
    task.notes = notes or task.notes
    task.version += 1
    task.save()


def _survey_skipped(app: Application, step: Step) -> bool:
    if step.kind != K.SURVEY:
        return False
    policy = app.permit_type.survey_policy
    if policy == PermitType.SurveyPolicy.NEVER:
        return True
    if policy == PermitType.SurveyPolicy.ALWAYS:
        return False
    return not app.survey_required


def _advance(app: Application, after: Step | None, actor, now) -> Task | None:
    """Open the next step after `after` (or the first), recording skipped optional steps."""
    steps = Step.objects.filter(permit_type=app.permit_type_id)
    if after is not None:
        steps = steps.filter(order__gt=after.order)
    for step in steps.order_by("order"):
        if _survey_skipped(app, step):
            task = Task.objects.create(
                application=app,
                step=step,
                kind=step.kind,
                role=step.role,
                started_at=now,
                due_at=now,
                bound_seconds=0,
                state=Task.State.SKIPPED,
                finished_at=now,
                working_seconds=0,
                outcome="skipped",
            )
            audit_application(app, actor, "task.skip", task, after={"step": step.code}, now=now)
            continue
        task = _open_task(app, step, actor, now)
        if step.kind == K.PAYMENT:
            _transition(app, Event.AWAIT_PAYMENT, actor, now)
        return task
    return None


# --- who acts on a task (the one rule every path goes through: pages, API, levy and decree pages) --


# A step whose completion has a legal or money effect is the act of the role that bears it, and nobody
# stands in: the treasurer issues the SKRD and records a payment by hand (the bank posts its own through
# permits.levies.services.payment_post, with no officer), the head signs the decree. Leaders see these
# tasks and may assign or rework them, not act on them. The owner is declared by the kind's handler
# (steps.StepHandler.owner_role), not by the catalogue's step role, so a step configured with another
# role cannot move the act.


def task_role(task: Task) -> str:
    """The role that works on `task`: its step kind's owner (steps.kind_owner), else the step's role."""
    return kind_owner(task.kind) or task.role


def task_may_claim(user, task: Task) -> bool:
    """Whether `user` holds the role that works on `task` (claiming it, or being assigned it)."""
    return has_role(user, task_role(task))


def task_may_act(user, task: Task) -> bool:
    """Whether `user` may complete, return, reject or schedule `task`: a holder of its role while it is
    unclaimed or claimed by them, or a leader standing in on a step whose kind has no owner."""
    if kind_owner(task.kind) is None and has_role(user, *LEADERS):
        return True
    return task_may_claim(user, task) and task.assignee_id in (None, user.pk)


def _refused(actor, task: Task) -> Forbidden:
    owner = kind_owner(task.kind)
    if owner is None or has_role(actor, owner):  # not the role's task, or a colleague's claimed one
        return Forbidden(_l("Tugas ini milik petugas atau peran lain."))
    return Forbidden(
        _l("Langkah '%(step)s' hanya dikerjakan oleh %(role)s."),
        params={"step": Step.Kind(task.kind).label, "role": ROLES[owner]},
    )


def task_require_actor(actor, task: Task) -> None:
    """Refuse (403) an actor who may not act on `task` (task_may_act)."""
    if not task_may_act(actor, task):
        raise _refused(actor, task)


def _require_active(app: Application) -> None:
    if app.status not in ACTIVE:
        raise Conflict(
            "application_closed",
            _l("Permohonan berstatus '%(status)s': tidak ada tindakan lagi."),
            params={"status": Application.Status(app.status).label},
        )


def _require_task_active(task: Task) -> None:
    if not task.is_active:
        raise Conflict(
            "task_closed", _l("Tugas ini sudah berstatus '%(state)s'."), params={"state": Task.State(task.state).label}
        )


def _task_to_act_on(actor, task_id: int, version: int | None) -> tuple[Task, Application]:
    """The locked task and application for finishing, returning or rejecting: both still open, and the
    actor holding the task's role (and the task, once claimed) or supervising."""
    task, app = _locked_task(task_id, version)
    _require_active(app)
    _require_task_active(task)
    task_require_actor(actor, task)
    return task, app


# --- entering the procedure ---------------------------------------------------------------------


def workflow_enter(*, application: Application, actor, now=None) -> Task | None:
    """A registered application enters its procedure: its first step opens (same transaction)."""
    return _advance(application, None, actor, now_or(now))


# --- actions on tasks ---------------------------------------------------------------------------


@transaction.atomic
def task_claim(*, actor, task_id: int, version: int | None = None, now=None) -> Task:
    """Take an open task of one's role. Exactly one of two simultaneous claims wins."""
    now = now_or(now)
    task, app = _locked_task(task_id, version)
    _require_active(app)
    if not task_may_claim(actor, task):
        raise _refused(actor, task)
    if task.state != Task.State.OPEN:
        who = task.assignee.get_username() if task.assignee else "-"
        raise Conflict("already_claimed", _l("Tugas sudah diambil oleh %(who)s."), params={"who": who})
    task.state, task.assignee, task.claimed_at = Task.State.CLAIMED, actor, now
    task.version += 1
    task.save()
    audit_application(app, actor, "task.claim", task, after={"assignee": actor.get_username()}, now=now)
    if app.status == Application.Status.REGISTERED:
        _transition(app, Event.START, actor, now)
    return task


@transaction.atomic
def task_assign(*, actor, task_id: int, assignee, now=None) -> Task:
    """A supervisor (re)assigns a task to an officer who holds its role."""
    now = now_or(now)
    if not has_role(actor, *LEADERS):
        raise Forbidden(_l("Hanya kepala bidang/seksi yang dapat menugaskan."))
    task, app = _locked_task(task_id)
    _require_active(app)
    _require_task_active(task)
    if assignee is None or not task_may_claim(assignee, task) or not assignee.is_active:
        raise ServiceError(
            "invalid_assignee",
            _l("Petugas tersebut tidak memegang peran tugas ini."),
            fields={"assignee": "Peran tidak cocok."},
            status=422,
        )
    before = task.assignee.get_username() if task.assignee else None
    task.state, task.assignee, task.claimed_at = Task.State.CLAIMED, assignee, now
    task.version += 1
    task.save()
    audit_application(
        app,
        actor,
        "task.assign",
        task,
        before={"assignee": before},
        after={"assignee": assignee.get_username()},
        now=now,
    )
    if app.status == Application.Status.REGISTERED:
        _transition(app, Event.START, actor, now)
    return task


def local_day(at: datetime.datetime) -> datetime.date:
    return at.astimezone(office_calendar().tz).date()


def survey_visit_latest(*, application: Application, now: datetime.datetime) -> datetime.date:
    """The last day a field visit may be set for: the permit type's service standard, in working days
    of the office calendar, counted from now. Not the promised completion date: an overdue file still
    needs its visit, and the standard from today is the most any visit may still take."""
    cal = office_calendar()
    return cal.add_working_days(now, application.permit_type.service_standard_days).astimezone(cal.tz).date()


def survey_report_bounds(task: Task) -> tuple[datetime.date, bool]:
    """(earliest visit day of a report, whether a visit was scheduled): the scheduled day, else the day
    the survey step opened."""
    visit = (task.payload.get("schedule") or {}).get("visit_date")
    if visit:
        return datetime.date.fromisoformat(visit), True
    return local_day(task.started_at), False


@transaction.atomic
def task_schedule_survey(*, actor, task_id: int, payload: dict, version: int | None = None, now=None) -> Task:
    """Set the field visit date (the applicant is told); the report comes with completion."""
    now = now_or(now)
    task, app = _locked_task(task_id, version)
    _require_active(app)
    _require_task_active(task)
    task_require_actor(actor, task)  # first: a caller who may not act learns nothing about the task
    if task.kind != K.SURVEY:
        raise ServiceError("wrong_kind", _l("Hanya langkah survei yang dijadwalkan."), status=422)
    clean, errors = payloads.survey_schedule(
        payload, today=local_day(now), latest=survey_visit_latest(application=app, now=now)
    )
    if errors:
        raise Invalid(errors)
    clean["surveyor"] = actor.get_username()
    if task.state == Task.State.OPEN:
        task.state, task.assignee, task.claimed_at = Task.State.CLAIMED, actor, now
    task.payload = {**task.payload, "schedule": clean}
    task.version += 1
    task.save()
    audit_application(app, actor, "survey.schedule", task, after=clean, now=now)
    if app.status == Application.Status.REGISTERED:
        _transition(app, Event.START, actor, now)
    return task


@transaction.atomic
def task_complete(
    *, actor, task_id: int, payload: dict | None = None, notes: str = "", version: int | None = None, now=None
) -> Task:
    """Finish a step with its kind's data; the next step opens (or the status moves on).

    What the data must be and what finishing does beyond recording the step belong to the handler of
    the task's kind (steps.py: registered by the app that owns the kind)."""
    now = now_or(now)
    task, app = _task_to_act_on(actor, task_id, version)
    if app.status == Application.Status.AWAITING_PAYMENT and task.kind != K.PAYMENT:
        raise Conflict("awaiting_payment", _l("Menunggu pembayaran retribusi."))
    handler = handler_for(task.kind)
    done = handler.validate(task=task, application=app, payload=payload or {}, now=now)
    if done.errors:
        raise Invalid(done.errors)
    clean = {**done.clean, **handler.before_finish(task=task, application=app, clean=done.clean, actor=actor, now=now)}
    _finish(task, Task.State.DONE, actor, now, outcome=done.outcome, payload=clean, notes=notes)
    audit_application(
        app,
        actor,
        "task.complete",
        task,
        after={"step": task.step.code, "outcome": done.outcome, **clean},
        note=notes,
        now=now,
    )
    if app.status == Application.Status.REGISTERED:
        _transition(app, Event.START, actor, now)
    if not handler.after_finish(task=task, application=app, clean=clean, actor=actor, now=now):
        return task
    if handler.event is not None:
        _transition(app, handler.event, actor, now)
    if handler.event == Event.COLLECT:
        app.finished_at = now
        app.save(update_fields=["finished_at", "updated_at"])
        return task
    _advance(app, task.step, actor, now)
    return task


def _payment_wait_excluded(app: Application, task: Task, now) -> int:
    """The service standard's clock does not run while the file waits for the applicant to pay (the office's
    rule, docs/LEVY.md): the promised date moves by exactly the working time from the SKRD/SKPD (the payment
    step opening) to the payment, as after a pause, and that time counts as paused. Returns the seconds."""
    waited = office_calendar().working_time_between(task.started_at, now)
    seconds = int(waited.total_seconds())
    if seconds > 0:
        app.promised_completion_at = office_calendar().add_working_time(app.promised_completion_at, waited)
        app.paused_seconds += seconds
        app.save(update_fields=["promised_completion_at", "paused_seconds", "updated_at"])
    return seconds


def payment_task_open(application: Application) -> Task | None:
    """The application's open payment step while it waits for payment, else None."""
    if application.status != Application.Status.AWAITING_PAYMENT:
        return None
    return (
        Task.objects.select_related("step")
        .filter(application=application, kind=K.PAYMENT, state__in=Task.ACTIVE_STATES)
        .first()
    )


@transaction.atomic
def workflow_payment_received(
    *, application_id: int, payment_ref: str, amount, channel: str = "snap", actor=None, now=None
) -> Task:
    """A levy payment was posted (permits.levies.services.payment_post, in this transaction): the open
    payment step completes and the application moves on. `actor` is None when the bank posted it."""
    now = now_or(now)
    app = _lock(application_id)
    task = payment_task_open(app)
    if task is None:
        raise Conflict("not_awaiting_payment", _l("Permohonan tidak menunggu pembayaran."))
    if actor is not None:  # an officer at the counter: the payment step's rule, as for every other path
        task_require_actor(actor, task)
    clean = {"reference": payment_ref, "amount": str(int(amount)), "channel": channel}
    _finish(task, Task.State.DONE, actor, now, outcome="paid", payload=clean)
    waited = _payment_wait_excluded(app, task, now)
    audit_application(
        app,
        actor,
        "task.complete",
        task,
        after={"step": task.step.code, "outcome": "paid", **clean, "promise_moved_seconds": waited},
        now=now,
        actor_label="" if actor else "bank",
    )
    _transition(app, Event.PAID, actor, now)
    _advance(app, task.step, actor, now)
    return task


def _cancel_active(app: Application, actor, now, outcome: str) -> None:
    for task in Task.objects.filter(application=app, state__in=Task.ACTIVE_STATES):
        _finish(task, Task.State.CANCELLED, actor, now, outcome=outcome)


def reject_application(app: Application, actor, now, reason: RejectionReason, text: str) -> None:
    """Close the file as rejected (the application row locked, inside the caller's transaction)."""
    _cancel_active(app, actor, now, "rejected")
    app.rejection_reason, app.rejection_note, app.finished_at = reason, text, now
    _transition(app, Event.REJECT, actor, now, note=text, reason=reason.code, reason_text=reason.text_id)


@transaction.atomic
def task_reject(*, actor, task_id: int, reason_code: str, text: str = "", version: int | None = None, now=None) -> Task:
    """Refuse the application (final) at this step, with a listed reason and free text."""
    now = now_or(now)
    task, app = _task_to_act_on(actor, task_id, version)
    reason = rejection_reason_get(app.permit_type_id, reason_code)
    errors = {}
    if reason is None:
        errors["reason_code"] = "Pilih alasan penolakan dari daftar."
    if len(text) > 4000:
        errors["text"] = "Keterangan terlalu panjang (maks. 4000 karakter)."
    if errors:
        raise Invalid(errors)
    reject_application(app, actor, now, reason, text.strip())
    return task


@transaction.atomic
def task_return(
    *, actor, task_id: int, items: list[str], note: str = "", version: int | None = None, now=None
) -> Pause:
    """Return the file to the applicant for correction: the SLA clock pauses until resubmission."""
    now = now_or(now)
    task, app = _task_to_act_on(actor, task_id, version)
    items = [str(i).strip()[:250] for i in (items or []) if str(i).strip()]
    if not items:
        raise Invalid({"items": "Sebutkan apa yang harus dilengkapi atau diperbaiki pemohon."})
    _finish(task, Task.State.RETURNED, actor, now, outcome="returned", notes=note)
    pause = Pause.objects.create(
        application=app,
        task=task,
        started_at=now,
        reason=note.strip() or "; ".join(items),
        items=items,
        started_by=actor,
    )
    app.returns_count += 1
    app.return_items = items
    _transition(app, Event.RETURN, actor, now, note=note, items=items, step=task.step.code)
    return pause


@transaction.atomic
def application_resubmit(*, actor, application_id: int, note: str = "", now=None) -> Task:
    """The applicant brought the corrections: the pause ends, the promised date moves by exactly the
    paused working time, and the returned step reopens with the time it had left."""
    now = now_or(now)
    if not has_role(actor, *CASE_DESK):
        raise Forbidden(_l("Hanya petugas loket yang menerima perbaikan berkas."))
    app = _lock(application_id)
    pause = Pause.objects.select_related("task__step").filter(application=app, ended_at__isnull=True).first()
    if app.status != Application.Status.RETURNED or pause is None:
        raise Conflict("not_returned", _l("Permohonan ini tidak sedang dikembalikan."))
    cal = office_calendar()
    paused = cal.working_time_between(pause.started_at, now)
    pause.ended_at, pause.ended_by, pause.working_seconds = now, actor, int(paused.total_seconds())
    pause.save()
    before = app.promised_completion_at
    app.paused_seconds += pause.working_seconds
    if paused:
        app.promised_completion_at = cal.add_working_time(app.promised_completion_at, paused)
    app.return_items = []
    _transition(
        app,
        Event.RESUBMIT,
        actor,
        now,
        note=note,
        paused_seconds=pause.working_seconds,
        promised_before=before,
        promised_after=app.promised_completion_at,
    )
    returned = pause.task
    spent = timedelta(seconds=returned.working_seconds or 0)
    remaining = max(timedelta(seconds=returned.bound_seconds) - spent, timedelta(0))
    return _open_task(app, returned.step, actor, now, bound=remaining)


@transaction.atomic
def application_rework(*, actor, application_id: int, step_code: str, note: str, now=None) -> Task:
    """A supervisor sends the file back to an earlier step (recorded); the current step is cancelled."""
    now = now_or(now)
    if not has_role(actor, *LEADERS):
        raise Forbidden(
            _l("Hanya kepala bidang/seksi yang dapat mengembalikan ke langkah sebelumnya."),
        )
    app = _lock(application_id)
    current = Task.objects.select_related("step").filter(application=app, state__in=Task.ACTIVE_STATES).first()
    target = Step.objects.filter(permit_type=app.permit_type_id, code=step_code).first()
    if not note.strip():
        raise Invalid({"note": "Alasan pengembalian wajib diisi."})
    if current is None or target is None or target.order >= current.step.order:
        raise Invalid({"step": "Pilih langkah sebelum langkah yang sedang berjalan."})
    if app.status in (Application.Status.AWAITING_PAYMENT, Application.Status.APPROVED):
        _transition(app, Event.REWORK, actor, now, note=note, step=step_code)
    elif app.status == Application.Status.IN_PROCESS:
        audit_application(app, actor, "application.rework", after={"step": step_code}, note=note, now=now)
    else:
        _require_active(app)
        raise Conflict("invalid_transition", _l("Berkas tidak dapat dikembalikan pada status ini."))
    _finish(current, Task.State.CANCELLED, actor, now, outcome="rework", notes=note)
    return _open_task(app, target, actor, now)


@transaction.atomic
def application_withdraw(*, actor, application_id: int, note: str, now=None) -> Application:
    """The applicant withdraws the application (recorded at the front desk)."""
    now = now_or(now)
    if not has_role(actor, *CASE_DESK):
        raise Forbidden()
    app = _lock(application_id)
    if not note.strip():
        raise Invalid({"note": "Sebutkan alasan pencabutan."})
    _cancel_active(app, actor, now, "withdrawn")
    Pause.objects.filter(application=app, ended_at__isnull=True).update(ended_at=now, ended_by=actor)
    app.finished_at = now
    _transition(app, Event.WITHDRAW, actor, now, note=note)
    return app
