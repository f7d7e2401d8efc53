"""Workers killed mid-work (issue 10, Faults): the real Huey consumer (`manage.py run_huey`, production
settings, Huey and the database on SQLite files of the test's own) is SIGKILLed while it delivers
messages and while it runs the stalled-file sweep; a new one takes over.

What the design promises (docs/NOTIFICATIONS.md "Delivery guarantees", docs/MONITORING.md):
- messages: nothing lost, every message ends sent; a message already sent is never sent again; the
  only repeats are messages whose provider call was in flight at the kill, re-sent with the same
  idempotency key (a gateway honouring Idempotency-Key, like the one here, hands each to the phone
  network once; Kannel would not deduplicate: the documented window);
- the sweep: every alert level of every task is raised exactly once, with its explanation, its
  messages and its audit event, or not at all.
"""

import json
import sqlite3
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from testing.faults.harness import MANAGE, PYTHON, child_env, manage, scenario, wait_until

from .conftest import sqlite_copy

pytestmark = [pytest.mark.faults]

MESSAGES = 12
GATEWAY_DELAY = 0.5  # seconds the gateway takes to answer
HOLD_FROM = 3  # the gateway holds its answer to this request and later ones until the test releases it
SENDING_TIMEOUT = 3  # NOTIFY_SENDING_TIMEOUT_SECONDS: a "sending" row older than this belongs to a dead worker


class SmsGateway(ThreadingHTTPServer):
    """A slow HTTP SMS gateway on loopback that honours Idempotency-Key: it counts every request
    per key and hands each key to the phone network once. From the HOLD_FROM-th request on it
    answers only once `release` is set, so the test can kill the worker while calls are in flight."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _GatewayHandler)
        self.lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.handed: set[str] = set()
        self.arrived = threading.Condition(self.lock)
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sms"

    def seen(self) -> Counter:
        with self.lock:
            return Counter(self.requests)


class _GatewayHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        key = self.headers.get("Idempotency-Key") or body.get("reference", "")
        gateway = self.server
        with gateway.lock:
            gateway.requests[key] += 1
            gateway.handed.add(key)
            number = sum(gateway.requests.values())
            gateway.arrived.notify_all()
        if number >= HOLD_FROM:
            gateway.release.wait(timeout=30)
        time.sleep(GATEWAY_DELAY)
        answer = json.dumps({"id": f"gw-{key}"}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except OSError:  # the worker that asked is dead
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = SmsGateway()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _rows(db_path, sql: str, *params) -> list[tuple]:
    """Read the children's database from here (WAL: readers never block the writer)."""
    conn = sqlite3.connect(db_path, timeout=10)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _consumer(children, name: str, env: dict, *prefix: str):
    """`manage.py run_huey` without its schedule (-n): the test itself plays the clock."""
    return children.start(name, [PYTHON, *prefix, MANAGE, "run_huey", "-n"], env)


def test_worker_killed_while_delivering_loses_no_message_and_resends_none_it_had_sent(sqlite_var, children, gateway):
    env = child_env(
        sqlite_var,
        SMS_BACKEND="http",
        SMS_HTTP_URL=gateway.url,
        SMS_HTTP_TOKEN="faults-token",
        NOTIFY_SENDING_TIMEOUT_SECONDS=str(SENDING_TIMEOUT),
        NOTIFY_HTTP_TIMEOUT_SECONDS="10",
    )
    db = sqlite_var / "smart.sqlite3"
    keys = scenario(env, "messages-queue", count=MESSAGES)["keys"]
    assert len(keys) == MESSAGES

    first = _consumer(children, "huey-1", env)
    with gateway.lock:  # kill once a call is held at the gateway: the provider has it, the worker has no answer
        held = gateway.arrived.wait_for(lambda: sum(gateway.requests.values()) >= HOLD_FROM, timeout=60)
    assert held, first.output()
    first.kill()
    gateway.release.set()
    at_kill = dict(_rows(db, "SELECT idempotency_key, status FROM notifications_message"))
    asked_before_kill = gateway.seen()
    in_flight = {k for k, status in at_kill.items() if status == "sending"}
    assert in_flight & set(asked_before_kill), f"the kill should catch a provider call in flight: {at_kill}"

    # A new worker: it works through what is left in the queue; the rows the dead one held stay
    # "sending" until they are older than the timeout, then the every-minute sweep takes them up.
    second = _consumer(children, "huey-2", env)
    time.sleep(SENDING_TIMEOUT + 0.5)
    scenario(env, "enqueue-deliver-pending")
    wait_until(
        lambda: {s for (s,) in _rows(db, "SELECT DISTINCT status FROM notifications_message")} == {"sent"},
        60,
        "every message to end sent",
        interval=0.2,
    )
    assert second.alive, second.output()

    messages = _rows(
        db, "SELECT id, idempotency_key, status FROM notifications_message WHERE idempotency_key LIKE 'faults:sms:%'"
    )
    outcomes = {}
    for message_id, outcome in _rows(db, "SELECT message_id, outcome FROM notifications_deliveryattempt ORDER BY id"):
        outcomes[message_id] = outcome  # the last attempt's
    assert sorted(key for _, key, _ in messages) == sorted(keys)
    assert all(status == "sent" and outcomes.get(pk) == "sent" for pk, _, status in messages), (messages, outcomes)
    requests = gateway.seen()
    assert set(requests) == set(keys), "nothing lost: every message reached the gateway"
    repeated = {k for k, n in requests.items() if n > 1}
    sent_before_kill = {k for k, status in at_kill.items() if status == "sent"}
    assert all(requests[k] == 1 for k in sent_before_kill), "a message sent before the kill was sent again"
    assert repeated <= in_flight, f"only deliveries in flight at the kill may repeat: {repeated} vs {in_flight}"
    assert max(requests.values()) <= 2
    assert gateway.handed == set(keys)  # the gateway honours the key: each SMS reached the network once
    print(
        f"\nkilled with {len(in_flight)} deliveries in flight; {len(repeated)} asked again with the same "
        f"Idempotency-Key (the documented window); each of the {len(keys)} messages reached the network once"
    )


