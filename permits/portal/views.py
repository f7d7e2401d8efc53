"""Public pages: track an application with its number and PIN."""

from django.shortcuts import render

from .selectors import application_for_tracking


def track(request, number: str = ""):
    number = (request.POST.get("number") or number or request.GET.get("no") or "").strip()
    ctx = {"number": number}
    if request.method == "POST":
        app = application_for_tracking(number, request.POST.get("pin", ""))
        if app is None:
            ctx["not_found"] = True
            return render(request, "portal/track.html", ctx, status=404)
        ctx["app"] = app
    return render(request, "portal/track.html", ctx)
