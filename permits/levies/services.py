"""Levy business rules: assess (SKRD), open bills with virtual accounts, post payments exactly once,
expire, cancel and re-issue bills. Reconciliation lives in reconciliation.py.

Lock order everywhere: the application row first, then the bill row (the workflow engine locks the
application too), so two paths never wait on each other in a cycle.
"""

import datetime
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from permits.catalog.models import Step
from permits.catalog.rules import parse_decimal
from permits.core.calendar import office_calendar
from permits.core.clock import now_or
from permits.core.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from permits.core.jobs import job_ask
from permits.core.models import OfficialProfile
from permits.core.money import rupiah
from permits.core.roles import LEVY_WRITERS, has_role
from permits.core.sequences import sequence_next
from permits.workflow import payloads
from permits.workflow.models import Application, Task
from permits.workflow.services import audit_application, task_complete, task_may_act, workflow_payment_received
from permits.workflow.steps import kind_owner

from . import documents, tariffs
from .models import Bill, DocumentKind, LevyAssessment, LevyClaim, LevyLine, Payment, PaymentAdvance, TariffRule
from .selectors import bill_amount_due, bill_payability, survey_measurements, tariff_rule_for
from .snap.config import partner_service_id

logger = logging.getLogger(__name__)

K = Step.Kind
TELLER = "teller"
LIVE_BILL_STATES = (Bill.State.OPEN, Bill.State.PAID)


def _lock_app(application_id: int) -> Application:
    return Application.objects.select_for_update().get(pk=application_id)


# --- assessment ---------------------------------------------------------------------------------


@dataclass
class AssessmentDraft:
    """What the tariff in force gives for an application (rule None: no tariff for its type)."""

    rule: TariffRule | None
    computation: tariffs.Computation | None

    @property
    def lines(self) -> list[dict]:
        if self.computation is None or not self.computation.ok:
            return []
        return [
            {"description": ln.description, "basis": ln.basis, "amount": str(ln.amount)}
            for ln in self.computation.lines
        ]


def assessment_compute(application: Application, *, now=None) -> AssessmentDraft:
    """The SKRD lines from the tariff in force today, the survey's measurements and the object data."""
    day = timezone.localtime(now_or(now)).date()
    rule = tariff_rule_for(application.permit_type, day)
    if rule is None:
        return AssessmentDraft(None, None)
    return AssessmentDraft(
        rule, tariffs.compute(rule.as_rule(), application.data or {}, survey_measurements(application), day=day)
    )


def levy_payload_validate(*, application: Application, payload: dict, now=None) -> tuple[dict, dict]:
    """(clean, errors) for completing the levy step: the treasurer's lines, or else the computed ones."""
    draft = assessment_compute(application, now=now)
    errors: dict[str, str] = {}
    if payload.get("lines"):
        clean, errors = payloads.levy_assessment(payload)
        raw_lines = payload["lines"] if isinstance(payload["lines"], list) else []
        if not errors:
            for line, raw in zip(clean["lines"], raw_lines, strict=False):
                line["basis"] = str(raw.get("basis") or "").strip()[:300] if isinstance(raw, dict) else ""
    elif draft.rule is None:
        clean = {}
        errors["lines"] = "Belum ada tarif untuk jenis izin ini: isi baris retribusi secara manual."
    elif not draft.computation.ok:
        clean = {}
        errors["lines"] = (
            f"Data untuk menghitung retribusi belum lengkap ({', '.join(draft.computation.missing)}): "
            "lengkapi data atau isi baris secara manual."
        )
    else:
        clean = {"lines": draft.lines, "total": str(draft.computation.total)}
    if not errors and Decimal(clean["total"]) <= 0:
        errors["lines"] = "Jumlah retribusi harus lebih dari 0."
    clean["rule_version"] = draft.rule.version if draft.rule else ""
    return clean, errors


def _year(now) -> int:
    return timezone.localtime(now).year


def due_date_for(issued_on: datetime.date) -> datetime.date:
    """The due date of an SKRD/SKPD issued on `issued_on`: never before SKRD_DUE_DAYS calendar days later (the
    minimum period the applicant is given), rolled forward to the office's next working day (no weekend,
    national holiday, cuti bersama or office closure: the teller is open on the last day to pay)."""
    cal = office_calendar()
    due = issued_on + datetime.timedelta(days=settings.SKRD_DUE_DAYS)
    while not cal.is_working_day(due):
        due += datetime.timedelta(days=1)
    return due


