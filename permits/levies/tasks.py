"""Background jobs of the levies: claim bills left unpaid past their due date."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import claims_issue_overdue


@db_periodic_task(crontab(minute="*/15"))
def check_overdue_bills() -> int:
    """Open bills past their due instant get their STRD/STPD (once each; the bill stays payable with the
    sanction on the same virtual account)."""
    return claims_issue_overdue()
