"""The outbox: queue a message in the caller's transaction, deliver it once, track what the
provider says, and end every message sent, delivered or failed: never silently gone.

Queueing (`notify_applicant`, `notify_officer`, `message_queue`) writes the Message row inside
the caller's transaction and asks for delivery only after commit. Delivery (`message_deliver`,
run by a Huey task) first claims the row with a conditional UPDATE (queued -> sending), so two
workers, or a worker and the periodic sweep, cannot both send it; the claim is committed before
the provider is called, so a worker killed mid-call leaves a "sending" row that the sweep takes
up again after NOTIFY_SENDING_TIMEOUT_SECONDS, with the same idempotency key.
"""

import datetime
import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from permits.core.audit import audit_record
from permits.core.clock import now_or
from permits.core.errors import Conflict, Forbidden, NotFound
from permits.core.jobs import job_ask
from permits.core.roles import MESSAGE_STAFF, has_role
from permits.workflow.models import Applicant, Application

from .channels import channel_for
from .channels.base import DELIVERED, FAILED, RETRY, SENT, Outgoing, SendResult
from .models import Channel, DeliveryAttempt, DeliveryReport, Message, MessageTemplate, OfficerProfile, OptOut
from .rendering import WHATSAPP_LIMIT, due_text, render, to_gsm7

logger = logging.getLogger("permits.notifications")
S = Message.Status
STAFF_ROLES = MESSAGE_STAFF
# At most one of these per application, whoever asks (a repeated call returns the first message).
# The template code of a free-form text (a reply inside WhatsApp's 24-hour customer service window): the
# text is given, not rendered from a MessageTemplate, and WhatsApp sends it as a text, not a template.
FREE_TEXT = "free_text"
ONCE_PER_APPLICATION = frozenset({"registration_receipt", "rejected", "decree_ready", "payment_received"})


# --- what the texts can say ---------------------------------------------------------------------


def office_context() -> dict[str, str]:
    return {"office": settings.OFFICE_SHORT_NAME, "hours": settings.OFFICE_HOURS, "place": settings.NOTIFY_PICKUP_PLACE}


def tracking_url(application: Application) -> str:
    return settings.PUBLIC_BASE_URL + reverse("portal:track_number", args=[application.registration_number])


def application_context(application: Application) -> dict[str, str]:
    """The placeholders every message about an application can use (never the PIN)."""
    return {
        **office_context(),
        "number": application.registration_number,
        "permit": application.permit_type.name_id,
        "name": application.applicant.display_name,
        "url": tracking_url(application),
        "due": due_text(timezone.localtime(application.promised_completion_at).date()),
    }


def _render(template: MessageTemplate | None, code: str, channel: str, context: dict, language: str):
    """(subject, text) as the recipient will read them on `channel`."""
    if template is None:
        return code, f"[{code}]"
    english = language == "en" and template.text_en
    text = template.text_en if english else template.text_id
    subject = render((template.subject_en if english and template.subject_en else template.subject_id), context)
    language = "en" if english else "id"
    if channel == Channel.EMAIL:
        body = text if english or not template.email_body_id else template.email_body_id
        return subject, render(body, context, limit=False, language=language)
    if channel == Channel.SMS:
        return subject, to_gsm7(render(text, context, sms=True, language=language))
    return subject, render(text, context, budget=WHATSAPP_LIMIT, language=language)


# --- queueing -----------------------------------------------------------------------------------


def _enqueue(message_id: int) -> None:
    """Ask a worker to deliver (after commit). If the queue is unreachable the periodic
    `deliver_pending` finds the message anyway: nothing depends on this call succeeding."""
    job_ask("notifications.deliver_message", message_id)


