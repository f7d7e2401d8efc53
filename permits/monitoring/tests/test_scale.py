"""The query shapes that keep monitoring's cost to the backlog (docs/PERFORMANCE.md): the stalled list
as two indexed parts, the due-soon bands, the sweep's chunks. Each is checked against the plain rule
applied row by row in Python."""

import datetime
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from permits.core.audit import audit_verify
from permits.core.calendar import office_calendar
from permits.core.models import AuditEvent
from permits.monitoring import scope, selectors, services
from permits.monitoring.models import Alert, Explanation
from permits.notifications.models import Message
from permits.workflow.models import Task
from permits.workflow.sla import DUE_SOON, sla_state

from .conftest import FAST, at, claim

pytestmark = pytest.mark.django_db
L = Alert.Level
NOW = at(27, 14)  # Friday 27 November 2026, 14:00 WIB
WAIT = ("payment", "handover")


def _backlog(officers, register, n: int) -> list[Task]:
    """n files registered over the last days of November, every third claimed, with bounds and due
    instants spread over every bucket of `thresholds.bound_buckets` (set directly on the rows)."""
    cal = office_calendar()
    bounds = [h * 3600 for h in (1, 2, 3, 6, 8, 12, 16, 30, 40, 60, 100, 200, 400)]
    tasks = []
    for i in range(n):
        app = register("FAST", now=at(16 + i % 10, 9, (7 * i) % 60), **FAST)
        task = Task.objects.get(application=app)
        if i % 3 == 0:
            claim(officers, app, at(16 + i % 10, 10))
            task.refresh_from_db()
        bound = bounds[i % len(bounds)]
        # due between 3 working days ago and 8 working days from now, in 2 h 15 min steps
        offset = timedelta(minutes=135 * (i % 40)) - timedelta(hours=24)
        due = cal.add_working_time(NOW, offset) if offset >= timedelta(0) else NOW - (-offset)
        Task.objects.filter(pk=task.pk).update(bound_seconds=bound, due_at=due)
        tasks.append(task)
    return tasks


def _is_idle(t: Task, cal) -> bool:
    return (
        NOW <= t.due_at
        and "schedule" not in t.payload
        and cal.working_time_between(t.claimed_at or t.started_at, NOW) >= timedelta(hours=8)
    )


def test_stalled_list_in_two_parts_is_the_one_ordered_list_and_slices_across_the_seam(officers, register):
    _backlog(officers, register, 40)
    cal = office_calendar()
    monitored = [t for t in Task.objects.filter(state__in=("open", "claimed")) if t.kind not in WAIT]
    expected = sorted((t for t in monitored if NOW > t.due_at or _is_idle(t, cal)), key=lambda t: (t.due_at, t.pk))
    overdue = sum(1 for t in expected if NOW > t.due_at)
    assert 0 < overdue < len(expected)  # both parts present
    stalled = selectors.stalled_tasks(NOW, cal)
    assert stalled.count() == len(stalled) == len(expected)
    assert [t.pk for t in stalled] == [t.pk for t in expected]
    ids = [t.pk for t in expected]
    for start in range(0, len(ids) + 2):
        for size in (1, 3, 7, 50):
            fresh = selectors.stalled_tasks(NOW, cal)  # no counts cached: the slice must find the seam itself
            assert [t.pk for t in fresh[start : start + size]] == ids[start : start + size], (start, size)
    assert stalled[overdue].pk == ids[overdue] and stalled[overdue - 1].pk == ids[overdue - 1]
    with pytest.raises(IndexError):
        stalled[len(ids)]
    # the dashboard hands over the counts it made in its own pass over the backlog
    figures = selectors.now_figures(NOW, cal)
    assert (
        (figures.overdue, figures.idle)
        == selectors.stalled_tasks(NOW, cal).counts()
        == (
            overdue,
            len(expected) - overdue,
        )
    )


def test_due_soon_bands_give_the_work_queue_rule_for_every_bound(officers, register):
    _backlog(officers, register, 52)
    cal = office_calendar()
    monitored = [t for t in Task.objects.filter(state__in=("open", "claimed")) if t.kind not in WAIT]
    expected = sum(
        1 for t in monitored if sla_state(cal, NOW, t.due_at, timedelta(seconds=t.bound_seconds)) == DUE_SOON
    )
    assert expected >= 5
    assert selectors.now_figures(NOW, cal).due_soon == expected


def test_a_scheduled_survey_is_not_counted_idle(reachable, register):
    from permits.workflow import services as wf

    from .conftest import finish

    officers = reachable
    from permits.conftest import make_permit_type

    make_permit_type("SURV", survey_policy="always", has_levy=False)
    apps = [register("SURV") for _ in range(2)]
    for app in apps:
        finish(officers, app, at(23, 10))  # verification; the survey (2 days) opens at 10:00
    survey = Task.objects.get(application=apps[0], kind="survey")
    wf.task_schedule_survey(
        actor=officers["surveyor"], task_id=survey.pk, payload={"visit_date": "2026-11-25"}, now=at(23, 10)
    )
    now = at(24, 15)  # 8 working hours without action since 10:00 yesterday (the other survey)
    figures = selectors.now_figures(now)
    stalled = selectors.stalled_tasks(now)
    assert figures.idle == stalled.count() == 1
    assert [t.application_id for t in stalled] == [apps[1].pk]


