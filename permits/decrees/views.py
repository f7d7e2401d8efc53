"""Decree pages. Officers: the head's signing queue (one or a batch), a decree with its revocation,
the draft preview and the signed file. Public: verification by the QR's token (with the PDF check),
the applicant's download with the PIN, and the satisfaction survey.

Thin views (who may open each page: the access table, applied before the view runs): typed input,
one service call, response. No JavaScript needed.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from permits.core.clients import client_ip
from permits.core.errors import ServiceError
from permits.core.permissions import may
from permits.core.uploads import sniff
from permits.workflow import services as workflow
from permits.workflow.models import Task

from . import drafting, selectors, services, signers, throttle, verification
from .models import ELEMENTS, Decree

log = logging.getLogger("permits.decrees")
MAX_BATCH = 50
# Failures that would fail every other decree of the batch alike: said once, the rest is not tried.
STOPS_BATCH = {"passphrase_wrong", "passphrase_required", "esign_unavailable", "tsa_unavailable"}
ANSWER_LABELS = {  # the regulation's four answers per element, worst to best
    "u1": (
        pgettext_lazy("SKM answer", "Tidak sesuai"),
        pgettext_lazy("SKM answer", "Kurang sesuai"),
        pgettext_lazy("SKM answer", "Sesuai"),
        pgettext_lazy("SKM answer", "Sangat sesuai"),
    ),
    "u2": (
        pgettext_lazy("SKM answer", "Tidak mudah"),
        pgettext_lazy("SKM answer", "Kurang mudah"),
        pgettext_lazy("SKM answer", "Mudah"),
        pgettext_lazy("SKM answer", "Sangat mudah"),
    ),
    "u3": (
        pgettext_lazy("SKM answer", "Tidak cepat"),
        pgettext_lazy("SKM answer", "Kurang cepat"),
        pgettext_lazy("SKM answer", "Cepat"),
        pgettext_lazy("SKM answer", "Sangat cepat"),
    ),
    "u4": (
        pgettext_lazy("SKM answer", "Sangat mahal"),
        pgettext_lazy("SKM answer", "Cukup mahal"),
        pgettext_lazy("SKM answer", "Murah"),
        pgettext_lazy("SKM answer", "Gratis"),
    ),
    "u5": (
        pgettext_lazy("SKM answer", "Tidak sesuai"),
        pgettext_lazy("SKM answer", "Kurang sesuai"),
        pgettext_lazy("SKM answer", "Sesuai"),
        pgettext_lazy("SKM answer", "Sangat sesuai"),
    ),
    "u6": (
        pgettext_lazy("SKM answer", "Tidak kompeten"),
        pgettext_lazy("SKM answer", "Kurang kompeten"),
        pgettext_lazy("SKM answer", "Kompeten"),
        pgettext_lazy("SKM answer", "Sangat kompeten"),
    ),
    "u7": (
        pgettext_lazy("SKM answer", "Tidak sopan dan ramah"),
        pgettext_lazy("SKM answer", "Kurang sopan dan ramah"),
        pgettext_lazy("SKM answer", "Sopan dan ramah"),
        pgettext_lazy("SKM answer", "Sangat sopan dan ramah"),
    ),
    "u8": (
        pgettext_lazy("SKM answer", "Tidak ada"),
        pgettext_lazy("SKM answer", "Ada tetapi tidak berfungsi"),
        pgettext_lazy("SKM answer", "Berfungsi kurang maksimal"),
        pgettext_lazy("SKM answer", "Dikelola dengan baik"),
    ),
    "u9": (
        pgettext_lazy("SKM answer", "Buruk"),
        pgettext_lazy("SKM answer", "Cukup"),
        pgettext_lazy("SKM answer", "Baik"),
        pgettext_lazy("SKM answer", "Sangat baik"),
    ),
}
QUESTIONS = {
    "u1": _l("Bagaimana kesesuaian persyaratan pelayanan dengan jenis pelayanannya?"),
    "u2": _l("Bagaimana kemudahan prosedur pelayanan di unit ini?"),
    "u3": _l("Bagaimana kecepatan waktu dalam memberikan pelayanan?"),
    "u4": _l("Bagaimana kewajaran biaya/tarif dalam pelayanan?"),
    "u5": _l(
        "Bagaimana kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil "
        "yang diberikan?"
    ),
    "u6": _l("Bagaimana kompetensi/kemampuan petugas dalam pelayanan?"),
    "u7": _l("Bagaimana perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?"),
    "u8": _l("Bagaimana penanganan pengaduan, saran dan masukan pengguna layanan?"),
    "u9": _l("Bagaimana kualitas sarana dan prasarana?"),
}


def _msg(exc: ServiceError) -> str:
    return exc.text()


def pdf_response(data_or_file, filename: str, *, inline: bool = False) -> HttpResponse:
    """A PDF answer that no cache keeps (decrees and drafts carry personal data)."""
    if isinstance(data_or_file, bytes):
        response = HttpResponse(data_or_file, content_type="application/pdf")
        response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    else:
        response = FileResponse(
            data_or_file, content_type="application/pdf", as_attachment=not inline, filename=filename
        )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def decree_file_name(decree: Decree) -> str:
    """The downloaded file's name: SK-<number>.pdf with only letters and digits."""
    return "SK-" + "".join(c if c.isalnum() else "-" for c in decree.number).strip("-") + ".pdf"


