"""The sweep's bulk writes: `notify_officer` and `audit_record` for many rows at once.

The stalled-file sweep may raise thousands of alerts in one run (a backlog nobody was alerted about,
or a morning after a holiday), each with messages to every recipient and an audit event. One
`notify_officer` costs about seven statements per message and `audit_record` two per event; these
do the same for a whole chunk in a fixed number of statements. They produce the same rows as the
single versions (`permits.notifications.services.message_queue` via `notify_officer`, and
`permits.core.audit.audit_record`) and reuse their helpers; they belong next to them, in the
notifications and core apps, and live here until those apps take them over (docs/MONITORING.md).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q

from permits.core.audit import _jsonable, event_hash
from permits.core.models import AuditEvent
from permits.notifications import services as notifications
from permits.notifications.models import Message, MessageTemplate

logger = logging.getLogger("permits.monitoring")
S = Message.Status


def officer_messages_queue(items: list[dict], *, now, addresses: dict | None = None) -> list[Message]:
    """`notify_officer(user=, template=, context=, application=, idempotency_key=)` for each item, in
    one INSERT, inside the caller's transaction; delivery is enqueued after commit. The keys must be
    new (the sweep's keys name alerts created in the same transaction), so none is looked up.
    `addresses` keeps the officers' addresses across calls (one sweep); items sharing one context
    dict (an alert's recipients) are rendered once per channel and language."""
    templates = {t.code: t for t in MessageTemplate.objects.filter(code__in={i["template"] for i in items})}
    addresses = {} if addresses is None else addresses
    bases, rendered, rows = {}, {}, []
    for item in items:
        user, app, code = item["user"], item["application"], item["template"]
        if user.pk not in addresses:
            addresses[user.pk] = notifications._officer_address(user)
        channel, recipient, language = addresses[user.pk]
        if app.pk not in bases:
            bases[app.pk] = notifications.application_context(app)
        name = user.get_full_name() or user.get_username()
        context = {**bases[app.pk], "officer": name, **item["context"]}
        context = {k: ("" if v is None else str(v)) for k, v in context.items()}
        tpl = templates.get(code)
        key = (id(item["context"]), app.pk, code, channel, language, context["officer"])
        if key not in rendered:
            rendered[key] = notifications._render(tpl, code, channel, context, language)
        subject, text = rendered[key]
        problem = ""
        if tpl is None:
            problem = f"Templat pesan '{code}' tidak ada."
        elif not recipient:
            problem = "Penerima tidak punya alamat untuk saluran ini."
        rows.append(
            Message(
                application=app,
                recipient_user=user,
                recipient=recipient,
                recipient_name=name[:200],
                channel=channel,
                template=code,
                context=context,
                language=language,
                subject=subject[:200],
                text=text,
                essential=True,
                status=S.FAILED if problem else S.QUEUED,
                last_error=problem,
                failed_at=now if problem else None,
                next_attempt_at=now,
                expires_at=now + timedelta(hours=settings.NOTIFY_RETRY_HOURS),
                created_at=now,
                idempotency_key=item["idempotency_key"],
            )
        )
    Message.objects.bulk_create(rows)
    failed = [m for m in rows if m.status == S.FAILED]
    if failed:
        one = failed[0]
        logger.error("%s messages not sendable (first %s, %s): %s", len(failed), one.pk, one.template, one.last_error)
    queued = [m.pk for m in rows if m.status == S.QUEUED]
    if queued:
        transaction.on_commit(lambda: [notifications._enqueue(pk) for pk in queued], robust=True)
    return rows


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
            object_type=obj._meta.label_lower,
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
    return rows