def test_the_sweep_in_chunks_raises_notifies_and_audits_each_level_once(reachable, register, settings):
    settings.MONITOR_SWEEP_CHUNK = 4
    apps = []
    for i in range(10):
        app = register("FAST", now=at(16, 9, i), **FAST)  # verification due Tue 17 09:00
        if i % 2:
            claim(reachable, app, at(16, 9, 30))
        apps.append(app)
    with CaptureQueriesContext(connection) as ctx:
        result = services.stall_sweep(now=at(19, 9))  # 2 working days late: overdue and the head
    # per task: overdue and head; claimed ones also escalated to the supervisor
    assert result.raised == {L.WARNING: 0, L.IDLE: 0, L.OVERDUE: 10, L.ESCALATED_SUPERVISOR: 5, L.ESCALATED_HEAD: 10}
    assert Alert.objects.count() == 25 and Explanation.objects.count() == 15
    assert len(ctx.captured_queries) < 25 * 3  # a fixed number per chunk, not ~50 per alert
    # one message per alert and recipient (the officer; else every supervisor; every head)
    keys = list(Message.objects.filter(idempotency_key__startswith="monitoring:alert:").values_list("idempotency_key"))
    assert len(keys) == len(set(keys)) == 5 + 5 + 5 + 10
    for alert in Alert.objects.select_related("message"):
        assert alert.message is not None and alert.message.idempotency_key.startswith(f"monitoring:alert:{alert.pk}:")
        assert alert.message.status == "queued" or alert.message.status == "sent"
    # the head is pointed at the officer's explanation raised in the same run
    for app in apps:
        overdue = Explanation.objects.get(alert__task__application=app, alert__level=L.OVERDUE)
        head = Message.objects.get(application=app, template="stall_escalation_head")
        assert f"/penjelasan/{overdue.token}/" in head.text
    # the audit trail holds one event per alert, chained after the registration's events
    assert AuditEvent.objects.filter(action__startswith="monitoring.alert.").count() == 25
    assert audit_verify() == []
    # again: nothing new, nothing written
    before = (Alert.objects.count(), Message.objects.count(), AuditEvent.objects.count())
    assert services.stall_sweep(now=at(19, 10)).total == 0
    assert (Alert.objects.count(), Message.objects.count(), AuditEvent.objects.count()) == before


def test_the_sweep_skips_a_level_raised_meanwhile_and_a_task_finished_meanwhile(reachable, register):
    from .conftest import finish

    done, raised, fresh = (register("FAST", now=at(16, 9, i), **FAST) for i in range(3))
    pairs = services._candidates(office_calendar(), at(19, 9))
    task_of = {app.pk: Task.objects.get(application=app).pk for app in (done, raised, fresh)}
    assert {(task_of[raised.pk], L.OVERDUE), (task_of[done.pk], L.OVERDUE)} <= set(pairs)
    services.alert_raise(task_id=task_of[raised.pk], level=L.OVERDUE, now=at(19, 9))
    finish(reachable, done, at(19, 8))
    alerts, skipped = services._raise_chunk(
        pairs, now=at(19, 9), cal=office_calendar(), recipients=services._Recipients()
    )
    assert {(a.task_id, a.level) for a in alerts} == {(task_of[raised.pk], L.ESCALATED_HEAD)} | {
        (task_of[fresh.pk], level) for level in (L.OVERDUE, L.ESCALATED_HEAD)
    }
    assert skipped == len(pairs) - 3
    assert Alert.objects.filter(task_id=task_of[raised.pk], level=L.OVERDUE).count() == 1


def test_monitored_kinds_are_every_kind_but_the_applicants(settings):
    from permits.catalog.models import Step

    assert set(scope.monitored_kinds()) == set(Step.Kind.values) - set(settings.MONITOR_APPLICANT_WAIT_KINDS)
    settings.MONITOR_APPLICANT_WAIT_KINDS = ["payment"]
    assert "handover" in scope.monitored_kinds()


def test_now_is_a_friday_afternoon():
    assert NOW.weekday() == 4 and NOW.astimezone(datetime.UTC).hour == 7


