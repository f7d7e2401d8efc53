"""Rules that every app needs have one home in core (or in the case's owner), not a private copy per app:
the 422 refusal of input (errors.Invalid), "now unless the caller fixed it" (clock.now_or) and the write to
an application's audit stream (workflow.services.audit_application)."""

import re
from pathlib import Path

import pytest
from django.utils.translation import gettext_lazy as _l

from permits.core.clock import now_or
from permits.core.errors import Invalid, ServiceError

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
