"""Online pre-registration pages (public, no account) and the front desk's booking pages."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from permits.catalog.selectors import permit_type_get
from permits.core.errors import ServiceError
from permits.core.uploads import scan_response
from permits.intake.views import _PIN_SESSION_KEY, APPLICANT_FIELDS
from permits.workflow.models import Applicant

from .selectors import bookable_permit_types, booking_document_get, booking_get
from .services import booking_code_normalise, booking_create, booking_register
from .throttle import booking_slot, client_ip

_BOOKINGS_SESSION_KEY = "booking_codes"  # the codes this browser created: only these show their proof page
_FORM_FIELDS_MARGIN = 256 * 1024  # the text fields and multipart overhead on top of the files


def _accept_attr(requirement) -> str:
    exts = {"pdf": ".pdf", "jpg": ".jpg,.jpeg", "png": ".png"}
    return ",".join(exts[t] for t in requirement.accepted if t in exts)


def start(request):
    """Choose the permit type to pre-register."""
    return render(request, "booking/start.html", {"permit_types": bookable_permit_types()})


def _form_context(permit_type, **extra) -> dict:
    return {
        "pt": permit_type,
        "requirements": [(r, _accept_attr(r)) for r in permit_type.requirements.all()],
        "values": {},
        "errors": {},
        "kinds": Applicant.Kind.choices,
        "channels": Applicant.Channel.choices,
        "max_total_mb": settings.BOOKING_MAX_TOTAL_BYTES // (1024 * 1024),
        "ttl_days": settings.BOOKING_TTL_DAYS,
        **extra,
    }


@csrf_exempt  # CSRF is checked by _booking_form, after the size and throttle guards (see below)
def booking_form(request, code: str):
    """The public form. A POST is refused before its body is read when the client is over its quota
    or the body is larger than the upload limit: Django would otherwise parse it all (and the CSRF
    check reads the body), holding the files in memory or temporary files."""
    permit_type = permit_type_get(code)
    if permit_type is None:
        raise Http404("Jenis izin tidak dikenal")
    if request.method != "POST":
        return _booking_form(request, permit_type)
    with booking_slot(client_ip(request)) as slot:  # reserved before anything is read; given back unless used
        if slot is None:
            ctx = _form_context(permit_type, refused=_("Terlalu banyak booking dari jaringan Anda. Coba lagi nanti."))
            return render(request, "booking/form.html", ctx, status=429)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.BOOKING_MAX_TOTAL_BYTES + _FORM_FIELDS_MARGIN:
            mb = settings.BOOKING_MAX_TOTAL_BYTES // (1024 * 1024)
            ctx = _form_context(
                permit_type, refused=_("Berkas yang dikirim terlalu besar (maks. %(mb)s MB).") % {"mb": mb}
            )
            return render(request, "booking/form.html", ctx, status=413)
        return _booking_form(request, permit_type, slot=slot)


@csrf_protect
def _booking_form(request, permit_type, slot=None):
    if request.method != "POST":
        return render(request, "booking/form.html", _form_context(permit_type))
    applicant = {f: request.POST.get(f"applicant.{f}", "") for f in APPLICANT_FIELDS}
    data = {f.code: request.POST.get(f"data.{f.code}", "") for f in permit_type.data_fields.all()}
    files = {key[5:]: f for key, f in request.FILES.items() if key.startswith("file.")}
    try:
        booking = booking_create(permit_type_code=permit_type.code, applicant=applicant, data=data, files=files)
    except ServiceError as exc:
        values = {**{f"applicant.{k}": v for k, v in applicant.items()}, **{f"data.{k}": v for k, v in data.items()}}
        ctx = _form_context(permit_type, values=values, errors=exc.fields, error=exc, had_files=bool(files))
        return render(request, "booking/form.html", ctx, status=422)
    slot.use()
    codes = request.session.get(_BOOKINGS_SESSION_KEY, [])
    request.session[_BOOKINGS_SESSION_KEY] = [*codes, booking.code][-10:]
    return redirect("booking:done", code=booking.code)


def done(request, code: str):
    """The booking code with what to bring: shown only to the browser that made the booking."""
    if code not in request.session.get(_BOOKINGS_SESSION_KEY, []):
        raise Http404
    booking = booking_get(code)
    if booking is None:
        raise Http404
    uploaded = {d.requirement_id: d for d in booking.documents.all()}
    checklist = [(r, uploaded.get(r.pk)) for r in booking.permit_type.requirements.all()]
    return render(request, "booking/done.html", {"booking": booking, "checklist": checklist})


# --- Front desk -------------------------------------------------------------------------------


@require_GET
def desk_open(request):
    """The desk page's "open booking" form: from the typed code to the booking page."""
    code = booking_code_normalise(request.GET.get("code", ""))
    if not code:
        return redirect("intake:desk")
    return redirect("booking:desk_detail", code=code)


def _desk_context(booking, **extra) -> dict:
    uploaded = {d.requirement_id: d for d in booking.documents.all()}
    fields = booking.permit_type.data_fields.all()
    return {
        "booking": booking,
        "applicant": booking.applicant,
        "kind_label": dict(Applicant.Kind.choices).get(booking.applicant.get("kind"), ""),
        "channel_label": dict(Applicant.Channel.choices).get(booking.applicant.get("channel"), ""),
        "data_rows": [(f, booking.data.get(f.code, "")) for f in fields],
        "checklist": [(r, uploaded.get(r.pk)) for r in booking.permit_type.requirements.all()],
        "seen": set(),
        "expired": booking.status == booking.Status.EXPIRED
        or (booking.status == booking.Status.OPEN and booking.expires_at <= timezone.now()),
        **extra,
    }


def desk_detail(request, code: str):
    """The booking at the desk: data, scans, the checklist of originals seen, and "Daftarkan"."""
    booking = booking_get(booking_code_normalise(code))
    if booking is None:
        return render(request, "booking/desk_unknown.html", {"code": code}, status=404)
    if request.method != "POST":
        return render(request, "booking/desk_detail.html", _desk_context(booking))
    requirements = booking.permit_type.requirements.all()
    seen = [r.code for r in requirements if request.POST.get(f"doc.{r.code}")]
    try:
        reg = booking_register(officer=request.user, code=booking.code, documents_seen=seen)
    except ServiceError as exc:
        if exc.code == "incomplete":
            missing = [r for r in requirements if r.code in exc.details.get("missing", [])]
            ctx = {"pt": booking.permit_type, "missing": missing, "errors": {}, "printed_at": timezone.now()}
            return render(request, "intake/missing.html", ctx, status=422)
        booking = booking_get(booking.code)
        ctx = _desk_context(booking, error=exc, errors=exc.fields, seen=set(seen))
        return render(request, "booking/desk_detail.html", ctx, status=exc.status)
    number = reg.application.registration_number
    request.session.setdefault(_PIN_SESSION_KEY, {})[number] = reg.pin
    request.session.modified = True
    return redirect("intake:receipt", number=number)


def document(request, code: str, doc_id: int):
    """A booking's scan, for officers only; served with its sniffed type, never guessed by the browser."""
    doc = booking_document_get(code, doc_id)
    if doc is None:
        raise Http404
    return scan_response(
        doc.file, content_type=doc.content_type, filename=doc.original_name, download=request.GET.get("unduh") == "1"
    )
