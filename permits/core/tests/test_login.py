"""Logging in: throttling and lock-out (page, admin, API token), password rules, session expiry."""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from permits.conftest import make_user
from permits.core import login_throttle

PASSWORD = "pw-for-tests-123"
# The lock's own message: the page's help text also says "akun dikunci sementara", so that is no proof.
LOCKED = "Terlalu banyak percobaan gagal untuk nama pengguna ini"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(login_throttle, "_clock", lambda: now["t"])
    return now


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_the_right_password_logs_in(client, db):
    make_user("verifier", username="vera")
    response = _login(client, "vera", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_five_wrong_passwords_lock_the_username_even_for_the_right_one(client, db, clock):
    make_user("verifier", username="vera")
    for _ in range(4):
        response = _login(client, "vera", "wrong-password")
        assert response.status_code == 200
        assert "Nama pengguna atau kata sandi salah." in response.content.decode()
    response = _login(client, "vera", "wrong-password")
    assert LOCKED in response.content.decode()

    response = _login(client, "vera", PASSWORD, ip="10.9.9.9")  # another address, the right password
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session

    clock["t"] += 15 * 60 + 1
    assert _login(client, "vera", PASSWORD).status_code == 302


def test_unknown_usernames_are_locked_like_real_ones(client, db, clock):
    for _ in range(5):
        _login(client, "nobody", "wrong-password")
    assert LOCKED in _login(client, "nobody", "whatever").content.decode()


def test_a_success_clears_the_username_count(client, db, clock):
    make_user("verifier", username="vera")
    for _ in range(4):
        _login(client, "vera", "wrong-password")
    assert _login(client, "vera", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "vera", "wrong-password")
    assert _login(client, "vera", PASSWORD).status_code == 302


def test_one_address_guessing_many_usernames_is_locked_out(client, db, clock, settings):
    settings.LOGIN_MAX_FAILS_PER_IP = 6
    make_user("verifier", username="vera")
    for n in range(6):
        _login(client, f"user{n}", "wrong-password", ip="10.0.0.7")
    response = _login(client, "vera", PASSWORD, ip="10.0.0.7")
    assert "dari alamat ini" in response.content.decode()
    assert _login(client, "vera", PASSWORD, ip="10.0.0.8").status_code == 302


def test_login_unlock_command_lifts_the_lock(client, db, clock):
    make_user("verifier", username="vera")
    for _ in range(5):
        _login(client, "vera", "wrong-password")
    call_command("login_unlock", "vera")
    assert _login(client, "vera", PASSWORD).status_code == 302


def test_the_api_token_endpoint_is_throttled_and_locks_the_same_username(client, db, clock):
    make_user("verifier", username="vera")
    url = "/api/v1/auth/token"
    for _ in range(4):
        response = client.post(url, {"username": "vera", "password": "wrong"}, content_type="application/json")
        assert response.status_code == 401
    response = client.post(url, {"username": "vera", "password": "wrong"}, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["error"] == "too_many_attempts"
    assert response.json()["details"]["retry_after"] > 0
    response = client.post(url, {"username": "vera", "password": PASSWORD}, content_type="application/json")
    assert response.status_code == 429
    assert LOCKED in _login(client, "vera", PASSWORD).content.decode()  # the page shares the lock


def test_the_admin_signs_in_through_the_throttled_login_page(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "next=/admin/" in response.url


@pytest.mark.parametrize(
    "password",
    ["Ab3$efgh", "1234567890123", "password123", "qwertyuiop", "vera-the-verifier"],
    ids=["short", "numeric", "common", "common-long", "like-username"],
)
def test_weak_passwords_are_refused(db, password):
    user = make_user("verifier", username="vera-the-verifier")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_password_is_accepted(db):
    validate_password("loket-pagi-Bogor-7291", make_user("verifier"))


def test_sessions_expire_after_a_working_day(client, db, settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    make_user("verifier", username="vera")
    _login(client, "vera", PASSWORD)
    assert client.get(reverse("workflow:queue")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("workflow:queue"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_login_page_speaks_english_second(client, db):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("login")).content.decode()
    assert "Officer login" in html
    assert "Password" in html


# --- attempts are reserved before the password is checked (issue 16) -------------------------------


def test_attack_empty_password_does_not_clear_the_username_failures(client, db, clock):
    """A post without a password checks nothing: it must neither count nor pass for a success that
    clears the username's failures (it did, so four guesses and an empty post could go on forever)."""
    make_user("verifier", username="vera")
    for _ in range(4):
        _login(client, "vera", "wrong-password")
    assert _login(client, "vera", "").status_code == 200
    assert LOCKED in _login(client, "vera", "wrong-password").content.decode()


def test_attack_overlapping_password_guesses_check_at_most_five(db, monkeypatch):
    """Parallel guesses in one thread: each starts the next while its password is being checked, as a
    request on another thread would; the sixth finds the five before it counted and is refused."""
    from permits.core import tokens
    from permits.core.errors import ServiceError

    from .throttling import Counted

    make_user("verifier", username="vera")
    checked = Counted(tokens.authenticate)
    answers = []

    def check_and_overlap(request, **credentials):
        if len(answers) < 10:
            mine = len(answers)
            answers.append(None)
            try:
                tokens.token_issue(username="vera", password="wrong", request=None)
            except ServiceError as exc:
                answers[mine] = exc.status
        return checked(request, **credentials)

    monkeypatch.setattr(tokens, "authenticate", check_and_overlap)
    with pytest.raises(ServiceError):
        tokens.token_issue(username="vera", password="wrong", request=None)
    assert checked.calls == 5
    assert answers == [401, 401, 401, 429, 429]  # the fifth failure answers "locked", the sixth is refused
    with pytest.raises(ServiceError) as refused:
        tokens.token_issue(username="vera", password=PASSWORD, request=None)
    assert refused.value.status == 429


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_attack_parallel_password_guesses_check_at_most_five(counter_store_kind, monkeypatch):
    from django.test import Client

    from permits.core import tokens

    from .throttling import Counted, in_parallel, needs_postgres

    needs_postgres()
    make_user("verifier", username="vera")
    checked = Counted(tokens.authenticate)
    monkeypatch.setattr(tokens, "authenticate", checked)

    def guess(i):
        body = {"username": "vera", "password": f"wrong-{i}"}
        return Client().post("/api/v1/auth/token", body, content_type="application/json", REMOTE_ADDR=f"10.1.0.{i}")

    answers = in_parallel(60, lambda i: guess(i).status_code)
    assert checked.calls == 5
    assert sorted(answers) == [401] * 4 + [429] * 56  # the fifth failure already answers "locked"
    right = Client().post(
        "/api/v1/auth/token", {"username": "vera", "password": PASSWORD}, content_type="application/json"
    )
    assert right.status_code == 429 and LOCKED in right.json()["message"]
