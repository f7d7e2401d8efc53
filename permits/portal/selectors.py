"""What the public may read about an application: only with its number and PIN."""

from permits.intake.models import Application
from permits.intake.pins import pin_matches


def application_for_tracking(registration_number: str, pin: str) -> Application | None:
    """The application if the PIN matches; None for an unknown number or a wrong PIN alike."""
    app = (
        Application.objects.select_related("permit_type", "applicant")
        .filter(registration_number=(registration_number or "").strip()[:40])
        .first()
    )
    if app is None or not pin_matches(app.registration_number, pin, app.pin_hash):
        return None
    return app
