"""Who reacts to what happened: every audit event, once written, is handed to the subscribers of its action.

The audit trail is the record of every change (core/audit.py), so it is also the one place other apps
learn of a change: notifications tells the applicant that the file was returned, monitoring could count
a step done, without the app that made the change knowing who listens (docs/ARCHITECTURE.md, "Events").
A subscriber runs inside the transaction that recorded the event, so what it writes (an outbox message)
commits or rolls back with the change itself; it must not send anything before commit.

Apps subscribe in their `AppConfig.ready()`; an action is the audit action (`application.return`,
`survey.schedule`, `levy.assessed`...). A subscriber gets the event and the live object it is about.
"""

from collections import defaultdict
from collections.abc import Callable

Subscriber = Callable[..., None]  # subscriber(event=AuditEvent, obj=the changed model instance)

_subscribers: dict[str, list[Subscriber]] = defaultdict(list)


def subscribe(action: str, subscriber: Subscriber) -> None:
    """React to every recorded event of `action` (idempotent: a second registration is ignored)."""
    if subscriber not in _subscribers[action]:
        _subscribers[action].append(subscriber)


def subscribers(action: str) -> tuple[Subscriber, ...]:
    return tuple(_subscribers.get(action, ()))


def publish(event, obj) -> None:
    """Hand a just-written audit event to its action's subscribers, in order of subscription."""
    for subscriber in _subscribers.get(event.action, ()):
        subscriber(event=event, obj=obj)
