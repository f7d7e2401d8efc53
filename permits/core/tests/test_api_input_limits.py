"""The API refuses oversized bodies and anonymous writes the way it refuses any other bad request: a 4xx
in its error shape (Indonesian and English), never a 500 or Django's HTML CSRF page
(docs/SECURITY.md, "Oversized and absurd input")."""

import json

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone

from permits.conftest import make_user
from permits.core.models import ApiToken
from permits.core.tokens import _digest

pytestmark = pytest.mark.django_db

TOKEN = "limits-officer-token"
ERROR_KEYS = {"error", "message", "message_en", "fields", "details"}


def big_json(size: int) -> str:
    """A well-formed JSON object of about `size` bytes."""
    return json.dumps({"username": "a", "password": "x" * size})


@pytest.fixture
def officer_token(db):
    # A role the table allows on both operations below: a role it refuses gets 403 before the body is read.
    user = make_user("frontdesk", username="limits-officer")
    now = timezone.now()
    ApiToken.objects.create(
        user=user, key_hash=_digest(TOKEN), created_at=now, expires_at=now + timezone.timedelta(hours=1)
    )
    return TOKEN


def assert_too_large(response):
    assert response.status_code == 413, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS and body["error"] == "too_large"
    assert "terlalu besar" in body["message"] and "too large" in body["message_en"]
    assert body["details"]["max_bytes"] == settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_attack_6mb_json_to_the_anonymous_token_endpoint_answers_413_in_the_api_shape(client):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < 6 * 1024 * 1024
    response = client.post("/api/v1/auth/token", big_json(6 * 1024 * 1024), content_type="application/json")
    assert_too_large(response)


def test_attack_6mb_json_to_an_authenticated_post_answers_413_in_the_api_shape(client, officer_token):
    for path in ("/api/v1/applications", "/api/v1/tasks/1/claim"):
        response = client.post(
            path,
            big_json(6 * 1024 * 1024),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {officer_token}",
        )
        assert_too_large(response)


def test_attack_6mb_form_body_to_the_api_answers_413(client, officer_token):
    body = "username=a&password=" + "x" * (6 * 1024 * 1024)
    response = client.post(
        "/api/v1/tasks/1/claim",
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Bearer {officer_token}",
    )
    assert_too_large(response)


def test_attack_anonymous_api_post_answers_401_not_403_csrf():
    strict = Client(enforce_csrf_checks=True)  # a real client: no CSRF exemption as in the test client
    for path, body in [
        ("/api/v1/tasks/1/claim", "{}"),
        ("/api/v1/applications", "{}"),
        ("/api/v1/applications/2026-000001/withdraw", '{"note": "x"}'),
    ]:
        response = strict.post(path, body, content_type="application/json")
        assert response.status_code == 401, (path, response.status_code, response.content[:200])
        assert response.json()["error"] == "unauthorized" and response.json()["message_en"]
    # a wrong bearer token is the same: not authenticated
    response = strict.post(
        "/api/v1/tasks/1/claim", "{}", content_type="application/json", HTTP_AUTHORIZATION="Bearer nope"
    )
    assert response.status_code == 401


def test_session_api_post_still_needs_the_csrf_token():
    """The 401 above opens no CSRF hole: a logged-in session's write without the token is refused."""
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("verifier"))
    response = strict.post("/api/v1/tasks/999999/claim", "{}", content_type="application/json")
    assert response.status_code == 403
    secret = _get_new_csrf_string()
    strict.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = strict.post("/api/v1/tasks/999999/claim", "{}", content_type="application/json", HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 404  # past authentication and CSRF: the task does not exist
