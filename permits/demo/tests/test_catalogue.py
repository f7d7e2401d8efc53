"""The demo catalogue: its loader is idempotent and every type's procedure keeps the invariants."""

import pytest
from django.core.validators import validate_slug

from permits.catalog.models import DataField, PermitType, RejectionReason, Requirement, Section, Step
from permits.core.roles import ROLES
from permits.demo.catalogue import DEMO_GLOBAL_REJECTION_REASONS, DEMO_PERMIT_TYPES, DEMO_SECTIONS, catalog_load_demo
from permits.demo.management.commands.load_demo import demo_section_head, demo_section_heads_create
from permits.monitoring.scope import viewer_scope

pytestmark = pytest.mark.django_db

MODELS = (PermitType, Requirement, DataField, Step, RejectionReason)
HOURS_PER_DAY = 8
KIND_ROLE = {
    "verification": "verifier",
    "survey": "surveyor",
    "data_entry": "data_entry",
    "technical_review": "technical",
    "levy_assessment": "treasurer",
    "payment": "treasurer",
    "approval": "supervisor",
    "signing": "head",
    "handover": "frontdesk",
}


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def _snapshot() -> list[tuple]:
    return [
        (s.permit_type.code, s.order, s.code, s.kind, s.role, s.bound_value, s.bound_unit, s.optional)
        for s in Step.objects.select_related("permit_type").order_by("permit_type__code", "order")
    ]


@pytest.fixture
def catalogue():
    catalog_load_demo()
    return list(PermitType.objects.prefetch_related("requirements", "data_fields", "steps", "rejection_reasons"))


def _hours(step: Step) -> int:
    return step.bound_value * (HOURS_PER_DAY if step.bound_unit == Step.Unit.DAYS else 1)


def test_loader_is_idempotent():
    assert catalog_load_demo() == len(DEMO_PERMIT_TYPES)
    first, steps = _counts(), _snapshot()
    assert catalog_load_demo() == len(DEMO_PERMIT_TYPES)
    assert _counts() == first
    assert _snapshot() == steps
    assert first["RejectionReason"] == sum(len(t["rejection_reasons"]) for t in DEMO_PERMIT_TYPES) + len(
        DEMO_GLOBAL_REJECTION_REASONS
    )


def test_loader_restores_edits_and_reorders_steps():
    catalog_load_demo()
    pbg = PermitType.objects.get(code="PBG")
    before = _snapshot()
    # scramble the procedure (reverse the orders) and edit a bound and a name
    steps = list(pbg.steps.order_by("order"))
    n = len(steps)
    for s in steps:
        s.order += 100
        s.save()
    for i, s in enumerate(steps):
        s.order = n - i
        s.save()
    Step.objects.filter(permit_type=pbg, code="verifikasi").update(bound_value=99)
    PermitType.objects.filter(code="PBG").update(name_id="diubah", is_sample=False)
    extra = Requirement.objects.create(permit_type=pbg, code="lama", name_id="Persyaratan lama")

    catalog_load_demo()

    assert _snapshot() == before
    pbg.refresh_from_db()
    assert pbg.name_id == "Persetujuan Bangunan Gedung (PBG)" and pbg.is_sample
    assert not Requirement.objects.filter(pk=extra.pk).exists()  # stale and unreferenced: dropped


def test_loader_keeps_a_stale_requirement_that_an_application_uses():
    from permits.conftest import VALID_APPLICANT, make_user
    from permits.demo.applicants import demo_object_data
    from permits.intake.services import application_register

    catalog_load_demo()
    tdup = PermitType.objects.get(code="TDUP")
    Requirement.objects.create(permit_type=tdup, code="izin-lama", name_id="Izin lama", order=99)
    application_register(
        officer=make_user("frontdesk"),
        permit_type_code="TDUP",
        applicant=dict(VALID_APPLICANT),
        data=demo_object_data(tdup),
        documents_received=list(tdup.requirements.values_list("code", flat=True)),
    )

    catalog_load_demo()  # must not trip over the PROTECTed reference

    codes = list(tdup.requirements.order_by("order").values_list("code", flat=True))
    assert codes[-1] == "izin-lama"
    assert len(codes) == len(next(t for t in DEMO_PERMIT_TYPES if t["code"] == "TDUP")["requirements"]) + 1


def test_required_types_and_service_standards(catalogue):
    by_code = {pt.code: pt for pt in catalogue}
    assert len(by_code) >= 7
    expected = {
        # code: (service days, has_levy, survey policy)
        "PBG": (28, True, "always"),
        "REKLAME": (7, True, "always"),
        "SIP-DOKTER": (5, False, "never"),
        "SIPA": (14, True, "always"),
        "IZIN-TOKO": (10, False, "verification"),
        "SLF": (14, False, "always"),
        "TDUP": (5, False, "verification"),
    }
    for code, (days, levy, policy) in expected.items():
        pt = by_code[code]
        assert (pt.service_standard_days, pt.has_levy, pt.survey_policy) == (days, levy, policy), code
    assert by_code["SIP-DOKTER"].validity_years == 5
    assert all(pt.is_sample for pt in catalogue)
    assert [pt.order for pt in catalogue] == list(range(1, len(catalogue) + 1))
    pbg_fields = {f.code: f for f in by_code["PBG"].data_fields.all()}
    assert pbg_fields["luas_bangunan"].unit == "m2" and pbg_fields["fungsi_bangunan"].type == "choice"
    reklame = {f.code: f for f in by_code["REKLAME"].data_fields.all()}
    assert (reklame["jumlah_muka"].min_value, reklame["jumlah_muka"].max_value) == (1, 2)
    assert (reklame["durasi_bulan"].min_value, reklame["durasi_bulan"].max_value) == (1, 12)
    assert reklame["tanggal_mulai"].type == "date"


