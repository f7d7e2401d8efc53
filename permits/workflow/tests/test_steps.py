"""The step-kind registry (permits/workflow/steps.py): every kind the catalogue offers has exactly one
handler, registered by the app that owns it, and owners are declared by the handlers."""

import pytest

from permits.catalog.models import Step
from permits.core.roles import HEAD, TREASURER
from permits.workflow import steps


def test_every_step_kind_of_the_catalogue_has_a_handler():
    assert steps.registered_kinds() == set(Step.Kind.values)


def test_each_kind_is_handled_by_the_app_that_owns_it():
    owner_app = {kind: type(steps.handler_for(kind)).__module__ for kind in Step.Kind.values}
    assert owner_app[Step.Kind.LEVY_ASSESSMENT] == owner_app[Step.Kind.PAYMENT] == "permits.levies.steps"
    assert owner_app[Step.Kind.SIGNING] == owner_app[Step.Kind.HANDOVER] == "permits.decrees.steps"
    assert {owner_app[k] for k in ("verification", "survey", "data_entry", "technical_review", "approval")} == {
        "permits.workflow.kinds"
    }


def test_only_the_money_and_signature_kinds_name_a_sole_owner():
    owners = {kind: steps.kind_owner(kind) for kind in Step.Kind.values}
    assert {k: v for k, v in owners.items() if v} == {
        "levy_assessment": TREASURER,
        "payment": TREASURER,
        "signing": HEAD,
    }


def test_a_second_app_cannot_take_over_a_kind():
    class Impostor(steps.StepHandler):
        kind = Step.Kind.PAYMENT

    with pytest.raises(RuntimeError, match="already handled"):
        steps.register(Impostor())
    assert type(steps.handler_for(Step.Kind.PAYMENT)).__name__ == "Payment"
    with pytest.raises(LookupError):
        steps.handler_for("no_such_kind")
