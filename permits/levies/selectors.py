"""Reads: the tariff in force, survey measurements, what the applicant sees of the levy, bill lists."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from permits.catalog.models import PermitType, Step
from permits.catalog.rules import parse_decimal
from permits.core.clock import now_or
from permits.core.identity import nip_printed
from permits.core.money import rupiah
from permits.workflow.models import Application, Task
from permits.workflow.services import payment_task_open
from permits.workflow.steps import latest_payload

from . import documents, tariffs
from .models import Bill, LevyAssessment, LevyClaim, LevyLine, TariffRule


def tariff_rule_for(permit_type: PermitType, day: datetime.date) -> TariffRule | None:
    """The permit type's tariff in force on `day` (latest effective_from covering it)."""
    return (
        TariffRule.objects.filter(permit_type=permit_type, effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .prefetch_related("components")
        .order_by("-effective_from", "-version")
        .first()
    )


def survey_measurements(application: Application) -> dict:
    """The measurements of the latest completed survey (name -> canonical decimal string)."""
    return dict(latest_payload(application, Step.Kind.SURVEY).get("measurements") or {})


def levy_estimate(permit_type: PermitType, values: dict, *, day: datetime.date | None = None) -> dict | None:
    """A public estimate from values someone typed (Indonesian or English number forms); None without tariff."""
    day = day or timezone.localdate()
    rule = tariff_rule_for(permit_type, day)
    if rule is None:
        return None
    clean = {}
    for key, raw in (values or {}).items():
        try:
            clean[key] = str(parse_decimal(raw))
        except (InvalidOperation, ValueError, TypeError):
            clean[key] = str(raw).strip()
    result = tariffs.compute(rule.as_rule(), clean, day=day)
    return {
        "rule_version": rule.version,
        "legal_basis": rule.legal_basis,
        "is_sample": rule.is_sample,
        "missing": list(result.missing),
        "lines": [{"description": ln.description, "basis": ln.basis, "amount": ln.amount} for ln in result.lines],
        "total": result.total if result.ok else None,
    }


def current_assessment(application: Application) -> LevyAssessment | None:
    return (
        LevyAssessment.objects.filter(application=application, status=LevyAssessment.Status.ISSUED)
        .prefetch_related(
            Prefetch("lines", queryset=LevyLine.objects.order_by("order")),
            Prefetch("bills", queryset=Bill.objects.select_related("paid_payment").order_by("-created_at")),
        )
        .first()
    )


@dataclass(frozen=True)
class Payability:
    """Whether a bill can be paid now, and for how much. `refusal` is "" when it can, else why not:
    already_paid | not_found (cancelled, or its SKRD/SKPD no longer in force) | expired (closed as expired
    before issue 18; a bill no longer expires at its due date) | blocked (the file is not waiting for
    payment: no open payment step). `task` is the open payment step of a payable bill; `amount` what must be
    paid at that moment: the principal, plus after the due date the sanction (`sanction`, per started month,
    capped; documents.sanction)."""

    refusal: str = ""
    task: Task | None = None
    amount: Decimal | None = None
    sanction: documents.Sanction | None = None

    @property
    def ok(self) -> bool:
        return not self.refusal

    @property
    def late(self) -> bool:
        return self.sanction is not None and self.sanction.months > 0


def bill_amount_due(bill: Bill, at: datetime.datetime) -> documents.Sanction:
    """The principal and the sanction owed on `bill` if paid at `at` (its Jakarta date): nothing extra up to the
    end of the due date, then LEVY_SANCTION_PERCENT per started month, at most LEVY_SANCTION_MAX_MONTHS."""
    return documents.sanction(bill.amount, bill.due_date, timezone.localtime(at).date())


def bill_payability(bill: Bill, *, at: datetime.datetime) -> Payability:
    """The one rule of "can this bill be paid at `at`, and for how much?", read by every path that takes or
    offers a payment: the bank's inquiry and payment (snap/views.py), the teller (services.payment_post), the
    payment step completed by hand (steps.py), the treasurer's bill page and the applicant's tracking page.
    A payment of another amount than `amount` is refused (SNAP 4042413/4042513)."""
    if bill.state == Bill.State.PAID:
        return Payability("already_paid")
    if bill.state == Bill.State.CANCELLED or bill.assessment.status != LevyAssessment.Status.ISSUED:
        return Payability("not_found")
    if bill.state == Bill.State.EXPIRED:
        return Payability("expired")
    task = payment_task_open(bill.application)
    if task is None:
        return Payability("blocked")
    due = bill_amount_due(bill, at)
    return Payability("", task, due.total, due)


def _how_to_pay(bill: Bill, amount: Decimal | None = None, late_until: datetime.date | None = None) -> str:
    """How and where to pay: the bill's amount by its due date; or, late, `amount` (with the sanction) which
    holds until `late_until` (the last day of the current sanction month)."""
    amount = bill.amount if amount is None else amount
    due = late_until or bill.due_date
    if late_until is None:
        return _(
            "Bayar di teller, ATM, mobile banking atau internet banking Bank BJB: pilih menu pembayaran "
            "Virtual Account, masukkan nomor %(va)s, periksa nama dan jumlah %(amount)s, lalu bayar "
            "paling lambat %(due)s. Dari bank lain: transfer ke Virtual Account BJB dengan nomor yang sama."
        ) % {"va": bill.virtual_account_no, "amount": rupiah(amount), "due": due.strftime("%d/%m/%Y")}
    return _(
        "Jatuh tempo sudah lewat: bayar di teller, ATM, mobile banking atau internet banking Bank BJB, menu "
        "Virtual Account, nomor %(va)s, sejumlah %(amount)s (termasuk sanksi bunga) bila dibayar paling lambat "
        "%(due)s; sesudah itu sanksi bertambah satu bulan. Jumlah lama tidak diterima lagi."
    ) % {"va": bill.virtual_account_no, "amount": rupiah(amount), "due": due.strftime("%d/%m/%Y")}


def _month_end(bill: Bill, months: int) -> datetime.date:
    """The last day on which the amount due with `months` of sanction still applies."""
    return documents.add_months(bill.due_date, months)


def levy_for_tracking(application: Application, *, now: datetime.datetime | None = None) -> dict | None:
    """What the applicant sees of the levy on the tracking page; None when nothing was assessed. How to
    pay is shown only while the bill can be paid (bill_payability)."""
    assessment = current_assessment(application)
    if assessment is None:
        return None
    bill = _shown_bill(assessment)
    paid = bill is not None and bill.state == Bill.State.PAID
    if bill is not None:
        bill.application = application  # read already: payability needs its status
    payability = bill_payability(bill, at=now_or(now)) if bill is not None else Payability("not_found")
    late = payability.ok and payability.late
    claim = LevyClaim.objects.filter(bill=bill).first() if late else None
    how_to_pay = ""
    if payability.ok:
        how_to_pay = (
            _how_to_pay(bill, payability.amount, _month_end(bill, payability.sanction.months))
            if late
            else _how_to_pay(bill)
        )
    return {
        "document_kind": assessment.document_kind,
        "document_number": assessment.number,
        "skrd_number": assessment.number,  # the document's number whatever its kind (kept for API clients)
        "amount": assessment.total,
        "amount_display": rupiah(assessment.total),
        "lines": [
            {"description": ln.description, "amount": ln.amount, "amount_display": rupiah(ln.amount)}
            for ln in assessment.lines.all()
        ],
        "virtual_account_no": bill.virtual_account_no if bill else "",
        "due_date": bill.due_date if bill else assessment.due_date,
        "state": bill.state if bill else "",
        "state_display": bill.get_state_display() if bill else "",
        "paid": paid,
        "paid_at": bill.paid_payment.paid_at if paid else None,
        "how_to_pay": how_to_pay,
        # past the due date: what is owed today (principal + sanction) and the claim (STRD/STPD), if issued
        "amount_due": payability.amount if payability.ok else None,
        "amount_due_display": rupiah(payability.amount) if payability.ok else "",
        "sanction": (
            {
                "months": payability.sanction.months,
                "amount": payability.sanction.amount,
                "amount_display": rupiah(payability.sanction.amount),
                "claim_number": claim.number if claim else "",
            }
            if late
            else None
        ),
    }


def bill_list(*, state: str = "", q: str = "") -> QuerySet[Bill]:
    """Bills for the treasurer, newest first, filtered by state and by VA / SKRD / registration number."""
    qs = Bill.objects.select_related("assessment", "application__applicant", "application__permit_type", "paid_payment")
    if state in Bill.State.values:
        qs = qs.filter(state=state)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(virtual_account_no=q.replace(" ", ""))
            | Q(assessment__number__iexact=q)
            | Q(application__registration_number=q)
        )
    return qs.order_by("-created_at", "-id")


