"""Two-factor login (TOTP) for head, treasurer and admin: setup on first login, the code on every login."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from permits.conftest import make_user
from permits.core.models import AuditEvent

PASSWORD = "pw-for-tests-123"


@pytest.fixture(autouse=True)
def _enforced(settings):
    from django.core.cache import cache

    cache.clear()
    settings.OTP_ENFORCE = True


def code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _login(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD, "next": "/kerja/"})


def test_first_login_of_the_head_sets_up_the_authenticator(client, db):
    head = make_user("head", username="kadis")
    response = _login(client, "kadis")
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_verify"))
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_setup"))

    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html
    device = TOTPDevice.objects.get(user=head, confirmed=False)
    assert device.config_url.startswith("otpauth://totp/")

    wrong = client.post(reverse("otp_setup"), {"token": "000000", "next": "/kerja/"})
    assert wrong.status_code == 200
    assert "Kode salah" in wrong.content.decode()

    done = client.post(reverse("otp_setup"), {"token": code(device), "next": "/kerja/"})
    assert done.status_code == 302
    assert done.url == "/kerja/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/kerja/").status_code == 200
    assert AuditEvent.objects.filter(action="otp_device_confirmed", object_id=str(head.pk)).exists()


def test_the_password_alone_does_not_open_any_page_or_the_api(client, db):
    confirmed_device(make_user("treasurer", username="bendahara"))
    _login(client, "bendahara")
    for url in ("/kerja/", "/retribusi/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("otp_verify")), url
    response = client.get("/api/v1/tasks")
    assert response.status_code == 401
    assert response.json()["error"] == "otp_required"


def test_the_code_completes_the_login(client, db):
    device = confirmed_device(make_user("treasurer", username="bendahara"))
    response = _login(client, "bendahara")
    verify_url = response.url
    page = client.get(verify_url)
    assert page.status_code == 200
    wrong = client.post(reverse("otp_verify"), {"token": "123456", "next": "/kerja/"})
    assert "Kode salah" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the device wait a second before the next try
    response = client.post(reverse("otp_verify"), {"token": code(device), "next": "/kerja/"})
    assert response.status_code == 302
    assert response.url == "/kerja/"
    assert client.get("/kerja/").status_code == 200
    assert client.get("/api/v1/tasks").status_code == 200


def test_a_password_only_session_cannot_enrol_a_second_device(client, db):
    confirmed_device(make_user("admin", username="adm"))
    _login(client, "adm")
    response = client.get(reverse("otp_setup"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_verify"))
    assert TOTPDevice.objects.filter(user__username="adm").count() == 1


def test_staff_without_a_role_need_the_code_too(client, db):
    user = make_user(None, username="staf")
    get_user_model().objects.filter(pk=user.pk).update(is_staff=True)
    assert _login(client, "staf").url.startswith(reverse("otp_verify"))


def test_other_roles_log_in_with_the_password_only(client, db):
    make_user("verifier", username="vera")
    response = _login(client, "vera")
    assert response.url == "/kerja/"
    assert client.get("/kerja/").status_code == 200


def test_without_enforcement_the_demo_head_logs_in_with_the_password(client, db, settings):
    settings.OTP_ENFORCE = False
    make_user("head", username="kadis")
    assert _login(client, "kadis").url == "/kerja/"
    assert client.get("/kerja/").status_code == 200


def test_an_api_token_for_the_head_needs_the_code(client, db):
    head = make_user("head", username="kadis")
    url = "/api/v1/auth/token"
    body = {"username": "kadis", "password": PASSWORD}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"] == "otp_setup_required"

    device = confirmed_device(head)
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"] == "otp_required"
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(url, {**body, "otp": code(device)}, content_type="application/json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert client.get("/api/v1/tasks", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_otp_reset_removes_the_device_and_is_audited(db):
    head = make_user("head", username="kadis")
    confirmed_device(head)
    call_command("otp_reset", "kadis", note="ponsel hilang")
    assert not TOTPDevice.objects.filter(user=head).exists()
    event = AuditEvent.objects.get(action="otp_device_reset")
    assert event.note == "ponsel hilang"
