from django.conf import settings

from .roles import user_roles


def office(request):
    return {
        "office_name": settings.OFFICE_NAME,
        "office_short_name": settings.OFFICE_SHORT_NAME,
        "office_address": settings.OFFICE_ADDRESS,
        "office_hours": settings.OFFICE_HOURS,
        "my_roles": user_roles(getattr(request, "user", None)),
    }
