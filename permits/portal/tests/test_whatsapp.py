"""Tracking by WhatsApp (issue 20 item 2): a signed text message on the Cloud API webhook is answered with
the SMS reply's text, queued in the outbox as a free-form reply and sent by the worker as a text."""

import hashlib
import hmac
import json

import pytest

from permits.notifications.models import Message
from permits.notifications.services import FREE_TEXT, message_deliver
from permits.notifications.tests.conftest import fake_provider  # noqa: F401  (fixture)

from .conftest import set_pin

HOOK = "/notifications/whatsapp/webhook"
SECRET = "app-secret"
PIN = "123456"
WAMID_OUT = "wamid.HBgNNjI4MTIxMTExMjIwMRUCABEYEjQ2"


@pytest.fixture
def app(register, settings):
    settings.WHATSAPP_APP_SECRET = SECRET
    return set_pin(register(), PIN)


def _incoming(text, sender="6281299990001", wamid="wamid.IN1"):
    message = {"from": sender, "id": wamid, "timestamp": "1795825286", "type": "text", "text": {"body": text}}
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281100000000", "phone_number_id": "1234567890"},
        "contacts": [{"profile": {"name": "Pemohon"}, "wa_id": sender}],
        "messages": [message],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
    }


def _post(client, payload, secret=SECRET):
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(HOOK, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature)


def test_a_signed_text_gets_the_sms_reply_queued_in_the_outbox_once(client, app, settings):
    text = f"cek {app.registration_number} {PIN}"
    assert _post(client, _incoming(text)).status_code == 200
    assert _post(client, _incoming(text)).status_code == 200  # Meta repeats a webhook: answered once
    [reply] = Message.objects.filter(template=FREE_TEXT)
    assert reply.recipient == "+6281299990001" and reply.channel == "whatsapp" and reply.status == Message.Status.QUEUED
    # the very text Kannel's endpoint answers an SMS with
    settings.SMS_INBOUND_KEY = "kunci"
    sms = client.get("/sms/masuk/", {"from": "+6281299990009", "text": text, "key": "kunci"}).content.decode()
    assert reply.text == sms and reply.text.startswith(app.registration_number + ":")


def test_anything_else_gets_the_help_line(client, app):
    _post(client, _incoming("halo, apa kabar?"))
    assert Message.objects.get(template=FREE_TEXT).text.startswith("Ketik CEK")


def test_a_bad_signature_is_refused_and_nothing_is_answered(client, app):
    assert _post(client, _incoming(f"CEK {app.registration_number} {PIN}"), secret="forged").status_code == 403
    assert not Message.objects.filter(template=FREE_TEXT).exists()


def test_the_reply_goes_to_the_cloud_api_as_a_free_form_text(client, app, settings, fake_provider):  # noqa: F811
    server = fake_provider([(200, {"messaging_product": "whatsapp", "messages": [{"id": WAMID_OUT}]})])
    settings.WHATSAPP_BACKEND = "cloud"
    settings.WHATSAPP_API_BASE_URL = server.url + "/v21.0"
    settings.WHATSAPP_PHONE_NUMBER_ID = "1234567890"
    settings.WHATSAPP_TOKEN = "token-uji"
    _post(client, _incoming(f"LACAK {app.registration_number} {PIN}"))
    reply = Message.objects.get(template=FREE_TEXT)
    message_deliver(message_id=reply.pk)
    [request] = server.requests
    assert request["path"] == "/v21.0/1234567890/messages"
    body = json.loads(request["body"])
    assert body["type"] == "text" and body["to"] == "6281299990001" and body["text"]["body"] == reply.text
    reply.refresh_from_db()
    assert reply.status == Message.Status.SENT and reply.provider_message_id == WAMID_OUT