# --- officers -----------------------------------------------------------------------------------


def signing_queue(request):
    """The head's queue: approved applications waiting for the signature; sign one or many at once."""
    tasks = list(selectors.signing_queue()[:200])
    return render(
        request,
        "decrees/queue.html",
        {
            "tasks": tasks,
            "can_sign": may(request.user, "decrees:sign"),
            "recent": selectors.decrees_recent(),
            "now": timezone.now(),
            "max_batch": MAX_BATCH,
            "needs_passphrase": signers.needs_passphrase(),
        },
    )


@sensitive_post_parameters("passphrase")
@require_POST
def sign(request):
    """Sign the chosen decrees: each its own transaction (one failure does not undo the others).

    With BSrE's e-sign (DECREE_SIGNER=esign) the head types the passphrase once for the batch; it lives only
    in `signers.passphrase_given` for this request (never in the task payload, session, database or logs).
    A failure that would fail every decree alike (wrong passphrase, TSA or e-sign unreachable) stops the batch."""
    ids = [int(v) for v in request.POST.getlist("task") if v.isdigit()][:MAX_BATCH]
    if not ids:
        messages.error(request, _("Pilih minimal satu SK untuk ditandatangani."))
        return redirect("decrees:queue")
    passphrase = request.POST.get("passphrase", "")
    notes = request.POST.get("notes", "").strip()[:4000] if len(ids) == 1 else ""  # the task page's form
    if signers.needs_passphrase() and not passphrase:
        messages.error(request, _("Masukkan passphrase sertifikat elektronik Anda untuk menandatangani SK."))
        return redirect("decrees:queue")
    signed, failed = [], []
    with signers.passphrase_given(passphrase if signers.needs_passphrase() else None):
        for task_id in ids:
            try:
                task = workflow.task_complete(actor=request.user, task_id=task_id, payload={}, notes=notes)
                signed.append(task.application.registration_number)
            except ServiceError as exc:
                if exc.code in STOPS_BATCH:
                    failed.append(_msg(exc))
                    break
                failed.append(f"#{task_id}: {_msg(exc)}")
    del passphrase
    if signed:
        messages.success(
            request, _("%(n)d SK ditandatangani: %(list)s.") % {"n": len(signed), "list": ", ".join(signed)}
        )
    for line in failed:
        messages.error(request, _("Gagal ditandatangani %(line)s") % {"line": line})
    return redirect("decrees:queue")


def draft_preview(request, task_id: int):
    """The decree as it will be printed (watermarked DRAF, number given at signing)."""
    task = Task.objects.select_related("application__permit_type", "application__applicant").filter(pk=task_id).first()
    if task is None or task.kind != "signing":
        raise Http404
    official = services.official_profile(request.user)  # the preview shows a missing one as is
    draft = drafting.decree_draft(
        application=task.application,
        number="(diberikan saat ditandatangani)",
        issued_at=timezone.now(),
        verify_url=request.build_absolute_uri("/"),
        signer_name=official.full_name if official else services.signer_display_name(request.user),
        signer_position=official.position if official else "",
        signer_nip=official.nip if official else "",
        draft=True,
    )
    return pdf_response(drafting.render_pdf(draft), f"DRAF-{task.application.registration_number}.pdf", inline=True)


def _decree(decree_id: int) -> Decree:
    decree = selectors.decree_get(decree_id)
    if decree is None:
        raise Http404
    return decree


def decree_detail(request, decree_id: int, *, error: ServiceError | None = None, status: int = 200):
    decree = _decree(decree_id)
    handover = selectors.decree_handover(decree)
    return render(
        request,
        "decrees/detail.html",
        {
            "d": decree,
            "public": selectors.public_decree(decree),
            "handover": handover,
            "can_revoke": may(request.user, "decrees:revoke") and not decree.revoked,
            "verify_url": services.verify_url(decree.token),
            "error": error,
            "reason": request.POST.get("reason", "") if error else "",
        },
        status=status,
    )


