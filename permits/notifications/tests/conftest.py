"""Fixtures for the outbox tests: a registered application, local HTTP servers that play the
providers, and a helper that runs the on-commit delivery the way production does."""

import http.server
import importlib
import json
import socket
import threading

import pytest

from permits.workflow.tests.conftest import MONDAY, officers, register  # noqa: F401  (fixtures)

__all__ = ["MONDAY"]


@pytest.fixture
def message_templates(db):
    """The seeded texts, again: a transactional test may run after another one emptied the tables."""
    from django.apps import apps

    importlib.import_module("permits.notifications.migrations.0002_seed_templates").seed(apps, None)


@pytest.fixture
def app(register):  # noqa: F811  (the imported fixture)
    """A registered application (its registration receipt is already queued)."""
    return register()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeProvider:
    """A local HTTP server that records each request and answers from a script: a list of
    (status, body) used in turn, the last one repeated."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests: list[dict] = []
        provider = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                provider.requests.append(
                    {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
                )
                status, payload = provider.answers[min(len(provider.requests), len(provider.answers)) - 1]
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_provider():
    servers = []

    def start(answers):
        server = FakeProvider(answers).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)
