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
from permits.notifications.rendering import PLACEHOLDERS, SMS_LIMIT, parse, render, sms_length

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
