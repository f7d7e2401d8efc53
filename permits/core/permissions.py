"""The access table (permits/core/access.py) enforced: pages, API operations and the navigation.

- Pages: `PageAccessMiddleware` looks up every resolved view by its URL name and applies the entry's
  `who` before the view runs. A view carries no role check of its own; only object-level rules (an
  officer's own tasks) stay in the views' services and selectors.
- API: the officer authentication (`permits/core/api.py`) calls `api_check` once it knows the caller,
  so an operation refuses a role the table does not allow with 403 in the API's error shape, before
  its input is read.
- Navigation: `nav_items` lists the menu links a user may open (`templates/base.html`).

An endpoint with no entry is refused (pages 403, API 403): the table is the only way in.
"""

import logging
import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from .access import API, DEV, MACHINE, PAGES, PUBLIC, Access
from .errors import Forbidden

log = logging.getLogger("permits.access")

# URL namespaces whose views enforce their own access: Django's admin (staff and its permissions) and
# the API's operations (api_check, through the API's authentication). The API's own pages (its docs,
# its schema) are listed in PAGES and checked here like any page.
OWN_ACCESS_NAMESPACES = ("admin", "api")


def may(user, name: str) -> bool:
    """Whether `user` may open the page named `name` (a URL name of the access table). For the pages'
    own "show this form?" flags, so a button is shown exactly when its page would let the user in."""
    return PAGES[name].admits(user)


# --- pages --------------------------------------------------------------------------------------


def page_entry(match) -> Access | None:
    """The table's entry for a resolved URL (by its full name; an unnamed pattern by its route)."""
    return PAGES.get(match.view_name or match.route)


def _refuse_page(request, entry: Access | None):
    """None when the entry lets the request through; otherwise the answer (or the exception) instead
    of the view's."""
    if entry is None:  # fail closed: a page with no entry is a failing test, and closed meanwhile
        log.error("no access-table entry for %s; refused", request.resolver_match.view_name or request.path)
        raise PermissionDenied(_("Halaman ini bukan untuk peran Anda."))
    if entry.who == DEV:
        if not settings.DEBUG:
            raise Http404
        return None
    if entry.who in (PUBLIC, MACHINE):  # a partner system proves itself in the view (signature, token)
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if entry.admits(request.user):
        return None
    raise PermissionDenied(_("Halaman ini bukan untuk peran Anda."))


class PageAccessMiddleware:
    """Applies the access table to every page before its view runs: public and partner pages pass,
    anonymous visitors go to the login page, a signed-in user without an allowed role gets the 403 page,
    development pages do not exist without DEBUG. Needs AuthenticationMiddleware before it (and, for
    the second factor, OTPRequiredMiddleware: a user who still owes the code is sent there first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        entry = page_entry(match)
        if entry is None and match.namespaces[:1] and match.namespaces[0] in OWN_ACCESS_NAMESPACES:
            return None
        return _refuse_page(request, entry)


# --- API operations -----------------------------------------------------------------------------

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def api_operation_key(request) -> str:
    """ "METHOD /api/v1/path" of the operation a request resolved to, as the OpenAPI document (and the
    table) spells it: `/api/v1/tasks/<int:task_id>/claim` -> `/api/v1/tasks/{task_id}/claim`."""
    match = request.resolver_match
    route = match.route if match is not None else request.path.lstrip("/")
    return f"{request.method} /" + _CONVERTER.sub(r"{\1}", route)


def api_check(request, user) -> None:
    """Raise Forbidden (403 in the API's error shape) unless the table lets `user` call the operation
    the request is for. Called by the officer authentication once it knows the user."""
    key = api_operation_key(request)
    entry = API.get(key)
    if entry is None:
        log.error("no access-table entry for API operation %s; refused", key)
        raise Forbidden()
    if not entry.admits(user):
        raise Forbidden()


# --- navigation ---------------------------------------------------------------------------------

# The menu, in order: (URL name, label). A signed-in user sees each non-public entry the table lets
# them open; a visitor sees the public ones (officers have their work instead).
NAV: list[tuple[str, str]] = [
    ("intake:desk", _l("Loket")),
    ("levies:index", _l("Retribusi")),
    ("decrees:queue", _l("Tanda tangan SK")),
    ("workflow:queue", _l("Antrian kerja")),
    ("monitoring:dashboard", _l("Pimpinan")),
    ("notifications:failed", _l("Pesan gagal")),
    ("portal:track", _l("Lacak permohonan")),
    ("portal:services", _l("Layanan")),
    ("booking:start", _l("Daftar online")),
    ("monitoring:transparency", _l("Transparansi")),
    ("login", _l("Masuk petugas")),
]


def nav_shown(user, name: str) -> bool:
    entry = PAGES[name]
    if not getattr(user, "is_authenticated", False):
        return entry.who == PUBLIC
    return entry.who != PUBLIC and entry.admits(user)


def nav_items(user) -> list[dict]:
    """The menu links `user` may open: [{"name", "url", "label"}]."""
    return [{"name": n, "url": reverse(n), "label": label} for n, label in NAV if nav_shown(user, n)]
