"""How tasks look in the JSON API: shared by the tasks API and the application detail.

The application detail (`ApplicationOut`) lives here with the task shapes it embeds: the front desk's API
(permits/intake/api.py) and the tasks API both answer with it.
"""

from datetime import date, datetime

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from permits.core.clock import now_or
from permits.workflow.models import Application

from .models import Task
from .selectors import application_tasks, task_view
from .sla import ON_TIME, OVERDUE

SLA_DOC = "on_time / due_soon / overdue (finished tasks: whether they finished by due_at)"


class TaskOut(Schema):
    """A task in the caller's queue or as an action's answer."""

    id: int
    application: str = Field(description="registration number")
    permit_type: str = Field(description="permit type code")
    step: str = Field(description="step code")
    step_name: str
    kind: str
    role: str
    state: str = Field(description="open, claimed, done, skipped, returned, cancelled")
    assignee: str | None = Field(description="username")
    started_at: datetime
    due_at: datetime
    sla: str = Field(description=SLA_DOC)
    time_left_seconds: int | None = Field(description="working time left; negative when overdue; null once finished")
    version: int = Field(description="send it back with an action to refuse acting on a task changed meanwhile")


class ApplicationTaskOut(Schema):
    """A task in the application detail (the whole history, oldest first)."""

    id: int
    step: str
    step_name: str
    kind: str
    role: str
    state: str
    assignee: str | None
    started_at: datetime
    due_at: datetime
    finished_at: datetime | None
    outcome: str
    sla: str = Field(description=SLA_DOC)
    version: int


class RejectionOut(Schema):
    code: str
    text: str
    note: str


def task_out(task: Task, now: datetime | None = None) -> dict:
    """Every field of both task shapes (each schema keeps its own)."""
    if task.is_active:
        view = task_view(task, now)
        sla, left = view.sla, int(view.left.total_seconds())
    else:
        sla, left = (OVERDUE if task.finished_at and task.finished_at > task.due_at else ON_TIME), None
    return {
        "id": task.pk,
        "application": task.application.registration_number,
        "permit_type": task.application.permit_type.code,
        "step": task.step.code,
        "step_name": task.step.name,
        "kind": task.kind,
        "role": task.role,
        "state": task.state,
        "assignee": task.assignee.get_username() if task.assignee else None,
        "started_at": task.started_at,
        "due_at": task.due_at,
        "finished_at": task.finished_at,
        "outcome": task.outcome,
        "sla": sla,
        "time_left_seconds": left,
        "version": task.version,
    }


def application_workflow_out(app: Application, now: datetime | None = None) -> dict:
    """The workflow part of the application detail: tasks, current task, pause and rejection figures."""
    now = now_or(now)
    tasks = application_tasks(app)
    for task in tasks:
        task.application = app  # already loaded: no query per task
    current = next((t for t in tasks if t.is_active), None)
    reason = app.rejection_reason
    return {
        "tasks": [task_out(t, now) for t in tasks],
        "current_task": task_out(current, now) if current else None,
        "survey_required": app.survey_required,
        "return_items": list(app.return_items or []),
        "rejection": (
            {"code": reason.code, "text": reason.text, "note": app.rejection_note} if reason is not None else None
        ),
        "paused_seconds": app.paused_seconds,
    }


class ApplicantOut(Schema):
    kind: str
    name: str
    nik: str
    foreign_id_type: str
    foreign_id: str
    nib: str
    company_name: str
    phone: str
    email: str
    address: str
    channel: str


class ApplicationOut(Schema):
    registration_number: str
    permit_type: str
    permit_type_name: str
    status: str
    status_label: str
    registered_at: datetime
    promised_completion_date: date
    promised_completion_at: datetime
    returns_count: int
    applicant: ApplicantOut
    data: dict
    documents_received: list[str]
    tasks: list[ApplicationTaskOut]
    current_task: ApplicationTaskOut | None
    survey_required: bool | None
    return_items: list[str]
    rejection: RejectionOut | None
    paused_seconds: int


def application_out(app) -> dict:
    a = app.applicant
    return {
        "registration_number": app.registration_number,
        "permit_type": app.permit_type.code,
        "permit_type_name": app.permit_type.name_id,
        "status": app.status,
        "status_label": app.get_status_display(),
        "registered_at": app.registered_at,
        "promised_completion_date": timezone.localtime(app.promised_completion_at).date(),
        "promised_completion_at": app.promised_completion_at,
        "returns_count": app.returns_count,
        "applicant": {
            "kind": a.kind,
            "name": a.name,
            "nik": a.nik,
            "foreign_id_type": a.foreign_id_type,
            "foreign_id": a.foreign_id,
            "nib": a.nib,
            "company_name": a.company_name,
            "phone": a.phone,
            "email": a.email,
            "address": a.address,
            "channel": a.channel,
        },
        "data": app.data,
        "documents_received": [d.requirement.code for d in app.documents.select_related("requirement")],
        **application_workflow_out(app),
    }
