"""The step kinds the workflow app owns itself, registered in WorkflowConfig.ready() (steps.py explains the
registry; levies and decrees register theirs the same way)."""

from permits.catalog.models import PermitType, Step
from permits.catalog.rules import validate_object_data
from permits.catalog.selectors import rejection_reason_get

from . import payloads
from .services import audit_application, local_day, reject_application, survey_report_bounds
from .steps import Completion, StepHandler, register
from .transitions import Event

K = Step.Kind


class Verification(StepHandler):
    """The documents are checked; where the permit type lets it, the verifier decides whether to survey."""

    kind, outcome = K.VERIFICATION, "valid"

    def validate(self, *, task, application, payload, now):
        decided_here = application.permit_type.survey_policy == PermitType.SurveyPolicy.DECIDED_AT_VERIFICATION
        clean, errors = payloads.verification(payload, survey_decided_here=decided_here)
        return Completion(clean, errors, self.outcome)

    def after_finish(self, *, task, application, clean, actor, now):
        if "survey_required" in clean:
            application.survey_required = clean["survey_required"]
            application.save(update_fields=["survey_required", "updated_at"])
        return True


class Survey(StepHandler):
    """The field visit's report, dated between the scheduled visit and today."""

    kind = K.SURVEY

    def validate(self, *, task, application, payload, now):
        earliest, scheduled = survey_report_bounds(task)
        clean, errors = payloads.survey_report(
            payload,
            today=local_day(now),
            earliest=earliest,
            scheduled=scheduled,
            numbers=payloads.numeric_fields(application.permit_type.data_fields.all()),
        )
        return Completion(clean, errors, clean.get("result", ""))

    def before_finish(self, *, task, application, clean, actor, now):
        if task.state == task.State.OPEN:  # reported without claiming first: the reporter did the survey
            task.assignee = actor
        return {}


class DataEntry(StepHandler):
    """The object data as entered from the file (and the survey); it replaces the application's data."""

    kind, outcome = K.DATA_ENTRY, "entered"

    def validate(self, *, task, application, payload, now):
        fields = list(application.permit_type.data_fields.all())
        data, errors = validate_object_data(fields, payload.get("data") or {})
        return Completion({"data": data}, {f"data.{k}": v for k, v in errors.items()}, self.outcome)

    def after_finish(self, *, task, application, clean, actor, now):
        if clean["data"] != application.data:
            before = application.data
            application.data = clean["data"]
            application.save(update_fields=["data", "updated_at"])
            audit_application(
                application,
                actor,
                "application.data",
                before={"data": before},
                after={"data": application.data},
                now=now,
            )
        return True


class TechnicalReview(StepHandler):
    """The technical team recommends approval, or rejection with a listed reason (which rejects the file)."""

    kind = K.TECHNICAL_REVIEW

    def validate(self, *, task, application, payload, now):
        clean, errors = payloads.technical_review(payload)
        if clean.get("recommendation") == "reject" and not errors:
            if rejection_reason_get(application.permit_type_id, clean.get("reason_code", "")) is None:
                errors["reason_code"] = "Pilih alasan penolakan dari daftar."
        return Completion(clean, errors, clean.get("recommendation", ""))

    def after_finish(self, *, task, application, clean, actor, now):
        if clean["recommendation"] != "reject":
            return True
        reason = rejection_reason_get(application.permit_type_id, clean["reason_code"])
        reject_application(application, actor, now, reason, clean["reasons"])
        return False


class Approval(StepHandler):
    """The section head approves the file for signing."""

    kind, outcome, event = K.APPROVAL, "approved", Event.APPROVE

    def validate(self, *, task, application, payload, now):
        clean, errors = payloads.approval(payload)
        return Completion(clean, errors, self.outcome)


def register_workflow_kinds() -> None:
    for handler in (Verification(), Survey(), DataEntry(), TechnicalReview(), Approval()):
        register(handler)
