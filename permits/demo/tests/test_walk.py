"""The demo data: an application at every status and step kind, overdue work, PINs that open, loaded once."""

import datetime
import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from permits.catalog.models import Step
from permits.core.calendar import office_calendar
from permits.core.models import AuditEvent
from permits.core.tests.test_workdays import calendars, instants
from permits.core.workdays import JAKARTA
from permits.demo.walk import working_time_before
from permits.intake.pins import pin_matches
from permits.workflow.models import Application, Pause, Task
from permits.workflow.sla import DUE_SOON, sla_state

ENTRY_KEYS = {
    "registration_number",
    "pin",
    "permit_type",
    "state",
    "current_step",
    "current_step_kind",
    "current_role",
    "due_at",
    "overdue",
    "applicant",
    "promised_completion_date",
    "scenario",
}


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    return tmp_path


def load_demo(var_dir) -> list[dict]:
    call_command("load_demo", stdout=io.StringIO())
    return json.loads((var_dir / "demo-applications.json").read_text(encoding="utf-8"))["applications"]


@pytest.fixture
def entries(db, var_dir):
    return load_demo(var_dir)


def active(number: str) -> Task | None:
    return Task.objects.filter(application__registration_number=number, state__in=Task.ACTIVE_STATES).first()


def test_file_lists_every_application_as_the_engine_recorded_it(entries):
    assert len(entries) == Application.objects.count() >= 15
    assert len({e["permit_type"] for e in entries}) == 7  # every demo permit type
    for e in entries:
        assert set(e) == ENTRY_KEYS and e["scenario"] and e["applicant"]
        app = Application.objects.get(registration_number=e["registration_number"])
        task = active(e["registration_number"])
        assert e["state"] == app.status
        assert e["current_step"] == (task.step.code if task else None)
        assert e["current_step_kind"] == (task.kind if task else None)
        assert e["promised_completion_date"] == timezone.localtime(app.promised_completion_at).date().isoformat()
        assert pin_matches(e["registration_number"], e["pin"], app.pin_hash)  # the PIN opens the tracking page
        assert not pin_matches(e["registration_number"], f"{(int(e['pin']) + 1) % 10**6:06d}", app.pin_hash)
    numbers = [e["registration_number"] for e in entries]
    registered = list(Application.objects.order_by("registered_at", "id").values_list("registration_number", flat=True))
    assert numbers == registered  # listed in registration order, and numbers follow the dates


def test_every_status_appears_and_every_step_kind_is_current_or_done(entries):
    assert {e["state"] for e in entries} == set(Application.Status.values)
    current = {e["current_step_kind"] for e in entries}
    done = set(Task.objects.filter(state=Task.State.DONE).values_list("kind", flat=True))
    assert [kind for kind in Step.Kind.values if kind not in current | done] == []
    assert {"verification", "survey", "payment", "signing", "handover"} <= current


def test_some_tasks_are_overdue_and_some_due_soon(entries):
    now, cal = timezone.now(), office_calendar()
    overdue = [e for e in entries if e["overdue"]]
    assert len(overdue) >= 3
    for e in entries:
        task = active(e["registration_number"])
        assert e["overdue"] == bool(task and task.due_at < now), e
    soon = [
        e
        for e in entries
        if (task := active(e["registration_number"]))
        and sla_state(cal, now, task.due_at, timedelta(seconds=task.bound_seconds)) == DUE_SOON
    ]
    assert len(soon) >= 2


def test_scenarios_show_returns_rejections_withdrawal_and_rework(entries):
    by_state = {}
    for e in entries:
        by_state.setdefault(e["state"], []).append(
            Application.objects.get(registration_number=e["registration_number"])
        )
    assert all(app.return_items for app in by_state["returned"])
    assert Pause.objects.filter(application__status="returned", ended_at__isnull=True).exists()
    assert all(app.rejection_reason_id and app.rejection_note for app in by_state["rejected"])
    resubmitted = [a for a in by_state["in_process"] if a.returns_count]
    assert resubmitted and all(a.paused_seconds > 0 for a in resubmitted)  # the promise moved by the pause
    assert Pause.objects.filter(application__status="withdrawn", ended_at__isnull=False).exists()
    assert AuditEvent.objects.filter(action="application.rework").exists()
    assert Task.objects.filter(kind="survey", state="skipped").exists()  # the no-survey branch
    assert Task.objects.filter(kind="survey", state="done").exists()  # and the survey branch


def test_every_action_is_in_the_past_and_inside_office_hours(entries):
    cal = office_calendar()
    assert not AuditEvent.objects.filter(at__gt=timezone.now()).exists()
    for app in Application.objects.all():
        assert cal.next_working_instant(app.registered_at) == app.registered_at
    for task in Task.objects.exclude(state="skipped"):
        assert cal.next_working_instant(task.started_at) == task.started_at, task


def test_second_run_duplicates_nothing(entries, var_dir):
    counts = (Application.objects.count(), Task.objects.count(), AuditEvent.objects.count())
    before = (var_dir / "demo-applications.json").read_text(encoding="utf-8")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "sudah dimuat" in out.getvalue()
    assert (Application.objects.count(), Task.objects.count(), AuditEvent.objects.count()) == counts
    assert (var_dir / "demo-applications.json").read_text(encoding="utf-8") == before
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username="verifier").count() == 1


def test_refuses_when_debug_is_off(db, var_dir, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=io.StringIO())
    assert not Application.objects.exists()
    assert not (var_dir / "demo-applications.json").exists()


def test_walk_works_from_a_holiday(db):
    """New Year's Day (a Friday): every instant lands on earlier working days, the mix is the same."""
    from permits.demo.catalogue import catalog_load_demo
    from permits.demo.management.commands.load_demo import demo_users_create
    from permits.demo.tariffs import levies_load_demo
    from permits.demo.walk import demo_walk

    catalog_load_demo()
    levies_load_demo()
    now = datetime.datetime(2027, 1, 1, 10, 0, tzinfo=JAKARTA)
    entries = demo_walk(demo_users_create("pw-for-tests-123"), now=now)
    assert {e["state"] for e in entries} == set(Application.Status.values)
    assert sum(e["overdue"] for e in entries) >= 3
    assert Application.objects.filter(registered_at__gte=now).count() == 0
    last = Application.objects.order_by("-registered_at").first()
    assert timezone.localtime(last.registered_at).date() == datetime.date(2026, 12, 31)


@hsettings(max_examples=200, deadline=None)
@given(cal=calendars(), end=instants(), duration=st.timedeltas(timedelta(microseconds=1), timedelta(days=30)))
def test_working_time_before_inverts_working_time_between(cal, end, duration):
    """Placing demo instants backwards from now: exact working time, always inside office hours."""
    start = working_time_before(cal, end, duration)
    assert start <= end
    assert cal.working_time_between(start, end) == duration
    assert cal.next_working_instant(start) == start


def test_at_least_two_applications_wait_for_payment_with_an_open_bill(entries):
    from permits.levies.models import Bill

    waiting = [e for e in entries if e["state"] == "awaiting_payment"]
    assert len(waiting) >= 2
    for entry in waiting:
        bill = Bill.objects.get(application__registration_number=entry["registration_number"], state="open")
        assert bill.virtual_account_no and bill.amount > 0
