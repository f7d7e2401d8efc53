"""Public pages: track an application with its number and PIN; the published service standards.

Tracking works without JavaScript: the receipt's QR opens /lacak/<number>/ with the number filled
in, the PIN is posted (never put in a URL), and a right PIN opens the application for this browser
session for a while and redirects (303) to /lacak/<number>/, which shows it from that grant: Back, a
reload or the language switch show it again without asking the PIN or resubmitting the form.
"""

import hmac
import time

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from permits.catalog.selectors import permit_type_get, permit_type_list
from permits.core.errors import ServiceError
from permits.decrees.services import decree_download_record
from permits.decrees.views import decree_file_name, pdf_response
from permits.intake.numbers import registration_number_read

from .selectors import application_by_grant, application_for_view
from .services import TrackingThrottled, tracking_corrections_send, tracking_open
from .sms import sms_reply
from .throttle import client_ip
from .tracking import desk_label, status_name, tracking_view_cached

GRANTS_KEY = "portal_tracking"
GRANT_SECONDS = 30 * 60
MAX_GRANTS = 5


def _grant(request, app) -> None:
    grants = {n: g for n, g in request.session.get(GRANTS_KEY, {}).items() if g[0] > time.time()}
    grants[app.registration_number] = [time.time() + GRANT_SECONDS, app.pin_hash[:16]]
    request.session[GRANTS_KEY] = dict(sorted(grants.items(), key=lambda item: item[1][0])[-MAX_GRANTS:])


def _granted(request, number: str):
    grant = request.session.get(GRANTS_KEY, {}).get(number)
    if not grant or grant[0] <= time.time():
        return None
    return application_by_grant(number, grant[1])


def _result(request, app, status: int = 200, error: ServiceError | None = None):
    view = tracking_view_cached(app)
    ctx = {"view": view, "status_name": status_name(app.status), "number": app.registration_number, "error": error}
    if view["status"] == "returned":
        found = permit_type_get(view["permit_type"])
        ctx["requirements"] = list(found.requirements.all()) if found else []
        ctx["err"] = error.fields if error else {}
    return render(request, "portal/track.html", ctx, status=status)


@never_cache
def track(request, number: str = ""):
    typed = request.POST.get("number") or number or request.GET.get("no") or ""
    number = registration_number_read(typed)
    if request.method != "POST":
        app = _granted(request, number) if number else None
        if app is not None:
            return _result(request, app)
        return render(request, "portal/track.html", {"number": number})
    try:
        app = tracking_open(client_ip=client_ip(request), registration_number=number, pin=request.POST.get("pin", ""))
    except ServiceError as exc:
        # The field shows what was typed, for the reader to correct (also text that is no number at all).
        ctx = {"number": number, "typed": " ".join(typed.split())[:40], "error": exc}
        response = render(request, "portal/track.html", ctx, status=exc.status)
        if isinstance(exc, TrackingThrottled):
            response["Retry-After"] = str(exc.retry_after)
        return response
    _grant(request, app)
    # Post/redirect/get: the answer is the number's own page, opened by the session's grant (never
    # the PIN in the URL), so Back, a reload and the language switch ask no form resubmission.
    return HttpResponseRedirect(reverse("portal:track_number", args=[app.registration_number]), status=303)


@never_cache
@require_POST
def track_corrections(request, number: str):
    """The corrected documents of a returned file, sent from its tracking page with the PIN (the same
    throttled check as tracking); the answer is the number's page again, which lists what was sent."""
    number = registration_number_read(number)
    try:
        correction = tracking_corrections_send(
            client_ip=client_ip(request),
            registration_number=number,
            pin=request.POST.get("pin", ""),
            files=dict(request.FILES.items()),
            note=request.POST.get("note", ""),
        )
    except ServiceError as exc:
        app = _granted(request, number) if exc.status != 404 else None
        if app is not None:
            response = _result(request, app, status=exc.status, error=exc)
        else:
            response = render(request, "portal/track.html", {"number": number, "error": exc}, status=exc.status)
        if isinstance(exc, TrackingThrottled):
            response["Retry-After"] = str(exc.retry_after)
        return response
    _grant(request, correction.application)
    return HttpResponseRedirect(reverse("portal:track_number", args=[number]), status=303)


@never_cache
def decree_download(request, number: str):
    """Digital delivery: the signed decree for whoever holds the registration number and the PIN (the same
    throttled PIN check as tracking)."""
    if not settings.DECREE_DIGITAL_DELIVERY:
        raise Http404
    ctx = {"number": number}
    if request.method != "POST":
        return render(request, "portal/decree_download.html", ctx)
    try:
        app = tracking_open(client_ip=client_ip(request), registration_number=number, pin=request.POST.get("pin", ""))
        decree = decree_download_record(application=application_for_view(app.pk))
    except ServiceError as exc:
        response = render(request, "portal/decree_download.html", {**ctx, "error": exc}, status=exc.status)
        if isinstance(exc, TrackingThrottled):
            response["Retry-After"] = str(exc.retry_after)
        return response
    return pdf_response(default_storage.open(decree.file.name, "rb"), decree_file_name(decree))


@require_POST
def track_forget(request, number: str):
    """Close the application on this browser (a shared phone, a kiosk)."""
    grants = request.session.get(GRANTS_KEY, {})
    if grants.pop(registration_number_read(number), None) is not None:
        request.session[GRANTS_KEY] = grants
    return redirect("portal:track")


def services(request):
    """The office's permit types, each with its published service standard."""
    return render(request, "portal/services.html", {"permit_types": permit_type_list()})


def service_detail(request, code: str):
    """One permit type's service standard: requirements, procedure, time, fees, legal basis."""
    permit_type = permit_type_get(code)
    if permit_type is None:
        raise Http404
    steps = [{"step": s, "desk": desk_label(s.role)} for s in permit_type.steps.all()]
    ctx = {"pt": permit_type, "steps": steps, "description": permit_type.tr("description")}
    return render(request, "portal/service_detail.html", ctx)


@csrf_exempt
@require_GET
def sms_inbound(request):
    """Kannel's sms-service: `GET /sms/masuk/?from=%p&text=%a&key=SMS_INBOUND_KEY`; the text/plain
    answer is what Kannel sends back to the sender (sms.sms_reply)."""
    key = settings.SMS_INBOUND_KEY
    if not key or not hmac.compare_digest(request.GET.get("key", "").encode(), key.encode()):
        return HttpResponseForbidden("bad key\n")
    reply = sms_reply(request.GET.get("text", ""), request.GET.get("from", ""))
    return HttpResponse(reply, content_type="text/plain; charset=utf-8")
