"""Remote signing through BSrE's e-sign (here its local fake on loopback): the PDF is prepared here and only a
digest leaves; the head types the passphrase at signing time, once per batch; it is never stored or logged;
a wrong one signs nothing and says so in Indonesian."""

import logging

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.urls import reverse

from permits.core.models import AuditEvent, Sequence
from permits.decrees import signers, signing
from permits.decrees.models import Decree

from .conftest import active, complete
from .test_issue import _tiny_pdf

pytestmark = pytest.mark.django_db
PASSPHRASE = "Kunci-Rahasia-77 pejabat"
NIK = "3171014508800002"


@pytest.fixture
def esign(settings):
    settings.DECREE_SIGNER = "esign"
    settings.DECREE_ESIGN_NIK = NIK
    settings.DECREE_ESIGN_FAKE_USERS = f"{NIK}:{PASSPHRASE},3171014508800003:lain"
    signers._esign_chain.cache_clear()
    yield
    signers._esign_chain.cache_clear()


def stored(decree: Decree) -> bytes:
    with default_storage.open(decree.file.name, "rb") as handle:
        return handle.read()


def test_the_interface_has_two_signers_chosen_by_setting(settings):
    settings.DECREE_SIGNER = "pkcs12"
    assert isinstance(signers.current(), signers.Pkcs12Signer) and not signers.needs_passphrase()
    settings.DECREE_SIGNER = "esign"
    assert isinstance(signers.current(), signers.EsignSigner) and signers.needs_passphrase()


def test_only_the_digest_leaves_and_the_signature_validates(esign, monkeypatch):
    sent = []
    real = signers.EsignClient.sign_digest

    def spy(self, *, nik, passphrase, digest):
        sent.append((nik, len(digest)))
        return real(self, nik=nik, passphrase=passphrase, digest=digest)

    monkeypatch.setattr(signers.EsignClient, "sign_digest", spy)
    signer = signers.current()
    with signers.passphrase_given(PASSPHRASE):
        data = signing.sign_pdf(
            _tiny_pdf(), reason="uji", location="Kota", signer_name="Kepala", signer=signer.pyhanko_signer()
        )
    assert sent == [(NIK, 32)]  # one SHA-256 digest, not the document
    check = signing.check_pdf(data)
    assert check.valid and check.timestamp_at is not None
    assert check.signer_fingerprint == signer.fingerprint


def test_without_the_passphrase_nothing_is_signed(esign):
    signer = signers.current()
    with pytest.raises(signers.ServiceError) as raised:
        signer.pyhanko_signer()
    assert raised.value.code == "passphrase_required"


def test_batch_asks_once_and_signs_each_with_the_remote_key(client, officers, approved, esign, caplog):
    first, second = approved(), approved()
    client.force_login(officers["head"])
    page = client.get(reverse("decrees:queue")).content.decode()
    assert page.count('name="passphrase"') == 1 and 'type="password"' in page
    caplog.set_level(logging.DEBUG)
    response = client.post(
        reverse("decrees:sign"), {"task": [active(first).pk, active(second).pk], "passphrase": PASSPHRASE}, follow=True
    )
    assert "2 SK ditandatangani" in response.content.decode()
    chain_fingerprint = signers.current().fingerprint
    for decree in Decree.objects.all():
        assert decree.certificate_fingerprint == chain_fingerprint
        assert signing.check_pdf(stored(decree)).valid

    # The passphrase is nowhere: logs, audit log, any table (the session table included), the session.
    assert PASSPHRASE not in caplog.text
    assert not any(PASSPHRASE in str(values) for values in AuditEvent.objects.values())
    for model in apps.get_models():
        for row in model.objects.values():
            assert PASSPHRASE not in str(row), model
    for session in Session.objects.all():
        assert PASSPHRASE not in str(session.get_decoded())
    assert PASSPHRASE not in str(dict(client.session.items()))


def test_a_wrong_passphrase_signs_nothing_and_says_so(client, officers, approved, esign):
    first, second = approved(), approved()
    client.force_login(officers["head"])
    response = client.post(
        reverse("decrees:sign"), {"task": [active(first).pk, active(second).pk], "passphrase": "salah"}, follow=True
    )
    text = response.content.decode()
    assert "Passphrase salah: tidak ada SK yang ditandatangani." in text
    assert text.count("Periksa passphrase sertifikat elektronik Anda.") == 1  # the batch stopped at the first
    assert not Decree.objects.exists()
    assert not Sequence.objects.filter(key__startswith="decree:", value__gt=0).exists()
    for app in (first, second):
        app.refresh_from_db()
        assert app.status == "approved"


def test_a_missing_passphrase_is_asked_for(client, officers, approved, esign):
    app = approved()
    client.force_login(officers["head"])
    response = client.post(reverse("decrees:sign"), {"task": [active(app).pk]}, follow=True)
    assert "Masukkan passphrase sertifikat elektronik Anda" in response.content.decode()
    assert not Decree.objects.exists()


def test_the_task_page_signs_one_with_the_passphrase(client, officers, approved, esign):
    app = approved()
    task = active(app)
    client.force_login(officers["head"])
    page = client.get(reverse("workflow:task", args=[task.pk])).content.decode()
    assert 'name="passphrase"' in page and reverse("decrees:sign") in page
    response = client.post(
        reverse("decrees:sign"), {"task": [task.pk], "notes": "sesuai", "passphrase": PASSPHRASE}, follow=True
    )
    assert "1 SK ditandatangani" in response.content.decode()
    assert Decree.objects.filter(application=app).exists()


def test_the_api_without_a_passphrase_refuses_clearly(officers, approved, esign):
    app = approved()
    with pytest.raises(signers.ServiceError) as raised:
        complete(officers, app, "head")
    assert raised.value.code == "passphrase_required"
    app.refresh_from_db()
    assert app.status == "approved"


def test_deploy_check_refuses_the_local_fake_in_production(settings, esign):
    from permits.decrees.checks import decree_signing_configured

    settings.DECREE_ESIGN_URL = f"http://{settings.DECREE_LOCAL_SIGNING_ADDRESS}/esign"
    ids = [e.id for e in decree_signing_configured(None)]
    assert "decrees.E003" in ids and "decrees.E001" not in ids  # no key file with a remote key
    settings.DECREE_ESIGN_URL = "https://esign.example.go.id"
    assert "decrees.E003" not in [e.id for e in decree_signing_configured(None)]
