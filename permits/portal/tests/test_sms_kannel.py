"""Tracking by SMS through a real Kannel (marker `kannel`): the fake SMSC sends `CEK <number> <PIN>` as
an incoming SMS, smsbox's sms-service calls GET /sms/masuk/ on a live server, and our text/plain answer
comes back to the fake SMSC as the reply to the sender."""

import pytest

from permits.notifications.tests.test_kannel import HAVE_KANNEL, _wait_for, kannel_running
from permits.portal.sms import sms_reply

from .conftest import set_pin

pytestmark = [
    pytest.mark.kannel,
    pytest.mark.skipif(not HAVE_KANNEL, reason="Kannel not installed (apt-get install kannel kannel-extras)"),
]
KEY = "kunci-uji-masuk"
PIN = "123456"
SENDER = "6281299990001"
SERVICE = """group = sms-service
keyword = default
catch-all = true
get-url = "{url}/sms/masuk/?from=%p&text=%a&key={key}"
max-messages = 1
"""


@pytest.mark.django_db(transaction=True)
def test_an_incoming_cek_sms_is_answered_with_the_status_through_kannel(tmp_path, live_server, settings, register):
    settings.SMS_INBOUND_KEY = KEY
    app = set_pin(register(), PIN)
    text = f"CEK {app.registration_number} {PIN}"
    service = SERVICE.format(url=live_server.url, key=KEY)
    # the test thread only waits while Kannel calls the live server (in-memory SQLite: one connection)
    with kannel_running(tmp_path, service=service, incoming=f"{SENDER} 1234 text {text}") as kannel:
        smsc_log = kannel["smsc_log"]
        assert _wait_for(lambda: f"1234 {SENDER} text {app.registration_number}:" in smsc_log.read_text()), (
            smsc_log.read_text(errors="replace")
        )
    expected = sms_reply(text, "+6281299990002")  # the same answer, for another phone
    assert f"1234 {SENDER} text {expected}" in smsc_log.read_text(errors="replace")
