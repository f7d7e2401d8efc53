"""Who may act on a task, by its step kind: every role over every kind, through the API and the pages alike.

The rule (DESIGN.md #3, docs/SECURITY.md "Who acts on a task"): a task is worked by its step's role;
leaders (supervisor, head, admin) see every task, assign it and may stand in on it, except on the
steps whose completion has a legal or money effect: the SKRD and the payment are the treasurer's
alone (the bank posts its own payments), the signature the head's alone. Written out here by hand,
not read from the code, so a change of the code's table fails this test.
"""

from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from permits.conftest import make_user
from permits.core.models import AuditEvent
from permits.levies.models import Bill, Payment
from permits.workflow import services as wf
from permits.workflow.models import Task

pytestmark = pytest.mark.django_db

ROLES = ("frontdesk", "verifier", "surveyor", "data_entry", "technical", "treasurer", "supervisor", "head", "admin")
LEADERS = {"supervisor", "head", "admin"}
STEP_ROLE = {  # the test permit type's procedure (permits/conftest.py: make_permit_type)
    "verification": "verifier",
    "survey": "surveyor",
    "data_entry": "data_entry",
    "technical_review": "technical",
    "levy_assessment": "treasurer",
    "payment": "treasurer",
    "approval": "supervisor",
    "signing": "head",
    "handover": "frontdesk",
}
NO_STAND_IN = {"levy_assessment", "payment", "signing"}  # a legal or money effect: its role's act alone
OPERATIONS = ("claim", "assign", "schedule", "complete", "return", "reject")
TOTAL = "1000000"

# A valid completion for each kind, as the API takes it and as the task page's form posts it.
API_PAYLOAD = {
    "verification": {"documents_valid": True, "survey_required": True},
    "survey": {"visit_date": "2026-01-05", "findings": "Sesuai", "result": "pass", "measurements": {"luas": "121,5"}},
    "data_entry": {"data": {"luas": "121.5", "lantai": 2, "fungsi": "Hunian"}},
    "technical_review": {"recommendation": "approve", "reasons": "Memenuhi syarat"},
    "levy_assessment": {"lines": [{"description": "Retribusi PBG", "amount": TOTAL}]},
    "payment": {"reference": "BJB-REF-1", "amount": TOTAL},
    "approval": {"decision": "approve"},
    "signing": {},
    "handover": {"collected_by": "Siti", "relation": "holder", "id_number": "3271046504870002"},
}
FORM = {
    "verification": {"documents_valid": "true", "survey_required": "true"},
    "survey": {
        "visit_date": "2026-01-05",
        "findings": "Sesuai",
        "result": "pass",
        "m.name.0": "luas",
        "m.value.0": "1",
    },
    "data_entry": {"data.luas": "121.5", "data.lantai": "2", "data.fungsi": "Hunian"},
    "technical_review": {"recommendation": "approve", "reasons": "Memenuhi syarat"},
    "levy_assessment": {"lines.0.description": "Retribusi PBG", "lines.0.amount": TOTAL},
    "payment": {"reference": "BJB-REF-1", "amount": TOTAL},
    "approval": {"notes": ""},
    "signing": {"notes": ""},
    "handover": {"collected_by": "Siti", "relation": "holder", "id_number": "3271046504870002"},
}
PAGE = {
    "claim": "ambil",
    "assign": "tugaskan",
    "schedule": "jadwal-survei",
    "complete": "selesai",
    "return": "kembalikan",
    "reject": "tolak",
}


def allowed(operation: str, role: str, kind: str) -> bool:
    """The rule, by hand."""
    own = role == STEP_ROLE[kind]
    if operation == "claim":
        return own
    if operation == "assign":
        return role in LEADERS
    return own or (role in LEADERS and kind not in NO_STAND_IN)


@pytest.fixture
def staff(officers):
    return {**officers, "admin": make_user("admin")}


def active(app) -> Task:
    return Task.objects.get(application=app, state__in=Task.ACTIVE_STATES)


def walk_to(staff, app, kind: str) -> Task:
    """Move the file on through the engine, each step by its own officer, until a task of `kind` is open."""
    while (task := active(app)).kind != kind:
        payload = dict(API_PAYLOAD[task.kind])
        if task.kind == "survey":
            payload["visit_date"] = timezone.localdate().isoformat()
        wf.task_complete(actor=staff[task.role], task_id=task.pk, payload=payload)
    assert task.role == STEP_ROLE[kind] and task.state == "open"
    return task


def bearer(client, user) -> dict:
    res = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "pw-for-tests-123"},
        content_type="application/json",
    )
    assert res.status_code == 200, res.content
    return {"HTTP_AUTHORIZATION": f"Bearer {res.json()['token']}"}


