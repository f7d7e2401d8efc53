"""Fixtures of the levies: SNAP credentials (a key pair made once per run), a tariff for the test
permit type, and an application walked to the payment step with its bill open."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from permits.levies.models import Bill, TariffComponent, TariffRule
from permits.levies.snap.client import SnapClient, django_transport
from permits.levies.snap.signatures import rsa_key_pair
from permits.workflow import services as wf
from permits.workflow.models import Task
from permits.workflow.tests.conftest import JKT, MONDAY, officers, register  # noqa: F401 (fixtures)

PARTNER_ID = "12345678"
PSID = "77001"


@pytest.fixture(scope="session")
def key_pair():
    return rsa_key_pair()


@pytest.fixture
def snap_creds(settings, tmp_path, key_pair):
    """The bank's credentials, in the settings and in a simulator file (as in development)."""
    private_pem, public_pem = key_pair
    creds = {
        "client_id": "BJB-TEST",
        "client_secret": "test-secret-0123456789",
        "private_key_pem": private_pem,
        "public_key_pem": public_pem,
        "partner_id": PARTNER_ID,
        "partner_service_id": PSID.rjust(8),
        "channel_id": "95221",
        "base_url": "http://testserver",
        "prefix": "snap",
        "signature_encoding": "base64",
    }
    path = tmp_path / "bank-simulator.json"
    path.write_text(json.dumps(creds))
    settings.SNAP_SIMULATOR_FILE = path
    settings.SNAP_PARTNER_ID = PARTNER_ID
    settings.SNAP_CLIENT_ID = creds["client_id"]
    settings.SNAP_CLIENT_SECRET = creds["client_secret"]
    settings.SNAP_BANK_PUBLIC_KEY = public_pem
    settings.SNAP_PARTNER_SERVICE_ID = PSID
    settings.SNAP_SIGNATURE_ENCODING = "base64"
    settings.SNAP_TIMESTAMP_WINDOW_SECONDS = 300
    return creds


@pytest.fixture
def bank(client, snap_creds, django_capture_on_commit_callbacks):
    """Bank BJB, calling our endpoints through Django's test client with real signatures. Each call's
    transaction is then committed as a server's would be: what it leaves for after commit (the worker's
    advance of a posted payment; Huey is immediate in tests) runs before the call returns here."""
    return SnapClient(snap_creds, committing_transport(client, django_capture_on_commit_callbacks))


def committing_transport(client, capture_on_commit):
    """Django's test client as the bank's transport, each call's after-commit work run as a server's
    commit would run it (`capture_on_commit`: pytest-django's django_capture_on_commit_callbacks)."""
    send = django_transport(client)

    def send_and_commit(method: str, path: str, headers: dict, body: bytes) -> tuple[int, bytes]:
        with capture_on_commit(execute=True):
            return send(method, path, headers, body)

    return send_and_commit


def test_tariff(permit_type_code: str = "TEST", *, version="1", effective_from=datetime.date(2020, 1, 1), rate="10000"):
    """luas x rate x coefficient by fungsi (Hunian 1, Usaha 1.5), rounded up to Rp 1.000, minimum Rp 100.000."""
    from permits.catalog.models import PermitType

    rule = TariffRule.objects.create(
        permit_type=PermitType.objects.get(code=permit_type_code),
        version=version,
        effective_from=effective_from,
        legal_basis="Perda uji",
        rounding_unit=1000,
    )
    TariffComponent.objects.create(
        rule=rule, order=1, kind="rate", label="Retribusi uji", amount=Decimal(rate), quantities="luas", unit="m2"
    )
    TariffComponent.objects.create(
        rule=rule,
        order=2,
        kind="coefficient",
        label="Fungsi",
        class_field="fungsi",
        factors={"Hunian": "1", "Usaha": "1.5"},
    )
    TariffComponent.objects.create(rule=rule, order=3, kind="minimum", label="Minimum", amount=Decimal(100000))
    return rule


test_tariff.__test__ = False  # a helper, not a test


def active(app) -> Task:
    return Task.objects.get(application=app, state__in=Task.ACTIVE_STATES)


def finish(officers, app, role, payload=None, now=MONDAY):
    task = active(app)
    assert task.role == role, (task.kind, task.role)
    return wf.task_complete(actor=officers[role], task_id=task.pk, payload=payload or {}, now=now)


def walk_to_levy(officers, app, *, luas="120", now=MONDAY):
    """Verification (survey needed), survey measuring `luas`, data entry, technical review."""
    finish(officers, app, "verifier", {"documents_valid": True, "survey_required": True}, now)
    visit = now.astimezone(JKT).date().isoformat()  # visited and reported the same day
    finish(
        officers,
        app,
        "surveyor",
        {"visit_date": visit, "findings": "Sesuai", "result": "pass", "measurements": {"luas": luas}},
        now,
    )
    finish(officers, app, "data_entry", {"data": {"luas": "120", "lantai": 2, "fungsi": "Hunian"}}, now)
    finish(officers, app, "technical", {"recommendation": "approve", "reasons": "Memenuhi syarat"}, now)


@pytest.fixture
def awaiting(officers, register, db):  # noqa: F811
    """An application waiting for payment with its bill open (SKRD computed from the tariff: Rp 1.500.000)."""

    def _make(luas="150", now=None):
        now = now or timezone.now()
        app = register(now=now)
        if not TariffRule.objects.filter(permit_type__code="TEST").exists():
            test_tariff()
        walk_to_levy(officers, app, luas=luas, now=now)
        finish(officers, app, "treasurer", {}, now)
        app.refresh_from_db()
        assert app.status == "awaiting_payment"
        return app, Bill.objects.get(application=app, state="open")

    return _make


__all__ = ["JKT", "MONDAY", "officers", "register"]
