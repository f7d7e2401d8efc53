"""Intake API: register a complete file at the front desk; read an application (officers)."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _l
from ninja import Field, Router, Schema, Status

from permits.core.api import ErrorOut, officer_auth
from permits.core.errors import NotFound
from permits.workflow.schemas import ApplicationOut, application_out
from permits.workflow.selectors import application_get

from .services import application_register

router = Router(tags=["applications"], auth=officer_auth)


class ApplicantIn(Schema):
    kind: str = "person"
    name: str
    nik: str = Field("", description="16-digit NIK: required for an Indonesian; left out by a foreigner.")
    foreign_id_type: str = Field("", description='A foreigner without NIK: "passport" or "kitas"; else empty.')
    foreign_id: str = Field("", description="The passport or KITAS number: 6-20 letters and digits.")
    nib: str = ""
    company_name: str = ""
    phone: str
    email: str = ""
    address: str
    channel: str = "whatsapp"


class ApplicationIn(Schema):
    permit_type: str
    applicant: ApplicantIn
    data: dict = {}
    documents_received: list[str] = []


class RegisteredOut(Schema):
    registration_number: str
    pin: str
    permit_type: str
    status: str
    registered_at: datetime
    promised_completion_date: date
    promised_completion_at: datetime


@router.post("/applications", response={201: RegisteredOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
def application_create(request, payload: ApplicationIn):
    """Register a file at the front desk (role `frontdesk`).

    Only a complete file is registered: 201 with the registration number, the tracking PIN (shown
    once) and the promised completion date. An incomplete file answers 422 with
    `details.missing` (requirement codes) and registers nothing; bad applicant or object data
    answers 422 with `fields` naming each field.
    """
    reg = application_register(
        officer=request.user,
        permit_type_code=payload.permit_type,
        applicant=payload.applicant.dict(),
        data=payload.data,
        documents_received=payload.documents_received,
    )
    app = reg.application
    return Status(
        201,
        {
            "registration_number": app.registration_number,
            "pin": reg.pin,
            "permit_type": app.permit_type.code,
            "status": app.status,
            "registered_at": app.registered_at,
            "promised_completion_date": timezone.localtime(app.promised_completion_at).date(),
            "promised_completion_at": app.promised_completion_at,
        },
    )


@router.get(
    "/applications/{registration_number}",
    response={200: ApplicationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def application_detail(request, registration_number: str):
    """One application with its state, its tasks (oldest first) and the current one (any officer role)."""
    app = application_get(registration_number)
    if app is None:
        raise NotFound(_l("Permohonan"))
    return application_out(app)
