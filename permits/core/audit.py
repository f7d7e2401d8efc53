"""Writing the audit trail. Called by services inside their transaction, never by views."""

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from .models import AuditEvent


def _canonical(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(event: AuditEvent) -> str:
    """The hash that chains `event` to its predecessor; any edit of a field changes it."""
    payload = {
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object": [event.object_type, event.object_id],
        "stream": event.stream,
        "seq": event.seq,
        "before": event.before,
        "after": event.after,
        "note": event.note,
        "prev": event.prev_hash,
    }
    return hashlib.sha256(_canonical(payload).encode()).hexdigest()


def _jsonable(value: Any) -> Any:
    return None if value is None else json.loads(_canonical(value))


def audit_record(
    *,
    actor,
    action: str,
    obj,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    stream: str | None = None,
    actor_label: str = "",
    at=None,
) -> AuditEvent:
    """Append one event to the object's stream (or `stream`). Must run inside the caller's atomic block.

    The caller holds a row lock on the object it changes, so the stream's tail is stable here;
    the unique (stream, seq) constraint is the backstop if it is not.
    """
    object_type = obj._meta.label_lower if hasattr(obj, "_meta") else str(type(obj).__name__).lower()
    object_id = str(getattr(obj, "pk", obj))
    stream = stream or f"{object_type}:{object_id}"
    last = AuditEvent.objects.filter(stream=stream).order_by("-seq").only("seq", "hash").first()
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        at=at or timezone.now(),  # an explicit instant only for demo data and tests (time travel)
        actor=user,
        actor_label=actor_label or (user.get_username() if user else "sistem"),
        action=action,
        object_type=object_type,
        object_id=object_id,
        stream=stream,
        seq=(last.seq + 1) if last else 1,
        before=_jsonable(before),
        after=_jsonable(after),
        note=note,
        prev_hash=last.hash if last else "",
    )
    event.hash = event_hash(event)
    event.save(force_insert=True)
    return event
