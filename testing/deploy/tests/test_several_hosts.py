"""Several hosts (issue 9, docs/DEPLOY.md "Several hosts"): two web processes and two Huey workers
share nothing but one PostgreSQL database, one Redis database and one file-storage folder, and
payments and the stalled-file sweep go through both.

Each of the four "hosts" is a real process with the production settings (gunicorn with
config/gunicorn.conf.py for the web, `manage.py run_huey` for the workers) and a var/ folder of its
own whose `media` is a link to the one shared folder. What is checked:
- payments: the bank sends notifications alternately to the two web processes, with a token issued by
  the first; the same payment sent to both at once is posted once; two different payments of one bill
  sent to both at once: one wins, the other is told the bill is paid; each posting's "payment received"
  message is delivered by one of the two workers, exactly once;
- the sweep: four sweeps queued at once run on both workers over the same overdue tasks; each alert
  is raised exactly once, with its explanation, its messages and its audit event, each message
  delivered once; a sweep afterwards finds nothing new.
"""

import threading
import time
from pathlib import Path

import pytest

from permits.levies.snap.client import SnapClient, http_transport
from testing.faults.harness import MANAGE, PYTHON, RESULT_MARK, child_env, free_port, manage, run, wait_until
from testing.faults.tests.test_db_restart import http

pytestmark = [pytest.mark.deploy]

PAID, ALREADY_PAID = "2002500", "4042514"
BILLS = 6
STALLED = 6
SWEEPS = 4
FINAL = {"sent", "delivered"}


def scenario(env: dict, command: str, **kwargs) -> dict:
    """`testing.deploy.scenario <command>` in a child with `env`; its JSON result."""
    import json

    out = run([PYTHON, "-m", "testing.deploy.scenario", command, json.dumps(kwargs)], env, timeout=180)
    line = next(ln for ln in reversed(out.splitlines()) if ln.startswith(RESULT_MARK))
    return json.loads(line[len(RESULT_MARK) :])


def host_env(work_dir: Path, name: str, shared: dict, media: Path) -> dict:
    """One host's environment: its own var/ folder (whose media is the shared folder), the shared rest."""
    var = work_dir / name
    var.mkdir()
    (var / "media").symlink_to(media, target_is_directory=True)
    return child_env(var, **shared)


def executed(log: str, task: str) -> int:
    """How many times a worker's log says it finished `task` (Huey: "<module>.<task>: <id> executed in")."""
    return sum(1 for line in log.splitlines() if f".{task}: " in line and " executed in " in line)


