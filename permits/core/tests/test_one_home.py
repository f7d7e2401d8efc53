"""Rules that every app needs have one home in core (or in the case's owner), not a private copy per app:
the 422 refusal of input (errors.Invalid), "now unless the caller fixed it" (clock.now_or) and the write to
an application's audit stream (workflow.services.audit_application)."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _l

from permits.core.clock import now_or
from permits.core.errors import Invalid, ServiceError
from permits.core.uploads import check_requirement_files

PERMITS = Path(__file__).resolve().parents[2]


def _product_sources():
    for path in sorted(PERMITS.rglob("*.py")):
        if "tests" not in path.parts and "migrations" not in path.parts:
            yield path.relative_to(PERMITS).as_posix(), path.read_text(encoding="utf-8")


def test_invalid_is_the_422_refusal_naming_each_field():
    err = Invalid({"reason": "Wajib diisi."})
    assert isinstance(err, ServiceError) and (err.code, err.status) == ("invalid", 422)
    assert err.fields == {"reason": "Wajib diisi."} and err.message.startswith("Isian belum benar")
    own = Invalid({"note": "Terlalu panjang."}, _l("Catatan terlalu panjang."))
    assert (own.message, own.message_en, own.status) == ("Catatan terlalu panjang.", "Too long.", 422)


def test_now_or_keeps_a_fixed_instant_and_else_reads_the_clock():
    import datetime

    fixed = datetime.datetime(2026, 12, 5, 3, tzinfo=datetime.UTC)
    assert now_or(fixed) is fixed
    assert now_or(None).tzinfo is not None


@pytest.mark.parametrize("helper", ["_invalid", "_now", "_audit"])
def test_no_app_keeps_its_own_copy_of_a_shared_helper(helper):
    copies = [name for name, text in _product_sources() if re.search(rf"^def {helper}\(", text, re.M)]
    assert copies == []


def test_the_application_stream_is_written_through_audit_application():
    """One writer per row (`audit_application`); the monitoring sweep's bulk insert names the stream of
    each of its hundreds of events itself (core.audit.audit_record_many)."""
    written = re.compile(r"^\s+stream=Application\.audit_stream\(", re.M)  # an audit write's keyword, not a read
    writers = sorted(name for name, text in _product_sources() if written.search(text))
    assert writers == ["monitoring/services.py", "workflow/services.py"]


def test_uploaded_scans_are_checked_against_requirements_in_one_place():
    """The front desk, online pre-registration and the applicant's corrections all call
    core.uploads.check_requirement_files; none parses `accepted_types` or sums sizes itself."""
    parsers = sorted(name for name, text in _product_sources() if "accepted_types.split" in text)
    assert parsers == ["catalog/models.py"]
    callers = sorted(
        name for name, text in _product_sources() if "check_upload(" in text and "def check_upload" not in text
    )
    assert callers == ["decrees/views.py"]  # decrees.verification.check_upload checks a signed PDF


def test_check_requirement_files_names_each_bad_file_and_the_total():
    ktp = SimpleNamespace(accepted=["pdf"], name_id="KTP pemohon")
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.7 " + b"x" * 2000)
    png = SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n" + b"x" * 100)
    kinds, errors = check_requirement_files({"ktp": pdf}, {"ktp": ktp}, total_limit=1000)
    assert kinds == {"ktp": "pdf"} and errors == {"files": "Ukuran semua berkas bersama terlalu besar (maks. 0 MB)."}
    kinds, errors = check_requirement_files({"ktp": png, "x": pdf}, {"ktp": ktp}, unknown="Tidak dicentang.")
    assert kinds == {} and errors["files.x"] == "Tidak dicentang."
    assert errors["files.ktp"].startswith("KTP pemohon: Jenis berkas tidak diterima")