def _due_instant(due: datetime.date) -> datetime.datetime:
    """The end of the due date, Asia/Jakarta: from then on the sanction runs (Bill.expires_at)."""
    tz = timezone.get_default_timezone()
    return datetime.datetime.combine(due + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)


def _due(now) -> tuple[datetime.date, datetime.datetime]:
    """The due date (due_date_for) and the due instant."""
    due = due_date_for(timezone.localtime(now).date())
    return due, _due_instant(due)


def issuing_official(actor) -> OfficialProfile | None:
    """The official printed on an SKRD/SKPD/STRD: the issuer's complete official profile (the same profile
    decrees print), else that of LEVY_OFFICIAL_USERNAME's user; None prints the issuer's name only."""
    profile = OfficialProfile.objects.filter(user=actor).first() if getattr(actor, "pk", None) else None
    if profile is not None and profile.complete:
        return profile
    if settings.LEVY_OFFICIAL_USERNAME:
        user = get_user_model().objects.filter(username=settings.LEVY_OFFICIAL_USERNAME).first()
        profile = OfficialProfile.objects.filter(user=user).first() if user else None
        if profile is not None and profile.complete:
            return profile
    return None


def _official_fields(actor) -> dict:
    profile = issuing_official(actor)
    if profile is None:
        name = (actor.get_full_name() or actor.get_username()).strip() if actor is not None else ""
        return {"official_name": name, "official_position": "", "official_nip": ""}
    return {"official_name": profile.full_name, "official_position": profile.position, "official_nip": profile.nip}


def document_number(kind: str, now) -> str:
    """The next number of a kind's gap-free yearly series, taken in the caller's transaction."""
    year = _year(now)
    return documents.number_format(kind).format(year=year, seq=sequence_next(documents.sequence_key(kind, year)))


