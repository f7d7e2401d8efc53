"""Reads for officers: work queues, an application's tasks and timeline, SLA figures per task."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from permits.core.calendar import office_calendar
from permits.core.clock import now_or
from permits.core.identity import clean_phone
from permits.core.models import AuditEvent
from permits.core.roles import LEADERS, user_roles
from permits.workflow.models import Applicant, Application

from .models import Correction, Pause, ReceivedDocument, Task
from .sla import humanize, sla_state, step_bound, time_left


@dataclass
class TaskView:
    """A task with its SLA figures computed for `now` (for queues and pages)."""

    task: Task
    left: timedelta
    sla: str  # on_time / due_soon / overdue
    left_label: str


def task_view(task: Task, now: datetime | None = None) -> TaskView:
    cal = office_calendar()
    now = now_or(now)
    left = time_left(cal, now, task.due_at)
    label = humanize(left, cal.day_length())
    return TaskView(
        task=task,
        left=left,
        sla=sla_state(cal, now, task.due_at, timedelta(seconds=task.bound_seconds)),
        left_label=label if left >= timedelta(0) else _("terlambat %(late)s") % {"late": label},
    )


def task_queue(user, *, permit_type: str = "", state: str = "", scope: str = "") -> QuerySet[Task]:
    """The caller's queue, most urgent first: own tasks plus unclaimed tasks of the caller's roles.

    Supervisors and the head see every active task with scope="all" (their section's queue).
    """
    roles = user_roles(user)
    qs = Task.objects.filter(state__in=Task.ACTIVE_STATES).select_related(
        "application__permit_type", "step", "assignee"
    )
    if not (scope == "all" and roles & LEADERS):
        qs = qs.filter(Q(assignee=user) | Q(assignee__isnull=True, role__in=roles))
    if permit_type:
        qs = qs.filter(application__permit_type__code=permit_type)
    if state in (Task.State.OPEN, Task.State.CLAIMED):
        qs = qs.filter(state=state)
    return qs.order_by("due_at", "id")


def application_queryset() -> QuerySet[Application]:
    return Application.objects.select_related("permit_type", "applicant", "registered_by")


def application_get(registration_number: str) -> Application | None:
    """An application by its registration number, for officers (None when there is none)."""
    return application_queryset().filter(registration_number=registration_number).first()


SEARCH_MIN_LENGTH = 3


def application_search(query: str) -> QuerySet[Application]:
    """Applications, newest first, whose applicant's name starts with `query` (any case), whose NIK is or
    starts with it, or whose phone is it (in any spelling clean_phone reads). Nothing for a query shorter
    than SEARCH_MIN_LENGTH. Every branch is a prefix or equality match on an indexed column (workflow
    migration 0005): a name search with "contains" would read the whole applicant table."""
    text = " ".join((query or "").split())
    if len(text) < SEARCH_MIN_LENGTH:
        return Application.objects.none()
    match = Q(name_lower__startswith=text.lower())
    if text.isdigit():
        match |= Q(nik__startswith=text)
    try:
        match |= Q(phone=clean_phone(text))
    except ValueError:
        pass  # not a phone number: the name and NIK branches still apply
    applicants = Applicant.objects.alias(name_lower=Lower("name")).filter(match).values("pk")
    return application_queryset().filter(applicant__in=applicants).order_by("-registered_at", "-pk")


def received_document_get(registration_number: str, document_id: int) -> ReceivedDocument | None:
    """One document received for the application with this number (None when it is another's, or none)."""
    return (
        ReceivedDocument.objects.select_related("requirement", "application")
        .filter(pk=document_id, application__registration_number=registration_number)
        .first()
    )


def application_tasks(app: Application) -> list[Task]:
    return list(app.tasks.select_related("step", "assignee", "finished_by").order_by("started_at", "id"))


def application_steps_public(app: Application) -> list[Task]:
    """The application's tasks with their steps, oldest first, for the public view (no officer joined)."""
    return list(app.tasks.select_related("step").order_by("started_at", "id"))


def current_task(app: Application) -> Task | None:
    return app.tasks.filter(state__in=Task.ACTIVE_STATES).select_related("step", "assignee").first()


def application_timeline(app: Application) -> list[AuditEvent]:
    """Every recorded event of the application, oldest first."""
    return list(
        AuditEvent.objects.filter(stream=Application.audit_stream(app.pk)).select_related("actor").order_by("seq")
    )


def application_pauses(app: Application) -> list[Pause]:
    return list(app.pauses.order_by("started_at"))


def corrections_awaiting_desk(limit: int = 50) -> list[dict]:
    """Returned files whose applicant sent corrections online since the return, oldest first: the front
    desk's to look at and resume. Each: the application, its corrections, and the documents they replaced."""
    apps = list(
        # Exists, not a join on corrections__pause__ended_at__isnull: the join's outer nulls would
        # match every returned file without a correction.
        Application.objects.filter(
            Exists(Correction.objects.filter(application=OuterRef("pk"), pause__ended_at__isnull=True)),
            status=Application.Status.RETURNED,
        )
        .select_related("permit_type")
        .order_by("pk")[:limit]
    )
    rows = []
    for app in apps:
        corrections = list(app.corrections.filter(pause__ended_at__isnull=True).order_by("received_at", "id"))
        codes = {code for c in corrections for code in c.items}
        documents = app.documents.select_related("requirement").filter(requirement__code__in=codes)
        rows.append(
            {
                "app": app,
                "corrections": corrections,
                "documents": list(documents),
                "received_at": corrections[-1].received_at,
            }
        )
    return rows


def application_corrections(app: Application) -> list:
    """Corrected documents the applicant sent online, oldest first."""
    return list(app.corrections.order_by("received_at", "id"))


@dataclass
class StepTime:
    """Working time spent on one step (all its tasks) against the step's bound."""

    step_name: str
    kind: str
    bound: timedelta
    spent: timedelta
    state: str
    over: bool


def application_step_times(app: Application, now: datetime | None = None) -> list[StepTime]:
    cal = office_calendar()
    now = now_or(now)
    rows: dict[int, StepTime] = {}
    for task in application_tasks(app):
        if task.state == Task.State.SKIPPED:
            spent = timedelta(0)
        elif task.finished_at:
            spent = timedelta(seconds=task.working_seconds or 0)
        else:
            spent = cal.working_time_between(task.started_at, now)
        row = rows.get(task.step_id)
        if row is None:
            row = rows[task.step_id] = StepTime(
                task.step.name, task.kind, step_bound(task.step), timedelta(0), task.state, False
            )
        row.spent += spent
        row.state = task.state
        row.over = row.spent > row.bound and task.state != Task.State.SKIPPED
    return list(rows.values())
