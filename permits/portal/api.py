"""Public tracking API: `GET /api/v1/track/{registration_number}` with the receipt's PIN."""

from datetime import date, datetime

from django.http import HttpResponse
from ninja import Header, Query, Router, Schema, Status
from ninja.renderers import JSONRenderer
from pydantic import Field

from permits.core.api import ErrorOut, error_body

from .services import TrackingNotFound, TrackingThrottled, tracking_corrections_send, tracking_open
from .throttle import client_ip
from .tracking import tracking_body_cached

router = Router(tags=["tracking"], auth=None)
RENDERER = JSONRenderer()  # the API's (config/api.py keeps django-ninja's default)


class CurrentStepOut(Schema):
    name: str = Field(
        description="step kind: verification, survey, data_entry, technical_review, levy_assessment, "
        "payment, approval, signing, handover"
    )
    label: str = Field(description="the step's published name (from the service standard)")
    desk: str = Field(description="the unit holding the file (never an officer's name)")
    since: datetime = Field(description="when the step started")
    due_at: datetime = Field(description="when the step is due by the service standard")


class TimelineEntryOut(Schema):
    at: datetime
    label: str


class RejectionOut(Schema):
    reason: str = Field(description="the listed reason")
    note: str = Field(description="the officer's explanation for the applicant")


class EstimateOut(Schema):
    median_days: float = Field(description="median working days from registration to collection, pauses excluded")
    p90_days: float = Field(description="90th percentile (nearest rank) of the same")
    sample_size: int = Field(description="completions of this permit type in the last 180 days (at most 500)")


class CorrectionOut(Schema):
    received_at: datetime
    items: list[str] = Field(description="requirement codes of the documents sent")


class TrackOut(Schema):
    registration_number: str
    permit_type: str = Field(description="permit type code")
    permit_type_name: str
    applicant_initials: str = Field(description="the only personal data shown: initials of the applicant's name")
    status: str = Field(
        description="registered, in_process, returned, awaiting_payment, approved, rejected, decree_issued, "
        "collected, withdrawn"
    )
    status_label: str = Field(description="where the file is, in plain words (language from Accept-Language)")
    current_step: CurrentStepOut | None = Field(description="null when no step is running (returned, finished)")
    timeline: list[TimelineEntryOut] = Field(description="what has happened, oldest first")
    rejection: RejectionOut | None = Field(description="set when the application was refused")
    return_items: list[str] = Field(description="what to bring or fix, while the file is returned")
    levy: dict | None = Field(
        description="the assessed levy or tax: document_kind (SKRD for a levy, SKPD for a tax), document_number, "
        "amount, lines, virtual account number, due date, how to pay, paid, and past the due date the amount due "
        "today with its sanction; null until assessed"
    )
    decree: dict | None = Field(description="the issued decree; null until issued")
    corrections: list[CorrectionOut] = Field(
        description="corrected documents sent online while the file is returned, oldest first"
    )
    promised_completion_date: date = Field(
        description="the service standard's promise (Asia/Jakarta date); moves only by recorded pauses and by "
        "the wait for payment (the clock does not run between the SKRD/SKPD and the payment)"
    )
    estimate: EstimateOut | None = Field(
        description="an estimate from this office's recent history of the permit type; null with fewer than 5 "
        "completions or once the application is finished"
    )


DESCRIPTION = """Where an application is, for the applicant (no account needed).

Give the 6-digit PIN printed on the receipt in the `X-Tracking-PIN` header (preferred: URLs end up
in logs) or the `pin` query parameter.

* **404** for an unknown number and for a wrong PIN alike (same body).
* **429** when throttled, with `Retry-After` (seconds): a client address gets at most 20 failed
  lookups per 15 minutes; a registration number is locked for 15 minutes after 5 failed lookups,
  and while locked even the right PIN is refused (settings `TRACKING_MAX_FAILS_PER_IP`,
  `TRACKING_MAX_FAILS_PER_NUMBER`, `TRACKING_LOCK_MINUTES`).

Nothing personal is returned beyond the applicant's initials and the permit type; `status_label`,
`current_step.desk` and the timeline are in Indonesian, or English with `Accept-Language: en`.
"""


@router.get(
    "/track/{registration_number}",
    response={200: TrackOut, 404: ErrorOut, 429: ErrorOut},
    summary="Track an application with its registration number and PIN",
    description=DESCRIPTION,
    operation_id="track_application",
    openapi_extra={
        "responses": {
            "200": {"headers": {"Cache-Control": {"schema": {"type": "string"}, "description": "no-store"}}},
            "429": {
                "headers": {
                    "Retry-After": {"schema": {"type": "integer"}, "description": "seconds until a retry may succeed"}
                }
            },
        }
    },
)
def track(
    request,
    response: HttpResponse,
    registration_number: str,
    x_tracking_pin: str | None = Header(None, alias="X-Tracking-PIN", description="the receipt's 6-digit PIN"),
    pin: str | None = Query(None, description="the PIN, when a header cannot be set"),
):
    response["Cache-Control"] = "no-store"
    try:
        app = tracking_open(
            client_ip=client_ip(request), registration_number=registration_number, pin=x_tracking_pin or pin or ""
        )
    except TrackingThrottled as exc:
        response["Retry-After"] = str(exc.retry_after)
        return Status(429, error_body(exc.code, exc.message, exc.message_en, details=exc.details))
    except TrackingNotFound as exc:
        return Status(404, error_body(exc.code, exc.message, exc.message_en))
    body = tracking_body_cached(
        app, lambda view: RENDERER.render(request, TrackOut.model_validate(view).model_dump(), response_status=200)
    )
    answer = HttpResponse(body, content_type=RENDERER.media_type)
    answer["Cache-Control"] = "no-store"
    return answer


CORRECTIONS_DESCRIPTION = """Send corrected documents for a returned file (no need to come to the counter).

`multipart/form-data`: each file's field name is a requirement code of the permit type (see
`GET /api/v1/permit-types`), plus an optional `note`. PIN in `X-Tracking-PIN`, checked and throttled as
for tracking. Each file is checked by its content (PDF, JPEG, PNG as the requirement accepts, at most
5 MB; all together at most 20 MB), as for online pre-registration.

* **201** received: the front desk looks at the scans and resumes the file.
* **404** for an unknown number and for a wrong PIN alike (same body as tracking); **429** when throttled.
* **409** when the file is not returned for correction.
* **422** for a field that is not a requirement code, or a refused file.
"""


@router.post(
    "/track/{registration_number}/corrections",
    response={201: CorrectionOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Send corrected documents for a returned application",
    description=CORRECTIONS_DESCRIPTION,
    operation_id="send_corrections",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"note": {"type": "string"}},
                        "additionalProperties": {"type": "string", "format": "binary"},
                    }
                }
            }
        }
    },
)
def send_corrections(
    request,
    response: HttpResponse,
    registration_number: str,
    x_tracking_pin: str | None = Header(None, alias="X-Tracking-PIN", description="the receipt's 6-digit PIN"),
):
    response["Cache-Control"] = "no-store"
    try:
        correction = tracking_corrections_send(
            client_ip=client_ip(request),
            registration_number=registration_number,
            pin=x_tracking_pin or "",
            files=dict(request.FILES.items()),
            note=request.POST.get("note", ""),
        )
    except TrackingThrottled as exc:
        response["Retry-After"] = str(exc.retry_after)
        return Status(429, error_body(exc.code, exc.message, exc.message_en, details=exc.details))
    return Status(201, {"received_at": correction.received_at, "items": correction.items})
