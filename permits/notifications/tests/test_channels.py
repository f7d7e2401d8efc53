"""The adapters against local HTTP servers that answer like the providers (real HTTP over loopback)."""

import json
import urllib.parse

import pytest

from permits.notifications.channels import channel_for
from permits.notifications.channels.base import Outgoing
from permits.notifications.channels.kannel import dlr_token_valid
from permits.notifications.models import DeliveryAttempt, Message
from permits.notifications.selectors import application_messages
from permits.notifications.services import message_deliver

from .conftest import free_port

pytestmark = pytest.mark.django_db
S = Message.Status
WAMID = "wamid.HBgNNjI4MTIxMTExMjIwMRUCABEYEjQ2"


@pytest.fixture
def whatsapp_cloud(settings, fake_provider):
    def start(answers):
        server = fake_provider(answers)
        settings.WHATSAPP_BACKEND = "cloud"
        settings.WHATSAPP_API_BASE_URL = server.url + "/v21.0"
        settings.WHATSAPP_PHONE_NUMBER_ID = "1234567890"
        settings.WHATSAPP_TOKEN = "token-uji"
        return server

    return start


@pytest.fixture
def kannel_http(settings, fake_provider):
    def start(answers):
        server = fake_provider(answers)
        settings.SMS_BACKEND = "kannel"
        settings.KANNEL_SENDSMS_URL = server.url + "/cgi-bin/sendsms"
        settings.KANNEL_USERNAME, settings.KANNEL_PASSWORD, settings.KANNEL_SENDER = "smart", "rahasia", "DPMPTSP"
        settings.KANNEL_DLR_BASE_URL = "http://smart.internal:8000"
        return server

    return start


def _sms(app):
    app.applicant.channel = "sms"
    app.applicant.save()
    return Message.objects.filter(application=app).update(channel="sms") and application_messages(app)[0]


def test_whatsapp_sends_an_approved_template_with_the_api_shape(app, whatsapp_cloud):
    server = whatsapp_cloud([(200, {"messaging_product": "whatsapp", "messages": [{"id": WAMID}]})])
    msg = application_messages(app)[0]
    message_deliver(message_id=msg.pk)
    [request] = server.requests
    assert request["method"] == "POST" and request["path"] == "/v21.0/1234567890/messages"
    assert request["headers"]["Authorization"] == "Bearer token-uji"
    assert request["headers"]["Content-Type"] == "application/json"
    body = json.loads(request["body"])
    assert body["messaging_product"] == "whatsapp" and body["to"] == "6281211112201" and body["type"] == "template"
    assert body["template"]["name"] == "smart_pendaftaran" and body["template"]["language"] == {"code": "id"}
    params = body["template"]["components"][0]["parameters"]
    assert body["template"]["components"][0]["type"] == "body"
    assert [p["text"] for p in params][0] == app.registration_number and all(p["type"] == "text" for p in params)
    msg.refresh_from_db()
    assert msg.status == S.SENT and msg.provider_message_id == WAMID and msg.backend == "cloud"


def test_whatsapp_number_not_on_whatsapp_fails_and_falls_back_to_sms(app, whatsapp_cloud):
    error = {"error": {"message": "Message undeliverable", "type": "OAuthException", "code": 131026}}
    whatsapp_cloud([(400, error)])
    msg = application_messages(app)[0]
    message_deliver(message_id=msg.pk)
    msg.refresh_from_db()
    assert msg.status == S.FAILED and "131026" in msg.last_error
    assert msg.fallbacks.get().channel == "sms"


def test_whatsapp_rate_limit_is_temporary(app, whatsapp_cloud):
    whatsapp_cloud([(400, {"error": {"message": "rate", "code": 130429}})])
    msg = application_messages(app)[0]
    message_deliver(message_id=msg.pk, now=msg.created_at)
    msg.refresh_from_db()
    assert msg.status == S.QUEUED and msg.attempts == 1


