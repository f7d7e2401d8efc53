"""Benchmark 5: registration at the front desk under 20 concurrent clerks, then no gaps, no duplicates.

    .venv/bin/python bench/registration.py --db postgres://postgres@127.0.0.1:5432/smart_bench_1m

Each clerk is an officer of role `frontdesk` with its own bearer token; all of them register complete
files (`POST /api/v1/applications`) at the same time, in two phases:
* paced: each clerk sends the next file `--think-ms` after the previous answer (1 s by default: twenty
  clerks then offer about 20 registrations a second, a hundred times a busy real counter, where a clerk
  spends minutes with each applicant);
* burst: back to back with no pause at all (the worst case: every registration queues on the year's
  counter row, which is locked until its transaction commits, so latency grows with the queue).
Each phase stops after `--per-clerk` files per clerk or `--seconds`. The server is gunicorn with
config/gunicorn.conf.py and production settings. Afterwards the database is checked: the year's
counter moved by exactly the number of files registered, every number in between exists exactly
once, and every answer's number is distinct.
Target (issue 9): p99 < 200 ms (the paced phase), no gap, no duplicate.
"""

import argparse
import hashlib
import secrets
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Server,
    closed_loop,
    command_line,
    django_setup,
    gunicorn_version,
    load_line,
    machine_line,
    now_text,
    report_section,
    wait_quiet,
)

PERMIT_TYPES = ("TDUP", "PBG", "SIP-DOKTER", "REKLAME")


def clerks(count: int) -> list[str]:
    """`count` front-desk officers (bench-clerk-NN) with a fresh bearer token each."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from permits.core.models import ApiToken
    from permits.core.roles import FRONTDESK

    User = get_user_model()
    group, _ = Group.objects.get_or_create(name=FRONTDESK)
    tokens = []
    for n in range(1, count + 1):
        user, created = User.objects.get_or_create(username=f"bench-clerk-{n:02d}")
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(group)
        key = secrets.token_urlsafe(32)
        now = timezone.now()
        ApiToken.objects.create(
            user=user,
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            created_at=now,
            expires_at=now + timedelta(hours=2),
        )
        tokens.append(key)
    return tokens


def payloads() -> list[dict]:
    """One complete file per permit type (mandatory documents, plausible object data)."""
    from permits.catalog.models import PermitType
    from permits.demo.applicants import demo_object_data

    out = []
    for pt in PermitType.objects.filter(code__in=PERMIT_TYPES, active=True).prefetch_related("data_fields"):
        out.append(
            {
                "permit_type": pt.code,
                "applicant": {
                    "kind": "person",
                    "name": "Pemohon Uji Beban",
                    "nik": "3271046504870002",
                    "phone": "081211112201",
                    "email": "uji.beban@example.id",
                    "address": "Jl. Pajajaran No. 12, Bogor",
                },
                "data": demo_object_data(pt, 0),
                "documents_received": list(pt.requirements.filter(mandatory=True).values_list("code", flat=True)),
            }
        )
    if not out:
        raise SystemExit("No demo permit type: run manage.py generate_load_data (it loads the catalogue) first.")
    return out


def counters() -> dict[str, int]:
    from permits.core.models import Sequence

    return dict(Sequence.objects.filter(key__startswith="registration:").values_list("key", "value"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="postgres://... (a benchmark database: it gets new files)")
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--per-clerk", type=int, default=50, help="files each clerk registers (at most)")
    parser.add_argument("--seconds", type=int, default=120, help="stop each phase after this long in any case")
    parser.add_argument("--think-ms", type=int, default=1000, help="pause of a clerk between files (paced phase)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn processes (default 2 x CPUs + 1)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    if not 1 <= args.clerks <= 100 or not 1 <= args.per_clerk <= 1000 or not 1 <= args.seconds <= 600:
        parser.error("--clerks 1..100, --per-clerk 1..1000, --seconds 1..600: runs stay bounded")

    django_setup(args.db)
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark is about PostgreSQL's row locks: give a postgres:// database.")
    from permits.workflow.models import Application

    tokens = clerks(args.clerks)
    bodies = payloads()
    before = counters()
    n_before = Application.objects.count()
    connection.close()
    load_before = wait_quiet()
    numbers: list[str] = []
    failures: list[str] = []

    with Server(args.db, workers=args.workers, threads=args.threads) as server:
        url = f"{server.url}/api/v1/applications"

        async def request(session, clerk: int, k: int) -> int:
            body = bodies[k % len(bodies)]
            headers = {"Authorization": f"Bearer {tokens[clerk]}"}
            async with session.post(url, json=body, headers=headers) as resp:
                data = await resp.json(content_type=None)
                if resp.status == 201:
                    numbers.append(data["registration_number"])
                elif len(failures) < 5:
                    failures.append(f"{resp.status} {data}")
                return resp.status

        # a short warm-up, counted in the checks below like every other registration
        closed_loop("warm-up", request, clients=args.clerks, total=args.clerks * 2, seconds=30)
        total = args.clerks * args.per_clerk
        paced = closed_loop(
            "paced", request, clients=args.clerks, total=total, seconds=args.seconds, think=args.think_ms / 1000
        )
        print(paced.summary(), flush=True)
        burst = closed_loop("burst", request, clients=args.clerks, total=total, seconds=args.seconds)
        print(burst.summary(), flush=True)
        workers, threads = server.workers, server.threads
    if failures:
        print("failures:", *failures, sep="\n  ")

    after = counters()
    moved = {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}
    duplicates = len(numbers) - len(set(numbers))
    gaps, missing = 0, []
    from django.conf import settings

    for key in moved:
        year = int(key.split(":", 1)[1])
        expected = [
            settings.REGISTRATION_NUMBER_FORMAT.format(year=year, seq=s)
            for s in range(before.get(key, 0) + 1, after[key] + 1)
        ]
        found = set(
            Application.objects.filter(registration_number__in=expected).values_list("registration_number", flat=True)
        )
        missing += [n for n in expected if n not in found]
    gaps = len(missing)
    registered = sum(moved.values())
    n_after = Application.objects.count()
    consistent = registered == len(numbers) == n_after - n_before and set(numbers) <= set(
        Application.objects.filter(registration_number__in=numbers).values_list("registration_number", flat=True)
    )
    ok = paced.p99 < 200 and gaps == 0 and duplicates == 0 and consistent
    print(
        f"numbers given {len(numbers)}, counter moved {registered}, rows added {n_after - n_before}, "
        f"gaps {gaps}, duplicates {duplicates}"
    )

    def phase_row(r) -> str:
        bad = sum(v for code, v in r.statuses.items() if code != 201) + r.errors
        return (
            f"| {r.name} | {r.requests:,} | {r.throughput:,.1f} | {r.p50:.0f} | {r.p95:.0f} | **{r.p99:.0f}** | "
            f"{max(r.latencies_ms, default=0):.0f} | {bad} |"
        )

    paced_verdict = "met" if paced.p99 < 200 else f"missed by {paced.p99 - 200:.0f} ms"
    checks = "no gaps and no duplicates" if gaps == 0 and duplicates == 0 else "GAPS OR DUPLICATES FOUND"
    body = f"""## 5. Registration under {args.clerks} concurrent clerks

