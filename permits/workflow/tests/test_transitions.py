import itertools

import pytest

from permits.workflow.models import Application
from permits.workflow.transitions import (
    ACTIVE,
    FINAL,
    TRANSITIONS,
    Event,
    Status,
    TransitionError,
    allowed_events,
    next_status,
)

EXPECTED = {
    ("registered", "start"): "in_process",
    ("registered", "return"): "returned",
    ("registered", "reject"): "rejected",
    ("registered", "withdraw"): "withdrawn",
    ("in_process", "return"): "returned",
    ("in_process", "await_payment"): "awaiting_payment",
    ("in_process", "approve"): "approved",
    ("in_process", "reject"): "rejected",
    ("in_process", "withdraw"): "withdrawn",
    ("in_process", "rework"): "in_process",
    ("returned", "resubmit"): "in_process",
    ("returned", "reject"): "rejected",
    ("returned", "withdraw"): "withdrawn",
    ("awaiting_payment", "paid"): "in_process",
    ("awaiting_payment", "reject"): "rejected",
    ("awaiting_payment", "withdraw"): "withdrawn",
    ("awaiting_payment", "rework"): "in_process",
    ("approved", "issue_decree"): "decree_issued",
    ("approved", "rework"): "in_process",
    ("decree_issued", "collect"): "collected",
}


@pytest.mark.parametrize("status, event", list(itertools.product(list(Status), list(Event))))
def test_every_status_event_pair_is_allowed_exactly_as_the_table_says(status, event):
    expected = EXPECTED.get((status.value, event.value))
    if expected is None:
        with pytest.raises(TransitionError):
            next_status(status, event)
    else:
        assert next_status(status, event) == expected


def test_final_states_allow_nothing():
    for status in FINAL:
        assert allowed_events(status) == set()


def test_every_non_final_state_can_reach_a_final_state():
    for start in Status:
        seen, todo = {start}, [start]
        while todo:
            s = todo.pop()
            for (a, _e), b in TRANSITIONS.items():
                if a == s and b not in seen:
                    seen.add(b)
                    todo.append(b)
        assert seen & FINAL, start


def test_statuses_match_the_application_model_choices():
    assert {s.value for s in Status} == set(Application.Status.values)
    assert ACTIVE.isdisjoint(FINAL)


def test_unknown_status_or_event_is_refused():
    with pytest.raises(TransitionError):
        next_status("lost", "start")
    with pytest.raises(TransitionError):
        next_status("registered", "teleport")
