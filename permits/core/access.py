"""Who may open what: the access table of every page and API operation, as data.

docs/SECURITY.md shows this table (generated: `manage.py access_table`), and
permits/core/tests/test_access.py checks every URL of the project and every operation of the
OpenAPI document against it: an endpoint missing here fails the tests, and so does one that
answers a role the table does not allow (or refuses one it allows).

`who` is one of PUBLIC (anyone, no login), LOGGED_IN (any signed-in user, e.g. the login steps),
MACHINE (a partner system proving itself with a signature or shared secret, not a session), DEV
(exists only with DEBUG on) or a set of role names. `rule` states the object-level limit the view or
service enforces beyond the role (tested by the apps' own tests).
"""

from dataclasses import dataclass
from typing import Any

from .roles import (
    CASE_DESK,
    DESK,
    LEADERS,
    LEVY_READERS,
    LEVY_WRITERS,
    MESSAGE_STAFF,
    OFFICERS,
    PAYMENT_POSTERS,
    ROLES,
    SIGNERS,
    user_roles,
)

PUBLIC = "public"
LOGGED_IN = "logged_in"
MACHINE = "machine"
DEV = "dev"


@dataclass(frozen=True)
class Access:
    """One endpoint's entry: who may use it, what it is for, and any object-level rule."""

    who: str | frozenset[str]
    what: str
    rule: str = ""

    def allows(self, role: str | None) -> bool:
        """Whether a signed-in user holding only `role` (None: no role) may use the endpoint."""
        if self.who in (PUBLIC, LOGGED_IN):
            return True
        if self.who in (MACHINE, DEV):
            return False
        return role is not None and role in self.who

    def admits(self, user) -> bool:
        """Whether `user` (signed in or not, holding any roles) may use the endpoint. DEV entries are
        the enforcement's own case (open with DEBUG on, absent otherwise) and never admit here."""
        if self.who == PUBLIC:
            return True
        if self.who == LOGGED_IN:
            return bool(getattr(user, "is_authenticated", False))
        if self.who in (MACHINE, DEV):
            return False
        return bool(user_roles(user) & self.who)


OWN_TASK = "only tasks of the officer's role, unclaimed or claimed by them (supervisors, head: all)"
ACT_ON_TASK = (
    "only tasks of the officer's role, unclaimed or claimed by them; leaders stand in, except on the SKRD "
    "and payment steps (treasurer only) and the signing step (head only)"
)

