"""What finishing a step of each kind means: one handler per step kind, registered by the app that owns it.

The engine (`services.task_complete`) asks the handler of the task's kind to validate the officer's data,
lets it act inside the completing transaction, then records the step and moves the application on. It
never imports the apps whose steps it runs: workflow registers its own kinds (verification, survey, data
entry, technical review, approval) in kinds.py; levies registers `levy_assessment` and `payment`, decrees
`signing` and `handover`, each from its `AppConfig.ready()` (as Open Forms registers payment plugins).

A handler also declares who acts on its steps: `owner_role` names the one role that alone may act (nobody
stands in for the treasurer's assessment and payments or the head's signature); without it the step's own
role acts and leaders may stand in (services.task_may_act).
"""

import datetime
from dataclasses import dataclass

from .models import Application, Task
from .transitions import Event


@dataclass(frozen=True)
class Completion:
    """A step's validated data: `clean` is kept in the task's payload (and its audit event); `errors` maps
    a field to its message (none: valid); `outcome` names how the step ended."""

    clean: dict
    errors: dict
    outcome: str


class StepHandler:
    """How steps of one kind finish. Subclasses set `kind` and override what their kind needs."""

    kind: str = ""
    owner_role: str | None = None  # the only role that may act on this kind's steps (None: the step's role)
    event: Event | None = None  # the application's status change when such a step is completed
    outcome: str = ""

    def validate(self, *, task: Task, application: Application, payload: dict, now: datetime.datetime) -> Completion:
        return Completion({}, {}, self.outcome)

    def before_finish(self, *, task: Task, application: Application, clean: dict, actor, now) -> dict:
        """Act before the step is recorded (same transaction); what it returns joins the step's payload."""
        return {}

    def after_finish(self, *, task: Task, application: Application, clean: dict, actor, now) -> bool:
        """Act once the step is recorded, before the application moves on. False: the handler has closed the
        file itself (a rejection), so no status change and no next step follow."""
        return True


_handlers: dict[str, StepHandler] = {}


def register(handler: StepHandler) -> None:
    """Make `handler` the one for its kind (called from an AppConfig.ready(); a second app claiming a kind
    another app already handles is a programming error)."""
    current = _handlers.get(handler.kind)
    if current is not None and type(current) is not type(handler):
        raise RuntimeError(f"step kind {handler.kind!r} is already handled by {type(current).__name__}")
    _handlers[handler.kind] = handler


def handler_for(kind: str) -> StepHandler:
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"no handler registered for step kind {kind!r} (is its app installed?)") from None


def registered_kinds() -> set[str]:
    return set(_handlers)


def kind_owner(kind: str) -> str | None:
    """The one role that may act on steps of `kind`, when its handler declares one."""
    handler = _handlers.get(kind)
    return handler.owner_role if handler else None


def latest_payload(application: Application, kind: str) -> dict:
    """The payload of the application's most recently finished step of `kind` (empty when there is none):
    the one reading of "what the last assessment / survey / review said" for every app."""
    return (
        Task.objects.filter(application=application, kind=kind, state=Task.State.DONE)
        .order_by("-finished_at", "-pk")
        .values_list("payload", flat=True)
        .first()
    ) or {}
