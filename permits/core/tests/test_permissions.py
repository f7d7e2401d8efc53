"""The access table is the enforcement (permits/core/permissions.py): no other list of roles, no view's
own role check, an endpoint without an entry is closed, and the navigation shows exactly the pages the
table opens to each user."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import path, resolve, reverse

from config.urls import urlpatterns as project_urlpatterns
from permits.conftest import make_user
from permits.core import access, permissions, roles
from permits.core.errors import Forbidden

PRODUCT = Path(settings.BASE_DIR) / "permits"
ROLE_CONSTANTS = {name for name, value in vars(roles).items() if isinstance(value, str) and value in roles.ROLES}
ROLE_SETS = {name for name, value in vars(roles).items() if name.isupper() and isinstance(value, frozenset) and value}


def _product_modules():
    for file in sorted(PRODUCT.rglob("*.py")):
        rel = file.relative_to(PRODUCT.parent).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or rel.startswith("permits/core/"):
            continue
        yield rel, ast.parse(file.read_text(encoding="utf-8"))


def _names_a_role(node) -> bool:
    if isinstance(node, ast.Name):
        return node.id in ROLE_CONSTANTS or node.id in ROLE_SETS
    if isinstance(node, ast.Attribute):
        return node.attr in ROLE_CONSTANTS or node.attr in ROLE_SETS
    if isinstance(node, ast.Starred):
        return _names_a_role(node.value)
    if isinstance(node, ast.Constant):
        return node.value in roles.ROLES
    return False


def role_lists(tree) -> list[tuple[int, str]]:
    """(line, source) of each list of two or more role names written out: a tuple/set/list literal of
    role constants (or role-name strings), or a has_role() call naming two or more of them."""
    found = []
    for node in ast.walk(tree):
        items = None
        if isinstance(node, (ast.Tuple, ast.Set, ast.List)):
            items = node.elts
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "has_role":
            items = node.args[1:]
        if items and len(items) >= 2 and all(_names_a_role(e) for e in items):
            found.append((node.lineno, ast.unparse(node)))
    return found


# Service rules in modules another change owns; each entry fails the test once it is gone (remove it then).
KNOWN_ROLE_LISTS: dict[str, str] = {}


def test_no_module_outside_core_writes_out_its_own_list_of_roles():
    found = {rel: role_lists(tree) for rel, tree in _product_modules()}
    found = {rel: hits for rel, hits in found.items() if hits}
    unexpected = {rel: hits for rel, hits in found.items() if rel not in KNOWN_ROLE_LISTS}
    assert unexpected == {}, "use (or add) a role set of permits/core/roles.py"
    fixed = sorted(set(KNOWN_ROLE_LISTS) - set(found))
    assert fixed == [], "fixed: remove these from KNOWN_ROLE_LISTS"


def test_the_role_list_finder_sees_tuples_sets_and_has_role_calls():
    tree = ast.parse(
        "A = (HEAD, SUPERVISOR)\nB = {'head', 'admin'}\nC = (FRONTDESK, *LEADERS)\nhas_role(u, TREASURER, ADMIN)\n"
        "ok = has_role(u, HEAD)\nalso_ok = has_role(u, *LEADERS)\nfine = ('a', 'b')\n"
    )
    assert [line for line, _src in role_lists(tree)] == [1, 2, 3, 4]


VIEW_MODULES = re.compile(r"(^|/)(views|dev_views|auth_views|api)\.py$")


def test_no_view_or_api_module_checks_roles_itself():
    """Pages and operations are let in by the table alone: no `_require*` helper, no login_required,
    no module-level set of roles in a views or api module (object-level checks stay, on the object)."""
    problems = []
    for rel, tree in _product_modules():
        if not VIEW_MODULES.search(rel):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("_require"):
                problems.append(f"{rel}:{node.lineno} defines {node.name}")
            if isinstance(node, ast.Name) and node.id in ("login_required", "permission_required"):
                problems.append(f"{rel}:{node.lineno} uses {node.id}")
        for node in tree.body:
            if isinstance(node, ast.Assign) and _names_a_role(node.value):
                problems.append(f"{rel}:{node.lineno} keeps a role set of its own")
    assert problems == []


# --- pages without an entry are closed ----------------------------------------------------------


def _unlisted_view(request):
    return HttpResponse("should not be reached")


urlpatterns = [path("tidak-terdaftar/", _unlisted_view, name="not_in_the_table"), *project_urlpatterns]


@pytest.mark.urls(__name__)
def test_a_page_missing_from_the_table_is_refused_to_everyone(client, db):
    assert client.get("/tidak-terdaftar/").status_code == 403
    client.force_login(make_user(roles.ADMIN))
    assert client.get("/tidak-terdaftar/").status_code == 403


def test_a_dev_page_opens_only_with_debug(settings):
    request = RequestFactory().get("/dev/bank/")
    entry = access.PAGES["levies:dev_bank"]
    settings.DEBUG = True
    assert permissions._refuse_page(request, entry) is None
    settings.DEBUG = False
    with pytest.raises(Http404):
        permissions._refuse_page(request, entry)


def test_a_page_missing_from_the_table_raises_permission_denied():
    request = RequestFactory().get("/x/")
    request.resolver_match = resolve("/lacak/")
    with pytest.raises(PermissionDenied):
        permissions._refuse_page(request, None)


# --- API operations: the key the enforcement computes is the table's ------------------------------


def test_each_api_operation_resolves_to_its_own_table_key():
    """The enforcement reads the operation's key from the resolved route; it must spell the OpenAPI
    document's path, or every call would be refused (or worse, another entry read)."""
    factory = RequestFactory()
    for key, _op in access.iter_api_operations():
        method, api_path = key.split(" ", 1)
        url = re.sub(r"\{(\w+)\}", "1", api_path)
        request = factory.generic(method, url)
        request.resolver_match = resolve(url)
        assert permissions.api_operation_key(request) == key


