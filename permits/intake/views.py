"""Front-desk pages: choose a permit type, check the file, register, print the receipt."""

import logging
from pathlib import PurePosixPath

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from permits.catalog.selectors import permit_type_get, permit_type_list
from permits.core.errors import ServiceError
from permits.core.qr import qr_svg
from permits.core.roles import PEOPLE_SEARCHERS, has_role
from permits.core.uploads import scan_response
from permits.workflow.models import Applicant
from permits.workflow.selectors import (
    SEARCH_MIN_LENGTH,
    application_get,
    application_search,
    received_document_get,
)
from permits.workflow.views import application_context

from .numbers import registration_number_read
from .services import application_register, application_reset_pin

APPLICANT_FIELDS = (
    "kind",
    "name",
    "nik",
    "foreign_id_type",
    "foreign_id",
    "nib",
    "company_name",
    "phone",
    "email",
    "address",
    "channel",
)
_PIN_SESSION_KEY = "receipt_pins"
logger = logging.getLogger("permits.intake")
SEARCH_PAGE_SIZE = 25
SEARCH_MAX_PAGES = 20  # past 500 files the query is too broad to read: the page asks for a narrower one


def desk(request):
    return render(request, "intake/desk.html", {"permit_types": permit_type_list()})


def register(request, code: str):
    """The completeness check: tick each document seen, fill the data, register or list what is missing."""
    permit_type = permit_type_get(code)
    if permit_type is None:
        raise Http404("Jenis izin tidak dikenal")
    ctx = {
        "pt": permit_type,
        "values": {},
        "errors": {},
        "received": set(),
        "kinds": Applicant.Kind.choices,
        "channels": Applicant.Channel.choices,
        "foreign_id_types": Applicant.ForeignIdType.choices,  # the desk only: booking stays NIK-only
    }
    if request.method == "POST":
        applicant = {f: request.POST.get(f"applicant.{f}", "") for f in APPLICANT_FIELDS}
        data = {f.code: request.POST.get(f"data.{f.code}", "") for f in permit_type.data_fields.all()}
        received = [r.code for r in permit_type.requirements.all() if request.POST.get(f"doc.{r.code}")]
        files = {key[5:]: f for key, f in request.FILES.items() if key.startswith("file.")}
        try:
            reg = application_register(
                officer=request.user,
                permit_type_code=code,
                applicant=applicant,
                data=data,
                documents_received=received,
                files=files,
            )
        except ServiceError as exc:
            ctx.update(
                values={
                    **{f"applicant.{k}": v for k, v in applicant.items()},
                    **{f"data.{k}": v for k, v in data.items()},
                },
                errors=exc.fields,
                error=exc,
                received=set(received),
                missing=[r for r in permit_type.requirements.all() if r.code in exc.details.get("missing", [])],
            )
            if exc.code == "incomplete":
                ctx["printed_at"] = timezone.now()
                return render(request, "intake/missing.html", ctx, status=422)
            return render(request, "intake/register.html", ctx, status=422)
        number = reg.application.registration_number
        request.session.setdefault(_PIN_SESSION_KEY, {})[number] = reg.pin
        request.session.modified = True
        return redirect("intake:receipt", number=number)
    return render(request, "intake/register.html", ctx)


def _tracking_url(number: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("portal:track_number", args=[number])


def receipt(request, number: str):
    """The printable receipt (A5, or 80 mm thermal with ?format=thermal). The PIN shows only in the
    session that registered the file (or reset its PIN): it is not stored in readable form."""
    app = application_get(number)
    if app is None:
        raise Http404
    fmt = "thermal" if request.GET.get("format") == "thermal" else "a5"
    pin = request.session.get(_PIN_SESSION_KEY, {}).get(number)
    url = _tracking_url(number)
    return render(
        request,
        "intake/receipt.html",
        {
            "app": app,
            "pin": pin,
            "format": fmt,
            "qr": qr_svg(url, scale=3 if fmt == "thermal" else 4),
            "url": url,
        },
    )


def reset_pin(request, number: str):
    app = application_get(number)
    if app is None:
        raise Http404
    if request.method == "POST":
        pin = application_reset_pin(officer=request.user, application=app)
        request.session.setdefault(_PIN_SESSION_KEY, {})[number] = pin
        request.session.modified = True
    return redirect("intake:receipt", number=number)


def application_detail(request, number: str):
    app = application_get(number)
    if app is None:
        raise Http404
    return render(request, "intake/application.html", application_context(request, app))


def document(request, number: str, doc_id: int):
    """A scan the front desk took of one of the application's documents, for the officers handling the
    file. The audit trail records changes only, not reads, so who opened which scan goes to the log."""
    doc = received_document_get(number, doc_id)
    if doc is None:
        raise Http404
    response = scan_response(
        doc.file,
        content_type=doc.content_type or "application/octet-stream",
        filename=f"{number}-{doc.requirement.code}{PurePosixPath(doc.file.name).suffix}",
        download=request.GET.get("unduh") == "1",
    )
    logger.info("document opened: user=%s application=%s document=%s", request.user.username, number, doc.pk)
    return response


def search(request):
    """Find a file: an exact registration number (in any spelling registration_number_read accepts) opens
    it; the front desk and leaders may also search applicants by name, NIK or phone."""
    query = " ".join(request.GET.get("q", "").split())[:100]
    ctx = {"q": query, "people": has_role(request.user, *PEOPLE_SEARCHERS), "min_length": SEARCH_MIN_LENGTH}
    if not query:
        return render(request, "intake/search.html", ctx)
    number = registration_number_read(query)
    if number and application_get(number) is not None:
        return redirect("intake:application", number=number)
    if not ctx["people"]:
        ctx["message"] = _(
            "Tidak ada permohonan dengan nomor pendaftaran itu. Cari dengan nomor lengkap dari tanda terima."
        )
        return render(request, "intake/search.html", ctx)
    if len(query) < SEARCH_MIN_LENGTH:
        ctx["message"] = _("Ketik paling sedikit %(n)s huruf atau angka.") % {"n": SEARCH_MIN_LENGTH}
        return render(request, "intake/search.html", ctx)
    limit = SEARCH_PAGE_SIZE * SEARCH_MAX_PAGES
    paginator = Paginator(application_search(query)[:limit], SEARCH_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("hal"))  # junk or out-of-range pages answer the nearest page
    ctx.update(page=page, too_many=paginator.count >= limit, limit=limit)
    if not paginator.count:
        ctx["message"] = _("Tidak ada permohonan yang cocok.")
    return render(request, "intake/search.html", ctx)
