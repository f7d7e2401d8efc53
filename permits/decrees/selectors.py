"""Reads about decrees: the public verification view, the tracking block, the signing queue, the IKM."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, QuerySet, Subquery, Sum
from django.utils import timezone

from permits.catalog.models import PermitType, Step
from permits.workflow.models import Application, Task

from . import ikm
from .models import ELEMENT_CODES, ELEMENTS, Decree, Handover, SurveyInvitation, SurveyResponse
from .services import survey_url, verify_url


def today() -> datetime.date:
    return timezone.localdate()


def decree_by_token(token: str) -> Decree | None:
    token = (token or "").strip()
    if not token or len(token) > 64:
        return None
    return Decree.objects.select_related("permit_type").filter(token=token).first()


def decree_get(decree_id: int) -> Decree | None:
    return (
        Decree.objects.select_related("permit_type", "application__applicant", "signed_by", "revoked_by")
        .filter(pk=decree_id)
        .first()
    )


def decree_by_sha256(digest: str) -> Decree | None:
    return Decree.objects.select_related("permit_type").filter(sha256=digest).first()


def office_fingerprints() -> set[str]:
    """Every certificate the office has signed decrees with (a renewed certificate keeps old decrees valid)."""
    return set(Decree.objects.values_list("certificate_fingerprint", flat=True).distinct())


@dataclass(frozen=True)
class PublicDecree:
    """What anyone holding the QR may read: nothing beyond what the decree itself prints."""

    number: str
    holder_name: str
    permit_type: str
    object_summary: list
    issued_on: datetime.date
    valid_until: datetime.date | None
    status: str
    revoked_at: datetime.datetime | None
    revoked_reason: str
    sha256: str
    signer_name: str
    signer_position: str
    signer_nip: str
    certificate_subject: str


def public_decree(decree: Decree, *, on: datetime.date | None = None) -> PublicDecree:
    return PublicDecree(
        number=decree.number,
        holder_name=decree.holder_name,
        permit_type=decree.permit_type.name_id,
        object_summary=decree.object_summary,
        issued_on=timezone.localtime(decree.issued_at).date(),
        valid_until=decree.valid_until,
        status=decree.status_on(on or today()),
        revoked_at=decree.revoked_at,
        revoked_reason=decree.revoked_reason,
        sha256=decree.sha256,
        signer_name=decree.signer_name,
        signer_position=decree.signer_position,
        signer_nip=decree.signer_nip,
        certificate_subject=decree.certificate_subject,
    )


def decree_for_tracking(application: Application) -> dict | None:
    """The decree block of the public tracking view (None until a decree exists)."""
    # One statement: the decree with its survey invitation's token and whether it was answered.
    decree = (
        Decree.objects.filter(application=application)
        .annotate(
            invitation_token=Subquery(SurveyInvitation.objects.filter(application=application).values("token")[:1]),
            answered=Exists(SurveyResponse.objects.filter(invitation__application=application)),
        )
        .first()
    )
    if decree is None:
        return None
    status = decree.status_on(today())
    answered = bool(decree.invitation_token) and decree.answered
    download = bool(settings.DECREE_DIGITAL_DELIVERY) and status != Decree.Status.REVOKED
    return {
        "number": decree.number,
        "issued_on": timezone.localtime(decree.issued_at).date(),
        "valid_until": decree.valid_until,
        "status": str(status),
        "status_label": str(Decree.Status(status).label),
        "verify_url": verify_url(decree.token),
        "download_allowed": download,
        "survey_url": survey_url(decree.invitation_token) if decree.invitation_token and not answered else None,
        "survey_answered": answered,
    }


def application_survey_answered(application_id: int) -> bool:
    """Whether the applicant has answered the satisfaction survey of this application."""
    return SurveyResponse.objects.filter(invitation__application_id=application_id).exists()


def signing_queue() -> QuerySet[Task]:
    """Signing steps waiting for the head, oldest first."""
    return (
        Task.objects.filter(kind=Step.Kind.SIGNING, state__in=Task.ACTIVE_STATES)
        .select_related("application__permit_type", "application__applicant", "step")
        .order_by("due_at", "id")
    )


def decrees_recent(limit: int = 20) -> QuerySet[Decree]:
    return Decree.objects.select_related("permit_type", "application").order_by("-issued_at", "-id")[:limit]


def decree_of_application(application: Application) -> Decree | None:
    return Decree.objects.filter(application=application).first()


def decree_handover(decree: Decree) -> Handover | None:
    return Handover.objects.select_related("by").filter(decree=decree).first()


def survey_invitation(token: str) -> SurveyInvitation | None:
    token = (token or "").strip()
    if not token or len(token) > 64:
        return None
    return SurveyInvitation.objects.filter(token=token).first()


def survey_answered(invitation: SurveyInvitation) -> bool:
    return SurveyResponse.objects.filter(invitation=invitation).exists()


# --- the satisfaction index ---------------------------------------------------------------------


def ikm_summary(
    since: datetime.datetime | datetime.date,
    permit_type: PermitType | int | None = None,
    until: datetime.datetime | datetime.date | None = None,
) -> dict:
    """The IKM of the answers since `since` (and before `until`), for one permit type or all.

    One aggregate over an indexed range (submitted_at, or permit_type + submitted_at): the cost
    follows the period asked, not the whole history.
    """
    rows = SurveyResponse.objects.filter(submitted_at__gte=_instant(since))
    if until is not None:
        rows = rows.filter(submitted_at__lt=_instant(until))
    if permit_type is not None:
        rows = rows.filter(permit_type=permit_type)
    totals = rows.aggregate(n=Count("id"), **{code: Sum(code) for code in ELEMENT_CODES})
    n = totals["n"] or 0
    result = ikm.ikm_from_totals([totals[c] or 0 for c in ELEMENT_CODES], [n] * len(ELEMENT_CODES), n) if n else None
    return {
        "respondents": n,
        "elements": [
            {"code": code, "label": str(name), "nrr": result.nrr[i] if result else None}
            for i, (code, name) in enumerate(ELEMENTS)
        ],
        "nrr_weighted": result.nrr_weighted if result else None,
        "ikm": result.ikm if result else None,
        "grade": result.grade if result else None,
        "grade_label": result.grade_id if result else None,
        "grade_label_en": result.grade_en if result else None,
    }


def _instant(value: datetime.datetime | datetime.date) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))
