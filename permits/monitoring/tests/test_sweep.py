"""The stalled-file sweep: each level once per task, to the officer, then the supervisor, then the head."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from permits.conftest import make_permit_type, make_user
from permits.core.models import AuditEvent
from permits.monitoring import tasks
from permits.monitoring.models import Alert, Explanation
from permits.monitoring.services import alert_raise, stall_sweep
from permits.notifications.models import Message
from permits.workflow import services as wf

from .conftest import FAST, active, at, claim, finish

pytestmark = pytest.mark.django_db
L = Alert.Level


def levels(app) -> dict[str, list[str]]:
    out = {}
    for a in Alert.objects.filter(task__application=app).select_related("recipient"):
        out[a.level] = a.recipient.username if a.recipient else None
    return out


def messages_to(user) -> list[str]:
    return list(Message.objects.filter(recipient_user=user).order_by("id").values_list("template", flat=True))


def test_levels_reach_the_officer_then_the_supervisor_then_the_head_each_once(reachable, register):
    officers = reachable
    app = register("FAST", **FAST)  # Monday 23 Nov 09:00; verification bound 8 working hours: due Tue 09:00
    claim(officers, app, at(23, 9, 30))
    assert stall_sweep(now=at(23, 12)).total == 0
    assert stall_sweep(now=at(23, 15)).raised[L.WARNING] == 1  # 6 of 8 working hours used
    assert stall_sweep(now=at(23, 15, 5)).total == 0
    result = stall_sweep(now=at(24, 9, 10))  # overdue: the officer, and the supervisor
    assert result.raised[L.OVERDUE] == 1 and result.raised[L.ESCALATED_SUPERVISOR] == 1 and result.total == 2
    assert stall_sweep(now=at(24, 12, 55)).total == 0  # not yet 4 more working hours
    assert stall_sweep(now=at(24, 13, 0)).raised[L.ESCALATED_HEAD] == 1
    for hour in (14, 15):
        assert stall_sweep(now=at(24, hour)).total == 0  # the sweep may run as often as it likes

    verifier, supervisor, head = officers["verifier"], officers["supervisor"], officers["head"]
    assert levels(app) == {
        L.WARNING: verifier.username,
        L.OVERDUE: verifier.username,
        L.ESCALATED_SUPERVISOR: supervisor.username,
        L.ESCALATED_HEAD: head.username,
    }
    assert messages_to(verifier) == ["stall_warning", "stall_overdue"]
    assert messages_to(supervisor) == ["stall_escalation_supervisor"]
    assert messages_to(head) == ["stall_escalation_head"]
    # the officer and the supervisor are asked to explain; the head is pointed at the officer's answer
    overdue = Explanation.objects.get(alert__level=L.OVERDUE)
    assert set(Explanation.objects.values_list("alert__level", flat=True)) == {L.OVERDUE, L.ESCALATED_SUPERVISOR}
    assert f"/penjelasan/{overdue.token}/" in Message.objects.get(template="stall_overdue").text
    assert f"/penjelasan/{overdue.token}/" in Message.objects.get(template="stall_escalation_head").text
    assert Message.objects.get(template="stall_overdue").channel == "whatsapp"
    actions = set(
        AuditEvent.objects.filter(stream=f"intake.application:{app.pk}", action__startswith="monitoring.").values_list(
            "action", flat=True
        )
    )
    assert actions == {
        f"monitoring.alert.{lv}" for lv in (L.WARNING, L.OVERDUE, L.ESCALATED_SUPERVISOR, L.ESCALATED_HEAD)
    }


def test_an_unassigned_overdue_task_goes_to_every_supervisor(reachable, register):
    second = make_user("supervisor")
    app = register("FAST", **FAST)
    result = stall_sweep(now=at(24, 10))
    assert result.raised[L.OVERDUE] == 1
    assert result.raised[L.ESCALATED_SUPERVISOR] == 0  # the overdue alert already reached them
    alert = Alert.objects.get(task__application=app, level=L.OVERDUE)
    assert alert.to_role == "supervisor" and alert.recipient == reachable["supervisor"] and alert.assignee is None
    assert messages_to(reachable["supervisor"]) == ["stall_overdue"]
    assert messages_to(second) == ["stall_overdue"]  # no phone: queued as failed, visible in the failures list
    assert messages_to(reachable["verifier"]) == []


def test_an_idle_task_asks_for_an_explanation_before_it_is_late(reachable, register):
    officers = reachable
    app = register("FAST", **FAST)
    finish(officers, app, at(23, 10))  # verification
    finish(officers, app, at(23, 11))  # data entry; technical review (2 days = 16 h) opens 11:00, due Wed 11:00
    claim(officers, app, at(23, 11))
    assert stall_sweep(now=at(24, 10, 55)).raised[L.IDLE] == 0  # 7 h 55 of no action
    result = stall_sweep(now=at(24, 11))
    assert result.raised[L.IDLE] == 1 and result.raised[L.OVERDUE] == 0
    alert = Alert.objects.get(level=L.IDLE)
    assert alert.recipient == officers["technical"] and hasattr(alert, "explanation")
    assert messages_to(officers["technical"])[-1] == "stall_idle"


def test_a_scheduled_survey_waits_for_its_visit_and_is_not_idle(reachable, register):
    officers = reachable
    make_permit_type("SURV", survey_policy="always", has_levy=False)
    app = register("SURV")
    finish(officers, app, at(23, 10))  # verification; survey (2 days) opens
    survey = active(app)
    wf.task_schedule_survey(
        actor=officers["surveyor"], task_id=survey.pk, payload={"visit_date": "2026-11-25"}, now=at(23, 10)
    )
    assert stall_sweep(now=at(24, 15)).raised[L.IDLE] == 0


def test_steps_waiting_on_the_applicant_are_not_chased(reachable, register):
    officers = reachable
    app = register("LEVY", has_levy=True, survey_policy="never")
    finish(officers, app, at(23, 10))
    finish(officers, app, at(23, 11))
    finish(officers, app, at(23, 12))
    finish(officers, app, at(23, 13), payload={"lines": [{"description": "Retribusi", "amount": "100000"}]})
    assert active(app).kind == "payment"
    assert stall_sweep(now=at(23, 13) + timedelta(days=60)).total == 0


def test_a_task_finished_meanwhile_is_skipped(reachable, register):
    officers = reachable
    app = register("FAST", **FAST)
    task = active(app)
    finish(officers, app, at(24, 8))
    assert alert_raise(task_id=task.pk, level=L.OVERDUE, now=at(24, 10)) is None
    assert not Alert.objects.exists()


def test_a_level_raised_twice_is_refused_by_the_constraint_and_not_notified_again(reachable, register):
    app = register("FAST", **FAST)
    task = active(app)
    assert alert_raise(task_id=task.pk, level=L.OVERDUE, now=at(24, 10)) is not None
    count = Message.objects.count()
    assert alert_raise(task_id=task.pk, level=L.OVERDUE, now=at(24, 10, 1)) is None
    assert Message.objects.count() == count and Alert.objects.count() == 1


def test_an_alert_with_nobody_to_receive_it_is_still_recorded(register):
    register("FAST", **FAST)
    get_user_model().objects.filter(groups__name="supervisor").update(is_active=False)
    stall_sweep(now=at(24, 10))
    alert = Alert.objects.get(level=L.OVERDUE)
    assert alert.recipient is None and alert.message is None


def test_the_command_and_the_periodic_job_run_the_sweep(reachable, register, capsys):
    register("FAST", **FAST, now=at(2, 9))  # long overdue by now
    call_command("check_overdue_steps")
    assert "peringatan" in capsys.readouterr().out
    first = Alert.objects.count()
    assert first >= 2
    tasks.check_overdue_steps.call_local()
    assert Alert.objects.count() == first
    assert tasks._utc_hour(7) == 0 and tasks._utc_hour(6) == 23