def test_history_figures_are_kept_and_refreshed_by_a_worker_not_by_the_reader(monkeypatch, settings):
    settings.MONITOR_DASHBOARD_CACHE_SECONDS = 300
    computed = []

    def figures(now, period, scope=None):
        computed.append(now)
        return {"n": len(computed)}

    monkeypatch.setattr(selectors, "history_figures", figures)
    period = selectors.month_period(NOW)
    assert selectors.history_cached(NOW, period) == {"n": 1}  # nothing kept: computed here
    assert selectors.history_cached(NOW + timedelta(seconds=299), period) == {"n": 1}  # fresh
    # older than the period: the reader gets the kept figures; the worker (immediate in tests) computes
    # new ones, once
    assert selectors.history_cached(NOW + timedelta(seconds=301), period) == {"n": 1}
    assert len(computed) == 2
    assert selectors.history_cached(NOW + timedelta(seconds=302), period) == {"n": 2}
    assert len(computed) == 2
    # another month is computed for its reader, and kept
    october = selectors.month_period(NOW, "2026-10")
    assert selectors.history_cached(NOW, october) == {"n": 3}
    assert selectors.history_cached(NOW, october) == {"n": 3}
    settings.MONITOR_DASHBOARD_CACHE_SECONDS = 0  # no cache at all
    assert selectors.history_cached(NOW, period) == {"n": 4}


def test_an_alert_raised_alone_takes_the_sweeps_path_and_gives_the_same_rows(reachable, register, monkeypatch):
    """Levels, recipients, links, messages and audit live once (`_raise_chunk`): `alert_raise` is its chunk
    of one pair, so an alert raised alone reads exactly like one the sweep raised."""
    alone, swept = (register("FAST", now=at(16, 9), **FAST) for _i in range(2))
    claim(reachable, alone, at(16, 9, 30))
    claim(reachable, swept, at(16, 9, 30))
    task_of = {app.pk: Task.objects.get(application=app).pk for app in (alone, swept)}
    chunks = []
    real_chunk = services._raise_chunk
    monkeypatch.setattr(services, "_raise_chunk", lambda pairs, **kw: chunks.append(pairs) or real_chunk(pairs, **kw))
    levels = (L.OVERDUE, L.ESCALATED_SUPERVISOR, L.ESCALATED_HEAD)
    for level in levels:
        assert services.alert_raise(task_id=task_of[alone.pk], level=level, now=at(19, 9)) is not None
    assert chunks == [[(task_of[alone.pk], level)] for level in levels]
    services._raise_chunk(
        [(task_of[swept.pk], level) for level in levels],
        now=at(19, 9),
        cal=office_calendar(),
        recipients=services._Recipients(),
    )

    def rows(app):
        alerts = Alert.objects.filter(task__application=app).select_related("message").order_by("id")
        tokens = {e.token: "<token>" for e in Explanation.objects.filter(alert__task__application=app)}

        def plain(text):
            for token, mark in tokens.items():
                text = text.replace(token, mark)
            return text.replace(app.registration_number, "<number>").replace(f"/{task_of[app.pk]}/", "/<task>/")

        events = AuditEvent.objects.filter(action__startswith="monitoring.alert.").filter(
            stream=f"intake.application:{app.pk}"
        )
        return (
            [(a.level, a.to_role, a.recipient_id, plain(a.message.text)) for a in alerts],
            [(e.action, {k: v for k, v in e.after.items() if k != "task"}) for e in events.order_by("seq")],
        )

    assert rows(alone) == rows(swept)
    assert audit_verify() == []


def test_now_figures_are_counted_once_per_period_for_every_reader(monkeypatch, settings):
    """The backlog is counted at most once every MONITOR_NOW_CACHE_SECONDS for all readers of a scope:
    the others get the kept figures (with the instant they were counted); a clock earlier than the kept
    figures never gets them; each scope has its own."""
    settings.MONITOR_NOW_CACHE_SECONDS = 15
    counted = []

    def figures(now, cal=None, scope=scope.EVERYTHING):
        counted.append((now, scope.key))
        return selectors.NowFigures([], 0, len(counted), 0, 0, 0, 0, 0, 0, at=now)

    monkeypatch.setattr(selectors, "now_figures", figures)
    first = selectors.now_cached(NOW)
    assert first.overdue == 1 and first.at == NOW
    assert selectors.now_cached(NOW + timedelta(seconds=14)).overdue == 1  # kept
    assert len(counted) == 1
    later = selectors.now_cached(NOW + timedelta(seconds=16))  # older than 15 s: counted again
    assert later.overdue == 2 and later.at == NOW + timedelta(seconds=16)
    # while one reader counts (the flag is up), the others are served the kept figures
    cache.add(selectors._now_key(scope.EVERYTHING) + ":counting", 1, 15)
    assert selectors.now_cached(NOW + timedelta(seconds=40)).overdue == 2
    assert len(counted) == 2
    assert selectors.now_cached(NOW - timedelta(seconds=1)).overdue == 3  # an earlier clock: counted
    section = scope.Scope((SimpleNamespace(code="usaha"),), frozenset(), frozenset())
    assert selectors.now_cached(NOW, scope=section).overdue == 4  # its own key
    settings.MONITOR_NOW_CACHE_SECONDS = 0
    assert selectors.now_cached(NOW).overdue == 5
