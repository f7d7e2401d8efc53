"""Recorded events reach their subscribers inside the recording transaction (permits/core/events.py)."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from permits.core import events
from permits.core.audit import audit_record, audit_record_many
from permits.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch):
    monkeypatch.setattr(events, "_subscribers", events.defaultdict(list))
    log = []

    def listener(*, event, obj):
        log.append((event.action, event.pk, obj))
        Group.objects.create(name=f"heard-{event.stream}-{event.seq}")  # a write of the subscriber's own

    events.subscribe("thing.done", listener)
    events.subscribe("thing.done", listener)  # a second registration is ignored
    return log


def test_an_event_reaches_the_subscribers_of_its_action_only(heard):
    group = Group.objects.create(name="obj")
    done = audit_record(actor=None, action="thing.done", obj=group, after={"x": 1})
    audit_record(actor=None, action="thing.other", obj=group)
    assert heard == [("thing.done", done.pk, group)]


def test_bulk_records_are_published_one_by_one_in_order(heard):
    groups = [Group.objects.create(name=f"g{i}") for i in range(3)]
    rows = audit_record_many(
        [{"action": "thing.done", "obj": g, "stream": f"g:{g.pk}", "after": {}} for g in groups],
        actor_label="sweep",
        at=timezone.now(),
    )
    assert [obj for _action, _pk, obj in heard] == groups and len(rows) == 3


def test_what_a_subscriber_writes_rolls_back_with_the_event(heard):
    group = Group.objects.create(name="obj")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="thing.done", obj=group)
        assert Group.objects.filter(name__startswith="heard-").count() == 1
        raise RuntimeError("the change fails after the event was written")
    assert not AuditEvent.objects.filter(action="thing.done").exists()
    assert not Group.objects.filter(name__startswith="heard-").exists()
