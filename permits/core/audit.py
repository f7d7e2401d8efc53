"""Writing and verifying the audit trail. Services call audit_record inside their transaction, never
views; `manage.py audit_verify` calls audit_verify to walk every chain."""

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max, Q
from django.utils import timezone

from .events import publish
from .models import AuditEvent


def _canonical(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(event: AuditEvent) -> str:
    """The hash that chains `event` to its predecessor; any edit of a field changes it."""
    payload = {
        # In UTC whatever zone the instant was given in: the database hands it back in UTC.
        "at": event.at.astimezone(datetime.UTC).isoformat(),
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


def audit_type(model) -> str:
    """How the audit trail names a model (or an instance's model): `app_label.modelname`, unless the model
    declares `audit_type`, the name its events have carried since before it moved to another app (chained
    events cannot be renamed, so the name outlives the move)."""
    return getattr(model, "audit_type", None) or model._meta.label_lower


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
    object_type = audit_type(obj) if hasattr(obj, "_meta") else str(type(obj).__name__).lower()
    object_id = str(getattr(obj, "pk", obj))
    stream = stream or f"{object_type}:{object_id}"  # see stream_prefix
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
    publish(event, obj)
    return event


def audit_record_many(events: list[dict], *, actor_label: str, at) -> list[AuditEvent]:
    """`audit_record(actor=None, actor_label=, action=, obj=, after=, stream=, at=)` for each event,
    in order, chained per stream exactly as one call at a time would. The caller holds the row
    locks that keep each stream's tail stable (see `audit_record`)."""
    streams = {e["stream"] for e in events}
    tails: dict[str, tuple[int, str]] = {}
    last = AuditEvent.objects.filter(stream__in=streams).values_list("stream").annotate(seq=Max("seq")).order_by()
    which = Q(pk__in=[])
    for stream, seq in last:
        which |= Q(stream=stream, seq=seq)
    for stream, seq, digest in AuditEvent.objects.filter(which).values_list("stream", "seq", "hash"):
        tails[stream] = (seq, digest)
    rows = []
    for e in events:
        obj, stream = e["obj"], e["stream"]
        seq, prev = tails.get(stream, (0, ""))
        event = AuditEvent(
            at=at,
            actor=None,
            actor_label=actor_label,
            action=e["action"],
            object_type=audit_type(obj),
            object_id=str(obj.pk),
            stream=stream,
            seq=seq + 1,
            before=None,
            after=_jsonable(e.get("after")),
            note="",
            prev_hash=prev,
        )
        event.hash = event_hash(event)
        tails[stream] = (event.seq, event.hash)
        rows.append(event)
    AuditEvent.objects.bulk_create(rows)
    for event, e in zip(rows, events, strict=True):
        publish(event, e["obj"])  # the subscribers hear a bulk write as they hear single ones
    return rows


def stream_prefix(model) -> str:
    """The start of the default stream name of `model`'s rows: the row's own stream is this + its pk."""
    return f"{audit_type(model)}:"


# --- verifying the chains ---------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first broken link of one stream: which event, and what is wrong with it.

    kind: `edited` (the row no longer matches its hash, or the predecessor it names was altered and
    re-hashed), `deleted` (a seq is missing before this event), `reordered` (the predecessor it names
    sits elsewhere in the stream).
    """

    stream: str
    seq: int
    event_id: int | None  # None when the event named is missing altogether
    kind: str
    detail: str

    def __str__(self) -> str:
        where = f"event id {self.event_id}" if self.event_id is not None else "no event"
        return f"{self.stream} seq {self.seq} ({where}): {self.kind}: {self.detail}"


def _check_link(event: AuditEvent, prev: AuditEvent | None) -> Break | None:
    """Check one event against its predecessor in the walk (None for the first of its stream)."""
    stream = event.stream
    if event.hash != event_hash(event):
        return Break(stream, event.seq, event.pk, "edited", "the row does not match its hash (changed after writing)")
    expected_seq = prev.seq + 1 if prev is not None else 1
    if event.seq != expected_seq:
        missing = str(expected_seq) if event.seq == expected_seq + 1 else f"{expected_seq}..{event.seq - 1}"
        return Break(stream, event.seq, event.pk, "deleted", f"seq {missing} missing before this event")
    if event.prev_hash == (prev.hash if prev is not None else ""):
        return None
    named = None
    if event.prev_hash:
        named = AuditEvent.objects.filter(stream=stream, hash=event.prev_hash).values_list("seq", flat=True).first()
    if named is not None:
        detail = f"its recorded predecessor is seq {named}, not seq {event.seq - 1}"
        return Break(stream, event.seq, event.pk, "reordered", detail)
    if prev is None:
        detail = "the first event left names a predecessor: the events before it were deleted and renumbered"
        return Break(stream, event.seq, event.pk, "deleted", detail)
    detail = (
        f"the predecessor it recorded is gone: seq {prev.seq} (event id {prev.pk}) was altered and re-hashed, "
        "or deleted and the stream renumbered"
    )
    return Break(stream, event.seq, event.pk, "edited", detail)


Anchors = dict[str, tuple[int, str]]  # stream -> (seq, hash) of its newest event, as kept elsewhere


def audit_verify(
    streams: Iterable[str] | None = None,
    *,
    anchors: Anchors | None = None,
    on_head: Callable[[str, int, str], None] | None = None,
    chunk_size: int = 2000,
) -> list[Break]:
    """Recompute every hash and check every link; the first broken link of each broken stream.

    Reads the events in (stream, seq) order in chunks (the unique (stream, seq) index serves the
    order) holding only the previous event, so memory stays flat however long the trail is.
    The chain alone cannot show that the newest events of a stream, or a whole stream, were
    removed: `anchors` (heads kept from an earlier run, see `on_head` and `audit_verify --heads`)
    catch that. `on_head(stream, seq, hash)` is called with the newest event of each intact stream.
    """
    qs = AuditEvent.objects.order_by("stream", "seq")
    if streams is not None:
        streams = list(streams)
        qs = qs.filter(stream__in=streams)
        anchors = {k: v for k, v in (anchors or {}).items() if k in streams}
    anchors = dict(anchors or {})
    breaks: list[Break] = []

    def stream_end(last: AuditEvent) -> None:
        anchor = anchors.pop(last.stream, None)
        if anchor is not None and anchor[0] > last.seq:
            detail = f"the kept head is seq {anchor[0]}: seq {last.seq + 1}..{anchor[0]} were removed"
            breaks.append(Break(last.stream, last.seq + 1, None, "deleted", detail))
        elif on_head is not None:
            on_head(last.stream, last.seq, last.hash)

    prev: AuditEvent | None = None
    broken_stream = None
    for event in qs.iterator(chunk_size=chunk_size):
        if prev is not None and prev.stream != event.stream:
            stream_end(prev)
            prev = None
        if event.stream == broken_stream:
            continue
        found = _check_link(event, prev)
        anchor = anchors.get(event.stream)
        if found is None and anchor is not None and anchor[0] == event.seq and anchor[1] != event.hash:
            detail = "differs from the kept head of the stream: the chain from here on was rewritten"
            found = Break(event.stream, event.seq, event.pk, "edited", detail)
        if found is not None:
            breaks.append(found)
            anchors.pop(event.stream, None)
            broken_stream, prev = event.stream, None
            continue
        prev = event
    if prev is not None:
        stream_end(prev)
    for stream, (seq, _digest) in sorted(anchors.items()):
        breaks.append(Break(stream, 1, None, "deleted", f"the whole stream is gone (its kept head was seq {seq})"))
    return breaks
