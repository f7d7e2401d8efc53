"""The decree's two step kinds, registered with the workflow engine in DecreesConfig.ready() (see
permits/workflow/steps.py): signing numbers and signs the decree (the head's act alone); handover records
who collected it, with the identity checks of services.decree_handover_record."""

from permits.catalog.models import Step
from permits.core.roles import HEAD
from permits.workflow import payloads
from permits.workflow.steps import Completion, StepHandler, register
from permits.workflow.transitions import Event

from . import services

K = Step.Kind


class Signing(StepHandler):
    kind, outcome, owner_role, event = K.SIGNING, "signed", HEAD, Event.ISSUE_DECREE

    def validate(self, *, task, application, payload, now):
        clean, errors = payloads.signing(payload)
        return Completion(clean, errors, self.outcome)

    def after_finish(self, *, task, application, clean, actor, now):
        services.decree_issue(application=application, actor=actor, now=now)
        return True


class Handover(StepHandler):
    kind, outcome, event = K.HANDOVER, "collected", Event.COLLECT

    def validate(self, *, task, application, payload, now):
        clean, errors = payloads.handover(payload)
        return Completion(clean, errors, self.outcome)

    def after_finish(self, *, task, application, clean, actor, now):
        services.decree_handover_record(application=application, actor=actor, payload=clean, now=now)
        return True


def register_decree_kinds() -> None:
    register(Signing())
    register(Handover())
