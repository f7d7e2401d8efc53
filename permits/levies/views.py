"""The treasurer's pages: levy steps to assess, SKRD (print/PDF), bills, teller payments, reconciliation."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from permits.core.errors import ServiceError
from permits.core.money import rupiah
from permits.core.permissions import may
from permits.core.qr import qr_svg
from permits.workflow.models import Task
from permits.workflow.services import task_may_act

from . import reconciliation as recon
from .models import Bill, DocumentKind, LevyClaim
from .pdf import skrd_pdf as render_pdf
from .pdf import strd_pdf as render_claim_pdf
from .selectors import (
    assessment_by_token,
    assessment_document,
    assessment_get,
    bill_get,
    bill_list,
    bill_payability,
    claim_by_token,
    claim_document,
    claim_get,
    levy_tasks_open,
    total_of,
)
from .services import assessment_compute, assessment_issue, bill_cancel, bill_reissue, payment_post_teller

EXTRA_ROWS = 2


def index(request):
    """Bills with state filter and search, and the levy steps waiting for an SKRD."""
    state = request.GET.get("state", "")
    q = request.GET.get("q", "")
    page = Paginator(bill_list(state=state, q=q), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "levies/index.html",
        {"page": page, "state": state, "q": q, "states": Bill.State.choices, "tasks": levy_tasks_open()[:50]},
    )


def _posted_lines(post) -> list[dict]:
    rows = []
    for i in range(int(post.get("rows", "0") or 0)):
        description = (post.get(f"lines.{i}.description") or "").strip()
        amount = (post.get(f"lines.{i}.amount") or "").strip()
        if description or amount:
            rows.append({"description": description, "amount": amount, "basis": post.get(f"lines.{i}.basis", "")})
    return rows


def assess(request, task_id: int):
    """Review the lines the tariff computed, adjust if needed, and issue the SKRD (completes the step)."""
    task = Task.objects.select_related("application__permit_type", "application__applicant").filter(pk=task_id).first()
    if task is None or task.kind != "levy_assessment":
        raise Http404
    app = task.application
    draft = assessment_compute(app)
    errors, lines = {}, draft.lines
    if request.method == "POST" and task.is_active:
        lines = _posted_lines(request.POST)
        try:
            assessment = assessment_issue(actor=request.user, task_id=task.pk, lines=lines or None)
        except ServiceError as exc:
            if exc.status == 403:  # the SKRD is the treasurer's act (levies/steps.py: owner_role)
                raise PermissionDenied(exc.text()) from None
            errors = {**exc.fields, "_": exc.text()}
        else:
            messages.success(
                request, _("%(kind)s %(n)s terbit.") % {"kind": assessment.document_kind, "n": assessment.number}
            )
            return redirect("levies:skrd", pk=assessment.pk)
    rows = [*lines, *({"description": "", "amount": "", "basis": ""} for _i in range(EXTRA_ROWS))]
    total = None
    try:
        total = rupiah(total_of([r for r in lines if r.get("amount")]))
    except Exception:  # a typed amount that is not a number: shown as an error on submit
        total = None
    return render(
        request,
        "levies/assess.html",
        {
            "task": task,
            "app": app,
            "draft": draft,
            "rows": rows,
            "errors": errors,
            "total": total,
            "can_issue": task.is_active and task_may_act(request.user, task),  # the head and supervisors read
            "kind": draft.rule.document_kind if draft.rule else DocumentKind.SKRD,
        },
        status=422 if errors else 200,
    )


def _document_context(doc: dict) -> dict:
    return {
        "d": doc,
        "qr": qr_svg(doc["verify_url"], scale=3) if doc["verify_url"] else "",
        "place_date": f"{settings.DECREE_PLACE}, {doc['issued_on']:%d/%m/%Y}",
        "authority": settings.DECREE_AUTHORITY,
        "printed_at": timezone.now(),
    }


def skrd(request, pk: int):
    """The SKRD/SKPD as a printable page (the same content as the PDF)."""
    assessment = assessment_get(pk)
    if assessment is None:
        raise Http404
    return render(request, "levies/skrd.html", {"a": assessment, **_document_context(assessment_document(assessment))})


def skrd_pdf(request, pk: int):
    assessment = assessment_get(pk)
    if assessment is None:
        raise Http404
    response = HttpResponse(render_pdf(assessment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{assessment.number.replace("/", "-")}.pdf"'
    return response


def strd(request, pk: int):
    """The STRD/STPD as a printable page (the same content as the PDF)."""
    claim = claim_get(pk)
    if claim is None:
        raise Http404
    return render(request, "levies/strd.html", {"c": claim, **_document_context(claim_document(claim))})


def strd_pdf(request, pk: int):
    claim = claim_get(pk)
    if claim is None:
        raise Http404
    response = HttpResponse(render_claim_pdf(claim), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{claim.number.replace("/", "-")}.pdf"'
    return response


def verify(request, token: str):
    """Public: the QR's target. What the document says (kind, number, date, payer, total, due date, official)
    and whether it stands (issued, paid, cancelled), so a printed copy can be checked against the office.
    The token is an SKRD/SKPD's or an STRD/STPD's."""
    assessment = assessment_by_token(token)
    if assessment is not None:
        doc = assessment_document(assessment)
    else:
        claim = claim_by_token(token)
        if claim is None:
            return render(request, "levies/verify.html", {"d": None}, status=404)
        doc = claim_document(claim)
    bill = doc["bill"]
    return render(request, "levies/verify.html", {"d": doc, "paid": bill is not None and bill.state == Bill.State.PAID})


def _bill_page(request, bill: Bill, *, errors=None, form=None, status=200):
    payability = bill_payability(bill, at=timezone.now())  # the amount due today, with any sanction
    payments = list(bill.payments.all())
    return render(
        request,
        "levies/bill.html",
        {
            "bill": bill,
            "payments": payments,
            "errors": errors or {},
            "form": form
            or {"paid_on": timezone.localdate().isoformat(), "amount": str(payability.amount or bill.amount)},
            "payability": payability,
            "claim": LevyClaim.objects.filter(bill=bill).first(),
            "siblings": bill.assessment.bills.exclude(pk=bill.pk).order_by("-created_at"),
            "can_act": may(request.user, "levies:reissue"),  # the head reads; the forms are not for them
            "can_post": may(request.user, "levies:teller") and payability.ok,
        },
        status=status,
    )


def bill_detail(request, pk: int):
    bill = bill_get(pk)
    if bill is None:
        raise Http404
    return _bill_page(request, bill)


@require_POST
def teller(request, pk: int):
    """Record a payment from a bank receipt (the same exactly-once rule as the bank's notices)."""
    bill = bill_get(pk)
    if bill is None:
        raise Http404
    form = {k: request.POST.get(k, "") for k in ("reference", "amount", "paid_on")}
    try:
        result = payment_post_teller(
            actor=request.user,
            bill_id=bill.pk,
            reference=form["reference"],
            amount=form["amount"],
            paid_on=form["paid_on"],
        )
    except ServiceError as exc:  # refused (403: not the payment step's treasurer) or invalid: the form again
        status = 403 if exc.status == 403 else 422
        return _bill_page(request, bill, errors={**exc.fields, "_": exc.text()}, form=form, status=status)
    if result.outcome == "replayed":
        messages.info(request, _("Pembayaran dengan referensi ini sudah tercatat sebelumnya; tidak dicatat dua kali."))
    else:
        messages.success(request, _("Pembayaran tercatat; permohonan berlanjut ke langkah berikutnya."))
    return redirect("levies:bill", pk=bill.pk)


def _bill_action(request, pk: int, service, done_message: str):
    bill = bill_get(pk)
    if bill is None:
        raise Http404
    try:
        result = service(actor=request.user, bill_id=bill.pk, reason=request.POST.get("reason", ""))
    except ServiceError as exc:
        return _bill_page(request, bill, errors={**exc.fields, "_": exc.text()}, status=422)
    messages.success(request, done_message)
    return redirect("levies:bill", pk=result.pk)


@require_POST
def reissue(request, pk: int):
    return _bill_action(request, pk, bill_reissue, _("Tagihan baru terbit dengan nomor virtual account baru."))


@require_POST
def cancel(request, pk: int):
    return _bill_action(request, pk, bill_cancel, _("Tagihan dibatalkan."))


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return timezone.localdate() - datetime.timedelta(days=1)


def reconciliation(request):
    """Import the bank's daily statement and see what matches and what does not."""
    day = _day(request.GET.get("date", ""))
    error = None
    if request.method == "POST":
        if not may(request.user, "levies:resolve"):  # importing the statement is a writer's act, as resolving
            raise PermissionDenied(_("Halaman ini bukan untuk peran Anda."))
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ServiceError("invalid", _l("Pilih berkas CSV rekening koran."), status=422)
            result = recon.statement_import(actor=request.user, content=upload.read(), filename=upload.name)
        except ServiceError as exc:
            error = exc.text()
        else:
            messages.success(
                request,
                _("%(added)s baris baru, %(already)s sudah pernah diimpor, %(bad)s baris tidak terbaca.")
                % {"added": result.added, "already": result.already, "bad": len(result.errors)},
            )
            for row, problem in result.errors[:20]:
                messages.warning(request, _("Baris %(row)s: %(problem)s") % {"row": row, "problem": problem})
            if result.dates:
                day = min(result.dates)
            return redirect(f"{request.path}?date={day.isoformat()}")
    report = recon.reconciliation_report(day)
    return render(
        request,
        "levies/reconciliation.html",
        {
            "report": report,
            "day": day,
            "error": error,
            "columns": recon.COLUMNS,
            "can_act": may(request.user, "levies:resolve"),
        },
        status=422 if error else 200,
    )


@require_POST
def resolve(request):
    day = _day(request.POST.get("date", ""))
    try:
        recon.reconciliation_resolve(
            actor=request.user, key=request.POST.get("key", ""), day=day, note=request.POST.get("note", "")
        )
    except ServiceError as exc:
        messages.error(request, exc.text())
    else:
        messages.success(request, _("Selisih diselesaikan dan dicatat."))
    return redirect(f"{reverse('levies:reconciliation')}?date={day.isoformat()}")