# --- pages: URL name -> entry (admin/ and static files are Django's own and not listed) -----------
PAGES: dict[str, Access] = {
    # core
    "home": Access(PUBLIC, "start page: officers see their roles' links; visitors go to tracking"),
    "login": Access(PUBLIC, "officer login (throttled)"),
    "otp_verify": Access(LOGGED_IN, "second login step: TOTP code", "head, treasurer, admin, staff"),
    "otp_setup": Access(LOGGED_IN, "set up the authenticator app", "only while the user has no confirmed device"),
    "logout": Access(PUBLIC, "log out (POST)"),
    "set_language": Access(PUBLIC, "switch Bahasa Indonesia / English"),
    "api:openapi-json": Access(PUBLIC, "the API's OpenAPI document"),
    "api:openapi-view": Access(PUBLIC, "the API's interactive docs"),
    "api:api-root": Access(PUBLIC, "the API's root (no content)"),
    # intake (front desk)
    "intake:desk": Access(DESK, "front desk: choose a permit type, open a booking"),
    "intake:register": Access(DESK, "register a complete file"),
    "intake:receipt": Access(DESK, "receipt (reprint; PIN only in the registering session)"),
    "intake:reset_pin": Access(DESK, "issue a new tracking PIN (audited)"),
    "intake:application": Access(OFFICERS, "an application's file, tasks and timeline"),
    "intake:search": Access(
        OFFICERS, "find a file by its registration number", "by applicant name, NIK, phone: front desk and leaders"
    ),
    "intake:document": Access(
        OFFICERS, "a scan received with an application", "only that application's; served through the view, logged"
    ),
    # workflow (every officer, on tasks of their role)
    "workflow:queue": Access(OFFICERS, "work queue", OWN_TASK),
    "workflow:task": Access(OFFICERS, "a task and its forms", OWN_TASK),
    "workflow:claim": Access(
        OFFICERS, "claim a task", "only an open task of one's role (SKRD, payment: treasurer; signing: head)"
    ),
    "workflow:assign": Access(LEADERS, "(re)assign a task", "to an officer holding the task's role"),
    "workflow:schedule": Access(OFFICERS, "schedule a survey visit", ACT_ON_TASK),
    "workflow:complete": Access(OFFICERS, "complete a step", ACT_ON_TASK),
    "workflow:return": Access(OFFICERS, "return the file to the applicant", ACT_ON_TASK),
    "workflow:reject": Access(OFFICERS, "reject the application", ACT_ON_TASK),
    "workflow:rework": Access(LEADERS, "send a file back to an earlier step"),
    "workflow:resubmit": Access(CASE_DESK, "record the applicant's corrected file"),
    "workflow:withdraw": Access(CASE_DESK, "record a withdrawal"),
    # levies
    "levies:snap_token": Access(MACHINE, "bank (SNAP BI): access token", "RSA signature of the bank"),
    "levies:snap_inquiry": Access(MACHINE, "bank: virtual account inquiry", "bearer token + HMAC signature"),
    "levies:snap_payment": Access(MACHINE, "bank: payment notice", "bearer token + HMAC signature"),
    "levies:snap_status": Access(MACHINE, "bank: payment status", "bearer token + HMAC signature"),
    "levies:index": Access(LEVY_READERS, "levy desk: assessments due, bills"),
    "levies:assess": Access(LEVY_READERS, "levy assessment (SKRD) form", "issuing: treasurer's task"),
    "levies:skrd": Access(LEVY_READERS, "an SKRD/SKPD"),
    "levies:skrd_pdf": Access(LEVY_READERS, "an SKRD/SKPD as PDF"),
    "levies:strd": Access(LEVY_READERS, "an STRD/STPD (late-payment claim)"),
    "levies:strd_pdf": Access(LEVY_READERS, "an STRD/STPD as PDF"),
    "levies:bill": Access(LEVY_READERS, "a bill and its payments"),
    "levies:teller": Access(
        PAYMENT_POSTERS,
        "record a counter payment (bank receipt)",
        "only on an open payment step not claimed by a colleague",
    ),
    "levies:reissue": Access(LEVY_WRITERS, "reissue a bill (new virtual account)"),
    "levies:cancel": Access(LEVY_WRITERS, "cancel a bill"),
    "levies:reconciliation": Access(LEVY_READERS, "bank statement reconciliation"),
    "levies:resolve": Access(LEVY_WRITERS, "resolve a reconciliation mismatch"),
    "levies:dev_bank": Access(DEV, "bank simulator (development only)"),
    "levies:verify": Access(PUBLIC, "verify an SKRD/SKPD/STRD by its QR token", "the document's own facts only"),
    # portal (public)
    "portal:track": Access(PUBLIC, "tracking form", "number + PIN, throttled"),
    "portal:track_number": Access(PUBLIC, "an application's progress", "only with its PIN"),
    "portal:track_corrections": Access(
        PUBLIC, "send corrected documents of a returned file (POST)", "only with its PIN"
    ),
    "portal:track_forget": Access(PUBLIC, "forget the remembered PIN (POST)"),
    "portal:services": Access(PUBLIC, "the service catalogue"),
    "portal:service_detail": Access(PUBLIC, "one service: requirements, fees, time"),
    "portal:sms_inbound": Access(MACHINE, "Kannel: an SMS to the office (CEK <number> <PIN>)", "SMS_INBOUND_KEY"),
    # notifications
    "notifications:kannel_dlr": Access(MACHINE, "SMS delivery reports", "per-message token in the callback URL"),
    "notifications:whatsapp_webhook": Access(MACHINE, "WhatsApp Cloud API webhook", "X-Hub-Signature-256"),
    "notifications:failed": Access(MESSAGE_STAFF, "messages that could not be delivered"),
    "notifications:retry": Access(MESSAGE_STAFF, "send a failed message again"),
    "notifications:inbox": Access(MESSAGE_STAFF, "what the dev channels sent", "staff only, DEBUG on or off"),
    # booking (online pre-registration)
    "booking:start": Access(PUBLIC, "pre-register online: choose a service"),
    "booking:form": Access(PUBLIC, "pre-registration form with uploads", "size and type checked"),
    "booking:done": Access(PUBLIC, "the booking code to bring"),
    "booking:desk_open": Access(DESK, "open a booking code at the desk"),
    "booking:desk_detail": Access(DESK, "a booking: tick originals, register"),
    "booking:document": Access(OFFICERS, "an uploaded scan", "served through the view, never the web root"),
    # decrees
    "decrees:queue": Access(LEADERS, "signing queue"),
    "decrees:sign": Access(SIGNERS, "sign decrees (POST)"),
    "decrees:draft": Access(LEADERS, "draft decree PDF"),
    "decrees:detail": Access(OFFICERS, "a decree, its handover"),
    "decrees:file": Access(OFFICERS, "the signed decree PDF"),
    "decrees:revoke": Access(SIGNERS, "revoke a decree (POST)"),
    "decrees:verify": Access(PUBLIC, "verify a decree by its QR token", "public facts only"),
    "portal:decree_download": Access(PUBLIC, "download one's decree", "registration number + PIN"),
    "decrees:survey": Access(PUBLIC, "satisfaction survey", "its token only"),
    "decrees:survey_done": Access(PUBLIC, "survey thank-you page"),
    # monitoring
    "monitoring:dashboard": Access(LEADERS, "leadership dashboard"),
    "monitoring:stalled": Access(LEADERS, "stalled files"),
    "monitoring:officer": Access(LEADERS, "one officer's record"),
    "monitoring:explanations": Access(LEADERS, "explanations asked and given"),
    "monitoring:export": Access(LEADERS, "export (CSV)"),
    "monitoring:my_explanations": Access(OFFICERS, "explanations asked of me"),
    "monitoring:explanation": Access(OFFICERS, "answer / acknowledge an explanation", "the officer asked, and leaders"),
    "monitoring:transparency": Access(PUBLIC, "public service statistics"),
}

