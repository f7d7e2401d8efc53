"""What the public may read about an application: only with its number and PIN."""

from dataclasses import dataclass

from django.db import connection
from django.utils.crypto import constant_time_compare, salted_hmac

from permits.core.audit import stream_prefix
from permits.core.models import AuditEvent
from permits.intake.numbers import registration_number_read
from permits.intake.pins import pin_matches
from permits.workflow.models import Application

# Compared against when the number is unknown, so both failures cost the same HMAC.
_NO_SUCH_HASH = "0" * 64


@dataclass(frozen=True)
class Tracked:
    """An application as a public lookup finds it: enough to check the PIN and to find its view."""

    pk: int
    registration_number: str
    pin_hash: str
    status: str
    # The hash of the newest event in the application's audit stream. Every change an applicant can
    # see is a recorded action, which appends to that stream in its own transaction: the version of
    # the public view (permits/portal/tracking.py keeps the view in the cache under it).
    version: str


# The busiest read of the system (everyone refreshes the tracking page): one statement, one index
# lookup plus one backward step of the audit stream's (stream, seq) index, written out because the
# ORM's version of it cost more to build and to plan than the database takes to run it (bench/track.py).
_LOOKUP = (
    "SELECT a.id, a.registration_number, a.pin_hash, a.status, "
    "(SELECT e.hash FROM {events} e WHERE e.stream = %s || CAST(a.id AS TEXT) ORDER BY e.seq DESC LIMIT 1) "
    "FROM {applications} a WHERE a.registration_number = %s"
)


def _tracked(number: str) -> Tracked | None:
    sql = _LOOKUP.format(events=AuditEvent._meta.db_table, applications=Application._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [stream_prefix(Application), number])
        row = cursor.fetchone()
    return None if row is None else Tracked(row[0], row[1], row[2], row[3], row[4] or "")


def application_for_tracking(registration_number: str, pin: str) -> Tracked | None:
    """The application if the PIN matches; None for an unknown number or a wrong PIN alike.

    Both failures do the same work (one indexed read, one HMAC), so timing does not tell a
    real number from an unknown one.
    """
    number = registration_number_read(registration_number)
    app = _tracked(number)
    if app is None:
        pin_matches(number, pin, _NO_SUCH_HASH)
        return None
    if not pin_matches(app.registration_number, pin, app.pin_hash):
        return None
    return app


def grant_tag(pin_hash: str) -> str:
    """What a browser's grant carries of the PIN: a keyed digest of its hash (never the hash itself),
    so resetting the PIN closes the browsers that opened the application with the old one."""
    return salted_hmac("permits.portal.grant", pin_hash).hexdigest()[:32]


def application_by_grant(registration_number: str, tag: str) -> Tracked | None:
    """The application a browser already opened with the right PIN (see views.track)."""
    app = _tracked(registration_number_read(registration_number))
    if app is None or not tag or not app.pin_hash or not constant_time_compare(grant_tag(app.pin_hash), tag):
        return None
    return app


def application_for_view(pk: int) -> Application:
    """The whole application, with what the public view shows of its type and applicant."""
    return Application.objects.select_related("permit_type", "applicant", "rejection_reason").get(pk=pk)
