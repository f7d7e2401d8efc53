"""Text messages people send to the office (a WhatsApp message to its number), handed to whoever answers
them. The answering lives above this app (the portal's tracking reply, portal/sms.py): it registers itself
from its AppConfig.ready(), so the webhook never imports the portal (the layers in pyproject's
import-linter contract), as the workflow's step registry does for levies and decrees."""

from collections.abc import Callable

from django.db import transaction

from .models import Channel, Message
from .services import FREE_TEXT, message_queue

# (text, sender in E.164) -> the reply text, or "" for no reply
TextHandler = Callable[[str, str], str]

_handler: TextHandler | None = None


def text_handler_register(handler: TextHandler) -> None:
    """Make `handler` the answer to incoming text messages (one handler: the last registered wins)."""
    global _handler
    _handler = handler


def text_reply(text: str, sender: str) -> str:
    """The reply to a text from `sender`; "" when nobody registered a handler."""
    return _handler(text, sender) if _handler is not None else ""


@transaction.atomic
def whatsapp_text_answer(*, provider_id: str, sender: str, text: str) -> Message | None:
    """Answer a WhatsApp text from `sender` (+62...) with a free-form reply through the outbox, recorded
    and delivered by the worker like every message. Meta repeats a webhook until it gets a 200: the
    incoming message's id is the reply's idempotency key, so a repeat is answered once (and the handler,
    which may count a PIN guess, runs once)."""
    key = f"whatsapp:in:{provider_id}"
    existing = Message.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    reply = text_reply(text, sender)
    if not reply:
        return None
    return message_queue(
        channel=Channel.WHATSAPP, recipient=sender, template=FREE_TEXT, context={}, text=reply, idempotency_key=key
    )
