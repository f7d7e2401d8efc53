import datetime

import pytest
from django.utils import translation

from permits.portal.tracking import DESKS, desk_label, short_date, status_name


@pytest.mark.parametrize(
    ("value", "indonesian", "english"),
    [
        ("2026-12-03", "3 Des", "3 Dec"),
        (datetime.date(2026, 5, 17), "17 Mei", "17 May"),
        (datetime.date(2026, 8, 1), "1 Agu", "1 Aug"),
        (datetime.date(2026, 10, 28), "28 Okt", "28 Oct"),
        ("not a date", "", ""),
        (None, "", ""),
    ],
)
def test_short_date_uses_indonesian_month_abbreviations_and_english_when_asked(value, indonesian, english):
    with translation.override("id"):
        assert short_date(value) == indonesian
    with translation.override("en"):
        assert short_date(value) == english


def test_desks_are_units_for_every_role_never_people():
    from permits.core.roles import ROLES

    assert set(ROLES) <= set(DESKS)
    with translation.override("id"):
        assert desk_label("surveyor") == "Tim Survei Lapangan"
        assert desk_label("frontdesk") == "Bidang Pelayanan / Loket"
        assert desk_label("someone-new") == "Kantor pelayanan perizinan"


def test_formal_status_names_follow_the_language():
    with translation.override("id"):
        assert status_name("registered") == "Terdaftar"
    with translation.override("en"):
        assert status_name("registered") == "Registered"
