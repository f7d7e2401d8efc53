"""The dashboard's numbers equal the same numbers computed independently, row by row, in Python."""

import datetime
from collections import defaultdict
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from permits.conftest import make_user
from permits.core.calendar import office_calendar
from permits.monitoring import selectors
from permits.monitoring.models import Alert
from permits.workflow.estimates import percentile
from permits.workflow.models import Application, Task
from permits.workflow.sla import DUE_SOON, sla_state

from .conftest import FAST, JKT, at, finish
from .scenario import NOW, build

pytestmark = pytest.mark.django_db
NOVEMBER = (at(1, 0), at(1, 0, month=12))
WAIT = ("payment", "handover")


@pytest.fixture
def office(reachable, register):
    return build(reachable, register)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


# --- independent arithmetic: plain loops over every row ------------------------------------------


def in_range(t, rng):
    return t is not None and rng[0] <= t < rng[1]


def counted(t, rng, now=NOW):
    """The rule, row by row: an office step due in the range, finished or still open past due."""
    due = t.kind not in WAIT and in_range(t.due_at, rng)
    return due and (t.state == "done" or (t.state in ("open", "claimed") and t.due_at < now))


def expected_steps(rng, now=NOW, **match):
    rows = [t for t in Task.objects.all() if counted(t, rng, now) and all(getattr(t, k) == v for k, v in match.items())]
    return len(rows), sum(1 for t in rows if t.state == "done" and t.finished_at <= t.due_at)


def decided_at(app):
    if app.status == "rejected":
        return app.finished_at
    signed = [t.finished_at for t in app.tasks.all() if t.kind == "signing" and t.state == "done"]
    return signed[0] if signed else None


def expected_apps(rng):
    rows = [(a, decided_at(a)) for a in Application.objects.all()]
    rows = [(a, d) for a, d in rows if in_range(d, rng)]
    return len(rows), sum(1 for a, d in rows if d <= a.promised_completion_at)


# --- tests --------------------------------------------------------------------------------------


def test_now_figures_match_the_rows(office):
    cal = office_calendar()
    figures = selectors.now_figures(NOW, cal)
    active = [t for t in Task.objects.all() if t.state in ("open", "claimed")]
    by_kind = defaultdict(int)
    for t in active:
        by_kind[t.kind] += 1
    assert (
        {s["kind"]: s["count"] for s in figures.stages}
        == dict(by_kind)
        == {
            "verification": 3,
            "technical_review": 1,
            "handover": 1,
        }
    )
    monitored = [t for t in active if t.kind not in WAIT]
    assert figures.overdue == sum(1 for t in monitored if NOW > t.due_at) == 1
    due_soon = sum(
        1 for t in monitored if sla_state(cal, NOW, t.due_at, timedelta(seconds=t.bound_seconds)) == DUE_SOON
    )
    assert figures.due_soon == due_soon == 2  # H (1 h left of 8) and G (3 h left of 16)
    assert figures.registered_today == 1
    assert figures.decrees_this_month == 2  # A and B
    assert figures.awaiting_payment == 0 and figures.returned == 0


def test_compliance_this_month_matches_the_rows(office):
    period = selectors.month_period(NOW)
    assert (period.start, period.end) == NOVEMBER
    steps = selectors.step_compliance(period, NOW)
    # late: B's verification, data entry and signing; G's data entry (7 h of 4); D's verification, still open
    assert (steps.total, steps.on_time) == expected_steps(NOVEMBER) == (16, 11)
    assert (steps.open_late, steps.finished) == (1, 15)
    assert (steps.share, steps.finished_share) == (68.8, 73.3)
    apps = selectors.application_compliance(period)
    assert (apps.total, apps.on_time) == expected_apps(NOVEMBER) == (3, 2)  # A on time, B late, C rejected on time


def test_weekly_trend_matches_the_rows(office):
    trend = selectors.weekly_trend(NOW)
    assert len(trend) == 12
    assert trend[-1].start == datetime.date(2026, 11, 23)  # this week's Monday
    for week in trend:
        start = datetime.datetime.combine(week.start, datetime.time(0), tzinfo=JKT)
        rng = (start, start + timedelta(days=7))
        assert (week.steps.total, week.steps.on_time) == expected_steps(rng), week.start
        assert (week.applications.total, week.applications.on_time) == expected_apps(rng), week.start
    by_start = {w.start: w for w in trend}
    assert by_start[datetime.date(2026, 10, 26)].applications.total == 1  # F
    assert by_start[datetime.date(2026, 11, 16)].applications.total == 2  # B signed, C rejected


