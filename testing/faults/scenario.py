"""Data set-up and read-back for the fault tests, run inside a child process with that process's
settings (`python -m testing.faults.scenario <command> '<json kwargs>'`): it prints one line
`FAULTS-RESULT {...}` that `harness.scenario` returns.

Set-up goes through the real services (registration, workflow, levy, outbox), as in the apps'
own tests; the reports read what the database holds after the fault, for the tests to judge.
"""

import datetime
import json
import sys
from collections import Counter


def _setup_django() -> None:
    import django

    django.setup()


def _officers(password: str = "") -> dict:
    """One officer per role. Only the front desk gets a password (the API token): hashing with the
    production hasher costs half a second per user."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    users = {}
    for role in ("frontdesk", "verifier", "surveyor", "data_entry", "technical", "treasurer", "supervisor", "head"):
        user = get_user_model()(username=f"faults-{role}", email=f"{role}@faults.example.id")
        if role == "frontdesk" and password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        users[role] = user
    return users


def _register(officers: dict, now: datetime.datetime):
    from permits.conftest import VALID_APPLICANT
    from permits.intake.services import application_register

    return application_register(
        officer=officers["frontdesk"],
        permit_type_code="TEST",
        applicant=dict(VALID_APPLICANT),
        data={"luas": "120", "lantai": "2", "fungsi": "Hunian"},
        documents_received=["ktp", "sertifikat"],
        now=now,
    ).application


# --- database restart: registrations and payments ---------------------------------------------------


def open_bills(officers: dict, bills: int) -> list[dict]:
    """The test permit type with its tariff, and `bills` applications waiting for payment with their
    bill open: [{va, amount, number}] (also the several-hosts test's set-up, testing/deploy/)."""
    from django.utils import timezone

    from permits.conftest import make_permit_type
    from permits.levies.models import Bill
    from permits.levies.tests.conftest import finish, test_tariff, walk_to_levy

    make_permit_type("TEST")
    test_tariff()
    out = []
    for _ in range(bills):
        now = timezone.now()
        app = _register(officers, now)
        walk_to_levy(officers, app, now=now)
        finish(officers, app, "treasurer", {}, now)
        bill = Bill.objects.get(application=app, state=Bill.State.OPEN)
        out.append({"va": bill.virtual_account_no, "amount": str(bill.amount), "number": app.registration_number})
    return out


def levy_setup(*, bills: int, password: str, migrate: bool = False) -> dict:
    """Officers and `bills` applications waiting for payment (after migrating the empty database when
    `migrate`: one process start instead of two)."""
    from django.core.management import call_command

    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
    officers = _officers(password)
    return {"frontdesk": officers["frontdesk"].username, "bills": open_bills(officers, bills)}


def payments_post(*, vas: list[str]) -> dict:
    """The bank's call for each bill, as the SNAP view makes it (each its own transaction): the payment
    posted, its advance enqueued on commit for a worker (Huey's real queue; no worker runs here)."""
    from decimal import Decimal

    from django.db import transaction

    from permits.levies.models import Bill, PaymentAdvance
    from permits.levies.services import payment_post

    for i, va in enumerate(vas):
        bill = Bill.objects.get(virtual_account_no=va)
        with transaction.atomic():
            result = payment_post(
                virtual_account_no=va,
                partner="faults-bank",
                payment_request_id=f"FAULTS-PAY-{i}",
                amount=Decimal(bill.amount),
                channel="snap",
                defer_advance=True,
            )
        assert result.outcome == "posted", result.outcome
    return {"advances": list(PaymentAdvance.objects.order_by("pk").values_list("pk", flat=True))}


def enqueue_advance_sweep() -> dict:
    """What the every-minute schedule does: queue sweep_payment_advances (the consumer runs it)."""
    from permits.levies.tasks import sweep_payment_advances

    sweep_payment_advances()
    return {"enqueued": True}


def advances_apply(*, older_than_seconds: int = 0) -> dict:
    """The sweep's work, run here (no worker): every posted payment's pending advance applied."""
    from permits.levies.services import payment_advances_sweep

    return {"applied": payment_advances_sweep(older_than_seconds=older_than_seconds, limit=10_000)}


def advances_report(*, vas: list[str]) -> dict:
    """Per bill: its payments, the advance's state, the application's status, its payment steps done,
    its next steps, the task.complete events of its payment step and the "payment received" messages."""
    from permits.core.audit import audit_verify
    from permits.core.models import AuditEvent
    from permits.levies.models import Bill, Payment, PaymentAdvance
    from permits.notifications.models import Message
    from permits.workflow.models import Application, Task

    rows = []
    for bill in Bill.objects.filter(virtual_account_no__in=vas).select_related("application"):
        app = bill.application
        advances = list(PaymentAdvance.objects.filter(application=app).values("applied_at", "outcome"))
        payment_steps = list(Task.objects.filter(application=app, kind="payment").values_list("pk", flat=True))
        rows.append(
            {
                "va": bill.virtual_account_no,
                "payments": Payment.objects.filter(bill=bill).count(),
                "advances": len(advances),
                "applied": sum(1 for a in advances if a["applied_at"] is not None),
                "outcomes": sorted(a["outcome"] for a in advances),
                "status": app.status,
                "payment_tasks_done": Task.objects.filter(application=app, kind="payment", state="done").count(),
                "approval_tasks": Task.objects.filter(application=app, kind="approval").count(),
                "payment_completions": AuditEvent.objects.filter(
                    stream=Application.audit_stream(app.pk),
                    action="task.complete",
                    object_id__in=[str(pk) for pk in payment_steps],
                ).count(),
                "paid_messages": Message.objects.filter(application=app, template="payment_received").count(),
            }
        )
    return {"bills": rows, "audit_breaks": [str(b) for b in audit_verify()]}


def levy_report(*, numbers: list[str], vas: list[str]) -> dict:
    """What survived: the registrations answered 201, the counter, each application's first task,
    audit event and receipt message, each bill's payments, and the audit chains."""
    from django.utils import timezone

    from permits.core.audit import audit_verify
    from permits.core.models import AuditEvent, Sequence
    from permits.levies.models import Bill, Payment
    from permits.notifications.models import Message
    from permits.workflow.models import Application, Task

    year = timezone.localtime(timezone.now()).year
    apps = list(Application.objects.values_list("pk", "registration_number"))
    by_number = {number: pk for pk, number in apps}
    prefix = f"{year}-"
    seqs = sorted(int(n[len(prefix) :]) for n in by_number if n.startswith(prefix))
    counter = Sequence.objects.filter(key=f"registration:{year}").values_list("value", flat=True).first()
    with_task = set(Task.objects.values_list("application_id", flat=True))
    audited = set(AuditEvent.objects.filter(action="application.register").values_list("object_id", flat=True))
    receipts = Counter(Message.objects.filter(template="registration_receipt").values_list("application_id", flat=True))
    bills = []
    for bill in Bill.objects.filter(virtual_account_no__in=vas).select_related("application"):
        app = bill.application
        stream = Application.audit_stream(app.pk)
        bills.append(
            {
                "va": bill.virtual_account_no,
                "state": bill.state,
                "payments": Payment.objects.filter(bill=bill).count(),
                "paid_payment": bill.paid_payment_id,
                "posted_events": AuditEvent.objects.filter(action="levy.payment_post", stream=stream).count(),
                "status": app.status,
                "payment_tasks_done": Task.objects.filter(application=app, kind="payment", state="done").count(),
                "approval_tasks": Task.objects.filter(application=app, kind="approval").count(),
            }
        )
    return {
        "year": year,
        "missing": [n for n in numbers if n not in by_number],
        "seqs": seqs,
        "counter": counter,
        "without_task": [n for n, pk in by_number.items() if pk not in with_task],
        "without_audit": [n for n, pk in by_number.items() if str(pk) not in audited],
        "receipts_not_one": {n: receipts.get(pk, 0) for n, pk in by_number.items() if receipts.get(pk, 0) != 1},
        "bills": bills,
        "payments_total": Payment.objects.count(),
        "audit_breaks": [str(b) for b in audit_verify()],
    }


# --- worker killed: messages -------------------------------------------------------------------------


def messages_queue(*, count: int) -> dict:
    """`count` SMS messages in the outbox, each in its own transaction; their delivery is enqueued
    on commit (Huey on SQLite, not immediate): the consumer started by the test sends them."""
    from permits.notifications.services import message_queue

    keys = []
    for i in range(count):
        message = message_queue(
            channel="sms",
            recipient=f"+6281200{i:06d}",
            recipient_name=f"Pemohon {i}",
            template="survey_scheduled",
            context={"number": f"2026-{i:06d}", "date": "01/12/2026"},
            essential=True,
            idempotency_key=f"faults:sms:{i}",
        )
        keys.append(message.idempotency_key)
    return {"keys": keys}


def enqueue_deliver_pending() -> dict:
    """What the every-minute schedule does: queue deliver_pending (the consumer runs it)."""
    from permits.notifications.tasks import deliver_pending

    deliver_pending()
    return {"enqueued": True}


# --- worker killed: the stalled-file sweep ------------------------------------------------------------


def stalled_setup(*, apps: int, days_ago: int = 30) -> dict:
    """`apps` applications registered `days_ago` days ago and never finished: their verification is
    long overdue. Every other one was claimed by the verifier (so it also escalates to the supervisor)."""
    from django.utils import timezone

    from permits.conftest import make_permit_type
    from permits.workflow import services as wf
    from permits.workflow.models import Task

    officers = _officers()
    make_permit_type("TEST")
    then = timezone.now() - datetime.timedelta(days=days_ago)
    tasks = []
    for i in range(apps):
        app = _register(officers, then)
        task = Task.objects.get(application=app, state__in=Task.ACTIVE_STATES)
        if i % 2 == 0:
            wf.task_claim(actor=officers["verifier"], task_id=task.pk, now=then + datetime.timedelta(minutes=5))
        tasks.append(task.pk)
    return {"tasks": tasks}


def enqueue_sweep() -> dict:
    """What the five-minute schedule does: queue check_overdue_steps (the consumer runs it)."""
    from permits.monitoring.tasks import check_overdue_steps

    check_overdue_steps()
    return {"enqueued": True}


def alerts_report() -> dict:
    """Every alert with what must have been written with it: its explanation (levels that ask for
    one), one message per recipient, one audit event; and the audit chains."""
    from permits.core.audit import audit_verify
    from permits.core.models import AuditEvent
    from permits.monitoring.models import Alert, Explanation
    from permits.notifications.models import Message

    audit = Counter(
        AuditEvent.objects.filter(action__startswith="monitoring.alert.").values_list("object_id", flat=True)
    )
    explanations = Counter(Explanation.objects.values_list("alert_id", flat=True))
    messages = Counter(
        key.split(":")[2]
        for key in Message.objects.filter(idempotency_key__startswith="monitoring:alert:").values_list(
            "idempotency_key", flat=True
        )
    )
    alerts = [
        {
            "task": task,
            "level": level,
            "audit": audit.get(str(pk), 0),
            "explanations": explanations.get(pk, 0),
            "messages": messages.get(str(pk), 0),
            "explained": level in Alert.EXPLAINED,
        }
        for pk, task, level in Alert.objects.order_by("id").values_list("pk", "task_id", "level")
    ]
    alert_ids = {str(pk) for pk in Alert.objects.values_list("pk", flat=True)}
    return {
        "alerts": alerts,
        "orphan_audit": sorted(set(audit) - alert_ids),
        "orphan_messages": sorted(set(messages) - alert_ids),
        "audit_breaks": [str(b) for b in audit_verify()],
    }


COMMANDS = {
    f.__name__.replace("_", "-"): f
    for f in (
        levy_setup,
        levy_report,
        payments_post,
        enqueue_advance_sweep,
        advances_apply,
        advances_report,
        messages_queue,
        enqueue_deliver_pending,
        stalled_setup,
        enqueue_sweep,
        alerts_report,
    )
}


def main(argv: list[str]) -> None:
    from testing.faults.harness import RESULT_MARK

    command, kwargs = argv[1], json.loads(argv[2]) if len(argv) > 2 else {}
    _setup_django()
    result = COMMANDS[command](**kwargs)
    print(RESULT_MARK + json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main(sys.argv)