def _outbox_fields(
    *,
    tpl,
    template: str,
    channel: str,
    recipient: str,
    recipient_name: str,
    context: dict,
    language: str,
    subject: str,
    text: str,
    now,
    **rest,
) -> dict:
    """The fields of a new outbox row; one that cannot be sent at all (unknown template, no address)
    is written as failed, with the reason, so that it shows up."""
    problem = ""
    if tpl is None:
        problem = f"Templat pesan '{template}' tidak ada."
    elif not recipient:
        problem = "Penerima tidak punya alamat untuk saluran ini."
    return dict(
        recipient=recipient,
        recipient_name=recipient_name[:200],
        channel=channel,
        template=template,
        context=context,
        language=language,
        subject=subject[:200],
        text=text,
        status=S.FAILED if problem else S.QUEUED,
        last_error=problem,
        failed_at=now if problem else None,
        next_attempt_at=now,
        expires_at=now + timedelta(hours=settings.NOTIFY_RETRY_HOURS),
        created_at=now,
        **rest,
    )


# Inside the caller's transaction without a savepoint of its own (two statements fewer on every
# payment, return, decree ...): nothing here catches a database error and goes on.
@transaction.atomic(savepoint=False)
def message_queue(
    *,
    channel: str,
    recipient: str,
    template: str,
    context: dict,
    recipient_name: str = "",
    application: Application | None = None,
    applicant: Applicant | None = None,
    user=None,
    essential: bool = True,
    language: str = "id",
    idempotency_key: str | None = None,
    fallback_of: Message | None = None,
    text: str | None = None,
    now: datetime.datetime | None = None,
) -> Message:
    """Write one message to the outbox in the caller's transaction; delivery starts after commit.

    A repeated `idempotency_key` returns the message already written. A message that cannot be
    sent at all (unknown template, no address) is still written, as failed, so it shows up.
    `text` queues that text as it is (template FREE_TEXT), e.g. a reply to a message someone sent.
    """
    now = now_or(now)
    if idempotency_key:
        existing = Message.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    context = {k: ("" if v is None else str(v)) for k, v in (context or {}).items()}
    if text is not None:
        template, tpl, subject = FREE_TEXT, True, ""
        text = to_gsm7(text) if channel == Channel.SMS else text
    else:
        tpl = MessageTemplate.objects.filter(code=template).first()
        subject, text = _render(tpl, template, channel, context, language)
    fields = _outbox_fields(
        tpl=tpl,
        template=template,
        channel=channel,
        recipient=recipient,
        recipient_name=recipient_name,
        context=context,
        language=language,
        subject=subject,
        text=text,
        now=now,
        application=application,
        applicant=applicant,
        recipient_user=user,
        essential=essential,
        fallback_of=fallback_of,
    )
    problem = fields["last_error"]
    if idempotency_key:
        fields["idempotency_key"] = idempotency_key
    try:
        with transaction.atomic():
            message = Message.objects.create(**fields)
    except IntegrityError:  # the same key written meanwhile by a concurrent transaction
        existing = Message.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        if existing is None:
            raise
        return existing
    if problem:
        logger.error("message %s (%s) not sendable: %s", message.pk, template, problem)
    else:
        transaction.on_commit(partial(_enqueue, message.pk), robust=True)
    return message


def _applicant_address(applicant: Applicant) -> tuple[str, str]:
    if applicant.channel == Channel.EMAIL and applicant.email:
        return Channel.EMAIL, applicant.email
    if applicant.channel == Channel.WHATSAPP:
        return Channel.WHATSAPP, applicant.phone
    return Channel.SMS, applicant.phone