def test_per_type_step_and_officer_figures_match_the_rows(office, officers):
    period = selectors.month_period(NOW)
    (row,) = [r for r in selectors.by_permit_type(period, NOW) if r.permit_type.code == "FAST"]
    assert (row.steps.total, row.steps.on_time) == expected_steps(NOVEMBER)
    assert (row.applications.total, row.applications.on_time) == expected_apps(NOVEMBER)

    rows = {r.step.code: r for r in selectors.step_rows(NOW, period)}
    since = (NOW - timedelta(days=90), NOW)
    for code, r in rows.items():
        assert (r.month.total, r.month.on_time) == expected_steps(NOVEMBER, step=r.step)
        seconds = [
            t.working_seconds
            for t in Task.objects.filter(step=r.step)
            if t.state == "done" and in_range(t.finished_at, since)
        ]
        assert r.finished == len(seconds)
        if seconds:
            assert r.median == timedelta(seconds=percentile(seconds, 50)), code
            assert r.p90 == timedelta(seconds=percentile(seconds, 90)), code
        assert r.active == Task.objects.filter(step=r.step, state__in=("open", "claimed")).count()
    assert "penyerahan" not in rows  # handover waits on the applicant

    by_user = defaultdict(lambda: [0, 0])
    for t in Task.objects.all():
        who = t.assignee_id or t.finished_by_id
        if counted(t, NOVEMBER) and who:
            by_user[who][0] += 1
            by_user[who][1] += t.state == "done" and t.finished_at <= t.due_at
    got = {r.user.pk: [r.steps.total, r.steps.on_time] for r in selectors.by_officer(period, NOW) if r.steps.total}
    assert got == dict(by_user)
    assert got[officers["verifier"].pk] == [4, 3]  # A, C, G on time; B late


def test_the_tables_agree_with_the_headline(office, officers):
    period = selectors.month_period(NOW)
    head = selectors.step_compliance(period, NOW)

    def total(rows):
        rows = list(rows)
        return [sum(getattr(c, f) for c in rows) for f in ("total", "on_time", "open_late")]

    expected = [head.total, head.on_time, head.open_late]
    assert total(r.steps for r in selectors.by_permit_type(period, NOW)) == expected
    assert total(r.month for r in selectors.step_rows(NOW, period)) == expected
    week = sum((w.steps.total for w in selectors.weekly_trend(NOW) if w.start >= datetime.date(2026, 11, 2)), 0)
    assert week == head.total  # November's weeks start on Monday 2 November
    # the officers' rows hold what somebody held: D's open verification is nobody's yet
    assert total(r.steps for r in selectors.by_officer(period, NOW)) == [head.total - 1, head.on_time, 0]


def test_open_overdue_steps_count_late_in_the_month_they_fell_due(register, officers):
    now = at(20, 9)
    kept = register("FAST", now=at(2, 9), **FAST)
    finish(officers, kept, at(2, 10))  # verification on time; data entry due 2 Nov 14:00, never done
    register("FAST", now=at(2, 9), **FAST)  # verification due 3 Nov 09:00, nobody took it up
    register("FAST", now=at(3, 9), **FAST)  # due 4 Nov 09:00, idem
    register("FAST", now=at(19, 15), **FAST)  # due 20 Nov 15:00: not due yet at 09:00, not counted yet
    period = selectors.month_period(now)
    c = selectors.step_compliance(period, now)
    assert (c.total, c.on_time, c.late, c.open_late) == (4, 1, 3, 3)
    assert (c.share, c.finished_share) == (25.0, 100.0)  # not "100% on time" beside 3 overdue
    assert (c.total, c.on_time) == expected_steps(period_range(period), now=now)
    (row,) = [r for r in selectors.by_permit_type(period, now) if r.permit_type.code == "FAST"]
    assert row.steps == c
    by_step = {r.step.code: r.month for r in selectors.step_rows(now, period)}
    assert (by_step["verifikasi"].total, by_step["verifikasi"].open_late) == (3, 2)
    # the data entry finished at last, late: still late, now among the finished; meanwhile the
    # verification due 20 Nov 15:00 fell due open, and the new technical review is not due yet
    finish(officers, kept, at(23, 10))
    c = selectors.step_compliance(period, at(23, 11))
    assert (c.total, c.on_time, c.open_late, c.finished_share) == (5, 1, 3, 50.0)


