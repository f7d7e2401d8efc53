"""Benchmark 1: public tracking against a bare Django view, side by side on the production server.

    .venv/bin/python bench/track.py --db postgres://postgres@127.0.0.1:5432/smart_bench_1m

What it does, all on loopback and bounded in time:
1. picks `--sample` applications of the database at random and gives them known PINs (the PIN hash
   is rewritten with this run's secret key: run it on a benchmark database only);
2. starts gunicorn with config/gunicorn.conf.py and production settings (DEBUG off, Redis cache for
   the throttle, pooled PostgreSQL) plus the bare view of bench/bare_urls.py;
3. warms the endpoints up, then measures them in alternating rounds at `--clients` concurrent
   clients: `GET /api/v1/track/<no>` with the right `X-Tracking-PIN` (the throttle reserves each
   lookup and gives a right PIN's back, so every request does the full work; keep `--clients` at or
   below TRACKING_MAX_FAILS_PER_IP, as all clients share one address), the page `GET /lacak/<no>/`
   with the grant cookie the PIN form's POST sets (made here with the run's key, as the server would),
   and `GET /bench/bare/<no>` (one indexed query, a small JSON answer);
   *repeated looks* (cache hits) cycle over `--sample` applications looked up before; *first looks*
   (cache misses) walk `--miss-sample` other applications per round and endpoint once each (wrk: every
   thread its own share; if one runs out the report says so);
4. writes throughput, p50 and p99 of each and their ratio to the bare view to docs/PERFORMANCE.md.
Targets (issue 9, issue 22): a repeated look >= 60% of the bare view's throughput (API and page), a first
look >= 40% (API and page), p99 <= 50 ms at 16 clients on a quiet machine.
"""

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
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


def prepare_sample(size: int) -> list[tuple[str, str, str]]:
    """`size` random applications with fresh known PINs (hashed with this run's key), each with the grant
    cookie a right PIN on the page's form gives the browser (permits/portal/views.py)."""
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
    return [(number, pin, grant_cookie(number, pin_hash(number, pin))) for number, pin in pairs]


def grant_cookie(number: str, hashed: str) -> str:
    from django.core import signing

    from permits.portal.selectors import grant_tag
    from permits.portal.views import GRANT_SALT, GRANT_SECONDS

    expiry = time.time() + GRANT_SECONDS
    return signing.dumps({number: [expiry, grant_tag(hashed), secrets.token_hex(8)]}, salt=GRANT_SALT, compress=True)


def check_answers(url: str, number: str, pin: str, cookie: str) -> dict:
    req = urllib.request.Request(f"{url}/api/v1/track/{number}", headers={"X-Tracking-PIN": pin})
    body = json.loads(urllib.request.urlopen(req, timeout=10).read())
    if body.get("registration_number") != number:
        raise SystemExit(f"tracking answered something else: {body}")
    req = urllib.request.Request(f"{url}/lacak/{number}/", headers={"Cookie": f"smart_lacak={cookie}"})
    page = urllib.request.urlopen(req, timeout=10).read().decode()
    if number not in page or 'id="t-pin"' in page:
        raise SystemExit("the tracking page did not open the application from its grant cookie")
    bare = json.loads(urllib.request.urlopen(f"{url}/bench/bare/{number}", timeout=10).read())
    if bare.get("registration_number") != number:
        raise SystemExit(f"bare view answered something else: {bare}")
    return body


NAMES = {
    "bare": "bare view",
    "track": "API, repeated look",
    "page": "page, repeated look",
    "track-miss": "API, first look",
    "page-miss": "page, first look",
}


