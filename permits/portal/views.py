"""Public pages: track an application with its number and PIN; the published service standards.

Tracking works without JavaScript: the receipt's QR opens /lacak/<number>/ with the number filled
in, the PIN is posted (never put in a URL), and a right PIN opens the application for this browser
session for a while and redirects (303) to /lacak/<number>/, which shows it from that grant: Back, a
reload or the language switch show it again without asking the PIN or resubmitting the form.

The grant is a signed cookie (django.core.signing, this site's SECRET_KEY; HttpOnly, SameSite=Lax,
Secure where the session cookie is, gone when the browser closes), not a session row: a lookup
writes nothing to the database (issue 22). It names the numbers opened, each with its expiry and a
keyed digest of the PIN hash (selectors.grant_tag), so a PIN reset closes it, and a random nonce:
"close" deletes it from the browser and marks the nonce closed in the shared cache for the grant's
remaining life, so a copy of the cookie taken before opens nothing either. It cannot be forged
without the key.
"""

import hmac
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from permits.catalog.selectors import permit_type_get, permit_type_list
from permits.core.context_processors import office
from permits.core.errors import ServiceError
from permits.decrees.services import decree_download_record
from permits.decrees.views import decree_file_name, pdf_response
from permits.intake.numbers import registration_number_read

from .selectors import application_by_grant, application_for_view, grant_tag
from .services import TrackingThrottled, tracking_corrections_send, tracking_open
from .sms import sms_reply
from .throttle import client_ip
from .tracking import desk_label, status_name, tracking_part_cached, tracking_view_cached

GRANT_COOKIE = "smart_lacak"
GRANT_SALT = "permits.portal.views.grant"
GRANT_SECONDS = 30 * 60
MAX_GRANTS = 5


def _grants(request) -> dict:
    """The browser's unexpired grants {number: [expiry, tag]}; {} for none or a tampered cookie."""
    raw = request.COOKIES.get(GRANT_COOKIE)
    if not raw:
        return {}
    try:
        grants = signing.loads(raw, salt=GRANT_SALT, max_age=GRANT_SECONDS)
    except signing.BadSignature:
        return {}
    if not isinstance(grants, dict):
        return {}
    now = time.time()
    return {n: g for n, g in grants.items() if isinstance(g, list) and len(g) == 3 and g[0] > now}


def _closed_key(nonce: str) -> str:
    return f"portal:grant-closed:{nonce}"


def _keep_grants(request, response, grants: dict) -> None:
    if not grants:
        response.delete_cookie(GRANT_COOKIE, path="/", samesite="Lax")
        return
    value = signing.dumps(grants, salt=GRANT_SALT, compress=True)
    response.set_cookie(
        GRANT_COOKIE,
        value,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _grant(request, response, app) -> None:
    grants = _grants(request)
    grants[app.registration_number] = [time.time() + GRANT_SECONDS, grant_tag(app.pin_hash), secrets.token_hex(8)]
    _keep_grants(request, response, dict(sorted(grants.items(), key=lambda item: item[1][0])[-MAX_GRANTS:]))


def _granted(request, number: str):
    grant = _grants(request).get(number)
    if not grant or cache.get(_closed_key(grant[2])):
        return None
    return application_by_grant(number, grant[1])


# Stands for the request's CSRF token in the kept HTML of an application's part of the page.
CSRF_MARK = "csrf0mark0of0the0kept0tracking0html"


def _view_context(view: dict, error: ServiceError | None = None) -> dict:
    ctx = {"view": view, "status_name": status_name(view["status"]), "error": error}
    if view["status"] == "returned":
        found = permit_type_get(view["permit_type"])
        ctx["requirements"] = list(found.requirements.all()) if found else []
        ctx["err"] = error.fields if error else {}
    return ctx


def _view_html(view: dict) -> str:
    """The application's part of the page, without a request: kept with the view (one render per version
    and language); the forms' CSRF token is a mark the page replaces with the request's own."""
    ctx = {**office(None), **_view_context(view), "csrf_token": CSRF_MARK}
    return render_to_string("portal/_track_view.html", ctx)


def _result(request, app, status: int = 200, error: ServiceError | None = None):
    ctx = {"number": app.registration_number}
    if error is None:  # the hot path: a GET from the grant, its HTML kept with the view
        view, html = tracking_part_cached(app, "html", _view_html)
        ctx.update(view=view, view_html=mark_safe(html.replace(CSRF_MARK, get_token(request))))
    else:
        ctx.update(_view_context(tracking_view_cached(app), error))
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
    # Post/redirect/get: the answer is the number's own page, opened by the browser's grant (never
    # the PIN in the URL), so Back, a reload and the language switch ask no form resubmission.
    response = HttpResponseRedirect(reverse("portal:track_number", args=[app.registration_number]), status=303)
    _grant(request, response, app)
    return response


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
    response = HttpResponseRedirect(reverse("portal:track_number", args=[number]), status=303)
    _grant(request, response, correction.application)
    return response


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
    grants = _grants(request)
    response = redirect("portal:track")
    closed = grants.pop(registration_number_read(number), None)
    if closed is not None:
        # closed on the server too, for a copy of the cookie taken before (as a session row was)
        cache.set(_closed_key(closed[2]), 1, GRANT_SECONDS)
        _keep_grants(request, response, grants)
    return response


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