def bill_get(bill_id: int) -> Bill | None:
    return (
        Bill.objects.select_related("assessment", "application__applicant", "application__permit_type", "paid_payment")
        .filter(pk=bill_id)
        .first()
    )


def assessment_get(assessment_id: int) -> LevyAssessment | None:
    return (
        LevyAssessment.objects.select_related("application__applicant", "application__permit_type", "issued_by", "rule")
        .prefetch_related(
            Prefetch("lines", queryset=LevyLine.objects.order_by("order")),
            Prefetch("bills", queryset=Bill.objects.select_related("paid_payment").order_by("-created_at")),
        )
        .filter(pk=assessment_id)
        .first()
    )


def levy_tasks_open() -> QuerySet[Task]:
    """Levy steps waiting for the treasurer to issue an SKRD."""
    return (
        Task.objects.filter(kind=Step.Kind.LEVY_ASSESSMENT, state__in=Task.ACTIVE_STATES)
        .select_related("application__permit_type", "application__applicant", "assignee")
        .order_by("due_at")
    )


def total_of(lines) -> Decimal:
    return sum((Decimal(str(x["amount"] if isinstance(x, dict) else x.amount)) for x in lines), Decimal(0))


def verify_url(token: str) -> str:
    """The public page a document's QR code opens (/verify/levy/<token>)."""
    return settings.PUBLIC_BASE_URL + reverse("levies:verify", args=[token])


