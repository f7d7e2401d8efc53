"""The local signing services for development and the test suite, on loopback: an RFC 3161 time-stamp
authority and a fake of BSrE's e-sign service, so the real signing paths (HTTP time-stamping, remote
digest signing) run without the national services. Never used in production (docs/DECREE.md).

- `POST /tsa`: an RFC 3161 TSA (`application/timestamp-query` in, `application/timestamp-reply` out). The
  token is built by pyHanko's own `DummyTimeStamper` with a TSA certificate from the development CA
  (devpki.py); this module only puts it on HTTP.
- `GET /esign/api/v2/user/certificate/<nik>` and `POST /esign/api/v2/sign/hash`: the fake e-sign service.
  It holds one key per registered NIK (DECREE_ESIGN_FAKE_USERS: "nik:passphrase,..."), answers the
  certificate chain of a NIK, and signs SHA-256 digests given the NIK and the right passphrase; a wrong
  passphrase is refused as BSrE refuses it (HTTP 400, status_code 2031, "Passphrase anda salah").

`manage.py local_signing_services` runs them (`make run` starts it); the suite starts them on a free port
(permits/conftest.py).
"""

import base64
import json
import logging
import socket
import threading
from contextlib import contextmanager
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from django.conf import settings
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import devpki

log = logging.getLogger("permits.decrees.localsign")
WRONG_PASSPHRASE = 2031  # BSrE's status_code for a wrong passphrase
UNKNOWN_NIK = 1111


def _asn1(cert) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def fake_users() -> dict[str, str]:
    """NIK -> passphrase of the fake e-sign service (its own knowledge; the app never stores a passphrase)."""
    pairs = [p.split(":", 1) for p in settings.DECREE_ESIGN_FAKE_USERS.split(",") if ":" in p]
    return {nik.strip(): secret.strip() for nik, secret in pairs}


class Authority:
    """The keys the local services hold: a TSA certificate and the fake e-sign keys, from the development CA of
    the VAR_DIR they started with (a test that points VAR_DIR elsewhere does not change whose CA they use)."""

    def __init__(self, var_dir: Path):
        self.var_dir = var_dir

    @cached_property
    def ca_certificate(self):
        return devpki.dev_ca(self.var_dir)[0]

    @cached_property
    def stamper(self) -> DummyTimeStamper:
        ca_cert = self.ca_certificate
        cert, key = devpki.issue(
            "SMART Local Time-Stamp Authority (pengembangan)", timestamping=True, var_dir=self.var_dir
        )
        der_key = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return DummyTimeStamper(
            tsa_cert=_asn1(cert),
            tsa_key=asn1_keys.PrivateKeyInfo.load(der_key),
            certs_to_embed=SimpleCertificateStore.from_certs([_asn1(ca_cert)]),
        )

    def esign(self, nik: str):
        return devpki.esign_identity(nik, self.var_dir)


class Handler(BaseHTTPRequestHandler):
    server_version = "SMART-local-signing/1"

    def log_message(self, format, *args):  # noqa: A002  (no request lines in the logs: quiet and private)
        pass

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: dict) -> None:
        self._reply(status, json.dumps(data).encode(), "application/json")

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self):
        prefix = "/esign/api/v2/user/certificate/"
        if not self.path.startswith(prefix):
            return self._json(404, {"error": "not found"})
        nik = self.path[len(prefix) :]
        if nik not in fake_users():
            return self._json(404, {"error": "NIK tidak terdaftar", "status_code": UNKNOWN_NIK})
        cert, _key = self.server.authority.esign(nik)
        ca_cert = self.server.authority.ca_certificate
        chain = [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in (cert, ca_cert)]
        return self._json(200, {"nik": nik, "certificate": chain[0], "chain": chain[1:]})

    def do_POST(self):
        if self.path == "/tsa":
            try:
                request = tsp.TimeStampReq.load(self._body())
                response = self.server.authority.stamper.request_tsa_response(request)
            except Exception:  # a malformed query: RFC 3161 says "rejection"; keep it simple
                return self._reply(400, b"", "text/plain")
            return self._reply(200, response.dump(), "application/timestamp-reply")
        if self.path == "/esign/api/v2/sign/hash":
            return self._sign_hash()
        return self._json(404, {"error": "not found"})

    def _sign_hash(self):
        try:
            data = json.loads(self._body())
            nik, passphrase = str(data["nik"]), str(data["passphrase"])
            digests = [base64.b64decode(h) for h in data["hashes"]]
        except (ValueError, KeyError, TypeError):
            return self._json(400, {"error": "permintaan tidak lengkap", "status_code": 400})
        users = fake_users()
        if nik not in users:
            return self._json(404, {"error": "NIK tidak terdaftar", "status_code": UNKNOWN_NIK})
        if passphrase != users[nik]:
            return self._json(400, {"error": "Passphrase anda salah", "status_code": WRONG_PASSPHRASE})
        if data.get("digestAlgorithm", "SHA256").upper() != "SHA256" or any(len(d) != 32 for d in digests):
            return self._json(400, {"error": "hanya SHA256", "status_code": 400})
        _cert, key = self.server.authority.esign(nik)
        signatures = [key.sign(d, PKCS1v15(), Prehashed(hashes.SHA256())) for d in digests]
        return self._json(200, {"signatures": [base64.b64encode(s).decode() for s in signatures]})


def uses_local() -> bool:
    """Whether the configured TSA or e-sign URL is the local services' address (development)."""
    local = f"http://{settings.DECREE_LOCAL_SIGNING_ADDRESS}/"
    return settings.DECREE_TSA_URL.startswith(local) or settings.DECREE_ESIGN_URL.startswith(local)


@contextmanager
def running():
    """For a command that signs (load_demo): serve the local services in this process for the block, unless
    something already listens on their address (`make run` starts them first) or real services are configured."""
    host, _, port = settings.DECREE_LOCAL_SIGNING_ADDRESS.rpartition(":")
    server = None
    if uses_local():
        try:
            socket.create_connection((host, int(port)), timeout=0.5).close()
        except OSError:
            server = start(host, int(port))
    try:
        yield
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()


def start(host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """Serve the local signing services in a background thread; `server.server_address` tells the port."""
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    server.authority = Authority(Path(settings.VAR_DIR))
    server.authority.stamper  # noqa: B018  (the TSA certificate now, from this VAR_DIR's CA)
    threading.Thread(target=server.serve_forever, name="local-signing", daemon=True).start()
    return server