def api_call(client, auth, task: Task, operation: str, staff):
    today = timezone.localdate().isoformat()
    body = {
        "claim": {},
        "assign": {"assignee": staff[STEP_ROLE[task.kind]].username},
        "schedule": {"visit_date": today},
        "complete": {"payload": {**API_PAYLOAD[task.kind], **({"visit_date": today} if task.kind == "survey" else {})}},
        "return": {"items": ["Gambar denah belum ditandatangani"]},
        "reject": {"reason_code": "tata-ruang", "text": "Tidak sesuai RDTR"},
    }[operation]
    return client.post(f"/api/v1/tasks/{task.pk}/{operation}", body, content_type="application/json", **auth)


def page_call(client, task: Task, operation: str, staff):
    today = timezone.localdate().isoformat()
    data = {
        "claim": {},
        "assign": {"assignee": str(staff[STEP_ROLE[task.kind]].pk)},
        "schedule": {"visit_date": today},
        "complete": {**FORM[task.kind], **({"visit_date": today} if task.kind == "survey" else {})},
        "return": {"items": "Gambar denah belum ditandatangani"},
        "reject": {"reason_code": "tata-ruang", "text": "Tidak sesuai RDTR"},
    }[operation]
    return client.post(f"/kerja/tugas/{task.pk}/{PAGE[operation]}/", data)


def succeeded(channel: str, operation: str, kind: str, status: int) -> bool:
    """Whether an allowed caller's attempt went through (or stopped only at a rule other than who acts)."""
    if operation == "schedule" and kind != "survey":  # allowed to act, but only surveys are scheduled
        return status == 422
    if operation in ("return", "reject") and status == 409:  # the status table's word (e.g. no return once paid)
        return True
    return status == (200 if channel == "api" else 302)


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize("kind", list(STEP_ROLE))
def test_every_role_acts_on_each_task_kind_only_as_the_rule_says(staff, register, kind, channel):
    app = register(now=timezone.now())
    task = walk_to(staff, app, kind)
    callers = {}
    for role in ROLES:  # signed in outside the rolled-back attempts below
        client = Client()
        if channel == "api":
            callers[role] = (client, bearer(client, staff[role]))
        else:
            client.force_login(staff[role])
            callers[role] = (client, None)
    wrong = []
    for role in ROLES:
        client, auth = callers[role]
        for operation in OPERATIONS:
            with transaction.atomic():  # each attempt on the same open task, then undone
                if channel == "api":
                    res = api_call(client, auth, task, operation, staff)
                else:
                    res = page_call(client, task, operation, staff)
                after = Task.objects.get(pk=task.pk)
                expect = allowed(operation, role, kind)
                if expect and not succeeded(channel, operation, kind, res.status_code):
                    wrong.append(f"{role} {operation}: refused or failed ({res.status_code})")
                if not expect and (res.status_code != 403 or after.version != task.version or not after.is_active):
                    wrong.append(f"{role} {operation}: allowed ({res.status_code}, task {after.state})")
                transaction.set_rollback(True)
    assert not wrong, f"{kind} through the {channel}: " + "; ".join(wrong)


def test_attack_head_completes_payment_task_through_api_is_refused(staff, register, client):
    app = register(now=timezone.now())
    task = walk_to(staff, app, "payment")
    bill = Bill.objects.get(application=app, state="open")
    assert bill.amount == Decimal(TOTAL)
    auth = bearer(client, staff["head"])
    res = client.post(
        f"/api/v1/tasks/{task.pk}/complete",
        {"payload": {"reference": "NO-MONEY-1", "amount": TOTAL}},
        content_type="application/json",
        **auth,
    )
    assert res.status_code == 403, res.content
    body = res.json()
    assert body["error"] == "forbidden" and "Bendahara" in body["message"] and "treasurer" in body["message_en"].lower()
    page = Client()
    page.force_login(staff["head"])
    assert page.post(f"/kerja/tugas/{task.pk}/selesai/", FORM["payment"]).status_code == 403
    bill.refresh_from_db()
    app.refresh_from_db()
    assert bill.state == "open" and bill.paid_payment is None and not Payment.objects.exists()
    assert app.status == "awaiting_payment" and active(app).pk == task.pk
    assert not AuditEvent.objects.filter(action="levy.payment_post").exists()
    assert not AuditEvent.objects.filter(action="task.complete", object_id=str(task.pk)).exists()
    # the treasurer then records it, and that is the one payment
    res = client.post(
        f"/api/v1/tasks/{task.pk}/complete",
        {"payload": {"reference": "BJB-REF-1", "amount": TOTAL}},
        content_type="application/json",
        **bearer(client, staff["treasurer"]),
    )
    assert res.status_code == 200, res.content
    bill.refresh_from_db()
    assert bill.state == "paid" and bill.paid_payment.recorded_by == staff["treasurer"]
    assert Payment.objects.count() == 1
