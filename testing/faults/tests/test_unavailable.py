"""While the database cannot be reached, every answer is a clean 503 with Retry-After: JSON in
Indonesian and English for the API, a small page for people; never a trace. (The real restart is in
test_db_restart.py; here each path is pinned in milliseconds.)"""

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from permits.core.api import UNAVAILABLE_MESSAGE

pytestmark = [pytest.mark.faults]


def _down(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_api_answers_503_json_when_the_database_is_away(client, monkeypatch, error):
    def broken(**kwargs):
        raise error("connection already closed")

    monkeypatch.setattr("permits.core.api.token_issue", broken)
    resp = client.post("/api/v1/auth/token", {"username": "a", "password": "b"}, content_type="application/json")
    assert resp.status_code == 503 and resp["Retry-After"]
    body = resp.json()
    assert body["error"] == "unavailable" and body["message"] == UNAVAILABLE_MESSAGE and body["message_en"]
    assert "connection" not in resp.content.decode()  # the driver's words stay in the log


def test_a_page_answers_a_friendly_503_when_the_database_is_away(db, monkeypatch):
    monkeypatch.setattr("permits.portal.views.permit_type_get", _down)
    resp = Client(raise_request_exception=False).get("/layanan/PBG/")
    html = resp.content.decode()
    assert resp.status_code == 503 and resp["Retry-After"] and resp["Content-Type"].startswith("text/html")
    assert "Layanan sedang gangguan" in html and "Traceback" not in html and "5432" not in html


def test_a_failure_before_the_view_still_gets_the_page_or_the_json(db, client, monkeypatch):
    """The session (read in middleware, before any view) is the first thing to need the database."""
    client.cookies["sessionid"] = "x" * 32
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", _down)
    client.raise_request_exception = False
    page = client.get("/kerja/")
    assert page.status_code == 503 and "Layanan sedang gangguan" in page.content.decode()
    api = client.get("/api/v1/applications/2026-000001")
    assert api.status_code == 503 and api["Retry-After"]
    assert api.json()["error"] == "unavailable" and api.json()["message"] == UNAVAILABLE_MESSAGE


def test_other_errors_get_a_plain_500_page_without_internals(db, monkeypatch):
    def broken(code):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("permits.portal.views.permit_type_get", broken)
    resp = Client(raise_request_exception=False).get("/layanan/PBG/")
    html = resp.content.decode()
    assert resp.status_code == 500 and not resp.has_header("Retry-After")
    assert "Terjadi kesalahan" in html and "secret internals" not in html
