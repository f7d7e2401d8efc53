"""The audit trail is append-only and tamper-evident: audit_verify names the first broken link."""

import datetime
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from permits.conftest import make_user
from permits.core.audit import audit_record, audit_verify, event_hash
from permits.core.models import AppendOnlyError, AuditEvent
from permits.workflow.models import Task
from permits.workflow.services import task_claim

POSTGRES = connection.vendor == "postgresql"


def _stream(user, name="test:chain", n=4):
    with transaction.atomic():
        return [
            audit_record(actor=user, action=f"step_{i}", obj=user, stream=name, after={"i": i}) for i in range(1, n + 1)
        ]


def _raw(sql: str, params=()):
    """Change the table behind the application's back (on PostgreSQL, as a superuser who first
    disables the append-only trigger: the test runs in a transaction that is rolled back)."""
    with connection.cursor() as cursor:
        if POSTGRES:
            # ALTER TABLE waits for no deferred check of this transaction: run those first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute(sql, params)
        if POSTGRES:
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _rehash(event_id: int):
    """An editor who knows the hash function: make the row consistent with itself again."""
    event = AuditEvent.objects.get(pk=event_id)
    _raw("UPDATE core_auditevent SET hash = %s WHERE id = %s", [event_hash(event), event_id])


@pytest.fixture
def user(db):
    return make_user("verifier")


def test_events_written_by_the_workflow_verify_intact(register, officers):
    app = register()
    task = Task.objects.get(application=app, state=Task.State.OPEN)
    task_claim(actor=officers["verifier"], task_id=task.pk)
    assert AuditEvent.objects.filter(stream=f"intake.application:{app.pk}").count() >= 2
    assert audit_verify() == []


def test_an_instant_given_in_jakarta_time_verifies(user):
    at = datetime.datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Jakarta"))
    with transaction.atomic():
        audit_record(actor=user, action="demo", obj=user, stream="test:jkt", at=at)
    assert audit_verify(["test:jkt"]) == []


def test_the_command_reports_an_intact_trail_and_exits_zero(user, capsys):
    _stream(user)
    call_command("audit_verify")
    assert "audit trail intact: 1 stream(s) verified" in capsys.readouterr().out


# --- append-only in code -----------------------------------------------------------------------


def test_saving_a_recorded_event_again_is_refused(user):
    event = _stream(user, n=1)[0]
    event.note = "quietly changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    copy = AuditEvent.objects.get(pk=event.pk)
    copy.note = "changed through a fresh instance"
    with pytest.raises(AppendOnlyError):
        copy.save(update_fields=["note"])
    with pytest.raises(AppendOnlyError):
        AuditEvent(pk=event.pk, stream=event.stream, seq=event.seq, at=event.at, hash="x").save()
    assert AuditEvent.objects.get(pk=event.pk).note == ""


def test_deleting_or_bulk_changing_events_is_refused(user):
    events = _stream(user, n=2)
    with pytest.raises(AppendOnlyError):
        events[0].delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(stream="test:chain").delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(stream="test:chain").update(note="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update(events, ["note"])
    assert AuditEvent.objects.filter(stream="test:chain").count() == 2


# --- append-only in PostgreSQL -----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="the trigger exists on PostgreSQL only")
def test_postgres_trigger_refuses_update_delete_and_truncate(user):
    event = _stream(user, n=1)[0]
    statements = [
        ("UPDATE core_auditevent SET note = 'x' WHERE id = %s", [event.pk]),
        ("DELETE FROM core_auditevent WHERE id = %s", [event.pk]),
        # The test database's sessions opt in to TRUNCATE (config/settings/test.py); opt out again.
        ("SET CONSTRAINTS ALL IMMEDIATE; SET LOCAL smart.audit_allow_truncate = off; TRUNCATE core_auditevent", None),
    ]
    for sql, params in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert AuditEvent.objects.get(pk=event.pk).note == ""


# --- tampering is caught -----------------------------------------------------------------------


def test_a_row_edited_in_the_database_is_named_by_the_command(user, capsys):
    events = _stream(user)
    _stream(user, name="test:other")
    _raw("UPDATE core_auditevent SET note = 'dibayar tunai' WHERE id = %s", [events[1].pk])

    breaks = audit_verify()
    assert [(b.stream, b.seq, b.event_id, b.kind) for b in breaks] == [("test:chain", 2, events[1].pk, "edited")]

    with pytest.raises(CommandError) as exc:
        call_command("audit_verify")
    assert exc.value.returncode == 1
    out = capsys.readouterr().out
    assert f"BROKEN test:chain seq 2 (event id {events[1].pk}): edited" in out
    assert "test:other" not in out


def test_a_deleted_row_is_named_by_the_command(user, capsys):
    events = _stream(user)
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])

    with pytest.raises(CommandError):
        call_command("audit_verify")
    out = capsys.readouterr().out
    assert f"BROKEN test:chain seq 3 (event id {events[2].pk}): deleted: seq 2 missing before this event" in out


