"""Workflow API: the work queue and every action on a task or an application (same as the pages).

Thin: typed input, one service call, the task or the application detail back. Who may call each
operation is the access table's (permits/core/access.py), checked by the API's authentication before
the operation runs; which task a caller may act on, and what a step's payload must hold, live in
services.py and payloads.py only; the payload schemas below document them in OpenAPI and do not
validate.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field, PlainValidator

from permits.catalog.models import Step
from permits.core.api import ErrorOut, PageIn, officer_auth
from permits.core.errors import Forbidden, Invalid, NotFound
from permits.core.roles import LEADERS, has_role

from . import services
from .schemas import ApplicationOut, TaskOut, application_out, task_out
from .selectors import application_get, task_queue

router = Router(tags=["tasks"], auth=officer_auth)

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- what each step kind's payload holds (documentation; payloads.py validates) ----------------


def _example(**example) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [example]})


class VerificationPayload(Schema):
    """Kind `verification`: the documents are valid (invalid ones are returned or rejected instead)."""

    documents_valid: bool = Field(description="must be true; otherwise use /return or /reject")
    survey_required: bool | None = Field(
        None, description="required when the permit type's survey_policy is `verification`; ignored otherwise"
    )
    notes: str = Field("", max_length=4000)
    model_config = _example(documents_valid=True, survey_required=True, notes="")


class SurveyReportPayload(Schema):
    """Kind `survey`: the field visit's report (schedule the visit first with /schedule)."""

    visit_date: date = Field(description="the day of the visit: not after today, not before the scheduled day")
    findings: str = Field(max_length=4000)
    result: Literal["pass", "fail"]
    measurements: dict[str, str | Decimal] = Field(
        default_factory=dict, description="name -> number (decimal comma accepted); feeds the levy"
    )
    latitude: str | Decimal | None = Field(None, description="-90..90, optional")
    longitude: str | Decimal | None = Field(None, description="-180..180, optional")
    model_config = _example(
        visit_date="2026-11-25",
        findings="Bangunan sesuai gambar rencana",
        result="pass",
        measurements={"luas": "121,5"},
        latitude="-6.595",
        longitude="106.816",
    )


class DataEntryPayload(Schema):
    """Kind `data_entry`: the permit data the decree will carry, checked against the permit type's fields."""

    data: dict[str, Any] = Field(
        description="object data by field code (see `data_fields` of GET /permit-types); errors come as `data.<code>`"
    )
    model_config = _example(data={"luas": "121.5", "lantai": 2, "fungsi": "Hunian"})


class TechnicalReviewPayload(Schema):
    """Kind `technical_review`: recommend approval, or rejection (final) with a listed reason."""

    recommendation: Literal["approve", "reject"]
    reasons: str = Field(max_length=4000)
    reason_code: str = Field(
        "", max_length=40, description="required with `reject`: a rejection reason code of the permit type"
    )
    model_config = _example(recommendation="approve", reasons="Memenuhi persyaratan teknis")


class LevyLine(Schema):
    description: str = Field(max_length=250)
    amount: str | int = Field(description='whole rupiah > 0, e.g. 1250000 or "1.250.000"')


class LevyAssessmentPayload(Schema):
    """Kind `levy_assessment`: the levy lines (SKRD); the total is computed."""

    lines: list[LevyLine] = Field(min_length=1)
    model_config = _example(lines=[{"description": "Retribusi PBG", "amount": "1.250.000"}])


class PaymentPayload(Schema):
    """Kind `payment`: the payment received, equal to the assessed total."""

    reference: str = Field(max_length=100, description="bank or cash receipt reference")
    amount: str | int = Field(description="whole rupiah, equal to the assessed total")
    model_config = _example(reference="BANK-REF-0001", amount=1250000)


class ApprovalPayload(Schema):
    """Kind `approval`: approve (to refuse use /reject with a reason)."""

    decision: Literal["approve"] = "approve"
    notes: str = Field("", max_length=4000)
    model_config = _example(decision="approve", notes="")


class SigningPayload(Schema):
    """Kind `signing`: the decree is signed."""

    notes: str = Field("", max_length=4000)
    model_config = _example(notes="")


