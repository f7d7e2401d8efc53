"""Background jobs of the levies: claim bills left unpaid past their due date; move a paid file on."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from permits.core.jobs import job_register

from .services import claims_issue_overdue, payment_advance_apply, payment_advances_sweep


@db_periodic_task(crontab(minute="*/15"))
def check_overdue_bills() -> int:
    """Open bills past their due instant get their STRD/STPD (once each; the bill stays payable with the
    sanction on the same virtual account)."""
    return claims_issue_overdue()


@db_task()
def apply_payment_advance(advance_id: int) -> str:
    """A payment the bank posted: its step done, the application moved on (once; see services)."""
    return payment_advance_apply(advance_id)


@db_periodic_task(crontab(minute="*"))
def sweep_payment_advances() -> int:
    """Every minute: posted payments whose advance is still pending LEVY_ADVANCE_SWEEP_AFTER_SECONDS (30)
    after the posting (an enqueue lost between commit and queue, a worker killed mid-way) are applied here."""
    return payment_advances_sweep()


job_register("levies.apply_payment_advance", apply_payment_advance)
