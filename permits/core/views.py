"""Pages shared by all: the home page that sends each user to their own work, and the error pages."""

import sys

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static

from .access import PAGES
from .api import (
    DATABASE_DOWN,
    UNAVAILABLE_MESSAGE,
    UNAVAILABLE_MESSAGE_EN,
    UNAVAILABLE_RETRY_AFTER,
    error_body,
)
from .roles import ADMIN, LEADERS, ROLES, user_roles


def _role_card(role: str) -> dict:
    """One card of the start page: the role's own links, each shown when the access table lets the role
    open its page."""
    return {
        "code": role,
        "label": ROLES[role],
        "desk": PAGES["intake:desk"].allows(role),
        "queue": role != ADMIN and PAGES["workflow:queue"].allows(role),  # the admin works on no step
        "all_tasks": role in LEADERS,  # the queue's scope=all (permits/workflow/selectors.py: task_queue)
    }


def home(request):
    if not request.user.is_authenticated:
        return redirect("portal:track")
    roles = user_roles(request.user)
    return render(request, "core/home.html", {"cards": [_role_card(r) for r in ROLES if r in roles]})


def forbidden(request, exception=None):
    return render(request, "core/error.html", {"title": "Akses ditolak", "message": str(exception or "")}, status=403)


def _stylesheet() -> str:
    try:
        return static("css/smart.css")
    except Exception:  # e.g. no staticfiles manifest yet: the page still renders, unstyled
        return ""


def server_error(request):
    """handler500: an answer that names no internals, for pages and the API alike.

    A database that cannot be reached (restart, failover) answers 503 with Retry-After: a
    passing outage, worth trying again shortly. The page is rendered without the request's
    context (no user, no session, no query): it must work while the database is away.
    """
    unavailable = isinstance(sys.exc_info()[1], DATABASE_DOWN)
    status = 503 if unavailable else 500
    if request.path.startswith("/api/"):
        if unavailable:
            body = error_body("unavailable", UNAVAILABLE_MESSAGE, UNAVAILABLE_MESSAGE_EN)
        else:
            body = error_body(
                "server_error",
                "Terjadi kesalahan pada sistem; petugas kami sudah diberi tahu.",
                "Internal error; it has been logged.",
            )
        response = JsonResponse(body, status=status)
    else:
        context = {"unavailable": unavailable, "stylesheet": _stylesheet()}
        response = HttpResponse(loader.render_to_string("core/server_error.html", context), status=status)
    if unavailable:
        response["Retry-After"] = UNAVAILABLE_RETRY_AFTER
    return response