def test_an_api_operation_missing_from_the_table_is_refused(db):
    request = RequestFactory().post("/api/v1/tasks/1/claim")
    request.resolver_match = resolve("/api/v1/tasks/1/claim")
    request.method = "DELETE"  # an operation the table does not list
    with pytest.raises(Forbidden):
        permissions.api_check(request, make_user(roles.ADMIN))


def test_an_api_refusal_comes_before_the_input_is_read(client, db):
    """A caller of the wrong role learns nothing about the operation's input: 403, not 422."""
    client.force_login(make_user(roles.VERIFIER))
    response = client.post("/api/v1/applications", data="{}", content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


# --- the navigation -----------------------------------------------------------------------------

NAV_LINK = re.compile(r'<nav aria-label="[^"]*">(.*?)</nav>', re.S)
HREF = re.compile(r'<a href="([^"]+)"')


def _nav_links(client) -> list[str]:
    html = client.get("/lacak/").content.decode()
    return HREF.findall(NAV_LINK.search(html).group(1))


@pytest.mark.parametrize("role", [None, "no-role", *roles.ROLES])
def test_the_navigation_shows_each_page_the_table_opens_and_each_link_opens(role, client, db):
    user = None
    if role is not None:
        user = make_user(None if role == "no-role" else role)
        client.force_login(user)
    links = [href for href in _nav_links(client) if not href.startswith("/admin/")]
    if user is None:  # a visitor: the public pages of the menu
        expected = [reverse(name) for name, _label in permissions.NAV if access.PAGES[name].who == access.PUBLIC]
    else:  # an officer: their work, every page of the menu the table lets them open
        expected = [
            reverse(name)
            for name, _label in permissions.NAV
            if access.PAGES[name].who != access.PUBLIC and access.PAGES[name].admits(user)
        ]
    assert links == expected
    for href in links:
        response = client.get(href)
        assert response.status_code != 403, href
        assert not (response.status_code == 302 and response.url.startswith("/masuk/") and user), href


def test_the_navigation_now_shows_the_levy_pages_to_the_head_and_supervisors(client, db):
    """The old hand-written menu hid pages the table allows (issue 17)."""
    client.force_login(make_user(roles.HEAD))
    assert reverse("levies:index") in _nav_links(client)
    client.force_login(make_user(roles.SUPERVISOR))
    assert reverse("levies:index") in _nav_links(client)
