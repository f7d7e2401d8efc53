"""The JSON API's shared parts: authentication, body parsing, paging, error shape, and the auth endpoint."""

import json
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404
from ninja import Field, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from .errors import ServiceError
from .permissions import api_check
from .tokens import token_issue, token_user


class BearerAuth(HttpBearer):
    """A bearer token; the caller it names must hold a role the access table allows for the operation
    (403 otherwise, before the operation reads its input)."""

    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            request.user = user
            api_check(request, user)
        return user


class SessionAuth(NinjaSessionAuth):
    """The browser's session, with its CSRF check, for the pages that call the API (ninja's `django_auth`,
    under the same name in the OpenAPI document).

    Only a logged-in session is checked for CSRF: CSRF protects what a session may do, and a caller
    without one is simply not authenticated (401 with the API's error shape, as for a missing token),
    not refused with a 403 "CSRF check failed" before anyone asked who it is.
    """

    def _get_key(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)  # the CSRF check, then the session cookie

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user:
            api_check(request, user)
        return user


# Bearer token for integrations; the browser's session (with CSRF) for pages using the API. The API's
# default (config/api.py): an operation is open only when it says `auth=None` and the table says PUBLIC.
officer_auth = [BearerAuth(), SessionAuth()]


class BodyNotAnObject(ValueError):
    """A JSON body that is valid JSON but not an object (an array, a string, a number, null)."""


class ObjectBodyParser(Parser):
    """Every JSON body this API takes is an object. Anything else is refused here, for every operation:
    left to the schemas, an array or a number would be read as an object whose fields are all missing,
    which a schema of optional fields (a claim's `version`) accepts."""

    def parse_body(self, request):
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise BodyNotAnObject(type(data).__name__)
        return data


# Paging of every list operation: bounded, so an absurd offset is a 422, never a query that overflows.
MAX_PAGE_SIZE = 200
MAX_OFFSET = 100_000


class PageIn(Schema):
    """`limit` and `offset` of a paged list (use as `page: Query[PageIn]`)."""

    limit: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description=f"items per page, 1..{MAX_PAGE_SIZE}")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"items to skip, 0..{MAX_OFFSET}")

    def window(self, queryset):
        return queryset[self.offset : self.offset + self.limit]


class ErrorOut(Schema):
    error: str
    message: str
    message_en: str
    fields: dict[str, str] = {}
    details: dict = {}


def error_body(code: str, message: str, message_en: str, fields=None, details=None) -> dict:
    return {
        "error": code,
        "message": message,
        "message_en": message_en,
        "fields": fields or {},
        "details": details or {},
    }


# The database could not be reached (restart, failover, network): the request's transaction did not
# commit, so the client may send it again (a write whose commit landed just before the connection
# broke is found by reading it back). Also used by the pages' error handler (permits/core/views.py).
UNAVAILABLE_MESSAGE = "Layanan sedang gangguan, coba lagi beberapa saat lagi."
UNAVAILABLE_MESSAGE_EN = "The service is temporarily unavailable; please try again in a moment."
UNAVAILABLE_RETRY_AFTER = "5"  # seconds, sent as Retry-After with every 503
DATABASE_DOWN = (OperationalError, InterfaceError)


def _field_name(loc) -> str:
    """("body", "payload", "applicant", "nik") -> "applicant.nik"; ("query", "limit") -> "limit"."""
    parts = [str(p) for p in loc]
    if parts[:1] == ["body"]:
        parts = parts[2:] if len(parts) > 2 else parts[1:2]
    elif parts[:1] and parts[0] in ("query", "path", "header", "cookie", "form", "file"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def install_error_handlers(api) -> None:
    """Every error the API gives is JSON with an Indonesian and an English message; never a trace."""

    @api.exception_handler(ServiceError)
    def service_error(request, exc: ServiceError):
        return api.create_response(
            request,
            error_body(exc.code, exc.message, exc.message_en, exc.fields, exc.details),
            status=exc.status,
        )

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        fields = {}
        for err in exc.errors:
            fields[_field_name(err.get("loc", ()))] = err.get("msg", "invalid")
        return api.create_response(
            request,
            error_body("invalid", "Permintaan tidak valid. Periksa isian yang disebut.", "Invalid request.", fields),
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        return api.create_response(
            request,
            error_body(
                "unauthorized",
                "Silakan masuk terlebih dahulu (token tidak ada atau kedaluwarsa).",
                "Authentication required (missing or expired token).",
            ),
            status=401,
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body("not_found", "Data tidak ditemukan.", "Not found."), status=404)

    @api.exception_handler(SuspiciousOperation)
    def suspicious_request(request, exc: SuspiciousOperation):
        # Raised by Django while reading the request (before any operation runs): too large a body,
        # too many form fields or files. The client's fault, so a 4xx in the API's shape.
        if isinstance(exc, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            size = f"{limit / (1024 * 1024):g} MB"
            return api.create_response(
                request,
                error_body(
                    "too_large",
                    f"Isi permintaan terlalu besar (paling banyak {size}).",
                    f"The request body is too large (at most {size}).",
                    {"body": f"maks. / max. {size}"},
                    {"max_bytes": limit},
                ),
                status=413,
            )
        return api.create_response(
            request,
            error_body("invalid", "Permintaan tidak dapat dibaca.", "The request could not be read."),
            status=400,
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 400 and isinstance(exc.__cause__, BodyNotAnObject):
            return api.create_response(
                request,
                error_body(
                    "invalid",
                    "Isi permintaan harus berupa objek JSON ({...}).",
                    "The request body must be a JSON object ({...}).",
                    {"body": "harus objek JSON / must be a JSON object"},
                ),
                status=422,
            )
        if exc.status_code == 400 and "parse request body" in str(exc):
            # A body that is not JSON at all is refused like any other invalid input (documented 422).
            return api.create_response(
                request,
                error_body(
                    "invalid",
                    "Isi permintaan bukan JSON yang sah.",
                    "The request body is not valid JSON.",
                    {"body": "JSON tidak sah / invalid JSON"},
                ),
                status=422,
            )
        return api.create_response(request, error_body("error", str(exc), str(exc)), status=exc.status_code)

    def database_unavailable(request, exc):
        logging.getLogger("permits.api").error("database unavailable: %s", exc)
        response = api.create_response(
            request, error_body("unavailable", UNAVAILABLE_MESSAGE, UNAVAILABLE_MESSAGE_EN), status=503
        )
        response["Retry-After"] = UNAVAILABLE_RETRY_AFTER
        return response

    for exc_class in DATABASE_DOWN:
        api.add_exception_handler(exc_class, database_unavailable)

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        logging.getLogger("permits.api").exception("unhandled API error")
        return api.create_response(
            request,
            error_body(
                "server_error",
                "Terjadi kesalahan pada sistem; petugas kami sudah diberi tahu.",
                "Internal error; it has been logged.",
            ),
            status=500,
        )


router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = Field(
        None, description="6-digit code from the authenticator app; required for head, treasurer and admin"
    )


class TokenOut(Schema):
    token: str
    expires_at: str


@router.post("/auth/token", response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut}, auth=None)
def auth_token(request, payload: TokenIn):
    """Exchange a username and password for a bearer token (send it as `Authorization: Bearer <token>`).

    Roles that log in with two factors (head, treasurer, admin) also send `otp` when enforced.
    Repeated failures lock the username (and the client's address) for a while: 429.
    """
    key, token = token_issue(username=payload.username, password=payload.password, otp=payload.otp, request=request)
    return {"token": key, "expires_at": token.expires_at.isoformat()}
