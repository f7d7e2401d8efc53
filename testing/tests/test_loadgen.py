"""The load-data generator (testing/loadgen.py): a small run must leave data the real engine accepts."""

import datetime
from datetime import timedelta

import pytest
from django.core.management import call_command

from permits.conftest import VALID_APPLICANT
from permits.core.audit import audit_verify
from permits.core.models import AuditEvent, Sequence
from permits.core.workdays import WorkCalendar
from permits.intake.services import application_register
from permits.workflow.models import Application, ReceivedDocument, Task
from testing.loadgen import Options, WorkClock, generate

JKT = WorkCalendar().tz
NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=JKT)  # a Wednesday inside office hours


@pytest.fixture
def loaded(db):
    opts = Options(applications=50, batch=20, seed=7, years=1, drop_indexes=False, vacuum=False, now=NOW)
    return generate(opts)


def test_work_clock_matches_the_calendar_arithmetic():
    cal = WorkCalendar(closed=frozenset({datetime.date(2026, 11, 27)}))
    clock = WorkClock(cal, datetime.date(2026, 11, 23), datetime.date(2026, 12, 31))
    start = clock.w_of(datetime.datetime(2026, 11, 26, 15, 0, tzinfo=JKT))
    due = start + 2 * clock.day  # two working days, across the closed Friday and the weekend
    assert clock.dt(due) == cal.add_working_days(clock.dt(start), 2)
    assert clock.ts(start) == "2026-11-26 08:00:00"  # 15:00 in Jakarta is 08:00 UTC


def test_generates_every_row_of_each_application(loaded):
    assert Application.objects.count() == 50 == loaded.applications
    assert AuditEvent.objects.filter(action="application.register").count() == 50
    assert ReceivedDocument.objects.count() == loaded.rows["document"] > 50
    assert Task.objects.count() == loaded.rows["task"]
    for app in Application.objects.all():
        tasks = list(app.tasks.order_by("started_at", "id"))
        assert tasks[0].started_at == app.registered_at
        active = [t for t in tasks if t.state in Task.ACTIVE_STATES]
        assert len(active) == (1 if app.status not in ("returned", "collected", "rejected", "withdrawn") else 0)
        for task in tasks:
            if task.finished_at and task.state != "skipped":
                assert task.started_at <= task.finished_at and task.working_seconds > 0


def test_leaves_some_files_open_and_the_rest_finished(loaded):
    statuses = set(Application.objects.values_list("status", flat=True))
    assert "collected" in statuses
    assert statuses & {"registered", "in_process", "awaiting_payment", "approved", "decree_issued", "returned"}
    assert not Application.objects.filter(registered_at__gt=NOW).exists()
    assert not Task.objects.filter(finished_at__gt=NOW).exists()


def test_audit_chain_holds_and_numbers_continue_gap_free(loaded, officers):
    assert audit_verify() == []
    year = NOW.year
    last = Sequence.objects.get(key=f"registration:{year}").value
    numbers = set(
        Application.objects.filter(registration_number__startswith=f"{year}-").values_list(
            "registration_number", flat=True
        )
    )
    assert numbers == {f"{year}-{seq:06d}" for seq in range(1, last + 1)}
    reg = application_register(
        officer=officers["frontdesk"],
        permit_type_code="TDUP",
        applicant=dict(VALID_APPLICANT),
        data=Application.objects.filter(permit_type__code="TDUP").first().data,
        documents_received=["ktp", "npwp", "nib", "sppl", "foto-tempat-usaha"],
        now=NOW + timedelta(minutes=5),
    )
    assert reg.application.registration_number == f"{year}-{last + 1:06d}"


def test_command_refuses_without_debug_unless_forced(db, settings):
    from django.core.management import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("generate_load_data", "--applications", "5")


def test_levies_and_decrees_follow_the_steps(loaded):
    from permits.decrees.models import Decree, Handover
    from permits.levies.models import Bill, Payment

    for app in Application.objects.select_related("permit_type"):
        kinds_done = set(app.tasks.filter(state="done").values_list("kind", flat=True))
        bill = Bill.objects.filter(application=app).first()
        assert (bill is not None) == ("levy_assessment" in kinds_done)
        if bill is not None:
            assert (bill.state == "paid") == ("payment" in kinds_done)
            assert Payment.objects.filter(bill=bill).exists() == (bill.state == "paid")
        decree = Decree.objects.filter(application=app).first()
        assert (decree is not None) == ("signing" in kinds_done)
        assert Handover.objects.filter(decree__application=app).exists() == (app.status == "collected")
    for decree in Decree.objects.all():
        assert Sequence.objects.get(key=f"decree:{decree.year}").value >= decree.seq
    assert Decree.objects.count() == Decree.objects.values("year", "seq").distinct().count()


def test_generated_officers_can_be_reached_by_monitoring_alerts(loaded):
    from django.contrib.auth import get_user_model

    from permits.notifications.models import OfficerProfile

    officers = get_user_model().objects.filter(username__startswith="lg-")
    profiles = OfficerProfile.objects.filter(user__in=officers)
    assert officers.count() == profiles.count() > 0
    phones = list(profiles.values_list("phone", flat=True))
    assert len(set(phones)) == len(phones) and all(p.startswith("+62") and 10 <= len(p) <= 15 for p in phones)
    generate(Options(applications=5, batch=5, seed=8, years=1, drop_indexes=False, vacuum=False, now=NOW))
    assert OfficerProfile.objects.count() == profiles.count()  # created once
