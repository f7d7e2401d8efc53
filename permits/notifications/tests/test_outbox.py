from datetime import timedelta

import pytest
from django.db import transaction

from permits.conftest import make_user
from permits.core.errors import Forbidden
from permits.core.models import AuditEvent
from permits.notifications import services
from permits.notifications.channels.base import FAILED, RETRY, SendResult
from permits.notifications.models import DeliveryAttempt, Message, OfficerProfile, OptOut
from permits.notifications.selectors import application_messages, messages_due, messages_failed
from permits.notifications.services import message_deliver, message_retry, notify_applicant, notify_officer

from .conftest import MONDAY

pytestmark = pytest.mark.django_db
S = Message.Status


class Scripted:
    """A channel that answers from a script (the provider, not our code, is what is faked)."""

    backend = "scripted"

    def __init__(self, kind, *outcomes):
        self.kind, self.outcomes, self.sent = kind, list(outcomes), []

    def send(self, out):
        self.sent.append(out)
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        return SendResult(outcome, provider_id=f"p-{len(self.sent)}", error="" if outcome in ("sent",) else "boom")


@pytest.fixture
def scripted(monkeypatch):
    def install(kind, *outcomes):
        channel = Scripted(kind, *outcomes)
        original = services.channel_for
        monkeypatch.setattr(services, "channel_for", lambda k: channel if k == kind else original(k))
        return channel

    return install


def test_registration_queues_a_receipt_without_the_pin_in_the_same_transaction(register):
    from permits.conftest import VALID_APPLICANT
    from permits.intake.services import application_register

    register()  # creates the permit type and the officers
    reg = application_register(
        officer=make_user("frontdesk"),
        permit_type_code="TEST",
        applicant=dict(VALID_APPLICANT),
        data={"luas": "120", "lantai": "2", "fungsi": "Hunian"},
        documents_received=["ktp", "sertifikat"],
        now=MONDAY,
    )
    [msg] = application_messages(reg.application)
    assert msg.template == "registration_receipt" and msg.status == S.QUEUED
    assert msg.channel == "whatsapp" and msg.recipient == "+6281211112201"
    assert reg.application.registration_number in msg.text and "/lacak/" in msg.text
    assert reg.pin not in msg.text and reg.pin not in str(msg.context)


def test_a_rolled_back_event_leaves_no_message(app):
    before = Message.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_applicant(application=app, template="survey_scheduled", context={"date": "Senin, 30/11/2026"})
        raise RuntimeError("the officer's action failed after the message was written")
    assert Message.objects.count() == before


