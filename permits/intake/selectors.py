"""Reads of applications for officers."""

from django.db.models import QuerySet

from .models import Application


def application_queryset() -> QuerySet[Application]:
    return Application.objects.select_related("permit_type", "applicant", "registered_by")


def application_get(registration_number: str) -> Application | None:
    return application_queryset().filter(registration_number=registration_number).first()
