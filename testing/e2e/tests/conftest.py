"""Fixtures of the browser journeys: Chromium, the live server with the demo office, and turns on the
database while the server's threads and the test share one in-memory SQLite connection."""

import importlib
import threading

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.handlers.base import BaseHandler
from django.db import connection, connections

from testing.e2e.journey import CHROMIUM, CHROMIUM_ARGS, Journey

PASSWORD = "e2e-demo-password-2026"
SEEDS = (  # data migrations: a transactional test before this one may have emptied their tables
    "permits.notifications.migrations.0002_seed_templates",
    "permits.notifications.migrations.0003_survey_invitation",
    "permits.monitoring.migrations.0002_message_templates",
)
# Pages that call this same server while they answer (the bank simulator calls the SNAP endpoints):
# they must not hold the turn, or the call they wait for would wait for them.
CALLS_BACK = ("/dev/bank/",)


class DatabaseTurns:
    """`with db_turns:` around the test's own queries while the browser is open.

    With in-memory SQLite the live server's request threads and the test share one connection, and two
    threads must not use it at once: each request takes the lock, and so does the test. On PostgreSQL
    every thread has its own connection and there is no lock.

    Playwright's sync API runs the test's code in a context of its own, where Django's (context-local)
    connection handler would open a second connection that nobody closes. Inside the block the test
    uses the connection the fixtures opened (as the live server's threads do with an override).
    """

    def __init__(self, lock):
        self.lock = lock
        self.connections = {alias: connections[alias] for alias in connections}

    def __enter__(self):
        if self.lock is not None:
            self.lock.acquire()
        for alias, conn in self.connections.items():
            connections[alias] = conn
        return self

    def __exit__(self, *exc):
        if self.lock is not None:
            self.lock.release()


@pytest.fixture
def db_turns(monkeypatch, transactional_db):
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        return DatabaseTurns(None)
    lock = threading.Lock()
    real = BaseHandler.get_response

    def one_at_a_time(self, request):
        if request.path.startswith(CALLS_BACK):
            return real(self, request)
        with lock:
            return real(self, request)

    monkeypatch.setattr(BaseHandler, "get_response", one_at_a_time)
    return DatabaseTurns(lock)


@pytest.fixture
def demo_office(transactional_db, live_server, settings, tmp_path):
    """The demo catalogue, tariffs and one user per role; links and the bank simulator aimed at the live server."""
    from permits.demo.catalogue import catalog_load_demo
    from permits.demo.management.commands.load_demo import demo_users_create
    from permits.demo.tariffs import levies_load_demo

    for module in SEEDS:
        importlib.import_module(module).seed(apps, None)
    catalog_load_demo()
    levies_load_demo()
    demo_users_create(PASSWORD)
    settings.DEBUG = True  # the bank simulator page (/dev/bank/) and its credentials exist in development only
    settings.PUBLIC_BASE_URL = live_server.url  # QR and verification links point at the server under test
    settings.SNAP_SIMULATOR_FILE = tmp_path / "bank-simulator.json"  # fresh keys, not the developer's var/
    return PASSWORD


@pytest.fixture
def browser(db_turns, demo_office, monkeypatch):
    """Debian's Chromium, headless, for one test: started after the data is loaded, closed before the
    database is flushed. Playwright's sync API keeps an event loop open in this thread, which Django's
    guard against ORM calls from async code would take for an async context: the test's own queries
    (`with db_turns:`) are plain synchronous code, so the guard is relaxed while the browser is open."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def journey(db_turns, demo_office, live_server, browser, tmp_path, request):
    j = Journey(
        browser=browser,
        base_url=live_server.url,
        password=demo_office,
        shots_dir=tmp_path / "screenshots",
        copy_dir=django_settings.VAR_DIR / "e2e-screenshots" / request.node.name,
    )
    yield j
    j.close()
