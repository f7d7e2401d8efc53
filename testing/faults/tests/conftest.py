"""Fixtures of the fault tests: a throw-away PostgreSQL cluster, a migrated SQLite template for the
worker tests, the bank's credentials for processes started here, and cleanup of every child."""

import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest

from permits.levies.tests.conftest import awaiting, bank, key_pair, snap_creds  # noqa: F401 (fixtures)
from permits.workflow.tests.conftest import officers, register  # noqa: F401 (fixtures)
from testing.faults.harness import Child, Postgres, child_env, manage, postgres_bindir, postgres_unavailable_reason

PSID = "77001"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.faults_failed = report.failed
    return report


@pytest.fixture
def work_dir(request):
    """A folder for the children's var/ and logs, outside the repository. Kept when the test
    fails (its path is printed) so the logs can be read; removed when it passes."""
    path = Path(tempfile.mkdtemp(prefix="smart-faults-"))
    yield path
    if getattr(request.node, "faults_failed", False):
        print(f"\nfault test files kept in {path}")
    else:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def children(work_dir):
    """Start children through `children.start(name, args, env)`; all are stopped at the end, pass or fail."""

    class Children(list):
        def start(self, name, args, env) -> Child:
            child = Child(name, args, env, work_dir)
            self.append(child)
            return child

    started = Children()
    yield started
    for child in started:
        child.stop(timeout=5)


@pytest.fixture
def throwaway_postgres():
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(f"no throw-away PostgreSQL cluster: {reason}")
    pg = Postgres(postgres_bindir())
    try:
        pg.start()
        yield pg
    finally:
        pg.cleanup()


@pytest.fixture(scope="module")
def sqlite_template():
    """A database migrated once per module with the production settings, copied by each test."""
    path = Path(tempfile.mkdtemp(prefix="smart-faults-template-"))
    manage(child_env(path), "migrate", "--no-input", "-v", "0", timeout=180)
    yield path / "smart.sqlite3"
    shutil.rmtree(path, ignore_errors=True)


def sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite database, whatever its write-ahead log still holds."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


@pytest.fixture
def sqlite_var(work_dir, sqlite_template):
    """A var/ folder holding a fresh copy of the migrated database."""
    var = work_dir / "var"
    var.mkdir()
    sqlite_copy(sqlite_template, var / "smart.sqlite3")
    return var


@pytest.fixture(scope="session")
def bank_creds(key_pair):  # noqa: F811 (the imported fixture, requested by name)
    """The bank's SNAP credentials as a process started by a test gets them (environment)."""
    private_pem, public_pem = key_pair
    creds = {
        "client_id": "BJB-FAULTS",
        "client_secret": "faults-secret-0123456789",
        "private_key_pem": private_pem,
        "public_key_pem": public_pem,
        "partner_id": "87654321",
        "partner_service_id": PSID.rjust(8),
        "channel_id": "95221",
        "prefix": "snap",
        "signature_encoding": "base64",
    }
    env = {
        "SNAP_PARTNER_ID": creds["partner_id"],
        "SNAP_CLIENT_ID": creds["client_id"],
        "SNAP_CLIENT_SECRET": creds["client_secret"],
        "SNAP_BANK_PUBLIC_KEY": public_pem,
        "SNAP_PARTNER_SERVICE_ID": PSID,
    }
    return creds, env
