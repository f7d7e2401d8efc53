"""Tests generated from the access table (permits/core/access.py): every page of the urlconf and every
operation of the OpenAPI document is listed, and answers anonymous users, users without a role and
users of each role the way the table says."""

import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from permits.core import access
from permits.core.models import ApiToken
from permits.core.roles import ROLES
from permits.core.tokens import _digest

PAGES = list(access.iter_pages())
OPERATIONS = list(access.iter_api_operations())
PLACEHOLDER_INT = 0
PLACEHOLDER_STR = "x"


# --- the table stays complete -------------------------------------------------------------------


def test_every_page_and_api_operation_is_in_the_access_table():
    assert access.unlisted() == [], "add these endpoints to permits/core/access.py (and docs/SECURITY.md)"


def test_the_access_table_lists_no_endpoint_that_no_longer_exists():
    pages = {r.key for r in PAGES}
    ops = {key for key, _ in OPERATIONS}
    assert sorted(set(access.PAGES) - pages) == []
    assert sorted(set(access.API) - ops) == []


def test_docs_security_md_shows_the_current_table():
    text = (settings.BASE_DIR / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    assert access.access_table_markdown() in text, "run: manage.py access_table --write"


# --- callers ------------------------------------------------------------------------------------


@dataclass
class Caller:
    label: str
    role: str | None  # the only role held; None: signed in without any role
    user: object
    token: str


def _callers() -> list[Caller]:
    User = get_user_model()
    callers = []
    for role in [None, *ROLES]:
        label = role or "no-role"
        user = User.objects.create_user(username=f"access-{label}", password=None)
        if role:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        key = f"access-token-{label}"
        now = timezone.now()
        ApiToken.objects.create(
            user=user, key_hash=_digest(key), created_at=now, expires_at=now + timezone.timedelta(hours=1)
        )
        callers.append(Caller(label, role, user, key))
    return callers


@pytest.fixture
def callers(db):
    return _callers()


# --- pages --------------------------------------------------------------------------------------


def page_url(route: access.Route) -> str:
    kwargs = {}
    for name, converter in route.converters.items():
        kwargs[name] = PLACEHOLDER_INT if type(converter).__name__ == "IntConverter" else PLACEHOLDER_STR
    if route.name:
        return reverse(route.name, kwargs=kwargs)
    path = "/" + route.route
    for name, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
    return path


def fetch(client, url: str):
    """GET, or POST (empty form) where the page takes only POST. Returns (method, response)."""
    response = client.get(url)
    if response.status_code == 405:
        return "POST", client.post(url, {})
    return "GET", response


def _to_login(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def page_verdict(entry: access.Access, caller_role: str | None | bool, response) -> str | None:
    """None when `response` is what the table calls for; otherwise what is wrong.
    caller_role: False for an anonymous visitor, None for a user without a role, else the role."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if entry.who == access.DEV:
        return None if status == 404 else f"dev-only page answers {status} with DEBUG off (expected 404)"
    if entry.who == access.MACHINE:
        return None if 400 <= status < 500 else f"partner endpoint answers {status} without a signature"
    if entry.who == access.PUBLIC:
        return None if status not in (401, 403) and not _to_login(response) else f"public page refused: {status}"
    if caller_role is False:
        return None if _to_login(response) or status in (401, 403) else f"anonymous got {status}, not the login page"
    if entry.who == access.LOGGED_IN:
        return None if status != 403 and not _to_login(response) else f"signed-in user refused: {status}"
    if entry.allows(caller_role):
        return None if status != 403 and not _to_login(response) else f"allowed role refused: {status}"
    return None if status == 403 else f"{caller_role or 'user without role'} got {status}, expected 403"


@dataclass(frozen=True)
class Deviation:
    """A known gap between an app's view and the table: these callers are answered otherwise."""

    callers: frozenset[str]
    why: str


LOOKUP_FIRST = "looks the object up before checking the role: 404 instead of 403 for the placeholder"

# Known deviations of other apps' views from the table: TODO for each app's owner (check the role
# before looking the object up; no-role users get 403). A listed caller that no longer deviates fails
# the test, so fixed entries get removed here.
PAGE_DEVIATIONS: dict[str, Deviation] = {}

# Endpoints whose normal answer is a redirect to the login page (for everyone).
ANSWERS_WITH_LOGIN_PAGE = {"logout"}


def check_callers(key: str, results: list[tuple[str, str | None]], deviations: dict[str, Deviation]) -> list[str]:
    """results: (caller label, problem or None). Problems not excused by a known deviation, plus any
    deviation listed for a caller that no longer deviates."""
    known = deviations.get(key)
    excused = known.callers if known else frozenset()
    problems = [f"{label}: {problem}" for label, problem in results if problem and label not in excused]
    still = {label for label, problem in results if problem and label in excused}
    if known and still != set(known.callers):
        problems.append(f"fixed for {sorted(set(known.callers) - still)}: remove them from the deviations of {key}")
    return problems


@pytest.mark.parametrize("route", PAGES, ids=[r.key for r in PAGES])
def test_page_answers_each_caller_as_the_table_says(route, callers, client):
    entry = access.PAGES.get(route.key)
    if entry is None:
        pytest.fail(f"{route.key} is not in the access table")
    url = page_url(route)

    def verdict(role, method, response):
        if route.key in ANSWERS_WITH_LOGIN_PAGE and _to_login(response):
            return None
        problem = page_verdict(entry, role, response)
        return problem and f"{method} {url}: {problem}"

    results = [("anonymous", verdict(False, *fetch(client, url)))]
    for caller in callers:
        client.force_login(caller.user)
        results.append((caller.label, verdict(caller.role, *fetch(client, url))))
        client.logout()
    assert check_callers(route.key, results, PAGE_DEVIATIONS) == []


# --- API operations -----------------------------------------------------------------------------


def api_url(path: str, operation: dict) -> str:
    for param in operation.get("parameters", []):
        if param.get("in") == "path":
            schema = param.get("schema", {})
            value = PLACEHOLDER_INT if schema.get("type") == "integer" else PLACEHOLDER_STR
            path = path.replace("{" + param["name"] + "}", str(value))
    return path


def _components() -> dict:
    from config.api import api

    return api.get_openapi_schema().get("components", {}).get("schemas", {})


def minimal_instance(schema: dict, components: dict):
    """The smallest value the schema accepts (its first example where it gives one), so that a refusal
    can only come from the permission check and not from the input's validation."""
    if "$ref" in schema:
        return minimal_instance(components[schema["$ref"].rsplit("/", 1)[1]], components)
    if "examples" in schema and schema["examples"]:
        return schema["examples"][0]
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            return minimal_instance(schema[key][0], components)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: minimal_instance(schema["properties"][name], components) for name in schema.get("required", [])}
    if kind == "array":
        return [minimal_instance(schema.get("items", {}), components) for _ in range(schema.get("minItems", 1))]
    return {"integer": 1, "number": 1, "boolean": True, "null": None}.get(kind, "x")


def api_body(operation: dict) -> str:
    import json

    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    return json.dumps(minimal_instance(body, _components()) if body else {})


def api_call(client, method: str, url: str, token: str | None = None, body: str = "{}"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(url, **headers)
    return client.generic(method, url, data=body, content_type="application/json", **headers)


def api_verdict(entry: access.Access, caller_role: str | None | bool, response) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if entry.who == access.PUBLIC:
        return None if status not in (401, 403) else f"public operation refused: {status}"
    if caller_role is False:
        return None if status == 401 else f"anonymous got {status}, expected 401"
    if entry.allows(caller_role):
        return None if status not in (401, 403) else f"allowed role refused: {status}"
    return None if status == 403 else f"{caller_role or 'user without role'} got {status}, expected 403"


API_DEVIATIONS: dict[str, Deviation] = {}

# Operations whose 401/429 answers wrong credentials (or too many of them), not a missing login.
CREDENTIAL_OPERATIONS = {"POST /api/v1/auth/token"}


@pytest.mark.parametrize("key,operation", OPERATIONS, ids=[k for k, _ in OPERATIONS])
def test_api_operation_answers_each_caller_as_the_table_says(key, operation, callers, client):
    entry = access.API.get(key)
    if entry is None:
        pytest.fail(f"{key} is not in the access table")
    method, path = key.split(" ", 1)
    url, body = api_url(path, operation), api_body(operation)
    results = []
    for label, role, token in [("anonymous", False, None)] + [(c.label, c.role, c.token) for c in callers]:
        response = api_call(client, method, url, token, body)
        if key in CREDENTIAL_OPERATIONS and response.status_code in (401, 429):
            results.append((label, None))
            continue
        results.append((label, api_verdict(entry, role, response)))
    assert check_callers(key, results, API_DEVIATIONS) == []
