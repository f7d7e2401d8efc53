"""The signing official's profile: the NIP's structure, checked in the admin's form."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from permits.conftest import HEAD_OFFICIAL, make_user
from permits.core.identity import clean_nip
from permits.core.models import OfficialProfile


def test_clean_nip_accepts_the_printed_groups():
    assert clean_nip("19720315 199803 1 004") == "197203151998031004"
    assert clean_nip("198512302010122001") == "198512302010122001"  # a woman, serial 001


@pytest.mark.parametrize(
    ("raw", "part"),
    [
        ("19720315199803100", "18 digit"),
        ("1972031519980310045", "18 digit"),
        ("19720315199803100X", "18 digit"),
        ("197202301998031004", "tanggal lahir 19720230"),
        ("197213151998031004", "tanggal lahir 19721315"),
        ("197203151998131004", "bulan pengangkatan 13"),
        ("197203151980031004", "tahun pengangkatan 1980"),
        ("197203151998033004", "jenis kelamin 3"),
        ("197203151998031000", "nomor urut 000"),
    ],
)
def test_clean_nip_refuses_and_names_the_wrong_part(raw, part):
    with translation.override("id"), pytest.raises(ValueError, match=part):
        clean_nip(raw)


@pytest.mark.django_db
def test_the_profile_form_refuses_a_bad_nip_and_stores_the_digits():
    user = make_user()
    profile = OfficialProfile(
        user=user, full_name=HEAD_OFFICIAL["full_name"], position="Kepala", nip="19720230 199803 1 004"
    )
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert "nip" in refused.value.message_dict
    profile.nip = "19720315 199803 1 004"
    profile.full_clean()
    assert profile.nip == "197203151998031004"
