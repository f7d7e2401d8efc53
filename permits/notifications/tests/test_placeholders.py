"""Message texts and their callers agree on how long each value is: every seeded text, filled by the real
callers with the longest values they produce, keeps each bounded value whole and fits one SMS.

Bounded values have a real maximum (a registration number from its format, a date with the longest day
name, the largest amount a bill holds, a VA number, a link, a working-time duration); free text (a name,
a permit type, a reason, what to bring, the office's address) is cut by design and is not checked here.
"""

import datetime
from decimal import Decimal

import pytest

from permits.levies.models import Bill
from permits.levies.services import luhn_digit
from permits.notifications.events import notify_bill, notify_survey_scheduled, notify_transition
from permits.notifications.models import Message, MessageTemplate
from permits.notifications.rendering import PLACEHOLDERS, SMS_LIMIT, parse, render, sms_length, to_gsm7
from permits.notifications.services import _outgoing

pytestmark = pytest.mark.django_db
BOUNDED = ("number", "date", "due", "amount", "va", "url", "overdue")
LONG_NUMBER_FORMAT = "DPMPTSP-KC-{year}-{seq:05d}"  # 21 characters
LARGEST_BILL = Decimal("999999999999999")  # Bill.amount: 15 digits


def _placeholders(text: str) -> set[str]:
    return {field for _literal, field in parse(text) if field}


def assert_whole_and_one_sms(message: Message, template: MessageTemplate) -> None:
    for text in (template.text_id, template.text_en):
        rendered = render(text, message.context)
        assert sms_length(rendered) <= SMS_LIMIT, (template.code, sms_length(rendered), rendered)
        for name in _placeholders(text) & set(BOUNDED):
            value = " ".join(str(message.context[name]).split())
            assert len(value) <= PLACEHOLDERS[name].max_len and value in rendered, (template.code, name, value)


def test_the_bill_sms_keeps_its_due_date_whole(officers, register):
    app = register()
    bill = Bill(application=app, amount=Decimal(1500000), virtual_account_no="77001000000000019")
    bill.due_date = datetime.date(2026, 12, 5)  # a Saturday: "Sabtu, 05/12/2026" was cut to "Sabtu,..."
    notify_bill(bill)
    message = Message.objects.get(application=app, template="levy_assessed")
    assert "05/12/2026" in message.text and "..." not in message.text


def test_every_applicant_text_filled_by_its_callers_keeps_each_bounded_value_whole(officers, register, settings):
    settings.REGISTRATION_NUMBER_FORMAT = LONG_NUMBER_FORMAT
    settings.PUBLIC_BASE_URL = "https://izin.kotacontoh.go.id"  # the link is never cut: its length is a promise
    settings.SNAP_PARTNER_SERVICE_ID = "70012345"  # the longest partner service id SNAP allows (8)
    app = register()
    assert len(app.registration_number) == 21
    app.applicant.channel = "sms"
    app.applicant.name = "Raden Ajeng Siti Nur'aini Kusumawardhani Putri Ayu"
    app.applicant.save()
    customer = "99999999999"
    notify_bill(
        Bill(
            application=app,
            amount=LARGEST_BILL,
            virtual_account_no="70012345" + customer + luhn_digit(customer),
            due_date=datetime.date(2026, 12, 6),  # Minggu
        )
    )
    notify_survey_scheduled(app, {"visit_date": "2026-12-29"})  # Selasa, 29/12/2026
    notify_transition(app, "paid", after={"amount": str(LARGEST_BILL)})
    app.return_items = ["Gambar denah lantai 1 dan 2 yang ditandatangani arsitek bersertifikat"] * 3
    notify_transition(app, "return", after={})
    app.rejection_note = "Bangunan berada di sempadan sungai; " * 10
    notify_transition(app, "reject", after={})
    notify_transition(app, "issue_decree", after={})
    templates = {t.code: t for t in MessageTemplate.objects.all()}
    messages = list(Message.objects.filter(application=app))
    assert {m.template for m in messages} == {
        "registration_receipt",
        "levy_assessed",
        "survey_scheduled",
        "payment_received",
        "returned",
        "rejected",
        "decree_ready",
    }
    for message in messages:
        assert_whole_and_one_sms(message, templates[message.template])


