"""Which application events tell the applicant what: called by the intake and workflow services
inside their transactions (so the message commits, or rolls back, with the event).

Levy assessed is not here: the levy service knows the amount, virtual account and due date and
calls `notify_applicant(template="levy_assessed", ...)` itself.
"""

import datetime

from django.conf import settings

from permits.core.money import rupiah
from permits.workflow.models import Application

from .services import notify_applicant

DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def date_id(value: datetime.date | str) -> str:
    """ "Senin, 30/11/2026" (Indonesian day name; dates in messages are local dates)."""
    day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{DAY_NAMES[day.weekday()]}, {day:%d/%m/%Y}"


def notify_registered(application: Application, *, now=None) -> None:
    """The receipt by message: number, promised date, tracking link. Never the PIN."""
    notify_applicant(application=application, template="registration_receipt", now=now)


def notify_survey_scheduled(application: Application, schedule: dict, *, now=None) -> None:
    notify_applicant(
        application=application,
        template="survey_scheduled",
        context={"date": date_id(schedule["visit_date"])},
        now=now,
    )


def _payment_amount(application: Application, after: dict) -> str:
    amount = after.get("amount")
    if amount in (None, ""):
        from permits.workflow.models import Task

        payload = (
            Task.objects.filter(application=application, kind="payment", state=Task.State.DONE)
            .order_by("-finished_at")
            .values_list("payload", flat=True)
            .first()
        ) or {}
        amount = payload.get("amount")
    if amount in (None, ""):
        return "-"
    try:
        return rupiah(amount)
    except (ArithmeticError, ValueError):  # never let a message's wording break the payment
        return str(amount)


def notify_transition(application: Application, event: str, *, now=None, note: str = "", after: dict) -> None:
    """Called by the workflow's `_transition` for every status change; most send nothing."""
    event = str(event)
    if event == "return":
        items = "; ".join(application.return_items or []) or note
        notify_applicant(application=application, template="returned", context={"items": items}, now=now)
    elif event == "reject":
        reason = application.rejection_reason.text_id if application.rejection_reason_id else ""
        text = ". ".join(part for part in (reason, application.rejection_note or note) if part)
        notify_applicant(application=application, template="rejected", context={"reason": text}, now=now)
    elif event == "paid":
        context = {"amount": _payment_amount(application, after)}
        notify_applicant(application=application, template="payment_received", context=context, now=now)
    elif event == "issue_decree":
        context = {"place": settings.NOTIFY_PICKUP_PLACE, "hours": settings.OFFICE_HOURS}
        notify_applicant(application=application, template="decree_ready", context=context, now=now)