def _shown_bill(assessment: LevyAssessment) -> Bill | None:
    bills = list(assessment.bills.all())
    return next((b for b in bills if b.state in (Bill.State.PAID, Bill.State.OPEN)), bills[0] if bills else None)


def official_block(name: str, position: str, nip: str) -> dict:
    """The issuing official as printed under a document (the same block decrees print: position, name, NIP
    in its four groups)."""
    return {"name": name, "position": position, "nip": nip_printed(nip) if nip else ""}


def assessment_document(assessment: LevyAssessment) -> dict:
    """Everything an SKRD/SKPD prints, for the PDF and the page alike (texts in the active language; the PDF
    renders under Indonesian). `assessment` comes from assessment_get (lines and bills prefetched)."""
    app = assessment.application
    applicant = app.applicant
    kind = assessment.document_kind
    issued_on = timezone.localtime(assessment.issued_at).date()
    bill = _shown_bill(assessment)
    payer_ids = [applicant.id_label] if applicant.id_number else []
    if applicant.nib:
        payer_ids.append(f"NIB {applicant.nib}")
    return {
        "kind": kind,
        "is_tax": documents.is_tax(kind),
        "title": documents.TITLES[kind],
        "number": assessment.number,
        "issued_on": issued_on,
        "period": assessment.period or str(issued_on.year),
        "payer_name": applicant.display_name,
        "payer_ids": ", ".join(payer_ids),
        "payer_address": applicant.address,
        "payer_reg_label": "NPWPD" if documents.is_tax(kind) else "NPWRD",
        "payer_reg_no": assessment.payer_reg_no,
        "object": app.permit_type.name,
        "object_location": documents.object_location(app.data or {}),
        "registration_number": app.registration_number,
        "lines": list(assessment.lines.all()),
        "total": assessment.total,
        "total_words": documents.words(assessment.total),
        "due_date": bill.due_date if bill else assessment.due_date,
        "bill": bill,
        "how_to_pay": _how_to_pay(bill) if bill else "",
        "sanction_clause": documents.sanction_clause(kind),
        "objection_clause": documents.objection_clause(kind, issued_on),
        "official": official_block(assessment.official_name, assessment.official_position, assessment.official_nip),
        "verify_url": verify_url(assessment.token) if assessment.token else "",
        "legal_basis": (assessment.rule_snapshot or {}).get("legal_basis", ""),
        "rule_version": (assessment.rule_snapshot or {}).get("version", ""),
        "is_sample": app.permit_type.is_sample,
        "cancelled": assessment.status == LevyAssessment.Status.CANCELLED,
        "cancel_reason": assessment.cancel_reason,
    }