def test_a_number_format_the_texts_cannot_hold_is_refused_by_the_system_check(settings):
    from permits.notifications.checks import check_placeholder_room

    settings.REGISTRATION_NUMBER_FORMAT = LONG_NUMBER_FORMAT
    settings.PUBLIC_BASE_URL = "https://izin.kotacontoh.go.id"
    assert check_placeholder_room(None) == []
    settings.REGISTRATION_NUMBER_FORMAT = "DPMPTSP-KOTA-{year}-{seq:06d}"
    settings.PUBLIC_BASE_URL = "https://perizinan.kotacontohsejahtera.go.id"
    assert [p.id for p in check_placeholder_room(None)] == ["notifications.E003", "notifications.W002"]


# --- messages that fit: long lists are shortened by whole items and end with the tracking link -------------

SIX_ITEMS = [
    "Gambar denah ditandatangani",
    "Surat kuasa bermeterai",
    "Foto lokasi dari empat sisi",
    "Sertifikat tanah dilegalisir",
    "Perhitungan struktur bangunan",
    "Persetujuan tetangga berbatasan",
]
APPLICANT_TEMPLATES = (
    "registration_receipt",
    "returned",
    "survey_scheduled",
    "rejected",
    "levy_assessed",
    "payment_received",
    "decree_ready",
    "survey_invitation",
)


def _shown_items(text: str, before: str, after: str) -> str:
    return text.split(before, 1)[1].rsplit(after, 1)[0]


def _long_link_app(register, settings, channel):
    settings.REGISTRATION_NUMBER_FORMAT = LONG_NUMBER_FORMAT
    settings.PUBLIC_BASE_URL = "https://izin.kotacontoh.go.id"  # with the longest number: 58 of the 64 promised
    app = register()
    app.applicant.channel = channel
    app.applicant.save()
    return app


def test_a_file_returned_with_six_long_items_gets_an_sms_of_whole_items_ending_with_the_link(
    officers, register, settings
):
    app = _long_link_app(register, settings, "sms")
    app.return_items = SIX_ITEMS
    notify_transition(app, "return", after={})
    message = Message.objects.get(application=app, template="returned")
    url = message.context["url"]
    template = MessageTemplate.objects.get(code="returned")
    english = to_gsm7(render(template.text_en, message.context, sms=True, language="en"))
    for text, more in ((message.text, " dan "), (english, " and ")):
        assert text.endswith(url) and sms_length(text) <= SMS_LIMIT, text
        shown = _shown_items(text, ": ", ". ")
        listed, rest = shown.rsplit(more, 1)
        kept = listed.split("; ")
        assert 1 <= len(kept) < 6 and kept == SIX_ITEMS[: len(kept)], text  # whole items, in order
        assert rest == f"{6 - len(kept)} {'lainnya' if more == ' dan ' else 'more'}", text


def test_whatsapp_and_email_get_every_item(officers, register, settings):
    app = _long_link_app(register, settings, "whatsapp")
    app.return_items = SIX_ITEMS
    notify_transition(app, "return", after={})
    message = Message.objects.get(application=app, template="returned")
    everything = "; ".join(SIX_ITEMS)
    assert everything in message.text and message.text.endswith(message.context["url"])
    assert everything in _outgoing(message).whatsapp_params
    template = MessageTemplate.objects.get(code="returned")
    assert everything in render(template.email_body_id, message.context, limit=False)


def test_a_rejection_with_a_long_note_is_shortened_by_whole_sentences_never_mid_word(officers, register, settings):
    app = _long_link_app(register, settings, "sms")
    note = (
        "Bangunan berada di sempadan sungai. Jarak ke tepi sungai kurang dari lima belas meter. "
        "Pemohon dapat mengajukan kembali setelah rencana tapak diubah sesuai ketentuan."
    )
    app.rejection_note = note
    notify_transition(app, "reject", after={})
    message = Message.objects.get(application=app, template="rejected")
    assert message.text.endswith(message.context["url"]) and sms_length(message.text) <= SMS_LIMIT
    reason = _shown_items(message.text, "Alasan: ", " Rincian: ")
    assert reason.endswith("...")
    kept = reason.removesuffix("...")
    assert note.startswith(kept) and note[len(kept)] in " .", reason  # ends where a word (or sentence) ends
    whole = render("{reason}", message.context, limit=False)
    assert whole == note


def test_every_applicant_text_that_can_be_long_ends_with_the_tracking_link():
    for template in MessageTemplate.objects.filter(code__in=APPLICANT_TEMPLATES):
        for text in (template.text_id, template.text_en):
            if any(PLACEHOLDERS[name].joiner for name in _placeholders(text)):
                assert text.endswith("{url}"), (template.code, text)
