"""A real Kannel on loopback: bearerbox, the fake SMSC (kannel-extras) and smsbox, configured in
tmp_path. The decree-ready SMS goes through our Kannel adapter, arrives at the fake SMSC, and
Kannel's delivery reports come back to our dlr-url on a live server."""

import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from permits.notifications import views
from permits.notifications.models import DeliveryReport, Message
from permits.workflow import services as wf
from permits.workflow.models import Task

from .conftest import free_port

FAKESMSC = shutil.which("fakesmsc") or "/usr/lib/kannel/test/fakesmsc"
HAVE_KANNEL = all(shutil.which(b) for b in ("bearerbox", "smsbox")) and Path(FAKESMSC).exists()
pytestmark = [
    pytest.mark.kannel,
    pytest.mark.skipif(not HAVE_KANNEL, reason="Kannel not installed (apt-get install kannel kannel-extras)"),
]

CONFIG = """
group = core
admin-port = {admin}
admin-password = admin-uji
admin-allow-ip = "127.0.0.1"
smsbox-port = {smsbox}
box-allow-ip = "127.0.0.1"
dlr-storage = internal
log-file = "{dir}/bearerbox.log"
log-level = 0

group = smsc
smsc = fake
smsc-id = FAKE
port = {smsc}
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox}
sendsms-port = {sendsms}
log-file = "{dir}/smsbox.log"
log-level = 0

group = sendsms-user
username = smart
password = rahasia-uji

{service}
"""
NO_REPLY = """group = sms-service
keyword = default
text = "Layanan ini tidak menerima SMS."
max-messages = 0
"""
PING = "6280000000000 1234 text ping"


def _wait_port(port: int, proc: subprocess.Popen, what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not open port {port}")


def _wait_for(predicate, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


@contextmanager
def kannel_running(tmp_path: Path, *, service: str = NO_REPLY, incoming: str = PING):
    """bearerbox, the fake SMSC and smsbox in `tmp_path`, with this `sms-service` group; the fake SMSC
    sends `incoming` ("sender receiver text words...") once at start (it needs one message)."""
    ports = {name: free_port() for name in ("admin", "smsbox", "smsc", "sendsms")}
    conf = tmp_path / "kannel.conf"
    conf.write_text(CONFIG.format(dir=tmp_path, service=service, **ports))
    started: list[subprocess.Popen] = []

    def start(args, log):
        proc = subprocess.Popen(args, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        started.append(proc)
        return proc

    fake_log = tmp_path / "fakesmsc.out"
    try:
        with open(tmp_path / "bearerbox.out", "wb") as bb_out, open(fake_log, "wb") as fake_out:
            bearerbox = start(["bearerbox", str(conf)], bb_out)
            _wait_port(ports["admin"], bearerbox, "bearerbox")
            _wait_port(ports["smsc"], bearerbox, "bearerbox fake SMSC")
            # the operator's SMSC; it sends one MO at start (fakesmsc needs one)
            start([FAKESMSC, "-H", "127.0.0.1", "-r", str(ports["smsc"]), "-i", "100000", "-m", "-1",
                   incoming], fake_out)  # fmt: skip
            smsbox = start(["smsbox", str(conf)], bb_out)
            _wait_port(ports["sendsms"], smsbox, "smsbox")
        yield {"sendsms_url": f"http://127.0.0.1:{ports['sendsms']}/cgi-bin/sendsms", "smsc_log": fake_log}
    finally:
        for proc in reversed(started):
            proc.terminate()
        for proc in started:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def kannel(tmp_path):
    with kannel_running(tmp_path) as running:
        yield running


def _complete(officers, app, role, payload=None):
    task = Task.objects.get(application=app, state__in=Task.ACTIVE_STATES)
    wf.task_claim(actor=officers[role], task_id=task.pk)
    wf.task_complete(actor=officers[role], task_id=task.pk, payload=payload or {})


@pytest.fixture
def db_turns(monkeypatch):
    """With in-memory SQLite the live server shares the test's database connection, and two
    threads must not use it at once: the test holds this lock while it works, the callback
    takes it to record a report. (On PostgreSQL each thread has its own connection anyway.)"""
    lock, reports = threading.Lock(), []
    real = views.message_report

    def serialised(**kwargs):
        with lock:
            message = real(**kwargs)
        reports.append(kwargs["status"])
        return message

    monkeypatch.setattr(views, "message_report", serialised)
    return lock, reports


@pytest.mark.django_db(transaction=True)
def test_decree_ready_sms_reaches_the_fake_smsc_and_delivery_reports_come_back(
    kannel, live_server, db_turns, message_templates, settings, officers, register
):
    lock, reports = db_turns
    settings.SMS_BACKEND = "kannel"
    settings.KANNEL_SENDSMS_URL = kannel["sendsms_url"]
    settings.KANNEL_USERNAME, settings.KANNEL_PASSWORD, settings.KANNEL_SENDER = "smart", "rahasia-uji", "DPMPTSP"
    settings.KANNEL_DLR_MASK = 31
    settings.KANNEL_DLR_BASE_URL = live_server.url
    with lock:
        app = register("KANNEL", survey_policy="never", has_levy=False)
        app.applicant.channel = "sms"
        app.applicant.save()
        # the procedure; each step commits, and the decree-ready SMS is handed to Kannel after its commit
        _complete(officers, app, "verifier", {"documents_valid": True})
        _complete(officers, app, "data_entry", {"data": {"luas": "120", "lantai": "2", "fungsi": "Hunian"}})
        _complete(officers, app, "technical", {"recommendation": "approve", "reasons": "Memenuhi syarat"})
        _complete(officers, app, "supervisor", {"decision": "approve"})
        _complete(officers, app, "head", {})
        msg = Message.objects.get(application=app, template="decree_ready")
        assert msg.channel == "sms" and msg.backend == "kannel" and msg.attempts == 1

    line = f"DPMPTSP +6281211112201 text {msg.text}"
    smsc_log = kannel["smsc_log"]
    assert _wait_for(lambda: line in smsc_log.read_text(errors="replace")), smsc_log.read_text(errors="replace")
    # Kannel calls our dlr-url: 8 (accepted by the SMSC) and 1 (delivered to the phone)
    assert _wait_for(lambda: {"1", "8"} <= set(reports)), reports
    with lock:
        msg.refresh_from_db()
        assert msg.status == Message.Status.DELIVERED and msg.delivered_at and msg.provider_message_id
        assert {"1", "8"} <= set(DeliveryReport.objects.filter(message=msg).values_list("status", flat=True))
    assert smsc_log.read_text(errors="replace").count(line) == 1  # sent once
