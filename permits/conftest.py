"""Shared test fixtures: a small permit type built here (tests do not depend on the demo data)."""

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from permits.catalog.models import DataField, PermitType, RejectionReason, Requirement, Step
from permits.core.models import OfficialProfile
from permits.core.tests.throttling import counter_store_kind  # noqa: F401 (fixture: each throttle store)

_counter = itertools.count(1)

VALID_APPLICANT = {
    "kind": "person",
    "name": "Siti Nur'aini",
    "nik": "3271046504870002",
    "phone": "0812-1111-2201",
    "email": "siti@example.id",
    "address": "Jl. Pajajaran No. 12, Bogor",
}


HEAD_OFFICIAL = {
    "full_name": "Dr. Ir. H. Ahmad Santoso, M.Si.",
    "position": "Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    "nip": "197203151998031004",
}


def make_user(role: str | None = None, username: str | None = None, password: str = "pw-for-tests-123"):
    user = get_user_model().objects.create_user(
        username=username or f"{role or 'user'}{next(_counter)}", password=password
    )
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if role == "head":  # the head signs decrees, which print the official's name, position and NIP
        OfficialProfile.objects.create(
            user=user,
            full_name=HEAD_OFFICIAL["full_name"],
            position=HEAD_OFFICIAL["position"],
            nip=HEAD_OFFICIAL["nip"],
        )
    return user


def make_permit_type(
    code: str = "TEST", *, survey_policy: str = "verification", has_levy: bool = True, service_days: int = 10
) -> PermitType:
    pt = PermitType.objects.create(
        code=code,
        name_id=f"Izin Uji {code}",
        name_en=f"Test permit {code}",
        service_standard_days=service_days,
        has_levy=has_levy,
        survey_policy=survey_policy,
    )
    Requirement.objects.create(permit_type=pt, code="ktp", name_id="KTP pemohon", order=1)
    Requirement.objects.create(permit_type=pt, code="sertifikat", name_id="Sertifikat tanah", order=2)
    Requirement.objects.create(
        permit_type=pt,
        code="kuasa",
        name_id="Surat kuasa",
        mandatory=False,
        order=3,
        condition_id="Bila dikuasakan",
    )
    DataField.objects.create(
        permit_type=pt,
        code="luas",
        label_id="Luas bangunan",
        type="decimal",
        unit="m2",
        min_value=1,
        max_value=100000,
        order=1,
    )
    DataField.objects.create(
        permit_type=pt,
        code="lantai",
        label_id="Jumlah lantai",
        type="integer",
        min_value=1,
        max_value=50,
        order=2,
    )
    DataField.objects.create(
        permit_type=pt, code="fungsi", label_id="Fungsi", type="choice", choices="Hunian,Usaha", order=3
    )
    DataField.objects.create(permit_type=pt, code="catatan", label_id="Catatan", type="text", required=False, order=4)
    steps = [
        ("verifikasi", "verification", "verifier", 1, "days", False),
        ("survei", "survey", "surveyor", 2, "days", survey_policy == "verification"),
        ("entri-data", "data_entry", "data_entry", 4, "hours", False),
        ("rekomendasi", "technical_review", "technical", 2, "days", False),
    ]
    if survey_policy == "never":
        steps = [s for s in steps if s[1] != "survey"]
    if has_levy:
        steps += [
            ("penetapan-retribusi", "levy_assessment", "treasurer", 1, "days", False),
            ("pembayaran", "payment", "treasurer", 10, "days", False),
        ]
    steps += [
        ("persetujuan", "approval", "supervisor", 1, "days", False),
        ("tanda-tangan", "signing", "head", 1, "days", False),
        ("penyerahan", "handover", "frontdesk", 1, "days", False),
    ]
    for order, (scode, kind, role, value, unit, optional) in enumerate(steps, start=1):
        Step.objects.create(
            permit_type=pt,
            order=order,
            code=scode,
            name_id=scode.replace("-", " ").title(),
            kind=kind,
            role=role,
            bound_value=value,
            bound_unit=unit,
            optional=optional,
        )
    RejectionReason.objects.create(permit_type=pt, code="tata-ruang", text_id="Tidak sesuai tata ruang")
    return pt


def valid_payload(pt_code: str = "TEST", **overrides) -> dict:
    payload = {
        "permit_type": pt_code,
        "applicant": dict(VALID_APPLICANT),
        "data": {"luas": "120,5", "lantai": "2", "fungsi": "Hunian"},
        "documents_received": ["ktp", "sertifikat"],
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def permit_type(db):
    return make_permit_type()


@pytest.fixture
def frontdesk(db):
    return make_user("frontdesk")


@pytest.fixture
def verifier(db):
    return make_user("verifier")
