"""The application's states and the only transitions allowed between them (pure Python).

Every status change in the system goes through `next_status`; the table is tested exhaustively.
"""

from enum import StrEnum


class Status(StrEnum):
    REGISTERED = "registered"
    IN_PROCESS = "in_process"
    RETURNED = "returned"
    AWAITING_PAYMENT = "awaiting_payment"
    APPROVED = "approved"
    REJECTED = "rejected"
    DECREE_ISSUED = "decree_issued"
    COLLECTED = "collected"
    WITHDRAWN = "withdrawn"


class Event(StrEnum):
    START = "start"  # the first step is taken up
    RETURN = "return"  # returned to the applicant for correction (the SLA clock pauses)
    RESUBMIT = "resubmit"  # the applicant brought the corrections
    AWAIT_PAYMENT = "await_payment"  # levy assessed, payment step opened
    PAID = "paid"
    APPROVE = "approve"
    REJECT = "reject"
    ISSUE_DECREE = "issue_decree"
    COLLECT = "collect"
    WITHDRAW = "withdraw"
    REWORK = "rework"  # a supervisor sends the file back to an earlier step


S, E = Status, Event
TRANSITIONS: dict[tuple[Status, Event], Status] = {
    (S.REGISTERED, E.START): S.IN_PROCESS,
    (S.REGISTERED, E.RETURN): S.RETURNED,
    (S.REGISTERED, E.REJECT): S.REJECTED,
    (S.REGISTERED, E.WITHDRAW): S.WITHDRAWN,
    (S.IN_PROCESS, E.RETURN): S.RETURNED,
    (S.IN_PROCESS, E.AWAIT_PAYMENT): S.AWAITING_PAYMENT,
    (S.IN_PROCESS, E.APPROVE): S.APPROVED,
    (S.IN_PROCESS, E.REJECT): S.REJECTED,
    (S.IN_PROCESS, E.WITHDRAW): S.WITHDRAWN,
    (S.IN_PROCESS, E.REWORK): S.IN_PROCESS,
    (S.RETURNED, E.RESUBMIT): S.IN_PROCESS,
    (S.RETURNED, E.REJECT): S.REJECTED,
    (S.RETURNED, E.WITHDRAW): S.WITHDRAWN,
    (S.AWAITING_PAYMENT, E.PAID): S.IN_PROCESS,
    (S.AWAITING_PAYMENT, E.REJECT): S.REJECTED,
    (S.AWAITING_PAYMENT, E.WITHDRAW): S.WITHDRAWN,
    (S.AWAITING_PAYMENT, E.REWORK): S.IN_PROCESS,
    (S.APPROVED, E.ISSUE_DECREE): S.DECREE_ISSUED,
    (S.APPROVED, E.REWORK): S.IN_PROCESS,
    (S.DECREE_ISSUED, E.COLLECT): S.COLLECTED,
}
FINAL: frozenset[Status] = frozenset({S.REJECTED, S.COLLECTED, S.WITHDRAWN})
# States in which officers may act on the application's tasks.
ACTIVE: frozenset[Status] = frozenset({S.REGISTERED, S.IN_PROCESS, S.AWAITING_PAYMENT, S.APPROVED, S.DECREE_ISSUED})


class TransitionError(ValueError):
    def __init__(self, status: str, event: str):
        super().__init__(f"cannot {event} an application that is {status}")
        self.status, self.event = status, event


def next_status(status: str, event: str) -> Status:
    """The status after `event`, or TransitionError when the table does not allow it."""
    try:
        return TRANSITIONS[(Status(status), Event(event))]
    except (KeyError, ValueError):
        raise TransitionError(status, event) from None


def allowed_events(status: str) -> set[Event]:
    return {e for (s, e) in TRANSITIONS if s == status}
