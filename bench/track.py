"""Benchmark 1: public tracking against a bare Django view, side by side on the production server.

    .venv/bin/python bench/track.py --db postgres://postgres@127.0.0.1:5432/smart_bench_1m

What it does, all on loopback and bounded in time:
1. picks `--sample` applications of the database at random and gives them known PINs (the PIN hash
   is rewritten with this run's secret key: run it on a benchmark database only);
2. starts gunicorn with config/gunicorn.conf.py and production settings (DEBUG off, Redis cache for
   the throttle, pooled PostgreSQL) plus the bare view of bench/bare_urls.py;
3. warms both endpoints up, then measures them in alternating rounds at `--clients` concurrent
   clients: `GET /api/v1/track/<no>` with the right `X-Tracking-PIN` (the throttle reserves each
   lookup and gives a right PIN's back, so every request does the full work; keep `--clients` at or
   below TRACKING_MAX_FAILS_PER_IP, as all clients share one address), and `GET /bench/bare/<no>` (one indexed query,
   a small JSON answer);
4. writes throughput, p50 and p99 of both and their ratio to docs/PERFORMANCE.md.
Targets (issue 9): tracking >= 60% of the bare view's throughput, tracking p99 < 50 ms.
"""

import argparse
import json
import os
import secrets
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Run,
    Server,
    closed_loop,
    command_line,
    django_setup,
    forget_cached,
    gunicorn_version,
    load_line,
    machine_line,
    now_text,
    report_section,
    wait_quiet,
    wrk_available,
    wrk_run,
)

HERE = Path(__file__).resolve().parent


def prepare_sample(size: int) -> list[tuple[str, str]]:
    """`size` random applications with fresh known PINs (hashed with this run's key)."""
    from django.db import connection, transaction

    from permits.intake.pins import pin_hash

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM intake_application")
        total = cur.fetchone()[0]
        if total == 0:
            raise SystemExit("The database holds no application: run manage.py generate_load_data first.")
        cur.execute("SELECT id, registration_number FROM intake_application ORDER BY random() LIMIT %s", [size])
        rows = cur.fetchall()
    pairs = [(number, f"{secrets.randbelow(1_000_000):06d}") for _id, number in rows]
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(
            "UPDATE intake_application SET pin_hash = %s WHERE registration_number = %s",
            [(pin_hash(number, pin), number) for number, pin in pairs],
        )
    return pairs


def check_answers(url: str, number: str, pin: str) -> dict:
    req = urllib.request.Request(f"{url}/api/v1/track/{number}", headers={"X-Tracking-PIN": pin})
    body = json.loads(urllib.request.urlopen(req, timeout=10).read())
    if body.get("registration_number") != number:
        raise SystemExit(f"tracking answered something else: {body}")
    bare = json.loads(urllib.request.urlopen(f"{url}/bench/bare/{number}", timeout=10).read())
    if bare.get("registration_number") != number:
        raise SystemExit(f"bare view answered something else: {bare}")
    return body


def measure(tool: str, url: str, mode: str, pins_file: Path, pairs, clients: int, seconds: int) -> Run:
    name = {"track": "tracking", "bare": "bare view"}[mode]
    if tool == "wrk":
        return wrk_run(name, url, HERE / "track.lua", [str(pins_file), mode], clients=clients, seconds=seconds)

    async def request(session, wid: int, k: int) -> int:
        number, pin = pairs[(wid * 7919 + k) % len(pairs)]
        if mode == "bare":
            target, headers = f"{url}/bench/bare/{number}", {}
        else:
            target, headers = f"{url}/api/v1/track/{number}", {"X-Tracking-PIN": pin}
        async with session.get(target, headers=headers) as resp:
            await resp.read()
            return resp.status

    return closed_loop(name, request, clients=clients, seconds=seconds)