# --- API: "METHOD /api/v1/path" as in /api/v1/openapi.json -> entry ------------------------------
APPLICATION = "/api/v1/applications/{registration_number}"
TASK = "/api/v1/tasks/{task_id}"
API: dict[str, Access] = {
    "POST /api/v1/auth/token": Access(PUBLIC, "bearer token for username + password (+ OTP)", "throttled"),
    "GET /api/v1/permit-types": Access(PUBLIC, "the catalogue"),
    "GET /api/v1/track/{registration_number}": Access(PUBLIC, "tracking", "only with the PIN; throttled"),
    "POST /api/v1/track/{registration_number}/corrections": Access(
        PUBLIC, "send corrected documents for a returned file", "only with the PIN; throttled"
    ),
    "POST /api/v1/applications": Access(DESK, "register a complete file"),
    f"GET {APPLICATION}": Access(OFFICERS, "an application with its tasks"),
    "GET /api/v1/tasks": Access(OFFICERS, "work queue", OWN_TASK + "; scope=all: leaders"),
    f"POST {TASK}/claim": Access(
        OFFICERS, "claim a task", "only an open task of one's role (SKRD, payment: treasurer; signing: head)"
    ),
    f"POST {TASK}/assign": Access(LEADERS, "(re)assign a task"),
    f"POST {TASK}/schedule": Access(OFFICERS, "schedule a survey visit", ACT_ON_TASK),
    f"POST {TASK}/complete": Access(OFFICERS, "complete a step", ACT_ON_TASK),
    f"POST {TASK}/return": Access(OFFICERS, "return the file to the applicant", ACT_ON_TASK),
    f"POST {TASK}/reject": Access(OFFICERS, "reject the application", ACT_ON_TASK),
    f"POST {APPLICATION}/resubmit": Access(CASE_DESK, "record the corrected file"),
    f"POST {APPLICATION}/rework": Access(LEADERS, "send back to an earlier step"),
    f"POST {APPLICATION}/withdraw": Access(CASE_DESK, "record a withdrawal"),
    # leadership figures; supervisors see every file until sections (bidang) exist (issue 21 item 2)
    "GET /api/v1/monitoring/dashboard": Access(LEADERS, "the dashboard's figures for a period"),
    "GET /api/v1/monitoring/stalled": Access(LEADERS, "stalled files, paged"),
    "GET /api/v1/monitoring/officers/{username}": Access(LEADERS, "one officer's record"),
}


