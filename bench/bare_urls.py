"""The product's URLs plus the yardstick view of the tracking benchmark (bench/settings_bench.py).

`bench/bare/<no>`: the same server, middleware and database, one indexed query and a small JSON answer.
It does not ship: config/urls.py does not know it.
"""

from django.http import JsonResponse
from django.urls import path

from config.urls import urlpatterns as product_urlpatterns
from permits.core.access import PAGES, PUBLIC, Access
from permits.workflow.models import Application

# The access table refuses a page it does not list; the yardstick is public, as the tracking page is.
PAGES["bench_bare"] = Access(PUBLIC, "benchmark yardstick (bench/ only)")


def bare_application(request, registration_number: str):
    row = (
        Application.objects.filter(registration_number=registration_number)
        .values("registration_number", "status", "promised_completion_at")
        .first()
    )
    if row is None:
        return JsonResponse({"error": "not_found"}, status=404)
    return JsonResponse(row)


urlpatterns = [
    *product_urlpatterns,
    path("bench/bare/<str:registration_number>", bare_application, name="bench_bare"),
]
