"""Workers racing for the same message: exactly one of them sends it."""

import threading
import time

import pytest
from django.db import close_old_connections, connection

from permits.notifications import services
from permits.notifications.channels.base import SENT, SendResult
from permits.notifications.models import DeliveryAttempt, Message

WORKERS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_workers_delivering_the_same_message_send_it_once(monkeypatch, message_templates):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent claims are real only on PostgreSQL; run with DATABASE_URL")
    sent = []

    class SlowProvider:
        kind, backend = "sms", "slow"

        def send(self, out):
            sent.append(out.idempotency_key)
            time.sleep(0.2)  # the others arrive while this one is still talking to the provider
            return SendResult(SENT, provider_id="p-1")

    monkeypatch.setattr(services, "channel_for", lambda kind: SlowProvider())
    monkeypatch.setattr(services, "_enqueue", lambda message_id: None)  # the workers below do the delivering
    msg = services.message_queue(channel="sms", recipient="+6281211112201", template="decree_ready", context={})
    barrier = threading.Barrier(WORKERS)
    errors = []

    def worker():
        try:
            barrier.wait()
            services.message_deliver(message_id=msg.pk)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sent == [msg.idempotency_key]
    msg.refresh_from_db()
    assert msg.status == Message.Status.SENT and msg.attempts == 1
    assert DeliveryAttempt.objects.filter(message=msg).count() == 1
