"""Browsers ask every site for /favicon.ico: it is a small icon, not a 404 page."""

import pytest


def test_favicon_is_served_as_a_small_image(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert len(b"".join(response.streaming_content)) < 1024


@pytest.mark.django_db
def test_pages_link_the_favicon(client):
    assert b'<link rel="icon" href="/favicon.ico"' in client.get("/lacak/").content