- Date: {now_text()}
- Command: `{command_line()}`
- Machine: {machine_line(f"gunicorn {gunicorn_version()}")}; load average {load_before} before, {load_line()} after
- Database: {n_before:,} applications before the run (PostgreSQL)
- Server: gunicorn, {workers} processes x {threads} threads, production settings (pooled connections, Redis)
- Load: {args.clerks} clerks at once, each with its own bearer token, `POST /api/v1/applications` with complete
  files of {", ".join(b["permit_type"] for b in bodies)}; after a warm-up of {args.clerks * 2} registrations, two
  phases of up to {args.per_clerk} files per clerk or {args.seconds} s: *paced* (each clerk waits {args.think_ms} ms
  after an answer before the next file) and *burst* (no wait at all)

| phase | registrations | per second | p50 ms | p95 ms | p99 ms | max ms | non-201 |
|---|---|---|---|---|---|---|---|
{phase_row(paced)}
{phase_row(burst)}

Checks after the run (warm-up included): {len(numbers):,} numbers answered, the year's counter moved by
{registered:,}, {n_after - n_before:,} rows added; **{gaps} gaps, {duplicates} duplicates**
({"consistent" if consistent else "INCONSISTENT"}).

Result: paced p99 {paced.p99:.0f} ms (target < 200 ms: {paced_verdict}); burst p99 {burst.p99:.0f} ms
({"under" if burst.p99 < 200 else "over"} 200 ms); {checks}. {"PASS" if ok else "FAIL"}.
"""
    if not args.no_report:
        report_section("registration", body)
    print(body)


if __name__ == "__main__":
    main()
