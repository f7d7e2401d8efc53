"""The product's URLs plus two views for the tracking benchmark only (bench/settings_bench.py).

* `bench/bare/<no>`: the yardstick: the same server, middleware and database, one indexed query and
  a small JSON answer.
* `bench/track-cached/<no>`: a sketch of a cached tracking answer, to size that option: the real
  throttle and PIN check (one indexed query), then the public view from the shared cache, keyed by
  the application and its `updated_at`. Not a fix: the product would need every change that shows
  on the tracking page (a task claimed, a survey scheduled, a bill paid ...) to move that key.

Neither ships: config/urls.py does not know them.
"""

import json

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils.translation import get_language

from config.urls import urlpatterns as product_urlpatterns
from permits.intake.models import Application
from permits.portal.services import TrackingNotFound, TrackingThrottled, tracking_open
from permits.portal.throttle import client_ip
from permits.portal.tracking import tracking_view


def bare_application(request, registration_number: str):
    row = (
        Application.objects.filter(registration_number=registration_number)
        .values("registration_number", "status", "promised_completion_at")
        .first()
    )
    if row is None:
        return JsonResponse({"error": "not_found"}, status=404)
    return JsonResponse(row)


def cached_track(request, registration_number: str):
    try:
        app = tracking_open(
            client_ip=client_ip(request),
            registration_number=registration_number,
            pin=request.headers.get("X-Tracking-PIN", ""),
        )
    except (TrackingNotFound, TrackingThrottled) as exc:
        return JsonResponse({"error": exc.code}, status=exc.status)
    key = f"bench:track:{app.pk}:{app.updated_at.timestamp()}:{get_language()}"
    body = cache.get(key)
    if body is None:
        body = json.dumps(tracking_view(app), cls=DjangoJSONEncoder)
        cache.set(key, body, 600)
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    *product_urlpatterns,
    path("bench/bare/<str:registration_number>", bare_application),
    path("bench/track-cached/<str:registration_number>", cached_track),
]
