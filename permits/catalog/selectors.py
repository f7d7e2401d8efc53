"""Reads of the permit catalogue."""

from django.db.models import Prefetch, Q, QuerySet

from .models import PermitType, RejectionReason, Step


def permit_type_list(*, active_only: bool = True) -> QuerySet[PermitType]:
    qs = PermitType.objects.prefetch_related(
        "requirements", "data_fields", "rejection_reasons", Prefetch("steps", queryset=Step.objects.order_by("order"))
    )
    return qs.filter(active=True) if active_only else qs


def permit_type_get(code: str) -> PermitType | None:
    return permit_type_list().filter(code=code).first()


def rejection_reasons_merge(own, general) -> list[RejectionReason]:
    """A type's own reasons, then the general ones whose code it does not redefine (its own wins)."""
    own = list(own)
    codes = {r.code for r in own}
    return own + [r for r in general if r.code not in codes]


def rejection_reasons_general() -> list[RejectionReason]:
    return list(RejectionReason.objects.filter(permit_type__isnull=True))


def rejection_reasons_for(permit_type: PermitType | int) -> list[RejectionReason]:
    """The reasons an officer may choose for this permit type (one query)."""
    type_id = getattr(permit_type, "pk", permit_type)
    rows = list(RejectionReason.objects.filter(Q(permit_type=type_id) | Q(permit_type__isnull=True)))
    return rejection_reasons_merge([r for r in rows if r.permit_type_id], [r for r in rows if not r.permit_type_id])


def rejection_reason_get(permit_type: PermitType | int, code: str) -> RejectionReason | None:
    """The reason a code means for this permit type: the type's own if it has one, else the general one."""
    type_id = getattr(permit_type, "pk", permit_type)
    found = {
        r.permit_type_id is not None: r
        for r in RejectionReason.objects.filter(Q(permit_type=type_id) | Q(permit_type__isnull=True), code=code)
    }
    return found.get(True) or found.get(False)