def test_deleting_the_first_rows_is_caught(user):
    events = _stream(user)
    _raw("DELETE FROM core_auditevent WHERE id IN (%s, %s)", [events[0].pk, events[1].pk])
    (b,) = audit_verify()
    assert (b.seq, b.kind) == (3, "deleted")
    assert "seq 1..2 missing" in b.detail


def test_a_row_edited_and_rehashed_breaks_the_next_link(user):
    events = _stream(user)
    _raw("UPDATE core_auditevent SET actor_label = 'orang lain' WHERE id = %s", [events[1].pk])
    _rehash(events[1].pk)
    (b,) = audit_verify()
    assert (b.seq, b.event_id, b.kind) == (3, events[2].pk, "edited")
    assert f"seq 2 (event id {events[1].pk}) was altered" in b.detail


def test_a_row_deleted_and_the_stream_renumbered_is_caught(user):
    events = _stream(user)
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    for later in events[2:]:
        _raw("UPDATE core_auditevent SET seq = seq - 1 WHERE id = %s", [later.pk])
        _rehash(later.pk)
    (b,) = audit_verify()
    assert (b.seq, b.event_id) == (2, events[2].pk)
    assert b.kind == "edited"  # the predecessor it names is gone


def test_events_reordered_are_caught(user):
    events = _stream(user)
    # Event 4 is made to follow event 2 directly, as if events 3 and 4 had been swapped.
    _raw("UPDATE core_auditevent SET prev_hash = %s WHERE id = %s", [events[1].hash, events[3].pk])
    _rehash(events[3].pk)
    (b,) = audit_verify()
    assert (b.seq, b.event_id, b.kind) == (4, events[3].pk, "reordered")
    assert "seq 2" in b.detail


def test_only_the_first_break_of_each_stream_is_named(user):
    events = _stream(user)
    other = _stream(user, name="test:other")
    for e in (events[1], events[2], other[3]):
        _raw("UPDATE core_auditevent SET note = 'x' WHERE id = %s", [e.pk])
    assert [(b.stream, b.seq) for b in audit_verify()] == [("test:chain", 2), ("test:other", 4)]
    assert [(b.stream, b.seq) for b in audit_verify(["test:other"])] == [("test:other", 4)]


def test_removed_tail_and_stream_are_caught_against_kept_heads(user, tmp_path, capsys):
    events = _stream(user)
    gone = _stream(user, name="test:gone", n=2)
    heads = tmp_path / "heads.jsonl"
    call_command("audit_verify", heads=str(heads))
    kept = [json.loads(line) for line in heads.read_text().splitlines()]
    assert {"stream": "test:chain", "seq": 4, "hash": events[3].hash} in kept

    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[3].pk])  # the newest: the chain cannot see it
    _raw("DELETE FROM core_auditevent WHERE stream = %s", ["test:gone"])
    assert audit_verify() == []
    with pytest.raises(CommandError):
        call_command("audit_verify", anchors=str(heads))
    out = capsys.readouterr().out
    assert "BROKEN test:chain seq 4 (no event): deleted: the kept head is seq 4: seq 4..4 were removed" in out
    assert "BROKEN test:gone seq 1 (no event): deleted: the whole stream is gone" in out
    assert gone  # written, then removed


def test_verification_reads_the_trail_in_a_bounded_number_of_queries(user, django_assert_max_num_queries):
    for n in range(5):
        _stream(user, name=f"test:q{n}", n=10)
    with django_assert_max_num_queries(30):  # one read per chunk of 2, never one per event
        assert audit_verify(chunk_size=2) == []


def test_the_whole_demo_trail_verifies_intact(db, settings, tmp_path):
    """Every service of every app writes events that verify: the demo walks all of them, with
    instants given in Jakarta time (time travel), levies, decrees and messages included."""
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    call_command("load_demo", stdout=io.StringIO())
    assert AuditEvent.objects.values("stream").distinct().count() > 10
    assert audit_verify() == []