def measure(
    tool: str, url: str, mode: str, pins_file: Path, pairs, clients: int, seconds: int, span: tuple[int, int] | None
) -> Run:
    """One round of `mode`; `span` (first, last index into `pairs`) for first looks: each walked once."""
    name, kind = NAMES[mode], mode.removesuffix("-miss")
    if tool == "wrk":
        args = [str(pins_file), kind] + ([str(span[0] + 1), str(span[1] + 1), "2"] if span else [])
        return wrk_run(name, url, HERE / "track.lua", args, clients=clients, seconds=seconds)

    def target(wid: int, k: int):
        if span:
            return pairs[span[0] + k] if span[0] + k <= span[1] else None
        return pairs[(wid * 7919 + k) % len(pairs)]

    async def request(session, wid: int, k: int) -> int:
        found = target(wid, k)
        if found is None:
            return 0
        number, pin, cookie = found
        if kind == "bare":
            where, headers = f"{url}/bench/bare/{number}", {}
        elif kind == "page":
            where, headers = f"{url}/lacak/{number}/", {"Cookie": f"smart_lacak={cookie}"}
        else:
            where, headers = f"{url}/api/v1/track/{number}", {"X-Tracking-PIN": pin}
        async with session.get(where, headers=headers) as resp:
            await resp.read()
            return resp.status

    total = span[1] - span[0] + 1 if span else None
    return closed_loop(name, request, clients=clients, seconds=seconds, total=total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="postgres://... of a database filled by generate_load_data")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=15, help="length of one measured round")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds of each endpoint")
    parser.add_argument("--sample", type=int, default=2000, help="applications of the repeated looks (random)")
    parser.add_argument(
        "--miss-sample", type=int, default=4000, help="applications per first-look round and endpoint (random, unused)"
    )
    parser.add_argument("--miss-seconds", type=int, default=5, help="length of one first-look round")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn processes (default 2 x CPUs + 1)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per process")
    parser.add_argument("--quiet-wait", type=int, default=180, help="seconds to wait for a load average under 1")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--no-report", action="store_true", help="print only; leave docs/PERFORMANCE.md alone")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 120 or not 1 <= args.rounds <= 5 or not 1 <= args.miss_seconds <= 30:
        parser.error("--seconds 1..120, --miss-seconds 1..30 and --rounds 1..5: runs stay bounded")
    tool = ("wrk" if wrk_available() else "python") if args.tool == "auto" else args.tool

    django_setup(args.db)
    from django.db import connection

    miss_modes = ("track-miss", "page-miss")
    pairs = prepare_sample(args.sample + args.rounds * len(miss_modes) * args.miss_sample)
    hits, misses = pairs[: args.sample], pairs[args.sample :]
    spans, at = {}, 0
    for r in range(args.rounds):
        for mode in miss_modes:
            spans[(r, mode)] = (at, at + args.miss_sample - 1)
            at += args.miss_sample
    # what earlier runs kept (the same applications under the same versions, perhaps by other code):
    # every first look below is then a miss, as it claims
    forget_cached(os.environ["REDIS_URL"], "*portal:*")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM intake_application")
        n_apps = cur.fetchone()[0]
        cur.execute("SELECT split_part(version(), ' ', 2)")
        pg_version = cur.fetchone()[0]
    connection.close()
    files = {}
    for kind, some in (("hit", hits), ("miss", misses)):
        files[kind] = Path(tempfile.mkstemp(prefix=f"smart-track-{kind}-", suffix=".txt")[1])
        files[kind].write_text("".join(f"{n} {p} {c}\n" for n, p, c in some))

    load_before = wait_quiet(max_seconds=args.quiet_wait)
    modes = ("bare", "track", "page", "track-miss", "page-miss")
    runs: dict[str, list[Run]] = {mode: [] for mode in modes}
    with Server(args.db, workers=args.workers, threads=args.threads) as server:
        check_answers(server.url, *hits[0])
        # the repeated looks' applications, looked up once (their views built and kept, as after the
        # first look that follows each recorded change)
        prime = measure("python", server.url, "track-miss", files["hit"], hits, args.clients, 120, (0, len(hits) - 1))
        print(f"priming: {prime.summary()}", flush=True)
        for mode in ("bare", "track", "page"):  # warm-up: imports, pools
            measure(tool, server.url, mode, files["hit"], hits, args.clients, 3, None)
        for r in range(args.rounds):
            for mode in modes if r % 2 == 0 else tuple(reversed(modes)):
                span = spans.get((r, mode))
                seconds, kind, some = (args.miss_seconds, "miss", misses) if span else (args.seconds, "hit", hits)
                run = measure(tool, server.url, mode, files[kind], some, args.clients, seconds, span)
                runs[mode].append(run)
                print(f"round {r + 1}: {run.summary()} wrapped {run.wrapped}", flush=True)
        workers, threads = server.workers, server.threads
    for path in files.values():
        path.unlink(missing_ok=True)

    def total(mode: str) -> dict:
        rs = runs[mode]
        reqs, secs = sum(r.requests for r in rs), sum(r.seconds for r in rs)
        return {
            "throughput": reqs / secs,
            "p50": sorted(r.p50 for r in rs)[len(rs) // 2],
            "p99": max(r.p99 for r in rs),
            "errors": sum(r.errors for r in rs),
            "wrapped": sum(r.wrapped for r in rs),
            "requests": reqs,
        }

    totals = {mode: total(mode) for mode in modes}
    bare = totals["bare"]
    targets = {"track": 0.60, "page": 0.60, "track-miss": 0.40, "page-miss": 0.40}
    lines, verdicts = [], []
    for mode in modes:
        t = totals[mode]
        ratio = t["throughput"] / bare["throughput"]
        per_round = ", ".join(f"{r.throughput:,.0f}" for r in runs[mode])
        p99s = ", ".join(f"{r.p99:.1f}" for r in runs[mode])
        if mode == "bare":
            verdict = ""
        else:
            goal = targets[mode]
            verdict = "met" if ratio >= goal else f"missed by {goal - ratio:.2f}"
            verdicts.append(f"{NAMES[mode]} {ratio:.2f}x (target >= {goal:.1f}x: {verdict})")
        lines.append(
            f"| {NAMES[mode]} | {per_round} | **{t['throughput']:,.0f}** | {t['p50']:.1f} | {p99s} | "
            f"**{t['p99']:.1f}** | {'1.00' if mode == 'bare' else f'**{ratio:.2f}x**'} | {t['errors']} | {verdict} |"
        )
    worst_p99 = max(totals[m]["p99"] for m in ("track", "page"))
    wrapped = totals["track-miss"]["wrapped"] + totals["page-miss"]["wrapped"]
    p99_verdict = "met" if worst_p99 <= 50 else f"missed by {worst_p99 - 50:.1f} ms"
    print("; ".join(verdicts))
    body = f"""## 1. Tracking vs a bare Django view: repeated and first looks, API and page

- Date: {now_text()}
- Command: `{command_line()}`
- Machine: {machine_line(f"PostgreSQL {pg_version}, Redis cache, gunicorn {gunicorn_version()}")};
  load average {load_before} before, {load_line()} after
- Database: {n_apps:,} applications; {len(pairs):,} of them looked up (random), with the right PIN
- Server: gunicorn (config/gunicorn.conf.py), {workers} processes x {threads} threads (gthread),
  `config.settings.production` (DEBUG off, pooled PostgreSQL connections, Redis cache) plus the bare
  view (bench/settings_bench.py); access log on, to a file
- Load: {tool}, {args.clients} concurrent connections (closed loop, keep-alive), {args.rounds} alternating rounds
  per endpoint after a 3 s warm-up; client and server share the {machine_line().split(" ")[0]} CPUs.
  *Repeated look*: {args.sample:,} applications looked up before the rounds, in a cycle, {args.seconds} s per round
  (the kept view is read: a cache hit). *First look*: per round and endpoint {args.miss_sample:,} other
  applications, each looked up once ({args.miss_seconds} s rounds: every request builds the view, a cache miss;
  a list run out and started again: {wrapped} times). API: `GET /api/v1/track/<no>` with `X-Tracking-PIN`;
  page: `GET /lacak/<no>/` with the grant cookie the PIN form sets; bare: `GET /bench/bare/<no>`, one indexed query.
- Before the rounds: the repeated looks' applications looked up once each ({prime.requests:,}, Python client):
  p50 {prime.p50:.1f} ms, p99 {prime.p99:.1f} ms

| endpoint | req/s per round | req/s all | p50 ms | p99 ms per round | p99 ms worst | vs bare | errors | target |
|---|---|---|---|---|---|---|---|---|
{chr(10).join(lines)}

Result: {"; ".join(verdicts)}; repeated looks' worst p99 **{worst_p99:.1f} ms**
(target <= 50 ms at 16 clients on a quiet machine: {p99_verdict}).
(Throughput: all requests over all rounds; p50: the middle round's; p99: the worst round's.)
"""
    if not args.no_report:
        report_section("track", body)
    print(body)


if __name__ == "__main__":
    main()
