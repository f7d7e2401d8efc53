"""Tracking by SMS (issue 20 item 1): Kannel's sms-service calls GET /sms/masuk/ and sends our text/plain
answer back to the sender; `sms_reply` is the one text, also used for WhatsApp."""

import datetime
from decimal import Decimal

import pytest

from permits.notifications.rendering import SMS_LIMIT, sms_length
from permits.portal.sms import sms_reply, status_text

from .conftest import set_pin

PIN = "123456"
KEY = "kunci-uji-masuk"
SENDER = "+6281299990001"


@pytest.fixture
def inbound(client, settings):
    settings.SMS_INBOUND_KEY = KEY

    def get(text, sender=SENDER, key=KEY):
        params = {"from": sender, "text": text}
        if key is not None:
            params["key"] = key
        return client.get("/sms/masuk/", params)

    return get


@pytest.fixture
def app(register):
    return set_pin(register(), PIN)


def _body(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_cek_answers_status_desk_and_promised_date_in_one_sms_starting_with_the_number(inbound, app):
    text = _body(inbound(f"CEK {app.registration_number} {PIN}"))
    assert text.startswith(app.registration_number + ":")
    assert "Berkas diterima, menunggu verifikasi" in text and "Tim Verifikasi" in text and "Perkiraan selesai" in text
    assert sms_length(text) <= SMS_LIMIT


@pytest.mark.parametrize(
    "typed",
    [
        "lacak {squashed} {pin}",
        "Cek {number} {pin}",
        "  CEK   {spaced}   {pin} ",
        "LACAK {squashed_lower} {pin}",
    ],
)
def test_keyword_in_any_case_and_the_number_with_or_without_its_dash_or_spaces(inbound, app, typed):
    number = app.registration_number
    year, seq = number.rsplit("-", 1)
    text = typed.format(
        number=number,
        squashed=number.replace("-", ""),
        squashed_lower=number.replace("-", "").lower(),
        spaced=f"{year} {seq}",
        pin=PIN,
    )
    assert _body(inbound(text)).startswith(number + ":")


def test_wrong_pin_and_unknown_number_get_the_same_answer(inbound, app):
    wrong = _body(inbound(f"CEK {app.registration_number} 000000"))
    unknown = _body(inbound("CEK 2026-999999 123456", sender="+6281299990002"))
    assert wrong == unknown
    assert app.registration_number not in wrong


def test_six_wrong_pins_lock_the_number_even_for_the_right_pin_on_the_webs_counters(inbound, app, client, settings):
    for _ in range(settings.TRACKING_MAX_FAILS_PER_NUMBER):
        inbound(f"CEK {app.registration_number} 000000")
    locked = _body(inbound(f"CEK {app.registration_number} {PIN}"))
    assert not locked.startswith(app.registration_number + ":") and "dikunci" in locked
    # the web reads the same counters: the number is locked there too
    page = client.post("/lacak/", {"number": app.registration_number, "pin": PIN})
    assert page.status_code == 429


def test_guesses_are_counted_per_sender_in_any_spelling_of_the_phone(inbound, db, settings):
    settings.TRACKING_MAX_FAILS_PER_IP = 3
    for i, sender in enumerate(["+6281299990001", "081299990001", "6281299990001"]):
        inbound(f"CEK 2026-99990{i} 000000", sender=sender)
    assert "nomor Anda" in _body(inbound("CEK 2026-999998 000000", sender="0812-9999-0001"))


@pytest.mark.parametrize("key", [None, "", "salah"])
def test_a_wrong_or_missing_key_is_refused(inbound, app, key):
    assert inbound(f"CEK {app.registration_number} {PIN}", key=key).status_code == 403


def test_without_a_configured_key_the_endpoint_is_closed(client, settings, app):
    settings.SMS_INBOUND_KEY = ""
    assert client.get("/sms/masuk/", {"from": SENDER, "text": "CEK x y", "key": ""}).status_code == 403


@pytest.mark.parametrize("text", ["", "halo", "CEK", "CEK 2026-000001", "INFO 2026-000001 123456"])
def test_anything_else_gets_the_one_line_help(inbound, db, text):
    answer = _body(inbound(text))
    assert answer.startswith("Ketik CEK") and "\n" not in answer and sms_length(answer) <= SMS_LIMIT


def test_sms_reply_is_the_text_the_endpoint_answers_with(inbound, app):
    direct = sms_reply(f"CEK {app.registration_number} {PIN}", "+6281299990003")
    assert direct == _body(inbound(f"CEK {app.registration_number} {PIN}"))


# --- the text for each state, from the public view (no database) --------------------------------------

LONG = "Bidang Pelayanan Terpadu Satu Pintu Kota Contoh Sejahtera"


def _view(status, **extra):
    return {
        "registration_number": "DPMPTSP-KC-2026-00123",
        "status": status,
        "status_label": "Label status",
        "current_step": {"desk": LONG},
        "levy": None,
        "rejection": None,
        "return_items": [],
        "promised_completion_date": datetime.date(2026, 12, 29),
        **extra,
    }


def test_awaiting_payment_says_amount_and_virtual_account():
    levy = {
        "paid": False,
        "amount_display": "Rp 999.999.999.999.999",
        "amount": Decimal("999999999999999"),
        "virtual_account_no": "88880120260001234567",
        "due_date": datetime.date(2026, 12, 31),
    }
    text = status_text(_view("awaiting_payment", levy=levy))
    assert "Rp 999.999.999.999.999" in text and "88880120260001234567" in text
    assert text.startswith("DPMPTSP-KC-2026-00123:") and sms_length(text) <= SMS_LIMIT


def test_returned_lists_what_to_bring_shortened_by_whole_items():
    items = ["Surat kuasa bermeterai", "gambar denah lantai 2 ditandatangani", "foto lokasi terbaru", "KTP asli"]
    text = status_text(_view("returned", return_items=items))
    assert "Bawa: Surat kuasa bermeterai" in text and "lainnya" in text
    assert sms_length(text) <= SMS_LIMIT


def test_rejected_gives_the_reason_shortened():
    rejection = {"reason": "Lokasi bangunan tidak sesuai RTRW kota. " * 5, "note": "Silakan ajukan lagi."}
    text = status_text(_view("rejected", rejection=rejection, current_step=None))
    assert "Alasan: Lokasi bangunan" in text and sms_length(text) <= SMS_LIMIT