def luhn_digit(digits: str) -> str:
    """The Luhn check digit, so a mistyped VA number is refused at the teller instead of paying another bill."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _bill_open(assessment: LevyAssessment, now) -> Bill:
    seq = sequence_next("levies.bill")
    customer_no = f"{seq:011d}"
    customer_no += luhn_digit(customer_no)
    due = assessment.due_date  # a reissued VA keeps the SKRD/SKPD's due date: the sanction runs from it
    expires = _due_instant(due)
    return Bill.objects.create(
        assessment=assessment,
        application=assessment.application,
        virtual_account_no=partner_service_id() + customer_no,
        customer_no=customer_no,
        amount=assessment.total,
        due_date=due,
        expires_at=expires,
        created_at=now,
    )


def _cancel_assessment(app, assessment: LevyAssessment, actor, now, reason: str) -> None:
    for bill in Bill.objects.select_for_update().filter(assessment=assessment, state__in=(Bill.State.OPEN,)):
        bill.state, bill.closed_at, bill.close_reason = Bill.State.CANCELLED, now, reason
        bill.save()
    assessment.status, assessment.cancelled_at, assessment.cancel_reason = LevyAssessment.Status.CANCELLED, now, reason
    assessment.save()
    audit_application(
        app, actor, "levy.skrd_cancel", assessment, after={"number": assessment.number}, note=reason, now=now
    )


def assessment_create(*, task: Task, app: Application, clean: dict, actor, now) -> dict:
    """Issue the SKRD and open its bill (inside task_complete, the application row locked)."""
    if Bill.objects.filter(application=app, state=Bill.State.PAID).exists():
        raise Conflict(
            "already_paid",
            _l("Retribusi permohonan ini sudah dibayar; SKRD tidak dapat ditetapkan ulang."),
        )
    for old in LevyAssessment.objects.select_for_update().filter(application=app, status=LevyAssessment.Status.ISSUED):
        _cancel_assessment(app, old, actor, now, "Diganti oleh penetapan ulang / superseded by a new assessment")
    draft = assessment_compute(app, now=now)
    kind = draft.rule.document_kind if draft.rule else DocumentKind.SKRD
    number = document_number(kind, now)
    issued_on = timezone.localtime(now).date()
    lines = clean["lines"]
    computed = draft.lines
    assessment = LevyAssessment.objects.create(
        number=number,
        application=app,
        task=task,
        rule=draft.rule,
        rule_snapshot=tariffs.rule_to_dict(draft.rule.as_rule()) if draft.rule else {},
        computed=computed,
        adjusted=[(x["description"], x["amount"]) for x in lines]
        != [(x["description"], x["amount"]) for x in computed],
        total=Decimal(clean["total"]),
        issued_by=actor,
        issued_at=now,
        due_date=_due(now)[0],
        document_kind=kind,
        period=documents.period_text(kind, issued_on, app.data or {}),
        payer_reg_no=documents.payer_reg_no(kind, app.data or {}),
        token=secrets.token_urlsafe(24),
        **_official_fields(actor),
    )
    LevyLine.objects.bulk_create(
        LevyLine(
            assessment=assessment,
            order=i,
            description=line["description"],
            basis=line.get("basis", ""),
            amount=Decimal(line["amount"]),
        )
        for i, line in enumerate(lines, start=1)
    )
    bill = _bill_open(assessment, now)
    audit_application(
        app,
        actor,
        "levy.skrd_issue",
        assessment,
        after={
            "number": number,
            "kind": kind,
            "total": assessment.total,
            "rule": draft.rule.version if draft.rule else None,
            "adjusted": assessment.adjusted,
            "virtual_account_no": bill.virtual_account_no,
            "due_date": bill.due_date,
        },
        now=now,
    )
    return {
        "skrd_number": number,
        "document_kind": kind,
        "virtual_account_no": bill.virtual_account_no,
        "due_date": bill.due_date.isoformat(),
    }


def teller_payment_for_step(*, app: Application, clean: dict, actor, now) -> dict:
    """A payment step completed by hand: record it as a teller payment on the bill (exactly once)."""
    bill = Bill.objects.filter(application=app).order_by("-created_at").first()
    if bill is None:
        return {}  # an application assessed before bills existed: the step keeps its manual record
    result = payment_post(
        virtual_account_no=bill.virtual_account_no,
        partner=TELLER,
        payment_request_id=clean["reference"].upper(),
        bank_reference=clean["reference"],
        amount=Decimal(clean["amount"]),
        channel=Payment.Channel.TELLER,
        actor=actor,
        now=now,
        complete_task=False,
    )
    if result.outcome == "replayed":
        result.outcome = "request_conflict"  # the task is open, so this reference belongs to another record
    if result.outcome != "posted":
        raise result.error()
    return {
        "channel": Payment.Channel.TELLER,
        "payment_id": result.payment.pk,
        "virtual_account_no": bill.virtual_account_no,
    }


def amount_due_today(application: Application, now) -> str | None:
    """What the open bill of an application asks for at `now` (bill_payability), as a string; None without one."""
    bill = (
        Bill.objects.select_related("assessment")
        .filter(application=application, state=Bill.State.OPEN)
        .order_by("-created_at")
        .first()
    )
    if bill is None:
        return None
    bill.application = application
    payability = bill_payability(bill, at=now_or(now))
    return str(payability.amount) if payability.ok else None


def assessment_issue(*, actor, task_id: int, lines: list[dict] | None = None, now=None) -> LevyAssessment:
    """The treasurer issues the SKRD of a levy step: the computed lines, or `lines` as adjusted.

    The step is completed through the workflow (one transaction): the SKRD gets its number, the bill
    its VA number, and the application moves to waiting for payment.
    """
    task = task_complete(actor=actor, task_id=task_id, payload={"lines": lines} if lines else {}, now=now)
    return LevyAssessment.objects.get(task=task, status=LevyAssessment.Status.ISSUED)


# --- bills --------------------------------------------------------------------------------------


def _require_treasurer(actor) -> None:
    """Reissuing, cancelling and reconciling bills: the levy writers of the access table (roles.LEVY_WRITERS)."""
    if not has_role(actor, *LEVY_WRITERS):
        raise Forbidden(_l("Hanya bendahara penerimaan yang dapat melakukan ini."))


def _require_payment_poster(actor) -> None:
    """The cheap check before any lookup: only the payment step's owner records a payment by hand
    (supervisors and the admin cancel and reissue bills, they do not post money). payment_post then
    applies the payment step's whole rule (workflow.services.task_may_act)."""
    if not has_role(actor, kind_owner(K.PAYMENT)):
        raise Forbidden(_l("Hanya bendahara penerimaan yang mencatat pembayaran."))


