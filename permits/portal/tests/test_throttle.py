import logging

import pytest
from django.test import Client, RequestFactory, override_settings

from permits.core.tests.throttling import Counted, in_parallel, needs_postgres
from permits.portal import selectors, throttle
from permits.portal.services import TrackingNotFound, TrackingThrottled, tracking_open

from .conftest import PIN

pytestmark = pytest.mark.django_db
WRONG = "000000" if PIN != "000000" else "111111"


class Clock:
    """Replaces the throttle's clock: tests move time instead of waiting."""

    def __init__(self, monkeypatch, start=1_800_000_000.0):
        self.now = start
        monkeypatch.setattr(throttle, "_clock", lambda: self.now)

    def advance(self, minutes: float):
        self.now += minutes * 60


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def track(client, number, pin, ip="198.51.100.7"):
    return client.get(f"/api/v1/track/{number}", HTTP_X_TRACKING_PIN=pin, REMOTE_ADDR=ip)


# --- client address ------------------------------------------------------------------------------


def request_from(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_client_ip_ignores_forwarded_for_without_trusted_proxies():
    assert throttle.client_ip(request_from("203.0.113.5", "10.9.9.9")) == "203.0.113.5"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_client_ip_behind_one_proxy_takes_the_address_it_appended_not_the_clients_claim():
    req = request_from("10.0.0.2", "6.6.6.6, 198.51.100.23")  # "6.6.6.6" was typed by the client
    assert throttle.client_ip(req) == "198.51.100.23"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_client_ip_behind_two_proxies_and_a_short_header_falls_back_to_remote_addr():
    assert throttle.client_ip(request_from("10.0.0.2", "1.2.3.4, 198.51.100.23, 10.0.0.9")) == "198.51.100.23"
    assert throttle.client_ip(request_from("10.0.0.2", "198.51.100.23")) == "10.0.0.2"
    assert throttle.client_ip(request_from("10.0.0.2", "not-an-ip, junk")) == "10.0.0.2"


def test_ipv6_clients_are_counted_per_64_network():
    a = throttle.client_ip(request_from("2001:db8:1:2:aaaa::1"))
    b = throttle.client_ip(request_from("2001:db8:1:2:bbbb::9"))
    assert a == b == "2001:db8:1:2::/64"
    assert throttle.client_ip(request_from("::ffff:198.51.100.7")) == "198.51.100.7"


# --- per registration number ---------------------------------------------------------------------


def test_number_is_locked_after_five_wrong_pins_even_for_the_right_pin(client, tracked, clock):
    number = tracked.registration_number
    for i in range(5):
        assert track(client, number, WRONG, ip=f"198.51.100.{i + 1}").status_code == 404
    locked = track(client, number, PIN, ip="203.0.113.99")  # right PIN, fresh address: still locked
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == 15 * 60
    body = locked.json()
    assert body["error"] == "throttled" and body["details"]["scope"] == "number"
    assert "PIN yang benar pun" in body["message"] and "even the right PIN" in body["message_en"]
    clock.advance(10)
    assert int(track(client, number, PIN)["Retry-After"]) == 5 * 60
    clock.advance(5)
    assert track(client, number, PIN).status_code == 200  # the lock is over


def test_unknown_number_is_locked_like_a_real_one(client, db, clock):
    for _ in range(5):
        assert track(client, "2026-999999", WRONG).status_code == 404
    assert track(client, "2026-999999", WRONG).status_code == 429


def test_four_failures_do_not_lock_and_the_window_ends_after_fifteen_minutes(client, tracked, clock):
    number = tracked.registration_number
    for _ in range(4):
        track(client, number, WRONG)
    clock.advance(15)
    for _ in range(4):
        assert track(client, number, WRONG).status_code == 404
    assert track(client, number, PIN).status_code == 200


def test_right_pin_clears_the_numbers_failures(client, tracked, clock):
    number = tracked.registration_number
    for _ in range(4):
        track(client, number, WRONG)
    assert track(client, number, PIN).status_code == 200
    for _ in range(4):
        assert track(client, number, WRONG).status_code == 404
    assert track(client, number, PIN).status_code == 200


@override_settings(TRACKING_MAX_FAILS_PER_NUMBER=2, TRACKING_LOCK_MINUTES=1)
def test_limits_come_from_settings(client, tracked, clock):
    number = tracked.registration_number
    track(client, number, WRONG)
    track(client, number, WRONG)
    assert int(track(client, number, PIN)["Retry-After"]) == 60


# --- per client address --------------------------------------------------------------------------


def test_client_is_refused_after_twenty_failures_then_allowed_again(client, tracked, clock):
    ip = "198.51.100.50"
    for n in range(20):  # four wrong guesses at each of five numbers: no number gets locked
        assert track(client, f"2026-90000{n % 5}", WRONG, ip=ip).status_code == 404
    refused = track(client, tracked.registration_number, PIN, ip=ip)
    assert refused.status_code == 429 and refused.json()["details"]["scope"] == "ip"
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    assert track(client, tracked.registration_number, PIN, ip="198.51.100.51").status_code == 200
    clock.advance(15)
    assert track(client, tracked.registration_number, PIN, ip=ip).status_code == 200


def test_a_valid_receipt_does_not_reset_the_clients_failures(client, tracked, clock):
    ip = "198.51.100.60"
    for n in range(19):
        track(client, f"2026-80000{n % 5}", WRONG, ip=ip)
    assert track(client, tracked.registration_number, PIN, ip=ip).status_code == 200
    track(client, "2026-800009", WRONG, ip=ip)
    assert track(client, tracked.registration_number, PIN, ip=ip).status_code == 429


def test_failed_lookups_are_logged_with_address_and_number_but_not_the_pin(client, tracked, clock, caplog):
    with caplog.at_level(logging.WARNING, logger="permits.portal.tracking"):
        track(client, tracked.registration_number, "135799", ip="198.51.100.70")
    records = [r for r in caplog.records if r.name == "permits.portal.tracking"]
    assert len(records) == 1
    text = records[0].getMessage()
    assert "198.51.100.70" in text and tracked.registration_number in text and "135799" not in text


def test_successful_lookup_is_not_logged_as_failure(client, tracked, clock, caplog):
    with caplog.at_level(logging.WARNING, logger="permits.portal.tracking"):
        track(client, tracked.registration_number, PIN)
    assert not [r for r in caplog.records if r.name == "permits.portal.tracking"]


# --- parallel guesses: each lookup is reserved before its PIN is compared (issue 16) ----------------


@pytest.fixture
def compared(monkeypatch):
    """Counts the PIN comparisons the lookups really make."""
    counted = Counted(selectors.pin_matches)
    monkeypatch.setattr(selectors, "pin_matches", counted)
    return counted


def wrong_pins(count):
    return [f"{n:06d}" for n in range(count + 1) if f"{n:06d}" != PIN][:count]


def test_attack_overlapping_pin_guesses_compare_at_most_five(tracked, compared, monkeypatch):
    """Parallel guesses in one thread: each guess starts another while its PIN is being compared, as
    a request on another thread would. The sixth finds the five before it counted, and is refused."""
    outcomes = []

    def compare_and_overlap(*args):
        if len(outcomes) < 10:
            mine = len(outcomes)
            outcomes.append(None)
            try:
                tracking_open(client_ip="198.51.100.7", registration_number=tracked.registration_number, pin=WRONG)
            except (TrackingNotFound, TrackingThrottled) as exc:
                outcomes[mine] = exc.status
        return compared(*args)

    monkeypatch.setattr(selectors, "pin_matches", compare_and_overlap)
    with pytest.raises(TrackingNotFound):
        tracking_open(client_ip="198.51.100.7", registration_number=tracked.registration_number, pin=WRONG)
    assert compared.calls == 5
    assert sorted(outcomes) == [404, 404, 404, 404, 429]
    with pytest.raises(TrackingThrottled):
        tracking_open(client_ip="203.0.113.99", registration_number=tracked.registration_number, pin=PIN)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_attack_parallel_pin_guesses_compare_at_most_five(counter_store_kind, tracked, compared):
    needs_postgres()
    number = tracked.registration_number
    pins = wrong_pins(60)
    statuses = in_parallel(60, lambda i: track(Client(), number, pins[i]).status_code)
    assert compared.calls == 5
    assert sorted(statuses) == [404] * 5 + [429] * 55
    assert track(Client(), number, PIN, ip="203.0.113.99").status_code == 429  # the right PIN, while locked


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_attack_parallel_pin_guesses_from_sixty_addresses_compare_at_most_five(counter_store_kind, tracked, compared):
    needs_postgres()
    number = tracked.registration_number
    pins = wrong_pins(60)
    statuses = in_parallel(60, lambda i: track(Client(), number, pins[i], ip=f"198.51.100.{i + 1}").status_code)
    assert compared.calls == 5
    assert sorted(statuses) == [404] * 5 + [429] * 55
    assert track(Client(), number, PIN, ip="203.0.113.99").status_code == 429


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_attack_parallel_guesses_at_sixty_numbers_from_one_address_compare_at_most_twenty(
    counter_store_kind, tracked, compared
):
    needs_postgres()
    statuses = in_parallel(60, lambda i: track(Client(), f"2026-7{i:05d}", WRONG).status_code)
    assert compared.calls == 20
    assert sorted(statuses) == [404] * 20 + [429] * 40
    refused = track(Client(), tracked.registration_number, PIN)  # the address is used up, even for a right PIN
    assert refused.status_code == 429 and refused.json()["details"]["scope"] == "ip"