def test_delivery_starts_only_after_commit_and_the_dev_channel_delivers(app, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        msg = notify_applicant(application=app, template="survey_scheduled", context={"date": "Senin, 30/11/2026"})
    assert Message.objects.get(pk=msg.pk).status == S.QUEUED and len(callbacks) == 1
    callbacks[0]()  # the commit happened: Huey (immediate in tests) runs the delivery task
    msg.refresh_from_db()
    assert msg.status == S.DELIVERED and msg.attempts == 1 and msg.backend == "dev"
    assert DeliveryAttempt.objects.filter(message=msg, outcome="delivered").count() == 1


def test_a_message_is_claimed_by_one_worker_only(app):
    msg = application_messages(app)[0]
    assert message_deliver(message_id=msg.pk) is not None
    assert message_deliver(message_id=msg.pk) is None  # a second worker (or the sweep) finds nothing to do
    msg.refresh_from_db()
    assert msg.attempts == 1 and DeliveryAttempt.objects.filter(message=msg).count() == 1


def test_non_essential_messages_respect_the_opt_out_but_essential_ones_do_not(app):
    OptOut.objects.create(applicant=app.applicant, at=MONDAY)
    assert notify_applicant(application=app, template="survey_scheduled", context={"date": "x"}) is None
    msg = notify_applicant(application=app, template="decree_ready")
    assert msg is not None and msg.essential


def test_opt_out_is_recorded_by_staff_through_the_service_with_an_audit_event(app, officers):
    services.applicant_set_opt_out(actor=officers["frontdesk"], applicant=app.applicant, opted_out=True)
    assert OptOut.objects.filter(applicant=app.applicant).exists()
    assert AuditEvent.objects.filter(action="applicant.opt_out").count() == 1


def test_once_per_application_messages_are_not_duplicated_by_a_second_call(app):
    first = notify_applicant(application=app, template="decree_ready")
    again = notify_applicant(application=app, template="decree_ready")
    assert first.pk == again.pk
    assert Message.objects.filter(application=app, template="decree_ready").count() == 1


def test_a_message_that_cannot_be_sent_is_still_recorded_as_failed(app):
    msg = notify_applicant(application=app, template="no_such_template")
    assert msg.status == S.FAILED and "no_such_template" in msg.last_error
    assert msg in messages_failed()


def test_email_preference_sends_email_with_subject_and_uncut_values(app):
    app.applicant.channel = "email"
    app.applicant.save()
    long_reason = "Tidak sesuai tata ruang. " + "Keterangan panjang. " * 10
    msg = notify_applicant(application=app, template="rejected", context={"reason": long_reason})
    assert msg.channel == "email" and msg.recipient == "siti@example.id"
    assert msg.subject == f"Permohonan {app.registration_number} ditolak"
    assert long_reason.strip() in msg.text


def test_officer_alert_goes_to_the_profile_phone_or_email_or_is_recorded_as_failed(officers):
    with_phone = officers["verifier"]
    OfficerProfile.objects.create(user=with_phone, phone="+6281300000001", channel="sms")
    ctx = {"number": "2026-000001", "step": "Verifikasi", "overdue": "2 hari kerja"}
    msg = notify_officer(user=with_phone, template="officer_alert", context=ctx)
    assert (msg.channel, msg.recipient, msg.essential) == ("sms", "+6281300000001", True)
    assert "2026-000001" in msg.text and "2 hari kerja" in msg.text
    by_email = officers["surveyor"]
    by_email.email = "surveyor@kota.go.id"
    by_email.save()
    assert notify_officer(user=by_email, template="officer_alert", context=ctx).channel == "email"
    nowhere = notify_officer(user=officers["head"], template="officer_alert", context=ctx)
    assert nowhere.status == S.FAILED and nowhere in messages_failed()


def test_whatsapp_permanent_failure_falls_back_to_sms_once(app, scripted):
    scripted("whatsapp", FAILED)
    msg = application_messages(app)[0]
    message_deliver(message_id=msg.pk)
    msg.refresh_from_db()
    assert msg.status == S.FAILED
    [fallback] = msg.fallbacks.all()
    assert fallback.channel == "sms" and fallback.recipient == app.applicant.phone
    assert fallback.status == S.QUEUED and fallback.text.startswith("Berkas ")
    assert fallback.idempotency_key == msg.idempotency_key + ":sms"


def test_temporary_failures_back_off_exponentially_then_fail_at_the_deadline(app, scripted, settings):
    settings.NOTIFY_RETRY_HOURS = 1
    channel = scripted("whatsapp", RETRY)
    msg = application_messages(app)[0]
    now = msg.created_at
    waits = []
    while True:
        message_deliver(message_id=msg.pk, now=now)
        msg.refresh_from_db()
        if msg.status != S.QUEUED:
            break
        waits.append(msg.next_attempt_at - now)
        assert message_deliver(message_id=msg.pk, now=now) is None  # not before its time
        now = msg.next_attempt_at
    assert waits[:4] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]
    assert msg.status == S.FAILED and "Batas waktu" in msg.last_error
    assert msg.attempts == len(channel.sent) == DeliveryAttempt.objects.filter(message=msg).count()
    assert all(out.idempotency_key == msg.idempotency_key for out in channel.sent)
    assert msg.fallbacks.get().channel == "sms"  # WhatsApp never came back: the applicant still hears by SMS


def test_a_worker_killed_mid_delivery_is_redelivered_once_with_the_same_key(app, scripted, settings):
    channel = scripted("whatsapp", "sent")
    msg = application_messages(app)[0]
    # the worker claimed the message and died before recording the provider's answer
    Message.objects.filter(pk=msg.pk).update(status=S.SENDING, claimed_at=MONDAY, attempts=1)
    assert msg.pk not in messages_due(now=MONDAY + timedelta(minutes=5))  # it may still be alive
    later = MONDAY + timedelta(seconds=settings.NOTIFY_SENDING_TIMEOUT_SECONDS + 1)
    assert msg.pk in messages_due(now=later)
    message_deliver(message_id=msg.pk, now=later)
    assert message_deliver(message_id=msg.pk, now=later + timedelta(hours=1)) is None
    msg.refresh_from_db()
    assert msg.status == S.SENT and msg.attempts == 2
    assert [o.idempotency_key for o in channel.sent] == [msg.idempotency_key]


def test_deliver_pending_picks_up_a_message_whose_enqueue_was_lost(app):
    from permits.notifications.tasks import deliver_pending

    msg = application_messages(app)[0]  # queued; its on-commit enqueue never ran (the process died)
    assert deliver_pending.call_local() >= 1
    msg.refresh_from_db()
    assert msg.status == S.DELIVERED


def test_staff_retry_a_failed_message_with_a_fresh_window_and_an_audit_event(app, officers, scripted):
    scripted("whatsapp", FAILED)
    msg = application_messages(app)[0]
    message_deliver(message_id=msg.pk)
    with pytest.raises(Forbidden):
        message_retry(actor=officers["verifier"], message_id=msg.pk)  # not a staff role
    message_retry(actor=officers["frontdesk"], message_id=msg.pk, now=MONDAY + timedelta(days=3))
    msg.refresh_from_db()
    assert msg.status == S.QUEUED and msg.expires_at == MONDAY + timedelta(days=3, hours=24)
    assert AuditEvent.objects.filter(action="message.retry", object_id=str(msg.pk)).exists()