def _locked_bill(bill_id: int) -> tuple[Bill, Application]:
    app_id = Bill.objects.filter(pk=bill_id).values_list("application_id", flat=True).first()
    if app_id is None:
        raise NotFound(_l("Tagihan"))
    app = _lock_app(app_id)
    return Bill.objects.select_for_update().select_related("assessment").get(pk=bill_id), app


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": "Alasan wajib diisi."})
    return reason[:1000]


@transaction.atomic
def bill_cancel(*, actor, bill_id: int, reason: str, now=None) -> Bill:
    """Close an open (or expired) bill with a reason; the bank will no longer find it."""
    now = now_or(now)
    _require_treasurer(actor)
    reason = _reason(reason)
    bill, app = _locked_bill(bill_id)
    if bill.state not in (Bill.State.OPEN, Bill.State.EXPIRED):
        raise Conflict(
            "bill_closed", _l("Tagihan berstatus %(state)s."), params={"state": Bill.State(bill.state).label}
        )
    before = bill.state
    bill.state, bill.closed_at, bill.close_reason = Bill.State.CANCELLED, now, reason
    bill.save()
    audit_application(
        app,
        actor,
        "levy.bill_cancel",
        bill,
        before={"state": before},
        after={"state": bill.state},
        note=reason,
        now=now,
    )
    return bill


@transaction.atomic
def bill_reissue(*, actor, bill_id: int, reason: str, now=None) -> Bill:
    """A new bill (new VA number) for the same SKRD/SKPD; the old one is cancelled if still open. The due date
    stays the SKRD/SKPD's: a new virtual account does not waive a sanction that has started."""
    now = now_or(now)
    _require_treasurer(actor)
    reason = _reason(reason)
    bill, app = _locked_bill(bill_id)
    assessment = bill.assessment
    if bill.state == Bill.State.PAID:
        raise Conflict("already_paid", _l("Tagihan ini sudah lunas."))
    if assessment.status != LevyAssessment.Status.ISSUED or app.status != Application.Status.AWAITING_PAYMENT:
        raise Conflict("not_payable", _l("SKRD ini tidak lagi menunggu pembayaran."))
    if bill.state == Bill.State.OPEN:
        bill.state, bill.closed_at, bill.close_reason = Bill.State.CANCELLED, now, reason
        bill.save()
    if Bill.objects.filter(assessment=assessment, state__in=LIVE_BILL_STATES).exists():
        raise Conflict("live_bill", _l("SKRD ini sudah punya tagihan aktif."))
    new = _bill_open(assessment, now)
    audit_application(
        app,
        actor,
        "levy.bill_reissue",
        new,
        before={"virtual_account_no": bill.virtual_account_no, "state": bill.state},
        after={"virtual_account_no": new.virtual_account_no, "due_date": new.due_date},
        note=reason,
        now=now,
    )
    return new


def claim_issue(*, bill_id: int, now=None) -> LevyClaim | None:
    """Issue the STRD (levy) or STPD (tax) of an open bill past its due instant, once: None when the bill is
    paid, closed, not yet due, or already claimed. The bill stays open on the same virtual account for the
    amount due on the day of payment (selectors.bill_payability); audited as levy.claim_issue."""
    now = now_or(now)
    with transaction.atomic():
        bill, app = _locked_bill(bill_id)
        if bill.state != Bill.State.OPEN or bill.expires_at > now or LevyClaim.objects.filter(bill=bill).exists():
            return None
        assessment = bill.assessment
        due = bill_amount_due(bill, now)
        kind = documents.CLAIM_OF[assessment.document_kind]
        claim = LevyClaim.objects.create(
            number=document_number(kind, now),
            kind=kind,
            bill=bill,
            assessment=assessment,
            issued_at=now,
            principal=due.principal,
            months=due.months,
            sanction=due.amount,
            total=due.total,
            official_name=assessment.official_name,
            official_position=assessment.official_position,
            official_nip=assessment.official_nip,
            token=secrets.token_urlsafe(24),
        )
        audit_application(
            app,
            None,
            "levy.claim_issue",
            claim,
            after={
                "number": claim.number,
                "kind": kind,
                "virtual_account_no": bill.virtual_account_no,
                "principal": claim.principal,
                "months": claim.months,
                "sanction": claim.sanction,
                "total": claim.total,
            },
            now=now,
            actor_label="sistem",
        )
        return claim


