"""Reads of the permit catalogue."""

from django.db.models import Prefetch, QuerySet

from .models import PermitType, Step


def permit_type_list(*, active_only: bool = True) -> QuerySet[PermitType]:
    qs = PermitType.objects.prefetch_related(
        "requirements", "data_fields", Prefetch("steps", queryset=Step.objects.order_by("order"))
    )
    return qs.filter(active=True) if active_only else qs


def permit_type_get(code: str) -> PermitType | None:
    return permit_type_list().filter(code=code).first()
