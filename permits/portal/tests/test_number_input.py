"""The number as people type it: digits only, spaced, lower case all open the file; text that cannot be
a registration number is "not found" without reserving a throttle attempt."""

from urllib.parse import quote

import pytest
from django.core.cache import cache

from permits.core.models import ThrottleCounter

from .conftest import PIN, set_pin

pytestmark = pytest.mark.django_db
MALFORMED = ["", "   ", "2026/000019", "x' OR 1=1 --", "<b>2026</b>", "9" * 41, "２０２６-000019"]


def typed_forms(number: str) -> list[str]:
    """`DPMPTSP-2026-000001` as a receipt reader types it: squashed, spaced, lower case."""
    return [number.replace("-", ""), " " + number.replace("-", " ") + " ", number.lower()]


@pytest.fixture
def prefixed(settings, register):
    settings.REGISTRATION_NUMBER_FORMAT = "DPMPTSP-{year}-{seq:06d}"
    return set_pin(register())


def api(client, number, pin=PIN):
    return client.get(f"/api/v1/track/{quote(number, safe='')}", HTTP_X_TRACKING_PIN=pin)


def test_digits_only_spaced_and_lower_case_numbers_open_the_file_on_the_page(client, prefixed):
    assert prefixed.registration_number.startswith("DPMPTSP-")
    for typed in typed_forms(prefixed.registration_number):
        res = client.post("/lacak/", {"number": typed, "pin": PIN}, follow=True)
        assert res.status_code == 200, typed
        html = res.content.decode()
        assert "Posisi berkas" in html and prefixed.registration_number in html, typed


def test_digits_only_spaced_and_lower_case_numbers_open_the_file_in_the_api(client, prefixed):
    for typed in typed_forms(prefixed.registration_number):
        res = api(client, typed)
        assert res.status_code == 200, typed
        assert res.json()["registration_number"] == prefixed.registration_number


def test_the_default_format_opens_from_digits_only_and_spaced(client, tracked):
    number = tracked.registration_number
    for typed in (number.replace("-", ""), f" {number.replace('-', ' ')} "):
        assert api(client, typed).status_code == 200, typed
        assert "Posisi berkas" in client.post("/lacak/", {"number": typed, "pin": PIN}, follow=True).content.decode()


def counters_left(kind: str) -> int:
    if kind == "redis":
        return len(list(cache._cache.get_client().scan_iter(cache.make_key("*"))))
    return ThrottleCounter.objects.count()


def test_malformed_numbers_never_reserve_an_attempt_and_the_right_pin_still_works(client, counter_store_kind, tracked):
    for _round in range(10):  # 10 x 7 x 2 = 140 lookups, far past every limit
        for junk in MALFORMED:
            page = client.post("/lacak/", {"number": junk, "pin": PIN})
            assert page.status_code == 404, junk
            if junk.strip():  # a path parameter cannot be empty
                assert api(client, junk).status_code in (404, 422), junk
    assert counters_left(counter_store_kind) == 0
    assert api(client, tracked.registration_number).status_code == 200
    assert (
        "Posisi berkas"
        in client.post("/lacak/", {"number": tracked.registration_number, "pin": PIN}, follow=True).content.decode()
    )
    # ... while a real guess is counted where the assertion above looked.
    assert api(client, tracked.registration_number, pin="000000" if PIN != "000000" else "111111").status_code == 404
    assert counters_left(counter_store_kind) > 0
