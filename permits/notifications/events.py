"""What the applicant is told when something happens to their file: reactions to recorded events.

Notifications subscribes (NotificationsConfig.ready -> `subscribe_reactions`) to the audit actions below
(permits/core/events.py); the app that made the change records its audit event and knows nothing of
messages. A reaction runs inside the recording transaction, so the message commits, or rolls back, with
the change, and is delivered only after commit (services.notify_applicant).
"""

import datetime

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

from permits.catalog.models import Step
from permits.core import events
from permits.core.money import rupiah
from permits.decrees.models import Decree, SurveyInvitation
from permits.decrees.services import survey_url
from permits.levies.models import Bill
from permits.workflow.models import Application, Task
from permits.workflow.steps import latest_payload

from .models import MessageTemplate
from .rendering import due_text, join_items, sentences
from .services import notify_applicant


def date_id(value: datetime.date | str) -> str:
    """ "Senin, 30/11/2026": the Indonesian day name and the date (dates in messages are local dates)."""
    day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
    with translation.override("id"):
        return date_format(day, "l, d/m/Y")


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
        amount = latest_payload(application, Step.Kind.PAYMENT).get("amount")
    if amount in (None, ""):
        return "-"
    try:
        return rupiah(amount)
    except (ArithmeticError, ValueError):  # never let a message's wording break the payment
        return str(amount)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?" else text + "."


def notify_transition(application: Application, event: str, *, now=None, note: str = "", after: dict) -> None:
    """Called by the workflow's `_transition` for every status change; most send nothing."""
    event = str(event)
    if event == "return":  # whole items, shortened to the channel by rendering.shorten_items
        items = join_items(application.return_items or []) or join_items([note])
        notify_applicant(application=application, template="returned", context={"items": items}, now=now)
    elif event == "reject":  # the listed reason, then the note's sentences, each whole or left out
        reason = application.rejection_reason.text_id if application.rejection_reason_id else ""
        parts = [_sentence(part) for part in (reason, *sentences(application.rejection_note or note)) if part]
        notify_applicant(application=application, template="rejected", context={"reason": join_items(parts)}, now=now)
    elif event == "paid":
        context = {"amount": _payment_amount(application, after)}
        notify_applicant(application=application, template="payment_received", context=context, now=now)
    elif event == "issue_decree":
        context = {"place": settings.NOTIFY_PICKUP_PLACE, "hours": settings.OFFICE_HOURS}
        notify_applicant(application=application, template="decree_ready", context=context, now=now)


def notify_bill(bill: Bill, *, now=None) -> None:
    """The amount, virtual account and due date of a bill just opened (an SKRD issued, or a bill reissued)."""
    notify_applicant(
        application=bill.application,
        template="levy_assessed",
        context={"amount": rupiah(bill.amount), "va": bill.virtual_account_no, "due": due_text(bill.due_date)},
        idempotency_key=f"levies.bill:{bill.pk}:levy_assessed",
        now=now,
    )


def notify_survey_invitation(application: Application, *, now=None) -> None:
    """The satisfaction survey's link, once the decree is collected, when the office keeps such a text."""
    invitation = SurveyInvitation.objects.filter(application=application).first()
    if invitation is None or not MessageTemplate.objects.filter(code="survey_invitation").exists():
        return  # the link is on the tracking page anyway
    url = survey_url(invitation.token)
    notify_applicant(
        application=application,
        template="survey_invitation",
        context={"url": url, "survey_url": url},
        idempotency_key=f"application:{application.pk}:survey_invitation",
        now=now,
    )


# --- reactions to recorded events -------------------------------------------------------------------
# Each gets the audit event and the object it is about (core.events.publish).


def _on_registered(*, event, obj: Application) -> None:
    notify_registered(obj, now=event.at)


def _on_transition(*, event, obj: Application) -> None:
    notify_transition(obj, event.action.removeprefix("application."), now=event.at, note=event.note, after=event.after)


def _on_survey_scheduled(*, event, obj: Task) -> None:
    notify_survey_scheduled(obj.application, event.after, now=event.at)


def _on_bill_opened(*, event, obj) -> None:
    """`levy.skrd_issue` is about the assessment (its new bill is named in the event), `levy.bill_reissue`
    about the new bill itself."""
    bill = obj if isinstance(obj, Bill) else Bill.objects.get(virtual_account_no=event.after["virtual_account_no"])
    notify_bill(bill, now=event.at)


def _on_handover(*, event, obj: Decree) -> None:
    notify_survey_invitation(obj.application, now=event.at)


TOLD_TRANSITIONS = ("return", "reject", "paid", "issue_decree")  # the others send nothing (notify_transition)


def subscribe_reactions() -> None:
    events.subscribe("application.register", _on_registered)
    for transition in TOLD_TRANSITIONS:
        events.subscribe(f"application.{transition}", _on_transition)
    events.subscribe("survey.schedule", _on_survey_scheduled)
    events.subscribe("levy.skrd_issue", _on_bill_opened)
    events.subscribe("levy.bill_reissue", _on_bill_opened)
    events.subscribe("decree.handover", _on_handover)
