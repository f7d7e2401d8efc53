import pytest

from permits.core.identity import clean_nib, clean_nik, clean_phone


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("3271046504870002", "3271046504870002"),
        ("3271 0465 0487 0002", "3271046504870002"),
        ("3271.046504.870002", "3271046504870002"),
    ],
)
def test_clean_nik_accepts_sixteen_digits_with_separators(raw, expected):
    assert clean_nik(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "327104650487000", "32710465048700021", "3271O46504870002", "0071046504870002", "3271049904870002"],
)
def test_clean_nik_refuses_wrong_length_letters_province_and_birthday(raw):
    with pytest.raises(ValueError):
        clean_nik(raw)


def test_clean_nib_needs_thirteen_digits():
    assert clean_nib("912 000 123 4567") == "9120001234567"
    with pytest.raises(ValueError):
        clean_nib("12345")


@pytest.mark.parametrize("raw", ["081211112201", "0812-1111-2201", "+62 812 1111 2201", "6281211112201"])
def test_clean_phone_normalises_indonesian_mobile_numbers_to_e164(raw):
    assert clean_phone(raw) == "+6281211112201"


@pytest.mark.parametrize("raw", ["", "12", "abc", "+1 415 555 2671", "0812"])
def test_clean_phone_refuses_invalid_and_foreign_numbers(raw):
    with pytest.raises(ValueError):
        clean_phone(raw)