@transaction.atomic(savepoint=False)  # see message_queue
def notify_applicant(
    *,
    application: Application,
    template: str,
    context: dict | None = None,
    essential: bool = False,
    idempotency_key: str | None = None,
    now: datetime.datetime | None = None,
) -> Message | None:
    """Queue `template` to the application's applicant on their preferred channel, in the
    caller's transaction. `context` adds to (or overrides) the application's own placeholders
    (number, permit, name, url, due, office, hours, place).

    A template marked essential (or `essential=True`) always goes; any other message is skipped
    (None) for an applicant who opted out. Registration receipt, rejection, payment received and
    decree ready go at most once per application unless an `idempotency_key` is given.
    """
    applicant = application.applicant
    tpl = MessageTemplate.objects.filter(code=template).first()
    essential = essential or bool(tpl and tpl.essential)
    if not essential and OptOut.objects.filter(applicant=applicant).exists():
        return None
    if idempotency_key is None and template in ONCE_PER_APPLICATION:
        idempotency_key = f"application:{application.pk}:{template}"
    channel, recipient = _applicant_address(applicant)
    return message_queue(
        channel=channel,
        recipient=recipient,
        recipient_name=applicant.display_name,
        template=template,
        context={**application_context(application), **(context or {})},
        application=application,
        applicant=applicant,
        essential=essential,
        idempotency_key=idempotency_key,
        now=now,
    )


def _officer_address(user) -> tuple[str, str, str]:
    """(channel, recipient, language): the officer's preferred channel when it has an address,
    else whatever address there is (phone by SMS, then email)."""
    profile = OfficerProfile.objects.filter(user=user).first()
    phone = profile.phone if profile else ""
    language = profile.language if profile else "id"
    preferred = profile.channel if profile else Channel.EMAIL
    if preferred in (Channel.WHATSAPP, Channel.SMS) and phone:
        return preferred, phone, language
    if preferred == Channel.EMAIL and user.email:
        return Channel.EMAIL, user.email, language
    if phone:
        return Channel.SMS, phone, language
    return Channel.EMAIL, user.email or "", language


@transaction.atomic
def notify_officers_many(items: list[dict], *, now, addresses: dict | None = None) -> list[Message]:
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
            addresses[user.pk] = _officer_address(user)
        channel, recipient, language = addresses[user.pk]
        if app.pk not in bases:
            bases[app.pk] = application_context(app)
        name = user.get_full_name() or user.get_username()
        context = {**bases[app.pk], "officer": name, **item["context"]}
        context = {k: ("" if v is None else str(v)) for k, v in context.items()}
        tpl = templates.get(code)
        key = (id(item["context"]), app.pk, code, channel, language, context["officer"])
        if key not in rendered:
            rendered[key] = _render(tpl, code, channel, context, language)
        subject, text = rendered[key]
        fields = _outbox_fields(
            tpl=tpl,
            template=code,
            channel=channel,
            recipient=recipient,
            recipient_name=name,
            context=context,
            language=language,
            subject=subject,
            text=text,
            now=now,
            application=app,
            recipient_user=user,
            essential=True,
            idempotency_key=item["idempotency_key"],
        )
        rows.append(Message(**fields))
    Message.objects.bulk_create(rows)
    failed = [m for m in rows if m.status == S.FAILED]
    if failed:
        one = failed[0]
        logger.error("%s messages not sendable (first %s, %s): %s", len(failed), one.pk, one.template, one.last_error)
    queued = [m.pk for m in rows if m.status == S.QUEUED]
    if queued:
        transaction.on_commit(lambda: [_enqueue(pk) for pk in queued], robust=True)
    return rows


def notify_officer(
    *,
    user,
    template: str,
    context: dict | None = None,
    application: Application | None = None,
    idempotency_key: str | None = None,
    now: datetime.datetime | None = None,
) -> Message:
    """Queue `template` to an officer (OfficerProfile: phone and preferred channel; else the
    user's email). Officers' messages are always essential. An officer with no address at all
    gets a failed message, which the failures list shows."""
    channel, recipient, language = _officer_address(user)
    base = application_context(application) if application else office_context()
    return message_queue(
        channel=channel,
        recipient=recipient,
        recipient_name=user.get_full_name() or user.get_username(),
        template=template,
        context={**base, "officer": user.get_full_name() or user.get_username(), **(context or {})},
        application=application,
        user=user,
        essential=True,
        language=language,
        idempotency_key=idempotency_key,
        now=now,
    )


# --- delivering ---------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4, ... minutes, capped (settings NOTIFY_BACKOFF_*)."""
    seconds = settings.NOTIFY_BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.NOTIFY_BACKOFF_MAX_SECONDS))


