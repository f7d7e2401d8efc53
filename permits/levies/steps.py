"""The levy's two step kinds, registered with the workflow engine in LeviesConfig.ready() (see
permits/workflow/steps.py): issuing the SKRD opens its bill; a payment step finished by hand is the
treasurer's counter payment. Both are the treasurer's act alone."""

from permits.catalog.models import Step
from permits.core.roles import TREASURER
from permits.workflow import payloads
from permits.workflow.steps import Completion, StepHandler, latest_payload, register
from permits.workflow.transitions import Event

from . import services

K = Step.Kind


class LevyAssessment(StepHandler):
    """The SKRD: the tariff's lines (or the treasurer's adjusted ones), its number and its bill."""

    kind, outcome, owner_role = K.LEVY_ASSESSMENT, "assessed", TREASURER

    def validate(self, *, task, application, payload, now):
        clean, errors = services.levy_payload_validate(application=application, payload=payload, now=now)
        return Completion(clean, errors, self.outcome)

    def before_finish(self, *, task, application, clean, actor, now):
        return services.assessment_create(task=task, app=application, clean=clean, actor=actor, now=now)


class Payment(StepHandler):
    """The bill paid: by the bank (services.payment_post, which finishes this step) or at the counter."""

    kind, outcome, owner_role, event = K.PAYMENT, "paid", TREASURER, Event.PAID

    def validate(self, *, task, application, payload, now):
        # the amount due today (bill_payability: with the sanction after the due date), else the assessed total
        expected = services.amount_due_today(application, now) or latest_payload(application, K.LEVY_ASSESSMENT).get(
            "total"
        )
        clean, errors = payloads.payment(payload, expected_total=expected)
        return Completion(clean, errors, self.outcome)

    def before_finish(self, *, task, application, clean, actor, now):
        return services.teller_payment_for_step(app=application, clean=clean, actor=actor, now=now)


def register_levy_kinds() -> None:
    register(LevyAssessment())
    register(Payment())
