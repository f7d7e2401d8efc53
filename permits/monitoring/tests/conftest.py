"""Fixtures for monitoring: the workflow's officers and register, and helpers that move files
through the real SOP engine at chosen past instants."""

import datetime

import pytest
from django.core.cache import cache

from permits.notifications.models import OfficerProfile
from permits.workflow import services as wf
from permits.workflow.models import Task
from permits.workflow.tests.conftest import JKT, MONDAY, officers, register  # noqa: F401

# No survey, no levy, 3 working days promised: verification 1 d, data entry 4 h, technical review
# 2 d, approval 1 d, signing 1 d, handover 1 d.
FAST = {"survey_policy": "never", "has_levy": False, "service_days": 3}
PAYLOADS = {
    "verification": {"documents_valid": True},
    "data_entry": {"data": {"luas": "120", "lantai": 2, "fungsi": "Hunian"}},
    "technical_review": {"recommendation": "approve", "reasons": "Memenuhi syarat"},
    "approval": {"decision": "approve"},
    "signing": {},
    "handover": {"collected_by": "Siti", "relation": "holder", "id_number": "3271046504870002"},
}
REJECT = {"recommendation": "reject", "reasons": "Tidak sesuai", "reason_code": "tata-ruang"}


def at(day: int, hour: int = 9, minute: int = 0, month: int = 11, year: int = 2026) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=JKT)


def active(app) -> Task | None:
    return Task.objects.filter(application=app, state__in=Task.ACTIVE_STATES).first()


def claim(staff, app, now, user=None) -> Task:
    task = active(app)
    return wf.task_claim(actor=user or staff[task.role], task_id=task.pk, now=now)


def finish(staff, app, now, *, payload=None, claim_at=None, user=None) -> Task:
    """Complete the active step at `now` (claiming it first, at `claim_at` or `now`, when open)."""
    task = active(app)
    user = user or task.assignee or staff[task.role]
    if task.state == Task.State.OPEN:
        wf.task_claim(actor=user, task_id=task.pk, now=claim_at or now)
    return wf.task_complete(actor=user, task_id=task.pk, payload=payload or PAYLOADS[task.kind], now=now)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reachable(officers):  # noqa: F811  (the workflow's fixture)
    """Every officer has a WhatsApp number, so alerts are queued (not failed for want of an address)."""
    for i, user in enumerate(officers.values()):
        OfficerProfile.objects.create(user=user, phone=f"+62812000000{i:02d}", channel="whatsapp")
    return officers