def claims_issue_overdue(*, now=None, limit: int = 500) -> int:
    """The periodic job: an STRD/STPD for every open bill past its due instant that has none yet (each in its
    own short transaction; running it again issues nothing twice)."""
    now = now_or(now)
    due = list(
        Bill.objects.filter(state=Bill.State.OPEN, expires_at__lte=now, claim__isnull=True)
        .order_by("expires_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for bill_id in due if claim_issue(bill_id=bill_id, now=now) is not None)


# --- payments -----------------------------------------------------------------------------------

_REFUSALS = {
    "not_found": ("bill_not_found", _l("Tagihan tidak ditemukan atau tidak dapat dibayar."), 404),
    "wrong_amount": ("wrong_amount", _l("Jumlah harus sama dengan tagihan."), 422),
    "already_paid": ("already_paid", _l("Tagihan ini sudah lunas."), 409),
    "expired": ("bill_expired", _l("Tagihan sudah kedaluwarsa: terbitkan ulang dulu."), 409),  # before issue 18
    "forbidden": (
        "forbidden",
        _l("Hanya bendahara penerimaan yang memegang langkah pembayaran yang mencatat pembayaran."),
        403,
    ),
    "request_conflict": ("reference_used", _l("Nomor referensi ini sudah dipakai untuk pembayaran lain."), 409),
    "invalid_time": (
        "invalid_paid_at",
        _l("Waktu bayar di luar masa berlaku tagihan (sejak tagihan terbit, tidak di masa depan)."),
        422,
    ),
}
_REFUSAL_FIELDS = {"request_conflict": "reference", "invalid_time": "paid_on"}


@dataclass
class PostResult:
    """The normalised outcome of a payment notice, whatever the channel.

    outcome: posted | replayed (the same notice again: nothing written) | already_paid | expired |
    not_found | wrong_amount | request_conflict (the request id was used for another bill or amount) |
    invalid_time (the payment's time lies outside the bill's life: payment_time_valid),
    forbidden (an officer who may not act on the payment step; never the bank).
    """

    outcome: str
    payment: Payment | None = None
    bill: Bill | None = None
    expected: Decimal | None = None  # wrong_amount: the amount due (with any sanction)

    @property
    def ok(self) -> bool:
        return self.outcome in ("posted", "replayed")

    def error(self) -> ServiceError:
        code, message, status = _REFUSALS[self.outcome]
        if status == 403:
            return Forbidden(message)
        field, params = _REFUSAL_FIELDS.get(self.outcome, "amount"), {}
        if self.outcome == "wrong_amount" and self.bill is not None:
            expected = self.bill.amount if self.expected is None else self.expected
            message, params = _l("Jumlah harus sama dengan tagihan (%(amount)s)."), {"amount": rupiah(expected)}
        error = ServiceError(code, message, params=params, status=status)
        error.fields = {field: error.message}
        return error


def normalise_va(value: str) -> str:
    return "".join((value or "").split())


def payment_time_valid(bill: Bill, paid_at: datetime.datetime, now: datetime.datetime) -> bool:
    """A payment is made within its bill's life: not before the day the bill was issued (Jakarta; a teller
    receipt has only a date) and not after now (a bill past its due date stays payable with the sanction:
    the amount due is computed at the payment's time). The bank's clock may differ from ours by the SNAP
    timestamp window (SNAP_TIMESTAMP_WINDOW_SECONDS), so the bounds allow that much. Everything else (a
    notice dated 1900, or next year) is refused before it is stored."""
    skew = datetime.timedelta(seconds=settings.SNAP_TIMESTAMP_WINDOW_SECONDS)
    issued_day = timezone.localtime(bill.created_at).replace(hour=0, minute=0, second=0, microsecond=0)
    return issued_day - skew <= paid_at <= now + skew


# No savepoint when called inside a transaction (the SNAP view's, a task's): any exception leaves
# payment_post and rolls back the caller's transaction with it; nobody catches one and carries on.
@transaction.atomic(savepoint=False)
def payment_post(
    *,
    virtual_account_no: str,
    partner: str,
    payment_request_id: str,
    amount: Decimal,
    channel: str,
    bank_reference: str = "",
    paid_at: datetime.datetime | None = None,
    raw: dict | None = None,
    answer: dict | Callable[[Bill], dict] | None = None,
    actor=None,
    now=None,
    complete_task: bool = True,
    defer_advance: bool = False,
) -> PostResult:
    """Post a payment to a bill exactly once, and move the application on.

    Posting is the payment row, the bill marked paid, its audit event and the event that the levy is
    paid (`PaymentAdvance`). What follows from that event (the payment step done, the application's
    next step, their audit events, the applicant's message) is `payment_advance_apply`: in this
    transaction, or with `defer_advance` (the bank's call: its answer waits only for the posting) by
    a worker once this transaction commits, exactly once (docs/LEVY.md "Posting and advancing").
    `complete_task=False` (a payment step completed by hand, which moves the file itself) records no
    advance.

    Held by the database, not only here: the application and bill rows are locked (so concurrent
    notices queue), (partner, payment_request_id) and the bill's payment are unique. The same notice
    again (same request id, bill and amount) is answered with the first payment, writing nothing.
    `answer` (what the payment keeps to repeat to a replay) may be a function of the locked bill, called
    only when the payment is posted.
    """
    now = now_or(now)
    ref = (
        Bill.objects.filter(virtual_account_no=normalise_va(virtual_account_no)).values("pk", "application_id").first()
    )
    if ref is None:
        return PostResult("not_found")
    # the applicant comes along for the bank's answer (its name); only the application row is locked
    app = Application.objects.select_for_update(of=("self",)).select_related("applicant").get(pk=ref["application_id"])
    bill = Bill.objects.select_for_update(of=("self",)).select_related("assessment").get(pk=ref["pk"])
    bill.application = app
    existing = Payment.objects.filter(partner=partner, payment_request_id=payment_request_id).first()
    if existing is not None:
        same = existing.bill_id == bill.pk and existing.amount == amount
        return PostResult("replayed" if same else "request_conflict", existing, bill)
    # the amount due when the payer paid (a teller receipt dated on the due date owes no sanction); an absurd
    # time is refused below, after the bill's own refusals
    timely = paid_at is not None and payment_time_valid(bill, paid_at, now)
    payability = bill_payability(bill, at=paid_at if timely else now)
    if payability.refusal == "already_paid":
        return PostResult("already_paid", bill.paid_payment, bill)
    if not payability.ok:  # blocked (the file is not waiting for payment) answers as not found
        return PostResult("expired" if payability.refusal == "expired" else "not_found", None, bill)
    if paid_at is not None and not payment_time_valid(bill, paid_at, now):
        return PostResult("invalid_time", None, bill)
    task = payability.task
    if actor is not None and not task_may_act(actor, task):  # an officer: the payment step's rule (the bank: None)
        return PostResult("forbidden", None, bill)
    if amount != payability.amount:  # after the due date the old amount is short by the sanction
        return PostResult("wrong_amount", None, bill, payability.amount)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                bill=bill,
                partner=partner,
                payment_request_id=payment_request_id,
                bank_reference=bank_reference[:128],
                amount=amount,
                channel=channel,
                paid_at=paid_at or now,
                posted_at=now,
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                raw=raw or {},
                answer=(answer(bill) if callable(answer) else answer) or {},
            )
    except IntegrityError:  # only reachable without the row lock; the constraint still holds the line
        return PostResult("already_paid", None, bill)
    bill.state, bill.paid_payment, bill.closed_at = Bill.State.PAID, payment, now
    bill.save(update_fields=["state", "paid_payment", "closed_at"])
    audit_application(
        app,
        actor,
        "levy.payment_post",
        payment,
        after={
            "virtual_account_no": bill.virtual_account_no,
            "amount": amount,
            "channel": channel,
            "payment_request_id": payment_request_id,
            "bank_reference": bank_reference,
            "paid_at": payment.paid_at,
            "sanction": payability.sanction.amount,
        },
        now=now,
        actor_label="" if actor else "bank",
    )
    if complete_task:
        advance = PaymentAdvance.objects.create(payment=payment, application=app, created_at=now)
        if defer_advance:
            transaction.on_commit(partial(_enqueue_advance, advance.pk), robust=True)
        else:
            _advance_apply(advance, payment, actor=actor, now=now)
    return PostResult("posted", payment, bill)


def _enqueue_advance(advance_id: int) -> None:
    """Ask a worker to apply a posted payment's advance (after commit). If the queue is unreachable the
    every-minute `payment_advances_sweep` finds it anyway: nothing depends on this call succeeding."""
    job_ask("levies.apply_payment_advance", advance_id)


def _advance_apply(advance: PaymentAdvance, payment: Payment, *, actor, now) -> None:
    """Apply a locked, unapplied advance in the caller's transaction and record that it was applied."""
    try:
        with transaction.atomic():  # a savepoint: a refusal leaves the record of it writable
            workflow_payment_received(
                application_id=advance.application_id,
                payment_ref=payment.bank_reference or payment.payment_request_id,
                amount=payment.amount,
                channel=payment.channel,
                actor=actor,
                now=now,
            )
        advance.outcome = "advanced"
    except ServiceError as exc:
        if actor is not None:  # an officer at the counter hears it at once, as before
            raise
        # The file no longer waits for this payment (withdrawn meanwhile, say): recorded, not retried.
        logger.warning("payment %s posted but not advanced: %s", payment.pk, exc.code)
        advance.outcome = f"not_advanced:{exc.code}"[:64]
    advance.applied_at = now_or(None)
    advance.save(update_fields=["applied_at", "outcome"])


def payment_advance_apply(advance_id: int, *, now=None) -> str:
    """Apply what follows from a posted payment, exactly once: the advance row is locked, and applying
    it and recording that it was applied commit together. A second call (a repeated enqueue, the sweep
    meeting a worker) finds it applied and does nothing. The payment step is done at the posting's
    time, as if it had moved on in the bank's call. Returns the outcome ("" when already applied)."""
    app_id = PaymentAdvance.objects.filter(pk=advance_id).values_list("application_id", flat=True).first()
    if app_id is None:
        return ""
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=app_id).first()  # the lock order: the application first
        advance = (
            PaymentAdvance.objects.select_for_update(of=("self",))
            .select_related("payment")
            .filter(pk=advance_id, applied_at__isnull=True)
            .first()
        )
        if advance is None:
            return ""
        _advance_apply(advance, advance.payment, actor=None, now=now or advance.payment.posted_at)
        return advance.outcome


