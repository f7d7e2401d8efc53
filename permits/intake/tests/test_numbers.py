"""A typed registration number is read back as issued, whatever the format (REGISTRATION_NUMBER_FORMAT)."""

import pytest

from permits.intake.numbers import registration_number_format, registration_number_read


@pytest.mark.parametrize("typed", ["2026-000019", "2026000019", " 2026 000019 ", "2026 - 000019", "\t2026.000019\n"])
def test_the_issued_number_digits_only_or_spaced_reads_as_issued(typed):
    assert registration_number_read(typed) == "2026-000019"


@pytest.mark.parametrize(
    "typed",
    ["DPMPTSP-KOTA-2026-000019", "dpmptsp-kota-2026-000019", "dpmptspkota2026000019", " Dpmptsp Kota 2026 000019"],
)
def test_a_prefix_format_reads_lower_case_and_squashed_numbers_as_issued(settings, typed):
    settings.REGISTRATION_NUMBER_FORMAT = "DPMPTSP-KOTA-{year}-{seq:06d}"
    assert registration_number_read(typed) == "DPMPTSP-KOTA-2026-000019"


def test_a_sequence_past_its_width_reads_as_issued():
    assert registration_number_read("20261234567") == registration_number_format(2026, 1234567) == "2026-1234567"


@pytest.mark.parametrize("typed", ["", "   ", None, "2026/000019", "2026-000019'--", "<script>", "1" * 41, "２０２６"])
def test_text_that_cannot_be_a_registration_number_reads_as_nothing(typed):
    assert registration_number_read(typed) == ""


def test_other_well_formed_text_is_kept_as_typed_for_numbers_of_an_older_format():
    assert registration_number_read(" H-000001 ") == "H-000001"
    assert registration_number_read("2026-19") == "2026-19"  # not the format's shape: looked up as typed
    assert registration_number_read("2026-0000019") == "2026-0000019"  # no reading drops typed digits