def _claim(message_id: int, now: datetime.datetime) -> bool:
    """Take the message for sending: one conditional UPDATE, so exactly one claimant wins. A
    "sending" row older than the timeout belongs to a worker that died: it may be taken again."""
    stale_before = now - timedelta(seconds=settings.NOTIFY_SENDING_TIMEOUT_SECONDS)
    claimable = Q(status=S.QUEUED, next_attempt_at__lte=now) | Q(status=S.SENDING, claimed_at__lt=stale_before)
    return (
        Message.objects.filter(claimable, pk=message_id).update(
            status=S.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        == 1
    )


def _outgoing(message: Message) -> Outgoing:
    whatsapp_name, params = "", []
    if message.channel == Channel.WHATSAPP:
        tpl = MessageTemplate.objects.filter(code=message.template).first()
        if tpl is not None:
            whatsapp_name = tpl.whatsapp_name
            language = "en" if message.language == "en" and tpl.text_en else "id"
            params = [
                render("{" + name + "}", message.context, budget=WHATSAPP_LIMIT, language=language)
                for name in tpl.whatsapp_param_names
            ]
    return Outgoing(
        id=message.pk,
        recipient=message.recipient,
        text=message.text,
        subject=message.subject,
        idempotency_key=message.idempotency_key,
        language=message.language,
        whatsapp_name=whatsapp_name,
        whatsapp_params=params,
        free_form=message.template == FREE_TEXT,
    )


def message_deliver(*, message_id: int, now: datetime.datetime | None = None) -> Message | None:
    """Deliver one message if it is due and nobody else holds it; None when there was nothing
    to do. Not atomic on purpose: the claim must be committed before the provider is called."""
    now = now_or(now)
    if not _claim(message_id, now):
        return None
    message = Message.objects.get(pk=message_id)
    try:
        channel = channel_for(message.channel)
        backend = channel.backend
        result = channel.send(_outgoing(message))
    except ImproperlyConfigured as exc:
        backend, result = "?", SendResult(RETRY, error=f"Konfigurasi saluran salah: {exc}")
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        DeliveryAttempt.objects.create(
            message=message,
            at=now,
            channel=message.channel,
            backend=backend,
            outcome=result.outcome,
            http_status=result.http_status,
            error=result.error,
            duration_ms=result.duration_ms,
        )
        _apply(message, result, backend, now)
    return message


def _apply(message: Message, result: SendResult, backend: str, now: datetime.datetime) -> None:
    message.backend = backend
    if result.provider_id and not message.provider_message_id:
        message.provider_message_id = result.provider_id[:200]
    if message.status != S.SENDING:  # a delivery report overtook the answer: keep what it said
        message.save(update_fields=["backend", "provider_message_id"])
        return
    if result.outcome in (SENT, DELIVERED):
        message.status = S.DELIVERED if result.outcome == DELIVERED else S.SENT
        message.sent_at = now
        message.delivered_at = now if result.outcome == DELIVERED else None
        message.last_error = ""
        message.save()
    elif result.outcome == RETRY and now + backoff(message.attempts) <= message.expires_at:
        message.status = S.QUEUED
        message.next_attempt_at = now + backoff(message.attempts)
        message.last_error = result.error
        message.save()
    else:
        error = result.error
        if result.outcome == RETRY:
            error = f"Batas waktu pengiriman habis setelah {message.attempts} percobaan. Terakhir: {error}"
        _fail(message, error, now)


def _fail(message: Message, error: str, now: datetime.datetime) -> None:
    message.status = S.FAILED
    message.failed_at = now
    message.last_error = error or "Gagal."
    message.save()
    logger.warning("message %s (%s to %s) failed: %s", message.pk, message.channel, message.recipient, error)
    _fallback(message, now)


def _fallback(message: Message, now: datetime.datetime) -> Message | None:
    """A WhatsApp (or email) message that failed for good goes again as SMS, when there is a phone."""
    if message.channel == Channel.SMS:
        return None
    phone = ""
    if message.applicant_id:
        phone = message.applicant.phone
    elif message.recipient_user_id:
        phone = OfficerProfile.objects.filter(user=message.recipient_user_id).values_list("phone", flat=True).first()
    if not phone:
        return None
    return message_queue(
        channel=Channel.SMS,
        recipient=phone,
        recipient_name=message.recipient_name,
        template=message.template,
        context=message.context,
        application=message.application,
        applicant=message.applicant,
        user=message.recipient_user,
        essential=message.essential,
        language=message.language,
        idempotency_key=f"{message.idempotency_key}:sms",
        fallback_of=message,
        text=message.text if message.template == FREE_TEXT else None,
        now=now,
    )


# --- what providers report back -----------------------------------------------------------------


@transaction.atomic
def message_report(
    *,
    message_id: int,
    source: str,
    status: str,
    outcome: str | None,
    detail: dict | None = None,
    provider_id: str = "",
    error: str = "",
    now: datetime.datetime | None = None,
) -> Message:
    """Record a provider's report on a message and move its status forward (never back):
    outcome "sent", "delivered", "failed" (then the SMS fallback), or None (noted only)."""
    now = now_or(now)
    message = Message.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise NotFound(_l("Pesan"))
    DeliveryReport.objects.create(message=message, at=now, source=source, status=status[:20], detail=detail or {})
    if provider_id and not message.provider_message_id:
        message.provider_message_id = provider_id[:200]
    if outcome == DELIVERED and message.status != S.DELIVERED:
        message.status = S.DELIVERED
        message.delivered_at = now
        message.sent_at = message.sent_at or now
        message.last_error = ""
    elif outcome == SENT and message.status in (S.QUEUED, S.SENDING):
        message.status = S.SENT
        message.sent_at = message.sent_at or now
    elif outcome == FAILED and message.status not in (S.DELIVERED, S.FAILED):
        _fail(message, error or f"{source}: {status}", now)
        return message
    message.save()
    return message


# --- staff actions ------------------------------------------------------------------------------


@transaction.atomic
def message_retry(*, actor, message_id: int, now: datetime.datetime | None = None) -> Message:
    """Staff send a failed message again (e.g. after the applicant corrected their number at
    the desk, or a long outage): a fresh retry window, the same idempotency key. Audited."""
    now = now_or(now)
    if not has_role(actor, *STAFF_ROLES):
        raise Forbidden()
    message = Message.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise NotFound(_l("Pesan"))
    if message.status != S.FAILED:
        raise Conflict("not_failed", _l("Hanya pesan yang gagal yang dapat dikirim ulang."))
    if not message.recipient:
        raise Conflict("no_recipient", _l("Pesan ini tidak punya alamat penerima."))
    before = {"status": message.status, "last_error": message.last_error}
    message.status = S.QUEUED
    message.next_attempt_at = now
    message.expires_at = now + timedelta(hours=settings.NOTIFY_RETRY_HOURS)
    message.failed_at = None
    message.save()
    audit_record(actor=actor, action="message.retry", obj=message, before=before, after={"status": message.status})
    transaction.on_commit(partial(_enqueue, message.pk), robust=True)
    return message


@transaction.atomic
def applicant_set_opt_out(*, actor, applicant: Applicant, opted_out: bool, now=None) -> None:
    """Record (or withdraw) an applicant's wish to receive essential messages only. Audited."""
    now = now_or(now)
    if not has_role(actor, *STAFF_ROLES):
        raise Forbidden()
    if opted_out:
        _, created = OptOut.objects.get_or_create(applicant=applicant, defaults={"at": now, "recorded_by": actor})
        changed = created
    else:
        changed = OptOut.objects.filter(applicant=applicant).delete()[0] > 0
    if changed:
        audit_record(
            actor=actor, action="applicant.opt_out" if opted_out else "applicant.opt_in", obj=applicant, at=now
        )
