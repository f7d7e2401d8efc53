from django.conf import settings
from django.utils.translation import get_language

from .permissions import nav_items


def office(request):
    return {
        "office_name": settings.OFFICE_NAME,
        "office_short_name": settings.OFFICE_SHORT_NAME,
        "office_address": settings.OFFICE_ADDRESS,
        "office_hours": _office_hours(),
    }


def navigation(request):
    """The menu of templates/base.html: the pages the access table lets this user open."""
    return {"nav": nav_items(getattr(request, "user", None))}


def _office_hours() -> str:
    """The office hours as the office typed them, in English on English pages when given."""
    if (get_language() or "id").startswith("en") and settings.OFFICE_HOURS_EN:
        return settings.OFFICE_HOURS_EN
    return settings.OFFICE_HOURS
