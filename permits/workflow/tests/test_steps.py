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


def test_a_kinds_latest_payload_is_read_in_one_place_only():
    """ "The payload of the newest finished step of kind X" has one home, steps.latest_payload (newest by
    finished_at, then by id): the SKRD total the payment expects, the survey's measurements the tariff
    reads, the amount the payment message names, the payment form's default all agree."""
    from pathlib import Path

    root = Path(steps.__file__).resolve().parents[1]
    readers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and 'values_list("payload"' in path.read_text(encoding="utf-8")
    )
    assert readers == ["workflow/steps.py"]