class HandoverPayload(Schema):
    """Kind `handover`: who collected the decree."""

    collected_by: str = Field(max_length=200)
    relation: Literal["holder", "representative"] = "holder"
    id_number: str = Field(
        max_length=40, description="NIK shown: the holder's own (holder), or the representative's own (representative)"
    )
    authorisation_letter: bool | None = Field(None, description="required (and true) for a representative")
    model_config = _example(collected_by="Siti Nur'aini", relation="holder", id_number="3271046504870002")


PAYLOAD_SCHEMAS: dict[str, type[Schema]] = {
    Step.Kind.VERIFICATION: VerificationPayload,
    Step.Kind.SURVEY: SurveyReportPayload,
    Step.Kind.DATA_ENTRY: DataEntryPayload,
    Step.Kind.TECHNICAL_REVIEW: TechnicalReviewPayload,
    Step.Kind.LEVY_ASSESSMENT: LevyAssessmentPayload,
    Step.Kind.PAYMENT: PaymentPayload,
    Step.Kind.APPROVAL: ApprovalPayload,
    Step.Kind.SIGNING: SigningPayload,
    Step.Kind.HANDOVER: HandoverPayload,
}
_PAYLOAD_DOC = "The step kind's data; its schema by the task's `kind`: " + "; ".join(
    f"`{kind}` -> {schema.__name__}" for kind, schema in PAYLOAD_SCHEMAS.items()
)


def _as_sent(value):
    return value


# Documented as the union of the kinds' schemas; taken as sent, for payloads.py to validate (a
# pydantic error here would come back in English only, under a field name the handler drops).
_ANY_KIND = (
    VerificationPayload
    | SurveyReportPayload
    | DataEntryPayload
    | TechnicalReviewPayload
    | LevyAssessmentPayload
    | PaymentPayload
    | ApprovalPayload
    | SigningPayload
    | HandoverPayload
)
StepPayload = Annotated[dict[str, Any], PlainValidator(_as_sent, json_schema_input_type=_ANY_KIND)]


# --- inputs -------------------------------------------------------------------------------------

VERSION_DOC = "the task's `version` as last read; 409 `stale` when it changed meanwhile"


class ClaimIn(Schema):
    version: int | None = Field(None, description=VERSION_DOC)


class AssignIn(Schema):
    assignee: str = Field(description="username of an officer holding the task's role")


class ScheduleIn(Schema):
    visit_date: str = Field(
        description="YYYY-MM-DD, from today to the permit type's service standard (working days) from today",
        examples=["2026-11-25"],
    )
    note: str = Field("", description="up to 500 characters")
    version: int | None = Field(None, description=VERSION_DOC)


class CompleteIn(Schema):
    payload: StepPayload = Field(default_factory=dict, description=_PAYLOAD_DOC)
    notes: str = ""
    version: int | None = Field(None, description=VERSION_DOC)


class ReturnIn(Schema):
    items: list[str] = Field(description="what the applicant must bring or fix (at least one)")
    note: str = ""
    version: int | None = Field(None, description=VERSION_DOC)


class RejectIn(Schema):
    reason_code: str = Field(description="a rejection reason code of the permit type (or a general one)")
    text: str = Field("", description="free text shown to the applicant")
    version: int | None = Field(None, description=VERSION_DOC)


class NoteIn(Schema):
    note: str = ""


class ReworkIn(Schema):
    step: str = Field(description="code of an earlier step to send the file back to")
    note: str = Field(description="why (required)")


class TaskPage(Schema):
    count: int
    items: list[TaskOut]


# --- the queue ----------------------------------------------------------------------------------


