import datetime
from zoneinfo import ZoneInfo

import pytest

from permits.conftest import VALID_APPLICANT, make_permit_type, make_user
from permits.intake.services import application_register

JKT = ZoneInfo("Asia/Jakarta")
MONDAY = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=JKT)


@pytest.fixture
def officers(db):
    return {
        role: make_user(role)
        for role in ("frontdesk", "verifier", "surveyor", "data_entry", "technical", "treasurer", "supervisor", "head")
    }


@pytest.fixture
def register(officers):
    def _register(code="TEST", now=MONDAY, **pt_kwargs):
        from permits.catalog.models import PermitType

        if not PermitType.objects.filter(code=code).exists():
            make_permit_type(code, **pt_kwargs)
        return application_register(
            officer=officers["frontdesk"],
            permit_type_code=code,
            applicant=dict(VALID_APPLICANT),
            data={"luas": "120", "lantai": "2", "fungsi": "Hunian"},
            documents_received=["ktp", "sertifikat"],
            now=now,
        ).application

    return _register
