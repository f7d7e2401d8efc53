"""PUBLIC_BASE_URL follows where `make run` serves (HOST, PORT) unless it is set."""

import os
import subprocess
import sys

from django.conf import settings


def _public_base_url(**env) -> str:
    """The value a freshly started process reads from the settings with this environment."""
    clean = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT", "PUBLIC_BASE_URL")}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    code = "import django; django.setup(); from django.conf import settings; print(settings.PUBLIC_BASE_URL)"
    out = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_public_base_url_follows_port():
    assert _public_base_url(PORT="8080") == "http://127.0.0.1:8080"


def test_public_base_url_follows_host_and_port_with_wildcard_host_reached_locally():
    assert _public_base_url(HOST="192.168.1.5", PORT="8001") == "http://192.168.1.5:8001"
    assert _public_base_url(HOST="0.0.0.0", PORT="8080") == "http://127.0.0.1:8080"


def test_public_base_url_defaults_to_port_8000():
    assert _public_base_url() == "http://127.0.0.1:8000"


def test_explicit_public_base_url_wins_over_host_and_port():
    assert _public_base_url(PORT="8080", PUBLIC_BASE_URL="https://izin.example.go.id/") == "https://izin.example.go.id"
