"""Set-up and read-back for the several-hosts test, run in a child process with that process's settings
(`python -m testing.deploy.scenario <command> '<json kwargs>'`), printing one `FAULTS-RESULT {...}` line
as the fault tests' scenarios do (testing/faults/scenario.py, whose helpers this reuses).
"""

import datetime
import json
import sys
from collections import Counter

from testing.faults.harness import RESULT_MARK
from testing.faults.scenario import _officers, _register, open_bills


def setup(*, bills: int, stalled: int) -> dict:
    """Migrate the empty database, then: officers, the test permit type and its tariff, `bills` files
    waiting for payment with their bill open, and `stalled` files registered 30 days ago whose
    verification is long overdue (every other one claimed, so it also escalates)."""
    from django.core.management import call_command
    from django.utils import timezone

    from permits.workflow import services as wf
    from permits.workflow.models import Task

    call_command("migrate", interactive=False, verbosity=0)
    officers = _officers()
    out = open_bills(officers, bills)
    then = timezone.now() - datetime.timedelta(days=30)
    tasks = []
    for i in range(stalled):
        app = _register(officers, then)
        task = Task.objects.get(application=app, state__in=Task.ACTIVE_STATES)
        if i % 2 == 0:
            wf.task_claim(actor=officers["verifier"], task_id=task.pk, now=then + datetime.timedelta(minutes=5))
        tasks.append(task.pk)
    return {"bills": out, "stalled_tasks": tasks, "at": timezone.now().isoformat()}


def enqueue_sweep(*, times: int) -> dict:
    """Queue the stalled-file sweep `times` times at once, as several schedulers would."""
    from permits.monitoring.tasks import check_overdue_steps

    for _ in range(times):
        check_overdue_steps()
    return {"enqueued": times}


def report(*, vas: list[str], since: str) -> dict:
    """Each bill's payments and postings, the messages written since `since` with their delivery
    attempts, every alert with what was written with it (testing/faults/scenario.py: alerts_report)."""
    from django.db.models import Count

    from permits.core.models import AuditEvent
    from permits.levies.models import Bill, Payment
    from permits.notifications.models import Message
    from permits.workflow.models import Application, Task
    from testing.faults.scenario import alerts_report

    bills = []
    for bill in Bill.objects.filter(virtual_account_no__in=vas).select_related("application"):
        app = bill.application
        bills.append(
            {
                "va": bill.virtual_account_no,
                "state": bill.state,
                "payments": Payment.objects.filter(bill=bill).count(),
                "posted_events": AuditEvent.objects.filter(
                    action="levy.payment_post", stream=Application.audit_stream(app.pk)
                ).count(),
                "status": app.status,
                "payment_tasks_done": Task.objects.filter(application=app, kind="payment", state="done").count(),
                "approval_tasks": Task.objects.filter(application=app, kind="approval").count(),
                "paid_messages": Message.objects.filter(application=app, template="payment_received").count(),
            }
        )
    messages = [
        {
            "key": m["idempotency_key"],
            "template": m["template"],
            "status": m["status"],
            "text": m["text"],
            "attempts": m["n_attempts"],
        }
        for m in Message.objects.filter(created_at__gte=since)
        .annotate(n_attempts=Count("delivery_attempts"))
        .values("idempotency_key", "template", "status", "text", "n_attempts")
    ]
    return {
        "bills": bills,
        "payments_total": Payment.objects.count(),
        "messages": messages,
        "message_states": dict(Counter(m["status"] for m in messages)),
        **alerts_report(),
    }


COMMANDS = {"setup": setup, "enqueue-sweep": enqueue_sweep, "report": report}


def main(argv: list[str]) -> None:
    import django

    command, kwargs = argv[1], json.loads(argv[2]) if len(argv) > 2 else {}
    django.setup()
    result = COMMANDS[command](**kwargs)
    print(RESULT_MARK + json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main(sys.argv)
