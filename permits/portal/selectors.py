"""What the public may read about an application: only with its number and PIN."""

from permits.intake.models import Application
from permits.intake.pins import pin_matches

# Compared against when the number is unknown, so both failures cost the same HMAC.
_NO_SUCH_HASH = "0" * 64


def normalize_number(registration_number: str) -> str:
    return (registration_number or "").strip()[:40]


def application_for_tracking(registration_number: str, pin: str) -> Application | None:
    """The application if the PIN matches; None for an unknown number or a wrong PIN alike.

    Both failures do the same work (one indexed read, one HMAC), so timing does not tell a
    real number from an unknown one.
    """
    number = normalize_number(registration_number)
    app = Application.objects.select_related("permit_type", "applicant").filter(registration_number=number).first()
    if app is None:
        pin_matches(number, pin, _NO_SUCH_HASH)
        return None
    if not pin_matches(app.registration_number, pin, app.pin_hash):
        return None
    return app


def application_by_grant(registration_number: str, pin_hash_prefix: str) -> Application | None:
    """The application a browser session already opened with the right PIN (see views.track).

    The grant carries a prefix of the PIN hash, so resetting the PIN closes open sessions too.
    """
    app = (
        Application.objects.select_related("permit_type", "applicant")
        .filter(registration_number=normalize_number(registration_number))
        .first()
    )
    if app is None or not pin_hash_prefix or not app.pin_hash.startswith(pin_hash_prefix):
        return None
    return app