def prime(url: str, pairs, clients: int) -> Run:
    """Look every sampled application up once, so each view is in the cache, as the view of a page that
    is refreshed is; the first look of each (a cache miss) is timed separately by this pass."""

    async def request(session, wid: int, k: int) -> int:
        number, pin = pairs[k]
        async with session.get(f"{url}/api/v1/track/{number}", headers={"X-Tracking-PIN": pin}) as resp:
            await resp.read()
            return resp.status

    return closed_loop("first look (cache miss)", request, clients=clients, total=len(pairs), seconds=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="postgres://... of a database filled by generate_load_data")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=15, help="length of one measured round")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds of each endpoint")
    parser.add_argument("--sample", type=int, default=2000, help="applications looked up (random)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn processes (default 2 x CPUs + 1)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per process")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--no-report", action="store_true", help="print only; leave docs/PERFORMANCE.md alone")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 120 or not 1 <= args.rounds <= 5:
        parser.error("--seconds 1..120 and --rounds 1..5: runs stay bounded")
    tool = ("wrk" if wrk_available() else "python") if args.tool == "auto" else args.tool

    django_setup(args.db)
    from django.db import connection

    pairs = prepare_sample(args.sample)
    # what earlier runs kept (the same applications under the same versions, perhaps by other code):
    # every first look below is then a miss, as it claims
    forget_cached(os.environ["REDIS_URL"], "*portal:*")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM intake_application")
        n_apps = cur.fetchone()[0]
        cur.execute("SELECT split_part(version(), ' ', 2)")
        pg_version = cur.fetchone()[0]
    connection.close()
    pins_file = Path(tempfile.mkstemp(prefix="smart-track-", suffix=".txt")[1])
    pins_file.write_text("".join(f"{n} {p}\n" for n, p in pairs))

    load_before = wait_quiet()
    modes = ("bare", "track")
    runs: dict[str, list[Run]] = {mode: [] for mode in modes}
    with Server(args.db, workers=args.workers, threads=args.threads) as server:
        check_answers(server.url, *pairs[0])
        first_look = prime(server.url, pairs, args.clients)
        print(first_look.summary(), flush=True)
        for mode in modes:  # warm-up: imports, pools
            measure(tool, server.url, mode, pins_file, pairs, args.clients, 3)
        for r in range(args.rounds):
            for mode in modes if r % 2 == 0 else tuple(reversed(modes)):
                run = measure(tool, server.url, mode, pins_file, pairs, args.clients, args.seconds)
                runs[mode].append(run)
                print(f"round {r + 1}: {run.summary()}", flush=True)
        workers, threads = server.workers, server.threads
    pins_file.unlink(missing_ok=True)

    def total(mode: str) -> dict:
        rs = runs[mode]
        reqs, secs = sum(r.requests for r in rs), sum(r.seconds for r in rs)
        return {
            "throughput": reqs / secs,
            "p50": sorted(r.p50 for r in rs)[len(rs) // 2],
            "p99": max(r.p99 for r in rs),
            "errors": sum(r.errors for r in rs),
            "requests": reqs,
        }

    bare, track = total("bare"), total("track")
    ratio = track["throughput"] / bare["throughput"]
    ok_ratio, ok_p99 = ratio >= 0.60, track["p99"] < 50
    print(f"tracking/bare throughput = {ratio:.0%}; tracking p99 {track['p99']:.1f} ms")
    rows = "\n".join(
        f"| {r + 1} | {b.throughput:,.0f} | {b.p50:.1f} | {b.p99:.1f} "
        f"| {t.throughput:,.0f} | {t.p50:.1f} | {t.p99:.1f} |"
        for r, (b, t) in enumerate(zip(runs["bare"], runs["track"], strict=True))
    )
    p99_miss = track["p99"] - 50
    verdict = (
        f"tracking reaches **{ratio:.0%}** of the bare view's throughput (target >= 60%: "
        f"{'met' if ok_ratio else f'missed by {0.60 - ratio:.0%} points'}); tracking p99 **{track['p99']:.1f} ms** "
        f"(target < 50 ms: {'met' if ok_p99 else f'missed by {p99_miss:.1f} ms'})."
    )
    all_row = (
        f"| **all** | **{bare['throughput']:,.0f}** | {bare['p50']:.1f} | {bare['p99']:.1f} "
        f"| **{track['throughput']:,.0f}** | {track['p50']:.1f} | **{track['p99']:.1f}** |"
    )
    body = f"""## 1. Tracking vs a bare Django view

- Date: {now_text()}
- Command: `{command_line()}`
- Machine: {machine_line(f"PostgreSQL {pg_version}, Redis cache, gunicorn {gunicorn_version()}")};
  load average {load_before} before, {load_line()} after
- Database: {n_apps:,} applications; {len(pairs):,} of them looked up, in random order, with the right PIN
- Server: gunicorn (config/gunicorn.conf.py), {workers} processes x {threads} threads (gthread),
  `config.settings.production` (DEBUG off, pooled PostgreSQL connections, Redis cache) plus the bare
  view (bench/settings_bench.py); access log on, to a file
- Load: {tool}, {args.clients} concurrent connections (closed loop, keep-alive), {args.rounds} alternating rounds
  of {args.seconds} s per endpoint after a 3 s warm-up; client and server share the {machine_line().split(" ")[0]} CPUs
- Before the rounds every sampled application was looked up once (its view built and put in the cache,
  as happens on the first look after each recorded change): {first_look.requests:,} first looks,
  p50 {first_look.p50:.1f} ms, p99 {first_look.p99:.1f} ms ({args.clients} clients, Python client)
- Errors (non-2xx, timeouts): bare {bare["errors"]}, tracking {track["errors"]}

| round | bare req/s | bare p50 ms | bare p99 ms | tracking req/s | tracking p50 ms | tracking p99 ms |
|---|---|---|---|---|---|---|
{rows}
{all_row}

Result: {verdict}
(Throughput: all requests over all rounds; p50: the middle round's; p99: the worst round's.)
"""
    if not args.no_report:
        report_section("track", body)
    print(body)


if __name__ == "__main__":
    main()
