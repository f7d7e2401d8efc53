"""Portal tests reuse the workflow's fixtures (officers, register) and start with an empty cache."""

import datetime
import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache

from permits.catalog.models import PermitType
from permits.conftest import make_user
from permits.core.calendar import office_calendar
from permits.intake.pins import pin_hash
from permits.workflow.models import Applicant, Application
from permits.workflow.tests.conftest import JKT, MONDAY, officers, register  # noqa: F401  (fixtures)

PIN = "246810"
NOW = datetime.datetime(2026, 11, 27, 15, 0, tzinfo=JKT)  # "today" of the made-up history
_numbers = itertools.count(1)


def set_pin(app, pin: str = PIN):
    """Give a registered application a known PIN (the real one is shown once, on the receipt)."""
    app.pin_hash = pin_hash(app.registration_number, pin)
    app.save(update_fields=["pin_hash"])
    return app


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached views and estimates live in the cache, which outlives a test (the throttle's counters are
    # in the database here, rolled back with each test; in Redis with the counter_store_kind fixture).
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tracked(register):  # noqa: F811  (the imported fixture)
    """A registered application with the PIN `PIN`."""
    return set_pin(register())


def active(app):
    from permits.workflow.models import Task

    return Task.objects.get(application=app, state__in=Task.ACTIVE_STATES)


def complete(staff, app, role, payload=None, now=None):
    """Claim and finish the application's current step as `role` (`staff`: the officers fixture)."""
    from permits.workflow import services as wf

    task = active(app)
    assert task.role == role, (task.kind, task.role)
    wf.task_claim(actor=staff[role], task_id=task.pk, now=now)
    return wf.task_complete(actor=staff[role], task_id=task.pk, payload=payload or {}, now=now)


def finished_application(pt: PermitType, days: float, *, status="collected", finished=NOW, paused_days: float = 0):
    """An application that took `days` working days of office time (plus `paused_days` with the applicant)."""
    cal = office_calendar()
    day = cal.day_length()
    # The calendar only adds: start well before, then move forward so that exactly days + paused_days
    # of working time lie between registration and finish.
    earlier = cal.next_working_instant(finished - timedelta(days=400))
    span = cal.working_time_between(earlier, finished)
    registered = cal.add_working_time(earlier, span - (days + paused_days) * day)
    officer = make_user("frontdesk")
    return Application.objects.create(
        permit_type=pt,
        applicant=Applicant.objects.create(name="Uji", nik="3271046504870002", phone="+6281211112201", address="-"),
        registration_number=f"H-{next(_numbers):06d}",
        registered_at=registered,
        registered_by=officer,
        pin_hash="x" * 64,
        promised_completion_at=finished,
        paused_seconds=int(paused_days * day.total_seconds()),
        status=status,
        finished_at=finished,
    )
