"""Benchmark 4: SNAP BI payment notifications from 32 bank clients, with every signature checked.

    flock /tmp/bench.lock .venv/bin/python bench/snap.py --db postgres://postgres@127.0.0.1:5432/smart_bench_snap

The database named in `--db` (it must start with `smart_bench`) is recreated for every run as a copy of
`<db>_template` (PostgreSQL `CREATE DATABASE ... TEMPLATE`, seconds), so every run pays the same open
bills. The template is made on the first run (migrate, then `manage.py generate_load_data --applications
250000 --in-process 0.6`: about 20,000 files waiting for payment with their bill open).

The server is gunicorn with config/gunicorn.conf.py and production settings (pooled PostgreSQL, Redis),
configured with a bank key pair made for the run. Each of the `--clients` bank clients gets its access
token once (an RSA-signed token request), then sends payment notifications (HMAC-SHA512 signed, a fresh
X-EXTERNAL-ID each) for open virtual accounts; permits/levies/snap/client.py signs every request (the
same code as the bank simulator), aiohttp sends them. The mix, per operation:
* `single`: one payment of one bill (most of them);
* `resend`: a payment, then the identical request again (same X-EXTERNAL-ID, body, signature): the
  first answer comes back, nothing is written;
* `replay`: a payment, then the same paymentRequestId under a new X-EXTERNAL-ID: the first answer;
* `race`: two clients pay the same VA at the same moment with different paymentRequestIds: one is
  posted (2002500), the other told the bill is paid (4042514);
* `race-same`: two clients send the same payment (same paymentRequestId) at the same moment under two
  external ids: both get 2002500, one payment is written.
Three phases: *paced* (operations offered at `--rate` notifications per second in total, latency counted
from the moment each was due to be sent, so a backlog shows), *saturation* (every client back to back:
the most the server answers), then paced again at 75% of that (the latency when the server keeps up).
Afterwards the database is checked: every bill paid at most once,
payment rows == distinct successful payments, one posting (audit event, payment step done) per payment,
totals equal, every call in BankCall. Target (issue 9): 200 per second, p99 < 150 ms, zero double postings.
"""

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    VENV_BIN,
    Run,
    Server,
    Worker,
    command_line,
    django_setup,
    forget_cached,
    gunicorn_version,
    load_line,
    machine_line,
    now_text,
    percentile,
    report_section,
    wait_quiet,
)

PARTNER_ID = "90090090"
CLIENT_ID = "BJB-BENCH"
PSID = "77001"
TEMPLATE_APPLICATIONS = 250_000
MIX = {"single": 0.80, "resend": 0.05, "replay": 0.05, "race": 0.07, "race-same": 0.03}
REQUESTS_PER_OP = {"single": 1, "resend": 2, "replay": 2, "race": 2, "race-same": 2}
PAID, ALREADY_PAID = "2002500", "4042514"


# --- the database ----------------------------------------------------------------------------------


