"""Email through Django's SMTP backend to a real local SMTP server (aiosmtpd)."""

import email

import pytest
from aiosmtpd.controller import Controller

from permits.notifications.models import Message
from permits.notifications.selectors import application_messages
from permits.notifications.services import message_deliver, notify_applicant

from .conftest import free_port

pytestmark = pytest.mark.django_db
S = Message.Status


class Mailbox:
    def __init__(self, refuse: str = ""):
        self.received, self.refuse = [], refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse and address == self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    controllers = []

    def start(port=None, refuse=""):
        mailbox = Mailbox(refuse)
        controller = Controller(mailbox, hostname="127.0.0.1", port=port or free_port())
        controller.start()
        controllers.append(controller)
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        return mailbox

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "SMART DPMPTSP <noreply@perizinan.kotacontoh.go.id>"
    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def email_app(app):
    app.applicant.channel = "email"
    app.applicant.save()
    return app


def test_email_reaches_a_real_smtp_server_with_subject_body_and_a_stable_message_id(email_app, smtp):
    mailbox = smtp()
    msg = notify_applicant(application=email_app, template="decree_ready")
    message_deliver(message_id=msg.pk)
    [(sender, rcpts, mail)] = mailbox.received
    assert sender == "noreply@perizinan.kotacontoh.go.id" and rcpts == ["siti@example.id"]
    assert mail["Subject"] == f"SK permohonan {email_app.registration_number} siap diambil"
    assert mail["Message-ID"] == f"<{msg.idempotency_key}@perizinan.kotacontoh.go.id>"
    body = mail.get_payload(decode=True).decode()
    assert "Yth. Siti Nur'aini" in body and "KTP asli" in body and email_app.registration_number in body
    msg.refresh_from_db()
    assert msg.status == S.SENT and msg.backend == "smtp"


def test_mail_server_down_then_up_delivers_the_email_once_later(email_app, smtp, settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    msg = notify_applicant(application=email_app, template="decree_ready")
    message_deliver(message_id=msg.pk, now=msg.created_at)
    msg.refresh_from_db()
    assert msg.status == S.QUEUED and "SMTP" in msg.last_error
    mailbox = smtp(port=port)
    message_deliver(message_id=msg.pk, now=msg.next_attempt_at)
    msg.refresh_from_db()
    assert msg.status == S.SENT and msg.attempts == 2 and len(mailbox.received) == 1


def test_a_refused_address_fails_for_good_and_falls_back_to_sms(email_app, smtp):
    smtp(refuse="siti@example.id")
    msg = application_messages(email_app)[0]
    Message.objects.filter(pk=msg.pk).update(channel="email", recipient="siti@example.id")
    message_deliver(message_id=msg.pk)
    msg.refresh_from_db()
    assert msg.status == S.FAILED and "ditolak" in msg.last_error
    assert msg.fallbacks.get().channel == "sms"
