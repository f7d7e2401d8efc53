"""Provider callbacks (Kannel delivery reports, WhatsApp webhook) and the staff pages: failed
messages and the dev inbox."""

import json
import logging

from django.conf import settings
from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from permits.core.errors import ServiceError

from .channels.base import DELIVERED, FAILED, SENT
from .channels.kannel import dlr_token_valid
from .channels.whatsapp import signature_valid
from .inbound import whatsapp_text_answer
from .models import Channel, Message
from .selectors import dev_inbox, messages_failed
from .services import message_report, message_retry

logger = logging.getLogger("permits.notifications")

# Kannel report types (dlr-mask bits): what each means for the message.
KANNEL_DLR = {1: DELIVERED, 2: FAILED, 4: None, 8: SENT, 16: FAILED}
KANNEL_DLR_TEXT = {
    1: "sampai di ponsel",
    2: "tidak sampai di ponsel",
    4: "antre di SMSC",
    8: "diterima SMSC",
    16: "ditolak SMSC",
}
WHATSAPP_STATUS = {"sent": SENT, "delivered": DELIVERED, "read": DELIVERED, "failed": FAILED}


@csrf_exempt
@require_GET
def kannel_dlr(request):
    """Kannel's delivery report: ?id=<message>&t=<token>&status=%d&answer=%A&smsc_id=%F&at=%T."""
    try:
        message_id, report_type = int(request.GET.get("id", "")), int(request.GET.get("status", ""))
    except ValueError:
        return HttpResponseBadRequest("id and status must be numbers\n")
    if not dlr_token_valid(message_id, request.GET.get("t", "")):
        return HttpResponseForbidden("bad token\n")
    detail = {k: request.GET.get(k, "")[:500] for k in ("answer", "smsc_id", "at")}
    try:
        message_report(
            message_id=message_id,
            source="kannel",
            status=str(report_type),
            outcome=KANNEL_DLR.get(report_type),
            detail=detail,
            provider_id=detail["smsc_id"],
            error=f"Kannel: {KANNEL_DLR_TEXT.get(report_type, report_type)} ({detail['answer']})",
        )
    except ServiceError:
        return HttpResponseNotFound("unknown message\n")
    return HttpResponse("OK\n", content_type="text/plain")


def _whatsapp_statuses(payload: dict):
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            yield from (change.get("value") or {}).get("statuses") or []


def _whatsapp_texts(payload: dict):
    """(message id, sender +62..., text) of each text message in the payload; other kinds are ignored."""
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            for message in (change.get("value") or {}).get("messages") or []:
                body = (message.get("text") or {}).get("body") if message.get("type") == "text" else None
                sender = "".join(ch for ch in str(message.get("from") or "") if ch.isdigit())
                if body and sender and message.get("id"):
                    yield str(message["id"])[:100], f"+{sender}", str(body)[:1000]


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request):
    """GET: Meta's verification handshake. POST: signed status updates (sent, delivered, read, failed) and
    text messages people send us, answered by the registered handler (inbound.py) through the outbox."""
    if request.method == "GET":
        token = settings.WHATSAPP_VERIFY_TOKEN
        if token and request.GET.get("hub.mode") == "subscribe" and request.GET.get("hub.verify_token") == token:
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden("verification failed\n")
    if not signature_valid(request.body, request.headers.get("X-Hub-Signature-256", "")):
        return HttpResponseForbidden("bad signature\n")
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest("not JSON\n")
    payload = payload if isinstance(payload, dict) else {}
    for provider_id, sender, text in _whatsapp_texts(payload):
        whatsapp_text_answer(provider_id=provider_id, sender=sender, text=text)
    for status in _whatsapp_statuses(payload):
        wamid, word = str(status.get("id") or ""), str(status.get("status") or "")
        message_id = (
            Message.objects.filter(provider_message_id=wamid, channel=Channel.WHATSAPP)
            .values_list("id", flat=True)
            .first()
            if wamid
            else None
        )
        if message_id is None:
            logger.info("WhatsApp status %s for unknown message %s", word, wamid)
            continue
        errors = status.get("errors") or []
        error = "; ".join(f"{e.get('code', '')} {e.get('title', '')} {e.get('message', '')}".strip() for e in errors)
        message_report(
            message_id=message_id,
            source="whatsapp",
            status=word,
            outcome=WHATSAPP_STATUS.get(word),
            detail=status,
            error=f"WhatsApp: {error or word}",
        )
    return HttpResponse("OK\n", content_type="text/plain")  # always 200 for a signed post, or Meta retries


def failed(request):
    """Pesan gagal: messages that could not be delivered, for staff to follow up."""
    page = Paginator(messages_failed(), 50).get_page(request.GET.get("hal"))
    return render(request, "notifications/failed.html", {"page": page})


@require_POST
def retry(request, pk: int):
    try:
        message_retry(actor=request.user, message_id=pk)
        flash.success(request, "Pesan dimasukkan lagi ke antrean pengiriman.")
    except ServiceError as exc:
        flash.error(request, exc.text())
    return redirect(request.POST.get("next") or "notifications:failed")


def inbox(request):
    """The dev inbox: what each applicant and officer would have received. Staff only, with DEBUG on
    as off: it shows applicants' names, phone numbers and virtual accounts, and a development server
    is often reachable by others (the demo prints its logins)."""
    query = request.GET.get("q", "")
    page = Paginator(dev_inbox(query), 50).get_page(request.GET.get("hal"))
    return render(request, "notifications/inbox.html", {"page": page, "q": query})