# --- walking the project ------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern of the project: its full name, its route and its converters."""

    name: str
    route: str
    converters: dict[str, Any]

    @property
    def key(self) -> str:
        return self.name or self.route


SKIPPED_PREFIXES = ("admin/", "static/", "media/")


def iter_pages():
    """Every URL pattern of the urlconf (recursively), except the admin, static files and the API's
    operations (those are walked through the OpenAPI document)."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix="", namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace
                full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                yield from walk(p.url_patterns, prefix + str(p.pattern), full)
            else:
                name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
                route = prefix + str(p.pattern)
                yield Route(name, route, dict(getattr(p.pattern, "converters", {}) or {}))

    for route in walk(get_resolver().url_patterns):
        if route.route.startswith(SKIPPED_PREFIXES):
            continue
        if route.name.startswith("api:") and route.name not in API_PAGES:
            continue  # an operation: walked through the OpenAPI document
        yield route


API_PAGES = {"api:openapi-json", "api:openapi-view", "api:api-root"}  # the API's own pages, not operations


def _openapi_operations() -> dict[str, dict]:
    from config.api import api

    schema = api.get_openapi_schema()
    ops = {}
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            ops[f"{method.upper()} {path}"] = op
    return ops


def iter_api_operations():
    """("METHOD /api/v1/path", OpenAPI operation) for every operation of the API."""
    yield from _openapi_operations().items()


def unlisted() -> list[str]:
    """Endpoints the table does not cover (the access test fails on any)."""
    missing = [f"page {r.key} ({r.route})" for r in iter_pages() if r.key not in PAGES]
    missing += [f"api {key}" for key, _ in iter_api_operations() if key not in API]
    return missing


# --- the table as Markdown (docs/SECURITY.md) ---------------------------------------------------

COLUMNS = ["public", *ROLES]
MARKS = {True: "✓", False: "·"}


def _cells(entry: Access) -> list[str]:
    if entry.who == PUBLIC:
        return ["✓"] * len(COLUMNS)
    if entry.who == LOGGED_IN:
        return ["·"] + ["✓"] * len(ROLES)
    if entry.who == MACHINE:
        return ["sig"] + ["·"] * len(ROLES)
    if entry.who == DEV:
        return ["dev"] * len(COLUMNS)
    return ["·"] + [MARKS[r in entry.who] for r in ROLES]


def access_table_markdown() -> str:
    header = "| endpoint | what | " + " | ".join(COLUMNS) + " | object-level rule |"
    rows = [header, "|" + "---|" * (len(COLUMNS) + 3)]
    for route in sorted(iter_pages(), key=lambda r: r.route):
        entry = PAGES.get(route.key)
        if entry is None:
            continue
        rows.append(f"| `/{route.route}` | {entry.what} | " + " | ".join(_cells(entry)) + f" | {entry.rule} |")
    for key, _op in sorted(iter_api_operations(), key=lambda kv: kv[0].split(" ", 1)[1] + kv[0]):
        entry = API.get(key)
        if entry is None:
            continue
        rows.append(f"| `{key}` | {entry.what} | " + " | ".join(_cells(entry)) + f" | {entry.rule} |")
    return "\n".join(rows) + "\n"
