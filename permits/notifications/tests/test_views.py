import hashlib
import hmac
import json

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from permits.conftest import make_user
from permits.core import access
from permits.notifications.channels.kannel import dlr_token
from permits.notifications.models import DeliveryReport, Message
from permits.notifications.selectors import application_messages

pytestmark = pytest.mark.django_db
S = Message.Status
DLR = "/notifications/kannel/dlr"
HOOK = "/notifications/whatsapp/webhook"


def _sent(app, channel, provider_id=""):
    msg = application_messages(app)[0]
    Message.objects.filter(pk=msg.pk).update(status=S.SENT, channel=channel, provider_message_id=provider_id)
    return msg


def test_kannel_report_moves_the_message_to_delivered_with_a_valid_token_only(client, app):
    msg = _sent(app, "sms")
    assert client.get(DLR, {"id": msg.pk, "t": "0" * 32, "status": 1}).status_code == 403
    assert client.get(DLR, {"id": msg.pk, "t": dlr_token(msg.pk + 1), "status": 1}).status_code == 403
    assert Message.objects.get(pk=msg.pk).status == S.SENT
    ok = client.get(DLR, {"id": msg.pk, "t": dlr_token(msg.pk), "status": 8, "answer": "ACK/", "smsc_id": ""})
    assert ok.status_code == 200 and Message.objects.get(pk=msg.pk).status == S.SENT
    client.get(DLR, {"id": msg.pk, "t": dlr_token(msg.pk), "status": 1, "smsc_id": "abc-123"})
    msg.refresh_from_db()
    assert msg.status == S.DELIVERED and msg.delivered_at and msg.provider_message_id == "abc-123"
    assert list(DeliveryReport.objects.filter(message=msg).values_list("status", flat=True)) == ["8", "1"]
    # a late "queued on SMSC" report never moves a delivered message back
    client.get(DLR, {"id": msg.pk, "t": dlr_token(msg.pk), "status": 8})
    assert Message.objects.get(pk=msg.pk).status == S.DELIVERED


def test_kannel_report_of_non_delivery_fails_the_sms(client, app):
    msg = _sent(app, "sms")
    client.get(DLR, {"id": msg.pk, "t": dlr_token(msg.pk), "status": 16, "answer": "NACK/0x0000000b/Invalid Dest"})
    msg.refresh_from_db()
    assert msg.status == S.FAILED and "ditolak SMSC" in msg.last_error and not msg.fallbacks.exists()


def test_kannel_report_with_garbage_is_refused(client):
    assert client.get(DLR, {"id": "x", "status": "1"}).status_code == 400
    assert client.get(DLR, {"id": 999999, "t": dlr_token(999999), "status": 1}).status_code == 404


def _signed_post(client, payload, secret="app-secret"):
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(HOOK, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature)


def _statuses(*statuses):
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {"statuses": list(statuses)}}]}],
    }


def test_whatsapp_webhook_verification_handshake(client, settings):
    settings.WHATSAPP_VERIFY_TOKEN = "verify-me"
    ok = client.get(HOOK, {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.content == b"1158201444"
    bad = client.get(HOOK, {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"})
    assert bad.status_code == 403


def test_whatsapp_webhook_checks_the_signature_and_records_delivery(client, app, settings):
    settings.WHATSAPP_APP_SECRET = "app-secret"
    msg = _sent(app, "whatsapp", "wamid.ABC")
    payload = _statuses({"id": "wamid.ABC", "status": "delivered", "timestamp": "1795825286"})
    assert _signed_post(client, payload, secret="forged").status_code == 403
    assert Message.objects.get(pk=msg.pk).status == S.SENT
    assert _signed_post(client, payload).status_code == 200
    assert Message.objects.get(pk=msg.pk).status == S.DELIVERED
    _signed_post(client, _statuses({"id": "wamid.ABC", "status": "read"}, {"id": "wamid.UNKNOWN", "status": "sent"}))
    assert Message.objects.get(pk=msg.pk).status == S.DELIVERED


def test_whatsapp_failed_status_fails_the_message_and_falls_back_to_sms(client, app, settings):
    settings.WHATSAPP_APP_SECRET = "app-secret"
    msg = _sent(app, "whatsapp", "wamid.XYZ")
    error = {"code": 131026, "title": "Message undeliverable"}
    _signed_post(client, _statuses({"id": "wamid.XYZ", "status": "failed", "errors": [error]}))
    msg.refresh_from_db()
    assert msg.status == S.FAILED and "131026" in msg.last_error
    assert msg.fallbacks.get().channel == "sms"


def test_failed_list_is_for_staff_and_offers_a_retry(client, app, officers):
    msg = application_messages(app)[0]
    Message.objects.filter(pk=msg.pk).update(status=S.FAILED, failed_at=msg.created_at, last_error="HTTP 400 nomor")
    client.force_login(officers["verifier"])
    assert client.get("/pesan/gagal/").status_code == 403
    client.force_login(officers["frontdesk"])
    page = client.get("/pesan/gagal/")
    assert (
        page.status_code == 200
        and b"HTTP 400 nomor" in page.content
        and app.registration_number.encode() in page.content
    )
    response = client.post(reverse("notifications:retry", args=[msg.pk]))
    assert response.status_code == 302
    assert Message.objects.get(pk=msg.pk).status in (S.QUEUED, S.DELIVERED)


def test_dev_inbox_shows_staff_what_each_recipient_would_receive(client, app, settings, officers):
    msg = application_messages(app)[0]
    client.force_login(officers["supervisor"])
    page = client.get("/dev/inbox/", {"q": "0812111"})
    assert page.status_code == 200 and msg.text.encode() in page.content
    assert msg.text.encode() not in client.get("/dev/inbox/", {"q": "nobody@example.id"}).content
    settings.DEBUG = True
    assert msg.text.encode() in client.get("/dev/inbox/").content


@pytest.mark.parametrize("debug", [True, False], ids=["debug-on", "debug-off"])
def test_attack_dev_inbox_is_not_shown_to_anonymous_visitors_or_non_staff(client, app, settings, officers, debug):
    """Issue 16 item 7: with DEBUG on, anyone read every applicant's name, phone and virtual account here."""
    settings.DEBUG = debug
    msg = application_messages(app)[0]
    res = client.get("/dev/inbox/")
    assert res.status_code == 302 and res.url.startswith(reverse("login")), res.status_code
    assert msg.text.encode() not in res.content
    entry = access.PAGES["notifications:inbox"]
    for role in ("surveyor", "verifier", "treasurer"):
        assert not entry.allows(role)  # the table says: not theirs
        client.force_login(make_user(role))
        res = client.get("/dev/inbox/")
        assert res.status_code == 403 and msg.text.encode() not in res.content


def test_application_snippet_lists_messages_with_status_and_failure_reason(app):
    msg = application_messages(app)[0]
    Message.objects.filter(pk=msg.pk).update(status=S.FAILED, last_error="Nomor tidak terdaftar di WhatsApp")
    html = render_to_string("notifications/_application_messages.html", {"app": app})
    assert "Pesan ke pemohon" in html and "Gagal" in html and "Nomor tidak terdaftar di WhatsApp" in html
    assert app.registration_number in html