# The sweep raises its alerts a chunk of tasks per transaction (MONITOR_SWEEP_CHUNK); one task per
# chunk here, each chunk's transaction slowed where it writes its audit events, so the kill lands
# inside one of them.
SLOW_ALERTS = "permits.monitoring.services.audit_record_many=0.25"


def test_worker_killed_while_sweeping_raises_each_alert_once(sqlite_var, work_dir, children):
    env = child_env(sqlite_var, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", MONITOR_SWEEP_CHUNK="1")
    db = sqlite_var / "smart.sqlite3"
    scenario(env, "stalled-setup", apps=8)

    # What an undisturbed sweep raises, on a copy of the same database.
    reference = work_dir / "reference"
    reference.mkdir()
    sqlite_copy(db, reference / "smart.sqlite3")
    ref_env = child_env(reference, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    manage(ref_env, "check_overdue_steps")
    expected = sorted(_rows(reference / "smart.sqlite3", "SELECT task_id, level FROM monitoring_alert"))
    assert len(expected) >= 12, expected

    # The worker runs the sweep (slowed inside each alert's transaction) and is killed mid-run.
    slow = ["-m", "testing.faults.slow", SLOW_ALERTS, "--"]
    worker = _consumer(children, "huey-sweep", env, *slow)
    scenario(env, "enqueue-sweep")
    count = "SELECT count(*) FROM monitoring_alert"
    wait_until(lambda: _rows(db, count)[0][0] >= 3, 60, "the sweep to raise its first alerts", interval=0.02)
    worker.kill()
    interrupted = scenario(env, "alerts-report")
    assert 3 <= len(interrupted["alerts"]) < len(expected), "killed mid-run"
    _assert_whole(interrupted)

    # The next run (the schedule's next tick, here the command) raises the rest, and only the rest.
    out = manage(env, "check_overdue_steps")
    assert out.startswith(f"{len(expected) - len(interrupted['alerts'])} peringatan"), out
    assert manage(env, "check_overdue_steps").startswith("0 peringatan")
    final = scenario(env, "alerts-report")
    assert sorted((a["task"], a["level"]) for a in final["alerts"]) == expected
    _assert_whole(final)


def _assert_whole(report: dict) -> None:
    """Each alert has everything written with it; nothing is left over from a rolled-back one."""
    pairs = [(a["task"], a["level"]) for a in report["alerts"]]
    assert len(pairs) == len(set(pairs)), "a level raised twice for one task"
    for alert in report["alerts"]:
        assert alert["audit"] == 1 and alert["messages"] >= 1, alert
        assert alert["explanations"] == (1 if alert["explained"] else 0), alert
    assert report["orphan_audit"] == [] and report["orphan_messages"] == []
    assert report["audit_breaks"] == []


# Issue 22: the bank's call posts the payment; a worker then completes the payment step and moves the
# application on. The worker is slowed inside that transaction (after its locks, before the workflow
# writes anything) and killed there.
SLOW_ADVANCE = "permits.levies.services.workflow_payment_received=2"
BILLS = 3


def test_worker_killed_between_the_posting_and_the_advance_moves_each_file_on_once(sqlite_var, children):
    env = child_env(sqlite_var, LEVY_ADVANCE_SWEEP_AFTER_SECONDS="1")
    db = sqlite_var / "smart.sqlite3"
    vas = [b["va"] for b in scenario(env, "levy-setup", bills=BILLS, password="")["bills"]]
    advances = scenario(env, "payments-post", vas=vas)["advances"]
    assert len(advances) == BILLS
    posted = scenario(env, "advances-report", vas=vas)
    assert all(b["payments"] == 1 and b["applied"] == 0 and b["status"] == "awaiting_payment" for b in posted["bills"])

    slow = ["-m", "testing.faults.slow", SLOW_ADVANCE, "--"]
    first = _consumer(children, "huey-advance", env, *slow)
    wait_until(
        lambda: "apply_payment_advance" in first.output(20000), 60, "the worker to take an advance up", interval=0.05
    )
    time.sleep(0.5)  # inside the slowed call: the locks taken, nothing of the advance written
    first.kill()
    at_kill = scenario(env, "advances-report", vas=vas)
    assert any(b["applied"] == 0 for b in at_kill["bills"]), "the kill should catch an advance unapplied"
    assert all(b["payments"] == 1 and b["payment_completions"] <= 1 for b in at_kill["bills"]), at_kill

    # After the restart: the queue's remaining advances, and the sweep for the one the dead worker held.
    _consumer(children, "huey-advance-2", env)
    time.sleep(1.5)  # older than LEVY_ADVANCE_SWEEP_AFTER_SECONDS
    scenario(env, "enqueue-advance-sweep")

    def settled():
        report = scenario(env, "advances-report", vas=vas)
        return report if all(b["applied"] == b["advances"] == 1 for b in report["bills"]) else None

    final = wait_until(settled, 60, "every advance applied", interval=0.3)
    for bill in final["bills"]:
        assert bill == {
            **bill,
            "payments": 1,
            "outcomes": ["advanced"],
            "status": "in_process",
            "payment_tasks_done": 1,
            "approval_tasks": 1,
            "payment_completions": 1,
            "paid_messages": 1,
        }, bill
    assert final["audit_breaks"] == []
    rows = _rows(db, "SELECT count(*) FROM levies_paymentadvance WHERE applied_at IS NULL")
    assert rows == [(0,)]
