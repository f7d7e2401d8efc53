"""Public catalogue API: what each permit needs, how it is processed, how long it takes."""

from ninja import Router, Schema

from .selectors import permit_type_list, rejection_reasons_general, rejection_reasons_merge

router = Router(tags=["catalog"])


class RequirementOut(Schema):
    code: str
    name: str
    name_en: str
    mandatory: bool
    condition: str
    form: str
    accepted_types: list[str]


class StepOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    role: str
    order: int
    bound_value: int
    bound_unit: str
    optional: bool


class DataFieldOut(Schema):
    code: str
    label: str
    label_en: str
    type: str
    required: bool
    unit: str
    min_value: str | None
    max_value: str | None
    choices: list[str]


class RejectionReasonOut(Schema):
    code: str
    text: str
    text_en: str


class PermitTypeOut(Schema):
    code: str
    name: str
    name_en: str
    legal_basis: str
    description: str
    service_standard_days: int
    has_levy: bool
    survey_policy: str
    is_sample: bool
    requirements: list[RequirementOut]
    steps: list[StepOut]
    data_fields: list[DataFieldOut]
    rejection_reasons: list[RejectionReasonOut]


def permit_type_out(pt, general_reasons) -> dict:
    """One catalogue entry; `general_reasons` (the reasons valid for every type) is read once per listing."""
    return {
        "code": pt.code,
        "name": pt.name_id,
        "name_en": pt.name_en,
        "legal_basis": pt.legal_basis,
        "description": pt.description_id,
        "service_standard_days": pt.service_standard_days,
        "has_levy": pt.has_levy,
        "survey_policy": pt.survey_policy,
        "is_sample": pt.is_sample,
        "requirements": [
            {
                "code": r.code,
                "name": r.name_id,
                "name_en": r.name_en,
                "mandatory": r.mandatory,
                "condition": r.condition_id,
                "form": r.form,
                "accepted_types": r.accepted,
            }
            for r in pt.requirements.all()
        ],
        "steps": [
            {
                "code": s.code,
                "name": s.name_id,
                "name_en": s.name_en,
                "kind": s.kind,
                "role": s.role,
                "order": s.order,
                "bound_value": s.bound_value,
                "bound_unit": s.bound_unit,
                "optional": s.optional,
            }
            for s in pt.steps.all()
        ],
        "data_fields": [
            {
                "code": f.code,
                "label": f.label_id,
                "label_en": f.label_en,
                "type": f.type,
                "required": f.required,
                "unit": f.unit,
                "min_value": None if f.min_value is None else f"{f.min_value.normalize():f}",
                "max_value": None if f.max_value is None else f"{f.max_value.normalize():f}",
                "choices": f.choice_list,
            }
            for f in pt.data_fields.all()
        ],
        "rejection_reasons": [
            {"code": r.code, "text": r.text_id, "text_en": r.text_en}
            for r in rejection_reasons_merge(pt.rejection_reasons.all(), general_reasons)
        ],
    }


@router.get("/permit-types", response=list[PermitTypeOut], auth=None)
def permit_types(request):
    """The published catalogue (public): requirements, procedure steps, service standard, object data, and the
    rejection reasons an officer may choose for each type (`code` is what `POST /api/v1/tasks/{id}/reject`
    takes as `reason_code`)."""
    general = rejection_reasons_general()
    return [permit_type_out(pt, general) for pt in permit_type_list()]