def decree_file(request, decree_id: int):
    decree = _decree(decree_id)
    return pdf_response(default_storage.open(decree.file.name, "rb"), decree_file_name(decree), inline=True)


@require_POST
def decree_revoke(request, decree_id: int):
    _decree(decree_id)
    try:
        services.decree_revoke(actor=request.user, decree_id=decree_id, reason=request.POST.get("reason", ""))
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.text()) from None
        return decree_detail(request, decree_id, error=exc, status=exc.status)
    messages.success(request, _("SK dicabut. Halaman verifikasi kini menampilkan status dicabut."))
    return redirect("decrees:detail", decree_id=decree_id)


# --- public: verification -----------------------------------------------------------------------


def _verify_page(request, decree: Decree, *, check=None, error: str = "", status: int = 200):
    return render(
        request,
        "decrees/verify.html",
        {
            "v": selectors.public_decree(decree),
            "stored": verification.stored_signature(decree),
            "check": check,
            "error": error,
            "max_mb": _max_mb(),
        },
        status=status,
    )


def _max_mb() -> int:
    return settings.DECREE_VERIFY_MAX_BYTES // (1024 * 1024)


@never_cache
def verify(request, token: str):
    """The QR's target: the decree's public facts and status; POST a PDF to check it is the issued one."""
    decree = selectors.decree_by_token(token)
    if decree is None:
        return render(request, "decrees/verify_unknown.html", status=404)
    if request.method != "POST":
        return _verify_page(request, decree)
    allowed, retry_after = throttle.upload_allowed(client_ip(request))
    if not allowed:
        minutes = max(1, -(-retry_after // 60))
        response = _verify_page(
            request,
            decree,
            error=_("Terlalu banyak pemeriksaan berkas dari jaringan Anda. Coba lagi dalam %(m)d menit.")
            % {"m": minutes},
            status=429,
        )
        response["Retry-After"] = str(retry_after)
        return response
    upload = request.FILES.get("file")
    if upload is None or not upload.size:
        return _verify_page(request, decree, error=_("Pilih berkas PDF SK yang akan diperiksa."), status=422)
    if upload.size > settings.DECREE_VERIFY_MAX_BYTES:
        return _verify_page(
            request, decree, error=_("Berkas terlalu besar (maks. %(mb)d MB).") % {"mb": _max_mb()}, status=413
        )
    head = upload.read(16)
    if sniff(head) != "pdf":
        return _verify_page(request, decree, error=_("Berkas bukan PDF."), status=422)
    data = head + upload.read()
    check = verification.check_upload(decree, data)
    log.info("decree %s checked: %s (%s)", decree.pk, check.verdict, check.decree_status)
    return _verify_page(request, decree, check=check)


# --- public: the satisfaction survey ------------------------------------------------------------


def _survey_questions(values: dict, errors: dict) -> list[dict]:
    return [
        {
            "code": code,
            "element": name,
            "question": QUESTIONS[code],
            "answers": [(str(i), text) for i, text in enumerate(ANSWER_LABELS[code], start=1)],
            "value": values.get(code, ""),
            "error": errors.get(code, ""),
        }
        for code, name in ELEMENTS
    ]


@never_cache
def survey(request, token: str):
    """The satisfaction survey (SKM): nine questions, 1-4, once per application; no officer is named."""
    invitation = selectors.survey_invitation(token)
    if invitation is None:
        raise Http404
    if selectors.survey_answered(invitation):
        return render(request, "decrees/survey_done.html", {"already": True})
    values, errors, error = {}, {}, None
    if request.method == "POST":
        values = {code: request.POST.get(code, "") for code, _name in ELEMENTS}
        try:
            services.survey_submit(token=token, answers=values, suggestion=request.POST.get("suggestion", ""))
        except ServiceError as exc:
            if exc.status == 409:
                return render(request, "decrees/survey_done.html", {"already": True})
            error, errors = _msg(exc), exc.fields
        else:
            return redirect(reverse("decrees:survey_done"))
    return render(
        request,
        "decrees/survey.html",
        {
            "questions": _survey_questions(values, errors),
            "error": error,
            "suggestion": request.POST.get("suggestion", ""),
            "suggestion_error": errors.get("suggestion", ""),
        },
        status=422 if error else 200,
    )


def survey_done(request):
    return render(request, "decrees/survey_done.html", {"already": False})