def at_once(*calls):
    """Run the callables in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def go(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=go, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_web_processes_and_two_workers_share_only_postgres_redis_and_files(
    shared_postgres, shared_redis, work_dir, children, bank_creds
):
    started = time.monotonic()
    creds, bank_env = bank_creds
    media = work_dir / "shared-media"
    media.mkdir()
    shared = {
        "DATABASE_URL": shared_postgres,
        "REDIS_URL": shared_redis,
        "SECRET_KEY": "deploy-" + "k" * 8 + "-the-same-on-every-host-0123456789abcdefghij",
        "LOG_LEVEL": "INFO",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
        "DB_POOL_MAX_SIZE": "4",
        **bank_env,
    }
    prepared = scenario(host_env(work_dir, "setup", shared, media), "setup", bills=BILLS, stalled=STALLED)
    bills = prepared["bills"]

    webs, bases = [], []
    for n in (1, 2):
        port = free_port()
        env = host_env(work_dir, f"web-{n}", shared, media) | {"GUNICORN_BIND": f"127.0.0.1:{port}"}
        webs.append(children.start(f"web-{n}", [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"], env))
        bases.append(f"http://127.0.0.1:{port}")
    worker_envs = [host_env(work_dir, f"worker-{n}", shared, media) for n in (1, 2)]
    # -n: no schedule; the test plays the clock, as the fault tests do (docs/DEPLOY.md: one scheduler)
    workers = [
        children.start(f"worker-{n}", [PYTHON, MANAGE, "run_huey", "-n"], env) for n, env in enumerate(worker_envs, 1)
    ]
    for base in bases:
        wait_until(lambda b=base: http("GET", f"{b}/api/v1/openapi.json", timeout=2)[0] == 200, 60, f"{base}")
    for w in workers:
        wait_until(lambda w=w: "Huey consumer started" in w.output(20000), 60, f"{w.name} to start")

    # --- payments through both web processes ------------------------------------------------------
    banks = [SnapClient(creds, http_transport(base)) for base in bases]
    token = banks[0].token  # issued by web-1, used on both: nothing about it lives in one process
    banks[1]._token = token
    first = [banks[i % 2].pay(b["va"], b["amount"], request_id=f"PAY-{i}") for i, b in enumerate(bills[:4])]
    replay = banks[1].pay(bills[0]["va"], bills[0]["amount"], request_id="PAY-0")  # the bank retries elsewhere
    same = at_once(*(lambda b=b: b.pay(bills[4]["va"], bills[4]["amount"], request_id="PAY-SAME") for b in banks))
    race = at_once(*(lambda b=b: b.pay(bills[5]["va"], bills[5]["amount"], request_id=f"RACE-{id(b)}") for b in banks))

    assert [r.code for r in first] == [PAID] * 4, [r.body for r in first]
    assert replay.code == PAID and replay.body == first[0].body  # the first answer again, nothing written
    assert [r.code for r in same] == [PAID, PAID], [r.body for r in same]
    assert same[0].body["virtualAccountData"] == same[1].body["virtualAccountData"]  # one payment, one answer
    assert sorted(r.code for r in race) == [PAID, ALREADY_PAID], [r.body for r in race]

    # --- the sweep on both workers at once ------------------------------------------------------------
    scenario(worker_envs[0], "enqueue-sweep", times=SWEEPS)

    def sweeps_done() -> int:
        return sum(executed(w.output(10**7), "check_overdue_steps") for w in workers)

    wait_until(lambda: sweeps_done() >= SWEEPS, 60, f"{SWEEPS} sweeps to run", interval=0.2)

    def settled():
        rep = scenario(worker_envs[1], "report", vas=[b["va"] for b in bills], since=prepared["at"])
        # the workers move each paid file on after the posting's commit (issue 22): wait for that too
        moved = all(b["status"] == "in_process" for b in rep["bills"])
        return rep if moved and rep["messages"] and set(rep["message_states"]) <= FINAL else None

    report = wait_until(settled, 60, "every message delivered", interval=0.5)
    assert all(w.alive for w in (*webs, *workers)), [c.output() for c in (*webs, *workers)]

    # Payments: each bill paid once, posted once, its step done once, one next step, one message.
    assert report["payments_total"] == BILLS
    for bill in report["bills"]:
        assert bill == {
            **bill,
            "state": "paid",
            "payments": 1,
            "posted_events": 1,
            "status": "in_process",
            "payment_tasks_done": 1,
            "approval_tasks": 1,
            "paid_messages": 1,
        }, bill
    # Every message (payment received, alerts) delivered with exactly one attempt.
    assert [m for m in report["messages"] if m["attempts"] != 1 or m["status"] not in FINAL] == []
    logs = [w.output(10**7) for w in workers]
    paid_messages = [m for m in report["messages"] if m["template"] == "payment_received"]
    assert len(paid_messages) == BILLS
    for m in paid_messages:  # the dev SMS channel logs each delivery: exactly one worker, once
        assert sum(log.count(m["text"]) for log in logs) == 1, m

    # The sweep: every level of every overdue task raised once, with everything written with it.
    pairs = [(a["task"], a["level"]) for a in report["alerts"]]
    assert len(pairs) == len(set(pairs)), "a level raised twice for one task"
    assert {task for task, _ in pairs} == set(prepared["stalled_tasks"])
    for alert in report["alerts"]:
        assert alert["audit"] == 1 and alert["messages"] >= 1, alert
        assert alert["explanations"] == (1 if alert["explained"] else 0), alert
    assert report["orphan_audit"] == [] and report["orphan_messages"] == [] and report["audit_breaks"] == []
    assert manage(worker_envs[0], "check_overdue_steps").startswith("0 peringatan"), "nothing left to raise"

    # Both workers took sweeps from the one queue.
    assert all(executed(log, "check_overdue_steps") >= 1 for log in logs), [log[-2000:] for log in logs]
    print(
        f"\n2 web processes, 2 workers: {BILLS} bills paid once each, {len(pairs)} alerts raised once each, "
        f"{len(report['messages'])} messages delivered once each, in {time.monotonic() - started:.0f} s"
    )
