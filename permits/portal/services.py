"""Opening an application for the public: PIN check behind the throttle (used by the page and the API).

Nothing here writes the application but the applicant's online corrections (workflow records them); the
throttle's counters live in Redis, or in the database without Redis (permits/core/counters.py).
"""

from django.utils.translation import gettext_lazy as _l

from permits.core.errors import ServiceError
from permits.intake.numbers import registration_number_read
from permits.workflow.corrections import application_corrections_receive

from . import throttle
from .selectors import Tracked, application_for_tracking

NOT_FOUND_MESSAGE = _l("Nomor pendaftaran atau PIN tidak cocok. Periksa lagi tanda terima Anda.")


class TrackingNotFound(ServiceError):
    """Unknown number or wrong PIN: deliberately one and the same answer."""

    def __init__(self):
        super().__init__("not_found", NOT_FOUND_MESSAGE, status=404)


class TrackingThrottled(ServiceError):
    """Too many failed lookups from this client, or for this number (locked even for the right PIN)."""

    def __init__(self, verdict: throttle.Verdict):
        minutes = max(1, -(-verdict.retry_after // 60))
        if verdict.scope == "number":
            message = _l(
                "Terlalu banyak percobaan PIN yang salah untuk nomor ini. Demi keamanan, nomor ini dikunci "
                "selama %(minutes)s menit: selama itu PIN yang benar pun belum dapat dipakai. Coba lagi nanti, "
                "atau hubungi loket bila PIN Anda hilang."
            )
        else:
            message = _l(
                "Terlalu banyak percobaan yang gagal dari perangkat atau jaringan Anda. "
                "Coba lagi dalam %(minutes)s menit."
            )
        super().__init__(
            "throttled",
            message,
            params={"minutes": minutes},
            status=429,
            details={"retry_after": verdict.retry_after, "scope": verdict.scope},
        )
        self.retry_after = verdict.retry_after


def tracking_open(*, client_ip: str, registration_number: str, pin: str) -> Tracked:
    """The application for a public lookup, or TrackingThrottled (429) / TrackingNotFound (404).

    The attempt is reserved before the PIN is compared, so a locked number stays locked for the
    right PIN too and parallel guesses are counted like sequential ones; every failure is counted
    per client and per number and logged (without the PIN).
    """
    number = registration_number_read(registration_number)
    if not number or not (pin or "").strip():
        # No guess was made (no PIN, or text that cannot be a registration number): nothing to count,
        # and nothing reserved, so junk input never moves a client or a number toward the lock.
        raise TrackingNotFound()
    attempt = throttle.tracking_reserve(client_ip, number)
    if not attempt.allowed:
        raise TrackingThrottled(attempt.verdict)
    app = application_for_tracking(number, pin)
    if app is None:
        throttle.tracking_failed(attempt, ip=client_ip, number=number)
        raise TrackingNotFound()
    throttle.tracking_succeeded(attempt)
    return app


def tracking_corrections_send(*, client_ip: str, registration_number: str, pin: str, files: dict, note: str = ""):
    """The applicant's corrected documents for a returned file, behind the same PIN check and throttle as
    tracking (so a wrong PIN or an unknown number gets tracking's 404)."""
    app = tracking_open(client_ip=client_ip, registration_number=registration_number, pin=pin)
    return application_corrections_receive(application_id=app.pk, files=files, note=note)