def test_kannel_sendsms_request_carries_credentials_text_and_a_signed_dlr_url(app, kannel_http):
    server = kannel_http([(202, b"0: Accepted for delivery")])
    msg = _sms(app)
    message_deliver(message_id=msg.pk)
    [request] = server.requests
    url = urllib.parse.urlsplit(request["path"])
    q = dict(urllib.parse.parse_qsl(url.query))
    assert url.path == "/cgi-bin/sendsms" and request["method"] == "GET"
    assert (q["username"], q["password"], q["from"], q["to"]) == ("smart", "rahasia", "DPMPTSP", "+6281211112201")
    assert q["text"] == msg.text and q["dlr-mask"] == "31"
    dlr = urllib.parse.urlsplit(q["dlr-url"])
    dq = dict(urllib.parse.parse_qsl(dlr.query))
    assert dlr.netloc == "smart.internal:8000" and dlr.path == "/notifications/kannel/dlr"
    assert dq["id"] == str(msg.pk) and dq["status"] == "%d" and dlr_token_valid(msg.pk, dq["t"])
    msg.refresh_from_db()
    assert msg.status == S.SENT and msg.backend == "kannel"


def test_gateway_answering_503_then_up_delivers_the_message_once_later(app, kannel_http):
    server = kannel_http([(503, b"Temporary failure"), (503, b"Temporary failure"), (202, b"0: Accepted for delivery")])
    msg = _sms(app)
    now = msg.created_at
    outcomes = []
    for _ in range(5):  # the periodic sweep, run each time the message is due
        message_deliver(message_id=msg.pk, now=now)
        msg.refresh_from_db()
        outcomes.append(msg.status)
        now = msg.next_attempt_at
    assert outcomes == [S.QUEUED, S.QUEUED, S.SENT, S.SENT, S.SENT]
    assert len(server.requests) == 3  # accepted exactly once
    attempts = list(DeliveryAttempt.objects.filter(message=msg).values_list("outcome", "http_status"))
    assert attempts == [("retry", 503), ("retry", 503), ("sent", 202)]


def test_gateway_refusing_connections_then_up_delivers_the_message_once_later(app, settings, kannel_http):
    settings.SMS_BACKEND = "kannel"
    settings.KANNEL_SENDSMS_URL = f"http://127.0.0.1:{free_port()}/cgi-bin/sendsms"  # nobody listens
    msg = _sms(app)
    message_deliver(message_id=msg.pk, now=msg.created_at)
    msg.refresh_from_db()
    assert msg.status == S.QUEUED and "tidak tersambung" in msg.last_error
    server = kannel_http([(202, b"3: Queued for later delivery")])  # the gateway is back
    message_deliver(message_id=msg.pk, now=msg.next_attempt_at)
    msg.refresh_from_db()
    assert msg.status == S.SENT and msg.attempts == 2 and len(server.requests) == 1


def test_kannel_bad_request_is_permanent(app, kannel_http):
    kannel_http([(400, b"Missing receiver number")])
    msg = _sms(app)
    message_deliver(message_id=msg.pk)
    msg.refresh_from_db()
    assert msg.status == S.FAILED and "400" in msg.last_error


def test_http_gateway_sends_the_idempotency_key_so_a_retry_is_not_sent_twice(fake_provider, settings):
    server = fake_provider([(201, {"id": "gw-77"})])
    settings.SMS_BACKEND, settings.SMS_HTTP_URL, settings.SMS_HTTP_TOKEN = "http", server.url + "/sms", "tok"
    out = Outgoing(id=1, recipient="+6281211112201", text="Halo “Siti”", idempotency_key="k-1")
    result = channel_for("sms").send(out)
    assert result.outcome == "sent" and result.provider_id == "gw-77"
    request = server.requests[0]
    assert request["headers"]["Idempotency-Key"] == "k-1" and request["headers"]["Authorization"] == "Bearer tok"
    assert json.loads(request["body"]) == {
        "to": "+6281211112201",
        "text": 'Halo "Siti"',
        "sender": settings.SMS_HTTP_SENDER,
        "reference": "k-1",
    }