@router.get("/tasks", response={200: TaskPage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
def tasks_queue(
    request,
    page: Query[PageIn],
    permit_type: str = "",
    state: Literal["open", "claimed"] | None = None,
    scope: Literal["mine", "all"] = Query("mine", description="`all`: every active task (supervisors, head)"),
):
    """The caller's queue, most urgent first: own tasks plus unclaimed tasks of the caller's roles."""
    if scope == "all" and not has_role(request.user, *LEADERS):
        raise Forbidden(_l("Hanya kepala bidang/seksi yang melihat semua tugas."))
    qs = task_queue(request.user, permit_type=permit_type, state=state or "", scope=scope)
    now = timezone.now()
    return {"count": qs.count(), "items": [task_out(t, now) for t in page.window(qs)]}


# --- actions on a task --------------------------------------------------------------------------


def _answer(task) -> dict:
    task.refresh_from_db()  # an action may have changed it through another query (a rejection cancels it)
    return task_out(task)


@router.post("/tasks/{task_id}/claim", response={200: TaskOut, **ERRORS})
def task_claim(request, task_id: int, body: ClaimIn | None = None):
    """Take an open task of one's role. Of two officers claiming at once, one wins; the other gets 409."""
    version = body.version if body else None
    return _answer(services.task_claim(actor=request.user, task_id=task_id, version=version))


@router.post("/tasks/{task_id}/assign", response={200: TaskOut, **ERRORS})
def task_assign(request, task_id: int, body: AssignIn):
    """(Re)assign a task to an officer holding its role (supervisors, head)."""
    assignee = get_user_model().objects.filter(username=body.assignee).first()
    return _answer(services.task_assign(actor=request.user, task_id=task_id, assignee=assignee))


@router.post("/tasks/{task_id}/schedule", response={200: TaskOut, **ERRORS})
def task_schedule(request, task_id: int, body: ScheduleIn):
    """Set the date of a survey's field visit (the applicant is told). The report comes with /complete."""
    task = services.task_schedule_survey(
        actor=request.user,
        task_id=task_id,
        payload={"visit_date": body.visit_date, "note": body.note},
        version=body.version,
    )
    return _answer(task)


@router.post("/tasks/{task_id}/complete", response={200: TaskOut, **ERRORS})
def task_complete(request, task_id: int, body: CompleteIn):
    """Finish a step with its kind's `payload`; the next step opens (or the application's state moves on).

    The payload's schema depends on the task's `kind` (see CompleteIn.payload). A payload that does
    not hold answers 422 with `fields` naming each field (`data.<code>` for data entry).
    """
    if not isinstance(body.payload, dict):
        raise Invalid({"payload": "Harus berupa objek JSON."})
    task = services.task_complete(
        actor=request.user, task_id=task_id, payload=body.payload, notes=body.notes, version=body.version
    )
    return _answer(task)


@router.post("/tasks/{task_id}/return", response={200: TaskOut, **ERRORS})
def task_return(request, task_id: int, body: ReturnIn):
    """Return the file to the applicant with what to fix: the SLA clock pauses until /resubmit."""
    pause = services.task_return(
        actor=request.user, task_id=task_id, items=body.items, note=body.note, version=body.version
    )
    return _answer(pause.task)


@router.post("/tasks/{task_id}/reject", response={200: TaskOut, **ERRORS})
def task_reject(request, task_id: int, body: RejectIn):
    """Refuse the application (final) with a listed reason and free text shown to the applicant."""
    task = services.task_reject(
        actor=request.user, task_id=task_id, reason_code=body.reason_code, text=body.text, version=body.version
    )
    return _answer(task)


# --- actions on an application ------------------------------------------------------------------


def _act_on_application(request, registration_number: str, service, **kwargs) -> dict:
    """The lookup (the caller's role was checked before, 403 whether or not the number exists), the one
    service call (which checks the role again), and the application's detail back."""
    app = application_get(registration_number)
    if app is None:
        raise NotFound(_l("Permohonan"))
    service(actor=request.user, application_id=app.pk, **kwargs)
    return application_out(application_get(registration_number))


@router.post("/applications/{registration_number}/resubmit", response={200: ApplicationOut, **ERRORS})
def application_resubmit(request, registration_number: str, body: NoteIn):
    """The applicant brought the corrections (front desk): the clock resumes, the promised date moves by the pause."""
    return _act_on_application(request, registration_number, services.application_resubmit, note=body.note)


@router.post("/applications/{registration_number}/rework", response={200: ApplicationOut, **ERRORS})
def application_rework(request, registration_number: str, body: ReworkIn):
    """Send the file back to an earlier step (supervisors, head); recorded with its reason."""
    return _act_on_application(
        request, registration_number, services.application_rework, step_code=body.step, note=body.note
    )


@router.post("/applications/{registration_number}/withdraw", response={200: ApplicationOut, **ERRORS})
def application_withdraw(request, registration_number: str, body: NoteIn):
    """The applicant withdraws the application (front desk, supervisors); the note is required."""
    return _act_on_application(request, registration_number, services.application_withdraw, note=body.note)