def _psql(url, sql: str) -> str:
    args = ["psql", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    return subprocess.run([*args, "-qAtc", sql, "postgres"], check=True, capture_output=True, text=True).stdout


def prepare_database(db: str, applications: int) -> str:
    """Recreate `db` as a copy of its template (made first when missing); a line saying what was done."""
    url = urlparse(db)
    name = url.path.lstrip("/")
    template = f"{name}_template"
    note = f"copy of `{template}`"
    if not _psql(url, f"SELECT 1 FROM pg_database WHERE datname = '{template}'").strip():
        print(f"making the template {template} ({applications:,} applications)...", flush=True)
        env = {
            **os.environ,
            "DATABASE_URL": url._replace(path=f"/{template}").geturl(),
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DEBUG": "true",
            "SNAP_PARTNER_SERVICE_ID": PSID,
        }
        _psql(url, f'CREATE DATABASE "{template}"')
        manage = [str(VENV_BIN / "python"), "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        started = time.perf_counter()
        subprocess.run(
            [*manage, "generate_load_data", "--applications", str(applications), "--in-process", "0.6", "--quiet"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        note += f" (made in this run: {time.perf_counter() - started:.0f} s)"
    _psql(url, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return note


def payable_bills(limit: int) -> list[tuple[str, Decimal]]:
    """Open bills of files waiting for payment with their payment step open, valid for another hour."""
    import datetime

    from django.utils import timezone

    from permits.levies.models import Bill
    from permits.workflow.models import Task

    soon = timezone.now() + datetime.timedelta(hours=1)
    waiting = Task.objects.filter(kind="payment", state__in=Task.ACTIVE_STATES).values("application_id")
    rows = list(
        Bill.objects.filter(
            state=Bill.State.OPEN,
            expires_at__gt=soon,
            application__status="awaiting_payment",
            application_id__in=waiting,
        )
        .order_by("?")
        .values_list("virtual_account_no", "amount")[:limit]
    )
    return rows


# --- the bank's clients -------------------------------------------------------------------------------


class BankClient:
    """One bank client: SnapClient (the simulator's code) signs each request, aiohttp sends it."""

    def __init__(self, creds: dict):
        from permits.levies.snap.client import SnapClient

        self._prepared: tuple[str, dict, bytes] | None = None
        self.snap = SnapClient(creds, self._capture)

    def _capture(self, method: str, path: str, headers: dict, body: bytes) -> tuple[int, bytes]:
        self._prepared = (path, headers, body)
        return 599, b"{}"  # not sent here: the caller sends the prepared request

    def token_request(self) -> tuple[str, dict, bytes]:
        self.snap.get_token()
        return self._prepared

    def payment(self, va: str, amount: Decimal, request_id: str, external_id: str) -> tuple[str, dict, bytes]:
        self.snap.pay(va, amount, request_id=request_id, external_id=external_id)
        return self._prepared


@dataclass
class Op:
    kind: str
    va: str
    amount: Decimal
    request_ids: list[str]
    answers: list[tuple[str, int, str]] = field(default_factory=list)  # (request id, HTTP status, responseCode)


def plan(bills: list[tuple[str, Decimal]], count: int, rng: random.Random, ids) -> list[Op]:
    kinds, weights = zip(*MIX.items(), strict=True)
    ops = []
    for va, amount in bills[:count]:
        kind = rng.choices(kinds, weights)[0]
        first = next(ids)
        second = {"race": next(ids)}.get(kind, first)
        ops.append(Op(kind, va, amount, [first, second] if REQUESTS_PER_OP[kind] == 2 else [first]))
    return ops


def expected_ok(op: Op) -> bool:
    codes = [code for _rid, _status, code in op.answers]
    if op.kind == "race":
        return sorted(codes) == [PAID, ALREADY_PAID]
    return codes == [PAID] * REQUESTS_PER_OP[op.kind]


async def _post(session, base: str, prepared, latencies: list[float], statuses: Counter, since: float):
    path, headers, body = prepared
    async with session.post(base + path, data=body, headers=headers) as resp:
        data = await resp.json(content_type=None)
    latencies.append((time.perf_counter() - since) * 1000)
    statuses[resp.status] += 1
    return resp.status, str(data.get("responseCode", "")), data


async def _tokens(session, base: str, clients: list[BankClient]) -> None:
    for client in clients:
        path, headers, body = client.token_request()
        async with session.post(base + path, data=body, headers=headers) as resp:
            data = await resp.json(content_type=None)
        if resp.status != 200:
            raise SystemExit(f"token refused: {resp.status} {data}")
        client.snap._token = data["accessToken"]


async def _phase(
    name: str, base: str, clients: list[BankClient], ops: list[Op], *, rate: float | None, seconds: float | None = None
) -> Run:
    """Run `ops` on the clients: paced at `rate` notifications/s, or back to back (rate None) until `seconds`
    have passed (the ops not started by then stay unanswered); a Run of every request."""
    import aiohttp

    from permits.levies.snap.client import new_external_id

    latencies: list[float] = []
    statuses: Counter = Counter()
    errors = 0
    counter = iter(range(len(ops)))
    op_rate = rate / (sum(REQUESTS_PER_OP[op.kind] for op in ops) / len(ops)) if rate else None
    began = time.perf_counter()
    deadline = began + seconds if seconds else float("inf")

    async def worker(session, w: int) -> None:
        nonlocal errors
        me, other = clients[w], clients[(w + 1) % len(clients)]
        while time.perf_counter() < deadline and (k := next(counter, None)) is not None:
            op = ops[k]
            due = began + k / op_rate if op_rate else time.perf_counter()
            if (wait := due - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            since = due if op_rate else time.perf_counter()  # paced: a late start counts in the latency
            try:
                first = me.payment(op.va, op.amount, op.request_ids[0], new_external_id())
                if op.kind in ("race", "race-same"):  # two clients, the same VA, at the same moment
                    second = other.payment(op.va, op.amount, op.request_ids[1], new_external_id())
                    answers = await asyncio.gather(
                        _post(session, base, first, latencies, statuses, since),
                        _post(session, base, second, latencies, statuses, since),
                    )
                    op.answers = [(rid, a[0], a[1]) for rid, a in zip(op.request_ids, answers, strict=True)]
                    continue
                status, code, _ = await _post(session, base, first, latencies, statuses, since)
                op.answers.append((op.request_ids[0], status, code))
                if op.kind == "resend":  # the identical request: same external id, body and signature
                    again = first
                elif op.kind == "replay":  # the same payment under a new external id
                    again = me.payment(op.va, op.amount, op.request_ids[0], new_external_id())
                else:
                    continue
                status, code, _ = await _post(session, base, again, latencies, statuses, time.perf_counter())
                op.answers.append((op.request_ids[0], status, code))
            except (TimeoutError, aiohttp.ClientError):
                errors += 1

    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=2 * len(clients))
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        if clients[0].snap._token is None:
            await _tokens(session, base, clients)
        await asyncio.gather(*(worker(session, w) for w in range(len(clients))))
        elapsed = time.perf_counter() - began
    return Run(name, len(latencies), elapsed, latencies, statuses, errors).finish()


def phase(name, base, clients, ops, *, rate=None, seconds=None) -> Run:
    return asyncio.run(_phase(name, base, clients, ops, rate=rate, seconds=seconds))


# --- the checks afterwards ----------------------------------------------------------------------------


def check(ops: list[Op], started) -> dict:
    """What the database holds after the run, against what the bank was told."""
    from django.db.models import Count, Sum

    from permits.core.models import AuditEvent
    from permits.levies.models import BankCall, Bill, Payment
    from permits.notifications.models import Message
    from permits.workflow.models import Task

    told_paid = {rid for op in ops for rid, _s, code in op.answers if code == PAID}
    paid_vas = {op.va: op.amount for op in ops if any(code == PAID for _r, _s, code in op.answers)}
    payments = Payment.objects.filter(partner=PARTNER_ID, posted_at__gte=started)
    rows = list(payments.values_list("payment_request_id", "bill__virtual_account_no", "amount"))
    per_bill = payments.values("bill").annotate(n=Count("id")).filter(n__gt=1).count()
    bills = Bill.objects.filter(virtual_account_no__in=[op.va for op in ops])
    bill_states = Counter(bills.values_list("state", flat=True))
    paid_bills = bills.filter(state=Bill.State.PAID)
    mismatched_paid = paid_bills.exclude(paid_payment__partner=PARTNER_ID).count()
    app_ids = list(paid_bills.values_list("application_id", flat=True))
    postings = AuditEvent.objects.filter(action="levy.payment_post", at__gte=started).count()
    steps_done = Task.objects.filter(application_id__in=app_ids, kind="payment", state="done").count()
    double_steps = (
        Task.objects.filter(application_id__in=app_ids, kind="payment", state="done")
        .values("application_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    next_open = (
        Task.objects.filter(application_id__in=app_ids, state__in=Task.ACTIVE_STATES)
        .values("application_id")
        .annotate(n=Count("id"))
    )
    apps_two_open = sum(1 for r in next_open if r["n"] > 1)
    told = [a for op in ops for a in op.answers]
    return {
        "answers": len(told),
        "told_paid": len(told_paid),
        "payment_rows": len(rows),
        "rows_match": {r[0] for r in rows} == told_paid and len(rows) == len(told_paid),
        "bills_paid_twice": per_bill,
        "bills": dict(bill_states),
        "bills_paid": paid_bills.count(),
        "vas_told_paid": len(paid_vas),
        "paid_elsewhere": mismatched_paid,
        "postings": postings,
        "steps_done": steps_done,
        "double_steps": double_steps,
        "apps_two_open_tasks": apps_two_open,
        "total_rows": payments.aggregate(s=Sum("amount"))["s"] or Decimal(0),
        "total_bills": paid_bills.aggregate(s=Sum("amount"))["s"] or Decimal(0),
        "total_told": sum(paid_vas.values(), Decimal(0)),
        "bank_calls": BankCall.objects.filter(at__gte=started, service="payment").count(),
        "messages": Message.objects.filter(application_id__in=app_ids, created_at__gte=started).count(),
        "unexpected": [(op.kind, op.va, op.answers) for op in ops if not expected_ok(op)],
    }


def drain_advances(started, timeout: float) -> dict:
    """Wait (bounded) until every payment posted in the run has had its advance applied by the worker
    (issue 22: the bank's call posts; the worker moves the file on); the lag from posting to advance."""
    from django.db import connection

    from permits.levies.models import PaymentAdvance

    deadline = time.monotonic() + timeout
    while True:
        pending = PaymentAdvance.objects.filter(created_at__gte=started, applied_at__isnull=True).count()
        if pending == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    rows = list(
        PaymentAdvance.objects.filter(created_at__gte=started, applied_at__isnull=False).values_list(
            "created_at", "applied_at", "outcome"
        )
    )
    connection.close()
    lags = [(a - c).total_seconds() * 1000 for c, a, _o in rows]
    return {
        "applied": len(rows),
        "pending": pending,
        "not_advanced": sum(1 for *_x, o in rows if o != "advanced"),
        "lag_p50_ms": percentile(lags, 50) if lags else 0.0,
        "lag_p99_ms": percentile(lags, 99) if lags else 0.0,
        "lag_max_ms": max(lags, default=0.0),
        "last_applied": max((a for _c, a, _o in rows), default=None),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="postgres://.../smart_bench_<name> (recreated from its template)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rate", type=float, default=200.0, help="notifications per second offered (paced phase)")
    parser.add_argument("--seconds", type=int, default=30, help="length of the paced phase")
    parser.add_argument("--saturation-seconds", type=int, default=20, help="length of the back-to-back phase")
    parser.add_argument("--within-seconds", type=int, default=20, help="paced at 75%% of capacity (0: skip)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn processes (default 2 x CPUs + 1)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--huey-workers", type=int, default=2, help="threads of the Huey consumer")
    parser.add_argument("--huey-nice", type=int, default=10, help="the consumer's nice value (0: the web's priority)")
    parser.add_argument("--template-applications", type=int, default=TEMPLATE_APPLICATIONS)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    name = urlparse(args.db).path.lstrip("/")
    if not re.fullmatch(r"smart_bench\w*", name) or name in ("smart_bench_10k", "smart_bench_1m"):
        parser.error("--db: a database of this benchmark's own, named smart_bench_<something> (it is recreated)")
    if not (1 <= args.clients <= 200 and 1 <= args.seconds <= 300 and 0 <= args.saturation_seconds <= 300):
        parser.error("--clients 1..200, --seconds 1..300, --saturation-seconds 0..300: runs stay bounded")

    from permits.levies.snap.signatures import rsa_key_pair

    private_pem, public_pem = rsa_key_pair()
    creds = {
        "client_id": CLIENT_ID,
        "client_secret": "bench-" + os.urandom(24).hex(),
        "private_key_pem": private_pem,
        "public_key_pem": public_pem,
        "partner_id": PARTNER_ID,
        "partner_service_id": PSID.rjust(8),
        "channel_id": "95221",
        "prefix": "snap",
        "signature_encoding": "base64",
    }
    snap_env = {
        "SNAP_PARTNER_ID": PARTNER_ID,
        "SNAP_CLIENT_ID": CLIENT_ID,
        "SNAP_CLIENT_SECRET": creds["client_secret"],
        "SNAP_BANK_PUBLIC_KEY": public_pem,
        "SNAP_PARTNER_SERVICE_ID": PSID,
        "LOG_LEVEL": "ERROR",  # the expected refusals (404 "bill paid") are not worth a log line each here
        # the server and the worker share the Huey queue and cache of a Redis database of this run's own
        "REDIS_URL": os.environ.get("BENCH_SNAP_REDIS_URL", "redis://127.0.0.1:6379/5"),
    }
    db_note = prepare_database(args.db, args.template_applications)
    django_setup(args.db, **snap_env)
    from django.db import connection
    from django.utils import timezone

    from permits.workflow.models import Application

    rng = random.Random(args.seed)
    mean_requests = sum(MIX[k] * REQUESTS_PER_OP[k] for k in MIX)
    warm_ops = 4 * args.clients
    paced_ops = int(args.rate * args.seconds / mean_requests)
    # the saturation phase stops by time; offer at most what 600 notifications/s would need
    saturation_ops = int(600 * args.saturation_seconds / mean_requests)
    bills = payable_bills(warm_ops + paced_ops + saturation_ops)
    n_apps = Application.objects.count()
    if len(bills) < warm_ops + paced_ops:
        raise SystemExit(f"only {len(bills):,} payable bills; need {warm_ops + paced_ops:,}: a larger template")
    ids = (f"{args.seed:02d}{n:014d}" for n in range(1, 10**9))
    warm = plan(bills, warm_ops, rng, ids)
    paced = plan(bills[warm_ops:], paced_ops, rng, ids)
    saturation = plan(bills[warm_ops + paced_ops :], saturation_ops, rng, ids)
    clients = [BankClient(creds) for _ in range(args.clients)]
    started = timezone.now()
    connection.close()
    load_before = wait_quiet()

    forget_cached(snap_env["REDIS_URL"], "huey*")  # a queue left by an earlier run
    with (
        Server(args.db, workers=args.workers, threads=args.threads, env=snap_env) as server,
        Worker(server.env, workers=args.huey_workers, nice=args.huey_nice),
    ):
        phase("warm-up", server.url, clients, warm, rate=args.rate / 2)
        paced_run = phase("paced", server.url, clients, paced, rate=args.rate)
        print(paced_run.summary(), flush=True)
        runs = [(paced_run, paced)]
        sat_run = within_run = None
        if args.saturation_seconds and saturation:
            sat_run = phase("saturation", server.url, clients, saturation, seconds=args.saturation_seconds)
            print(sat_run.summary(), flush=True)
            runs.append((sat_run, [op for op in saturation if op.answers]))
            # what the server sustains comfortably: paced again at 75% of the back-to-back throughput
            within_rate = round(0.75 * sat_run.throughput)
            spare = [op for op in saturation if not op.answers]
            within = spare[: int(within_rate * args.within_seconds / mean_requests)]
            if within_rate and within and args.within_seconds:
                within_run = phase(f"paced at {within_rate}/s", server.url, clients, within, rate=within_rate)
                print(within_run.summary(), flush=True)
                runs.append((within_run, within))
        workers, threads = server.workers, server.threads
        answered_at = timezone.now()
        drain = drain_advances(started, timeout=120)
        print(f"advances: {drain}", flush=True)
    load_after = load_line()

    done_ops = warm + [op for _run, ops in runs for op in ops]
    result = check(done_ops, started)
    result["advances"] = drain
    result["drained_after"] = (drain["last_applied"] - answered_at).total_seconds() if drain["last_applied"] else 0.0
    ok_checks = (
        result["rows_match"]
        and result["bills_paid_twice"] == 0
        and result["paid_elsewhere"] == 0
        and result["bills_paid"] == result["vas_told_paid"] == result["told_paid"]
        and result["postings"] == result["payment_rows"] == result["steps_done"]
        and result["double_steps"] == 0
        and result["apps_two_open_tasks"] == 0
        and drain["pending"] == 0
        and drain["not_advanced"] == 0
        and result["total_rows"] == result["total_bills"] == result["total_told"]
        and result["bank_calls"] == result["answers"]
        and not result["unexpected"]
    )
    print(json.dumps({k: v for k, v in result.items() if k != "unexpected"}, default=str))
    for item in result["unexpected"][:10]:
        print("unexpected:", item)
    body = report(args, runs, sat_run, within_run, result, ok_checks, db_note, n_apps, len(bills))
    body = body.replace("{MACHINE}", machine_line(f"gunicorn {gunicorn_version()}"))
    body = body.replace("{LOAD}", f"load average {load_before} before, {load_after} after")
    body = body.replace(
        "{SERVER}",
        f"gunicorn, {workers} processes x {threads} threads, and one Huey consumer ({args.huey_workers} threads, "
        f"nice {args.huey_nice}) applying each posted payment's advance",
    )
    if not args.no_report:
        report_section("snap", body)
    print(body)


def report(args, runs, sat: Run | None, within: Run | None, r: dict, ok_checks, db_note, n_apps, n_bills) -> str:
    paced = runs[0][0]
    kinds = Counter(op.kind for _run, ops in runs for op in ops if op.answers)

    def row(run: Run, phase_ops: list[Op]) -> str:
        bad = sum(1 for op in phase_ops if op.answers and not expected_ok(op)) + run.errors
        return (
            f"| {run.name} | {run.requests:,} | {run.seconds:.1f} | **{run.throughput:,.0f}** | {run.p50:.0f} | "
            f"{run.p95:.0f} | **{run.p99:.0f}** | {max(run.latencies_ms, default=0):.0f} | {bad} |"
        )

    sustained = paced.throughput >= 0.98 * args.rate
    meets_rate = sustained and args.rate >= 200
    meets_p99 = paced.p99 < 150
    verdict = []
    rate_note = "met" if meets_rate else ("MISSED" if args.rate >= 200 else "offered less than the target")
    verdict.append(
        f"{paced.throughput:,.0f} notifications/s {'sustained' if sustained else 'answered'} at an offered "
        f"{args.rate:,.0f}/s ({rate_note}; target 200/s)"
    )
    verdict.append(
        f"p99 {paced.p99:.0f} ms ({'met' if meets_p99 else f'MISSED by {paced.p99 - 150:.0f} ms'}; target < 150 ms)"
    )
    if sat is not None:
        verdict.append(f"at most {sat.throughput:,.0f}/s back to back (p99 {sat.p99:.0f} ms)")
    if within is not None:
        verdict.append(f"p99 {within.p99:.0f} ms when {within.throughput:,.0f}/s are offered")
    verdict.append("zero double postings" if ok_checks else "CHECKS FAILED (see above)")
    double = r["bills_paid_twice"] + r["double_steps"] + r["apps_two_open_tasks"]
    return f"""## 4. SNAP payment notifications from {args.clients} bank clients

- Date: {now_text()}
- Command: `{command_line()}`
- Machine: {{MACHINE}}; {{LOAD}}
- Database: {n_apps:,} applications, {n_bills:,} bills open and payable taken for the run ({db_note};
  `generate_load_data --in-process 0.6`)
- Server: {{SERVER}}, `config.settings.production` (pooled PostgreSQL, Redis), a bank key pair made for the run
- Load: {args.clients} bank clients (aiohttp; each request signed by `permits/levies/snap/client.py`),
  each with its own access token got once (SHA256withRSA token request), then payment notifications
  (HMAC-SHA512, a fresh X-EXTERNAL-ID each) with every check of the endpoint on. Operations:
  {", ".join(f"{k} {v:,}" for k, v in kinds.items())} (resend: the identical request again;
  replay: the same paymentRequestId under a new external id; race: two clients pay one VA at the same
  moment with two request ids; race-same: two clients send one payment at the same moment).
  *paced*: notifications offered at {args.rate:,.0f}/s for {args.seconds} s, latency counted from the
  moment each was due (a backlog shows); *saturation*: back to back for {args.saturation_seconds} s; then
  paced again at 75% of the saturation throughput for {args.within_seconds} s (what the server sustains).

| phase | notifications | seconds | per second | p50 ms | p95 ms | p99 ms | max ms | errors, unexpected answers |
|---|---|---|---|---|---|---|---|---|
{chr(10).join(row(run, ops) for run, ops in runs)}

Checks after the run (warm-up of {4 * args.clients} operations included): {r["answers"]:,} answers,
{r["told_paid"]:,} distinct paymentRequestIds answered 2002500, **{r["payment_rows"]:,} payment rows**
({"the same ids" if r["rows_match"] else "NOT THE SAME IDS"}); {r["bills_paid"]:,} bills paid
(of {r["vas_told_paid"]:,} VAs told paid), {r["bills_paid_twice"]} paid twice, {r["paid_elsewhere"]} paid
by another partner; {r["postings"]:,} postings (audit events), {r["steps_done"]:,} payment steps done;
**{double} double postings**; totals: payments Rp {r["total_rows"]:,}, bills Rp {r["total_bills"]:,},
answered Rp {r["total_told"]:,} ({"equal" if r["total_rows"] == r["total_bills"] == r["total_told"] else "DIFFER"});
{len(r["unexpected"])} unexpected answers; {r["bank_calls"]:,} payment calls stored in BankCall;
{r["messages"]:,} applicant messages queued.
Advances (the payment step done and the file moved on, by the worker after the posting's commit):
{r["advances"]["applied"]:,} applied, {r["advances"]["pending"]} still pending,
{r["advances"]["not_advanced"]} not advanced; lag from posting to advance p50
{r["advances"]["lag_p50_ms"]:,.0f} ms, p99 {r["advances"]["lag_p99_ms"]:,.0f} ms, max
{r["advances"]["lag_max_ms"]:,.0f} ms; the last applied {r["drained_after"]:.1f} s after the last answer.

Result: {"; ".join(verdict)}. {"PASS" if ok_checks and meets_rate and meets_p99 else "FAIL"}.
"""


if __name__ == "__main__":
    main()