def test_each_type_has_complete_descriptive_data(catalogue):
    for pt in catalogue:
        assert pt.name_id and pt.name_en and pt.legal_basis, pt.code
        assert pt.description_id and pt.description_en, pt.code
        reqs = list(pt.requirements.all())
        assert 5 <= len(reqs) <= 9, pt.code
        assert all(r.mandatory == (not r.condition_id) for r in reqs), pt.code
        assert any(not r.mandatory for r in reqs), pt.code
        assert 3 <= len(pt.rejection_reasons.all()) <= 5, pt.code
        assert pt.data_fields.all(), pt.code


def test_step_orders_are_contiguous(catalogue):
    for pt in catalogue:
        orders = sorted(s.order for s in pt.steps.all())
        assert orders == list(range(1, len(orders) + 1)), pt.code


def test_procedure_shape_and_roles(catalogue):
    for pt in catalogue:
        steps = sorted(pt.steps.all(), key=lambda s: s.order)
        kinds = [s.kind for s in steps]
        assert kinds[0] == "verification" and kinds[-1] == "handover", pt.code
        for kind in ("data_entry", "approval", "signing"):
            assert kind in kinds, (pt.code, kind)
        assert len(kinds) == len(set(kinds)), pt.code
        for s in steps:
            assert s.role in ROLES, (pt.code, s.code)
            assert s.role == KIND_ROLE[s.kind], (pt.code, s.code)


def test_bounds_fit_service_standard_payment_excluded(catalogue):
    for pt in catalogue:
        office_hours = sum(_hours(s) for s in pt.steps.all() if s.kind != Step.Kind.PAYMENT)
        assert office_hours <= pt.service_standard_days * HOURS_PER_DAY, pt.code
        assert all(s.bound_value > 0 for s in pt.steps.all()), pt.code


def test_levy_steps_only_when_has_levy(catalogue):
    for pt in catalogue:
        kinds = [s.kind for s in sorted(pt.steps.all(), key=lambda s: s.order)]
        if pt.has_levy:
            assert "levy_assessment" in kinds and "payment" in kinds, pt.code
            assert kinds.index("levy_assessment") < kinds.index("payment") < kinds.index("signing"), pt.code
        else:
            assert "levy_assessment" not in kinds and "payment" not in kinds, pt.code


def test_survey_step_matches_survey_policy(catalogue):
    for pt in catalogue:
        surveys = [s for s in pt.steps.all() if s.kind == Step.Kind.SURVEY]
        if pt.survey_policy == PermitType.SurveyPolicy.NEVER:
            assert surveys == [], pt.code
        else:
            assert len(surveys) == 1, pt.code
            assert surveys[0].optional == (pt.survey_policy == PermitType.SurveyPolicy.DECIDED_AT_VERIFICATION)
        assert not any(s.optional for s in pt.steps.all() if s.kind != Step.Kind.SURVEY), pt.code


def test_choice_fields_have_choices_and_ranges_are_sane(catalogue):
    for pt in catalogue:
        for f in pt.data_fields.all():
            if f.type == DataField.Type.CHOICE:
                assert len(f.choice_list) >= 2, (pt.code, f.code)
            else:
                assert not f.choices, (pt.code, f.code)
            if f.min_value is not None and f.max_value is not None:
                assert f.min_value <= f.max_value, (pt.code, f.code)


def test_codes_are_valid_slugs_and_objects_validate(catalogue):
    for pt in catalogue:
        validate_slug(pt.code)
        pt.full_clean()
        for obj in (
            *pt.requirements.all(),
            *pt.data_fields.all(),
            *pt.steps.all(),
            *pt.rejection_reasons.all(),
        ):
            validate_slug(obj.code)
            obj.full_clean()
    for reason in RejectionReason.objects.filter(permit_type=None):
        validate_slug(reason.code)
        reason.full_clean()
    assert {r.code for r in RejectionReason.objects.filter(permit_type=None)} >= {
        "dokumen-palsu",
        "tidak-sesuai-tata-ruang",
        "persyaratan-tidak-sah",
    }


def test_every_demo_type_belongs_to_one_demo_section_with_its_own_head():
    catalog_load_demo()
    catalog_load_demo()  # idempotent
    mapped = [t for _c, _n, _e, types in DEMO_SECTIONS for t in types]
    assert sorted(mapped) == sorted(t["code"] for t in DEMO_PERMIT_TYPES)  # each type once
    assert not PermitType.objects.filter(section__isnull=True).exists()
    heads = demo_section_heads_create("pw-for-tests-123")
    assert len(heads) == Section.objects.count() == len(DEMO_SECTIONS)
    for code, _n, _e, types in DEMO_SECTIONS:
        head = next(u for u in heads if u.username == demo_section_head(code))
        scope = viewer_scope(head)
        assert scope.codes == [code]
        assert set(PermitType.objects.filter(pk__in=scope.type_ids).values_list("code", flat=True)) == set(types)
