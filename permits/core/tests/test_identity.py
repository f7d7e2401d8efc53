import datetime

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from permits.core.identity import (
    clean_foreign_id,
    clean_nib,
    clean_nik,
    clean_phone,
    region_unchecked_provinces,
    regions,
)

VALID = "3271046504870002"  # Kota Bogor, Bogor Tengah; a woman born 25-04-87; serial 0002


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("3271046504870002", "3271046504870002"),
        ("3271 0465 0487 0002", "3271046504870002"),
        ("3271.046504.870002", "3271046504870002"),
        ("3171010101900001", "3171010101900001"),  # a man born 01-01-90 in Jakarta Pusat, Gambir
        ("3271042902000001", "3271042902000001"),  # 29 Feb 2000 (leap)
        ("3271046902960001", "3271046902960001"),  # a woman born 29 Feb 1996
        ("3271042902040001", "3271042902040001"),  # 29-02-04: 1904 and 2004 are both leap years
        ("9301010101900001", "9301010101900001"),  # Papua Selatan (2022): province-level check only
    ],
)
def test_clean_nik_accepts_real_niks_with_separators(raw, expected):
    assert clean_nik(raw) == expected


@pytest.mark.parametrize(
    "raw, part",
    [
        ("", "16 digit"),
        ("327104650487000", "16 digit"),
        ("32710465048700021", "16 digit"),
        ("3271O46504870002", "16 digit"),
        ("0071046504870002", "provinsi 00"),
        ("2071046504870002", "provinsi 20"),
        ("6671046504870002", "provinsi 66"),
        ("3200046504870002", "kabupaten/kota 00"),
        ("3299046504870002", "kabupaten/kota 99"),
        ("3271006504870002", "kecamatan 00"),
        ("3271096504870002", "kecamatan 09"),
        ("3271049904870002", "tanggal lahir 99"),
        ("3271040004870002", "tanggal lahir 00"),
        ("3271043504870002", "tanggal lahir 35"),
        ("3271047204870002", "tanggal lahir 72"),
        ("3271042513870002", "bulan lahir 13"),
        ("3271042500870002", "bulan lahir 00"),
        ("3271043102870002", "31-02-87"),
        ("3271047102870002", "31-02-87"),  # a woman's 31 February
        ("3271043104870002", "31-04-87"),
        ("3271042902010002", "29-02-01"),  # neither 1901 nor 2001 is a leap year
        ("3271046504870000", "nomor urut 0000"),
    ],
)
def test_clean_nik_refuses_and_names_the_wrong_part(raw, part):
    with translation.override("id"), pytest.raises(ValueError) as exc:
        clean_nik(raw)
    assert part in str(exc.value)


def test_clean_nik_messages_have_an_english_twin():
    with translation.override("en"), pytest.raises(ValueError) as exc:
        clean_nik("3271042513870002")
    assert str(exc.value) == "Invalid NIK: birth month 13 does not exist."
    with translation.override("en"), pytest.raises(ValueError) as exc:
        clean_nik("2071046504870002")
    assert "province code 20" in str(exc.value)


def test_region_list_has_the_official_counts():
    provinces, regencies, districts = regions()
    assert len(provinces) == 34 + 4 and len(regencies) == 514 and len(districts) == 7230
    assert region_unchecked_provinces() == {"93", "94", "95", "96"}
    assert all(len(c) == 2 for c in provinces) and all(len(c) == 6 for c in districts)


@st.composite
def niks(draw):
    _, _, districts = regions()
    district = draw(st.sampled_from(sorted(districts)))
    birth = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31)))
    woman = draw(st.booleans())
    serial = draw(st.integers(min_value=1, max_value=9999))
    day = birth.day + (40 if woman else 0)
    return f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


@given(niks())
def test_every_structurally_real_nik_is_accepted(nik):
    assert clean_nik(nik) == nik


@given(niks(), st.integers(min_value=0, max_value=99))
def test_a_month_outside_01_12_is_always_refused_by_name(nik, month):
    if 1 <= month <= 12:
        return
    bad = f"{nik[:8]}{month:02d}{nik[10:]}"
    with translation.override("id"), pytest.raises(ValueError, match=f"bulan lahir {month:02d} tidak ada"):
        clean_nik(bad)


@given(niks())
def test_serial_0000_is_always_refused(nik):
    with pytest.raises(ValueError, match="0000"):
        clean_nik(nik[:12] + "0000")


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


def test_clean_foreign_id_upper_cases_and_drops_separators():
    assert clean_foreign_id(" c 1234-567.8 ") == "C12345678"
    for bad in ("", "AB123", "A" * 21, "AB 12/345", "ÄB12345"):
        with pytest.raises(ValueError):
            clean_foreign_id(bad)