def assessment_by_token(token: str) -> LevyAssessment | None:
    if not token:
        return None
    found = LevyAssessment.objects.filter(token=token).values_list("pk", flat=True).first()
    return assessment_get(found) if found else None


def claim_get(claim_id: int) -> LevyClaim | None:
    return (
        LevyClaim.objects.select_related(
            "bill", "assessment__application__applicant", "assessment__application__permit_type"
        )
        .prefetch_related(Prefetch("assessment__lines", queryset=LevyLine.objects.order_by("order")))
        .filter(pk=claim_id)
        .first()
    )


def claim_by_token(token: str) -> LevyClaim | None:
    found = LevyClaim.objects.filter(token=token).values_list("pk", flat=True).first() if token else None
    return claim_get(found) if found else None


def claim_document(claim: LevyClaim) -> dict:
    """Everything an STRD/STPD prints: the assessment it claims, the principal, the sanction on its date (months
    started since the due date, rate, cap), the total, the amount each following month while unpaid, how to
    pay on the same virtual account, the objection clause, the official and the QR code."""
    assessment = claim.assessment
    app = assessment.application
    applicant = app.applicant
    bill = claim.bill
    issued_on = timezone.localtime(claim.issued_at).date()
    rate = Decimal(str(settings.LEVY_SANCTION_PERCENT))
    months_left = max(settings.LEVY_SANCTION_MAX_MONTHS - claim.months, 0)
    schedule = []
    for n in range(claim.months, min(claim.months + 3, settings.LEVY_SANCTION_MAX_MONTHS) + 1):
        if n < 1:
            continue
        due = documents.sanction(claim.principal, bill.due_date, documents.add_months(bill.due_date, n))
        schedule.append({"until": documents.add_months(bill.due_date, n), "months": n, "total": due.total})
    payer_ids = [applicant.id_label] if applicant.id_number else []
    if applicant.nib:
        payer_ids.append(f"NIB {applicant.nib}")
    return {
        "kind": claim.kind,
        "is_tax": documents.is_tax(claim.kind),
        "title": documents.TITLES[claim.kind],
        "number": claim.number,
        "issued_on": issued_on,
        "assessment_kind": assessment.document_kind,
        "assessment_number": assessment.number,
        "assessment_date": timezone.localtime(assessment.issued_at).date(),
        "period": assessment.period or str(issued_on.year),
        "payer_name": applicant.display_name,
        "payer_ids": ", ".join(payer_ids),
        "payer_address": applicant.address,
        "payer_reg_label": "NPWPD" if assessment.is_tax else "NPWRD",
        "payer_reg_no": assessment.payer_reg_no,
        "object": app.permit_type.name,
        "object_location": documents.object_location(app.data or {}),
        "registration_number": app.registration_number,
        "due_date": bill.due_date,
        "principal": claim.principal,
        "rate": rate,
        "months": claim.months,
        "max_months": settings.LEVY_SANCTION_MAX_MONTHS,
        "months_left": months_left,
        "sanction": claim.sanction,
        "total": claim.total,
        "total_words": documents.words(claim.total),
        "schedule": schedule,
        "bill": bill,
        "paid": bill.state == Bill.State.PAID,
        "how_to_pay": _how_to_pay(bill, claim.total, documents.add_months(bill.due_date, max(claim.months, 1))),
        "objection_clause": documents.objection_clause(claim.kind, issued_on),
        "official": official_block(claim.official_name, claim.official_position, claim.official_nip),
        "verify_url": verify_url(claim.token),
        "is_sample": app.permit_type.is_sample,
        "cancelled": bill.state == Bill.State.CANCELLED,
        "cancel_reason": bill.close_reason,
    }
