"""Documents and decrees in an S3-compatible bucket (STORAGE_BACKEND=s3, docs/DEPLOY.md).

The storage is the one production builds (config/settings/storage.py: django-storages' S3Storage,
SigV4, private objects); the bucket is served by moto's S3 server on loopback, which speaks the S3
HTTP protocol, so every byte crosses a real socket as signed S3 requests. Skipped when the `s3`
extra or moto is not installed (`make test` installs both).
"""

import socket
import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.settings.storage import s3_storage
from permits.decrees.models import Decree

from .test_views import PIN, upload, with_pin

boto3 = pytest.importorskip("boto3")
pytest.importorskip("storages")
moto_server = pytest.importorskip("moto.server")

REGION = "us-east-1"


@pytest.fixture(scope="module")
def s3_endpoint():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh private bucket, and Django's default storage pointed at it as production would."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "smart-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "smart-test-secret")
    name = f"smart-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)
    s3.create_bucket(Bucket=name)
    env = {
        "AWS_STORAGE_BUCKET_NAME": name,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(env)}
    yield s3, name


def objects(s3, name) -> dict[str, bytes]:
    listed = s3.list_objects_v2(Bucket=name).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=name, Key=o["Key"])["Body"].read() for o in listed}


def test_the_signed_decree_lives_in_the_bucket_and_is_served_from_it(client, bucket, issued):
    s3, name = bucket
    assert type(default_storage._wrapped).__name__ == "S3Storage"  # noqa: SLF001
    decree = Decree.objects.get(application=issued)
    stored = objects(s3, name)
    assert list(stored) == [f"media/{decree.file.name}"]  # private, under the configured prefix
    pdf = stored[f"media/{decree.file.name}"]
    assert pdf.startswith(b"%PDF") and b"/ByteRange" in pdf  # the signed file itself

    with_pin(issued)  # the applicant downloads it with the PIN: streamed from the bucket
    response = client.post(reverse("portal:decree_download", args=[issued.registration_number]), {"pin": PIN})
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
    # Verification compares an uploaded copy with the hash and the signature of the stored file.
    text = upload(client, decree, pdf).content.decode()
    assert "ASLI" in text and "TIDAK ASLI" not in text


def test_front_desk_scans_go_to_the_bucket(bucket, permit_type, frontdesk):
    from permits.intake.tests.test_services import register

    s3, name = bucket
    scan = b"%PDF-1.4\n% a scanned KTP\n"
    app = register(frontdesk, files={"ktp": SimpleUploadedFile("ktp.pdf", scan)}).application
    doc = app.documents.get(requirement__code="ktp")
    assert objects(s3, name) == {f"media/{doc.file.name}": scan}
    with doc.file.open("rb") as handle:
        assert handle.read() == scan
