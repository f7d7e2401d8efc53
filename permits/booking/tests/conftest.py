import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from permits.booking.services import booking_create
from permits.conftest import VALID_APPLICANT

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def pdf(name="sertifikat tanah.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png(name="ktp.png"):
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


DATA = {"luas": "120,5", "lantai": "2", "fungsi": "Hunian"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the cache outlives a test (the throttle's counters are in the database, rolled back)
    yield
    cache.clear()


@pytest.fixture
def booking(permit_type):
    return booking_create(
        permit_type_code=permit_type.code,
        applicant=dict(VALID_APPLICANT),
        data=dict(DATA),
        files={"ktp": png(), "sertifikat": pdf()},
    )
