"""Reads of the permit catalogue."""

import re

from django.db.models import Prefetch, Q, QuerySet

from .models import PermitType, RejectionReason, Section, Step

SLUG = re.compile(r"[-a-zA-Z0-9_]+")


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


# --- sections -----------------------------------------------------------------------------------


def step_sections() -> dict[int, int]:
    """{step id: section id} of every step that belongs to a section: the step's own section, else
    its permit type's (the one rule of which section a step, and so a task of it, belongs to).
    One query over the catalogue (a few hundred steps)."""
    rows = Step.objects.values_list("pk", "section_id", "permit_type__section_id")
    return {pk: own or by_type for pk, own, by_type in rows if own or by_type}


def section_list() -> list[Section]:
    return list(Section.objects.order_by("order", "code"))


def section_get(code: str) -> Section | None:
    """The section of this code; None for an unknown one or anything that is not a code (no query)."""
    if not code or len(code) > 20 or not SLUG.fullmatch(code):
        return None
    return Section.objects.filter(code=code).first()


def sections_of(user) -> list[Section]:
    """The sections a user heads (supervises), in order."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Section.objects.filter(supervisors=user).order_by("order", "code"))


def section_members() -> dict[int, set[int]]:
    """{user id: the section ids they head}, for every user who heads one."""
    out: dict[int, set[int]] = {}
    for user_id, section_id in Section.supervisors.through.objects.values_list("user_id", "section_id"):
        out.setdefault(user_id, set()).add(section_id)
    return out


def section_permit_type_ids(section_ids) -> set[int]:
    """The permit types of these sections: their applications are the sections' applications."""
    return set(PermitType.objects.filter(section__in=list(section_ids)).values_list("pk", flat=True))