def period_range(period):
    return (period.start, period.end)


def test_percentile_per_step_is_the_nearest_rank_of_the_finished_tasks(register, officers):
    # ten verifications taking 1..10 working hours of 8: median 5 h, 90th percentile 9 h
    cal = office_calendar()
    for i in range(1, 11):
        app = register("FAST", now=at(2, 8), **FAST)
        finish(officers, app, cal.add_working_time(at(2, 8), timedelta(hours=i)))
    (row,) = [
        r for r in selectors.step_rows(at(20, 9), selectors.month_period(at(20, 9))) if r.step.code == "verifikasi"
    ]
    assert (row.median, row.p90, row.finished) == (timedelta(hours=5), timedelta(hours=9), 10)
    assert row.month.on_time == 8


def test_stalled_list_shows_overdue_and_idle_files_with_their_alerts(office):
    rows = selectors.stalled_rows(selectors.stalled_tasks(NOW), NOW)
    assert [r.task.application.registration_number for r in rows] == [
        office["D"].registration_number,
        office["G"].registration_number,
    ]
    d, g = rows
    assert d.overdue and d.late == "3 hari 5 jam" and Alert.Level.OVERDUE in d.levels and d.explanation
    assert not g.overdue and g.late == "1 hari 5 jam"
    assert g.levels == [Alert.Level.WARNING, Alert.Level.IDLE]  # 3 of 16 working hours left, idle 13 h


def test_dashboard_page_shows_the_numbers(client, office, officers, frozen):
    client.force_login(officers["head"])
    response = client.get(reverse("monitoring:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="viewport"' in html and "<svg" in html
    assert "68,8%" in html and "11/16" in html  # steps due this month on time, the open overdue one late
    assert "73,3%" in html and "11/15" in html  # on time among the finished
    assert "2/3" in html  # applications decided by their promise
    assert office["D"].registration_number in html and office["G"].registration_number in html
    assert reverse("intake:application", args=[office["D"].registration_number]) in html
    assert reverse("monitoring:officer", args=[officers["verifier"].username]) in html


def test_officer_page_shows_their_record(client, office, officers, frozen):
    client.force_login(officers["supervisor"])
    response = client.get(reverse("monitoring:officer", args=[officers["technical"].username]))
    assert response.status_code == 200
    html = response.content.decode()
    assert office["G"].registration_number in html  # current load
    assert "Tidak ada tindakan" in html  # the idle alert
    record = response.context["record"]
    assert (record.month.total, record.month.on_time) == (3, 3)  # the technical reviews of A, B and C
    assert len(record.load) == 1


def test_leadership_pages_need_the_head_or_a_supervisor(client, officers):
    urls = [
        reverse("monitoring:dashboard"),
        reverse("monitoring:stalled"),
        reverse("monitoring:explanations"),
        reverse("monitoring:export"),
        reverse("monitoring:officer", args=[officers["verifier"].username]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    client.force_login(officers["frontdesk"])
    for url in urls:
        assert client.get(url).status_code == 403, url
    for role in ("supervisor", "head"):
        client.force_login(officers[role])
        for url in urls:
            assert client.get(url).status_code == 200, (role, url)


def _office_of(n: int, officers, register):
    verifier = officers["verifier"]
    for i in range(n):
        app = register("FAST", now=at(2 + (i % 20), 9), **FAST)
        if i % 3:
            finish(officers, app, at(2 + (i % 20), 9) + timedelta(hours=1 + i % 10), user=verifier)


def test_dashboard_query_count_does_not_grow_with_the_applications(
    client, reachable, register, frozen, django_assert_max_num_queries
):
    client.force_login(make_user("head"))
    counts = []
    for n in (10, 90):  # 10, then 100 in all
        _office_of(n, reachable, register)
        cache.clear()  # the history figures are kept a few minutes: measure the reads themselves
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("monitoring:dashboard")).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert Application.objects.count() == 100
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(60):
        client.get(reverse("monitoring:dashboard"))
    with CaptureQueriesContext(connection) as kept:  # within the cache period the history is not read again
        client.get(reverse("monitoring:dashboard"))
    assert len(kept.captured_queries) < counts[1] - 10