def payment_advances_sweep(*, older_than_seconds: int | None = None, limit: int = 500, now=None) -> int:
    """Apply the advances still pending `older_than_seconds` (LEVY_ADVANCE_SWEEP_AFTER_SECONDS) after
    their posting (their enqueue or their worker was lost), each in its own transaction. How many."""
    if older_than_seconds is None:
        older_than_seconds = settings.LEVY_ADVANCE_SWEEP_AFTER_SECONDS
    since = now_or(now) - datetime.timedelta(seconds=older_than_seconds)
    ids = list(
        PaymentAdvance.objects.filter(applied_at__isnull=True, created_at__lte=since)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if payment_advance_apply(pk))


def _parse_rupiah(value) -> Decimal:
    amount = parse_decimal(value)
    if amount <= 0 or amount != amount.to_integral_value():
        raise InvalidOperation
    return amount


def payment_post_teller(
    *, actor, bill_id: int, reference: str, amount, paid_on: datetime.date | str | None = None, now=None
) -> PostResult:
    """The treasurer records a payment from a bank receipt (teller fallback), with the same
    exactly-once rule: the receipt reference is the request id, so recording it twice changes nothing."""
    now = now_or(now)
    _require_payment_poster(actor)
    errors: dict[str, str] = {}
    reference = (reference or "").strip()
    if not reference or len(reference) > 100:
        errors["reference"] = "Nomor referensi bukti setor wajib diisi (maks. 100 karakter)."
    try:
        value = _parse_rupiah(amount)
    except (InvalidOperation, ValueError, TypeError):
        errors["amount"] = "Jumlah harus rupiah bulat lebih dari 0."
    today = timezone.localtime(now).date()
    try:
        day = datetime.date.fromisoformat(str(paid_on)) if paid_on else today
        if day > today:
            errors["paid_on"] = "Tanggal bayar tidak boleh di masa depan."
    except ValueError:
        errors["paid_on"] = "Tanggal harus berformat YYYY-MM-DD."
    if errors:
        raise Invalid(errors)
    bill = Bill.objects.filter(pk=bill_id).first()
    if bill is None:
        raise NotFound(_l("Tagihan"))
    tz = timezone.get_default_timezone()
    paid_at = now if day == today else datetime.datetime.combine(day, datetime.time(12), tzinfo=tz)
    result = payment_post(
        virtual_account_no=bill.virtual_account_no,
        partner=TELLER,
        payment_request_id=reference.upper(),
        bank_reference=reference,
        amount=value,
        channel=Payment.Channel.TELLER,
        paid_at=paid_at,
        raw={"reference": reference, "amount": str(value), "paid_on": day.isoformat()},
        actor=actor,
        now=now,
    )
    if not result.ok:
        raise result.error()
    return result
