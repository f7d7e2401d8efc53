"""Benchmark 2: officers' reads at 10,000 and at 1,000,000 applications, side by side.

    .venv/bin/python bench/officer_pages.py \
        --small postgres://postgres@127.0.0.1:5432/smart_bench_10k \
        --large postgres://postgres@127.0.0.1:5432/smart_bench_1m

Both databases are filled by `manage.py generate_load_data` (10% of the files still open). One
gunicorn per database (production settings) runs at the same time; each endpoint is measured in
alternating rounds (small, large, small, large ...) at `--clients` concurrent officers with bearer
tokens, `--requests` requests per round:

* `GET /api/v1/tasks`: the officer queue of a verifier (own tasks and the role's unclaimed ones,
  most urgent first, 50 a page, with the total count);
* `GET /api/v1/tasks?scope=all`: a supervisor's view of every active task (first page and count);
* `GET /api/v1/applications/<no>`: the detail of a random application with its whole task history;
* the officer queue page `GET /kerja/?scope=all` (a supervisor's session, every active task, 25 a page)
  beside the same first page from the API, `GET /api/v1/tasks?scope=all&limit=25` (issue 22: page
  p50 <= 25 ms at both sizes);
* the leadership dashboard and the stalled list, when the monitoring app is installed, and the
  dashboard with its cached history figures dropped before each request (one officer, a few requests).

Targets (issue 9): p95 < 200 ms at a million, and large/small p95 ratio < 2.
`--only WORD,WORD` measures only the endpoints whose label contains one of the words.
"""

import argparse
import base64
import hashlib
import re
import secrets
import sys
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    DEFAULT_REDIS,
    Run,
    Server,
    closed_loop,
    command_line,
    forget_cached,
    gunicorn_version,
    load_line,
    machine_line,
    now_text,
    report_section,
    wait_quiet,
)


def _dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def prepare(url: str, sample: int) -> dict:
    """Tokens for a verifier and a supervisor, and `sample` random registration numbers."""
    with psycopg.connect(_dsn(url), autocommit=True) as conn:
        cur = conn.cursor()
        tokens = {}
        for role in ("verifier", "supervisor"):
            cur.execute(
                "SELECT u.id FROM auth_user u WHERE u.username = %s", [f"lg-{role}-01"]
            )  # created by generate_load_data, with the group of its role
            row = cur.fetchone()
            if row is None:
                raise SystemExit(f"{url}: no lg-{role}-01 officer: fill it with manage.py generate_load_data")
            key = secrets.token_urlsafe(32)
            now = datetime.now(UTC)
            cur.execute(
                "INSERT INTO core_apitoken (user_id, key_hash, created_at, expires_at, revoked)"
                " VALUES (%s, %s, %s, %s, false)",
                [row[0], hashlib.sha256(key.encode()).hexdigest(), now, now + timedelta(hours=2)],
            )
            tokens[role] = key
        # a password for the supervisor, for the pages (session login): PBKDF2 in Django's format
        salt = secrets.token_hex(8)
        digest = hashlib.pbkdf2_hmac("sha256", PAGE_PASSWORD.encode(), salt.encode(), 100_000)
        encoded = f"pbkdf2_sha256$100000${salt}${base64.b64encode(digest).decode()}"
        cur.execute("UPDATE auth_user SET password = %s WHERE username = 'lg-supervisor-01'", [encoded])
        cur.execute("SELECT count(*) FROM intake_application")
        count = cur.fetchone()[0]
        cur.execute("SELECT registration_number FROM intake_application ORDER BY random() LIMIT %s", [sample])
        numbers = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT count(*) FROM workflow_task WHERE state IN ('open', 'claimed')")
        active = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM workflow_task")
        tasks = cur.fetchone()[0]
    return {"tokens": tokens, "numbers": numbers, "applications": count, "active": active, "tasks": tasks}


PAGE_PASSWORD = "bench-" + secrets.token_urlsafe(12)
# One Redis database per server: the two offices must not share cached figures (the dashboard's
# history is cached under the same key in both).
REDIS = {"small": "redis://127.0.0.1:6379/13", "large": DEFAULT_REDIS}
HISTORY_SAMPLES = 5


def forget_history(size: str) -> None:
    """Drop the dashboard's cached history figures of one server (as when its 5 minutes are over)."""
    if REDIS[size]:  # none: the server caches in its own memory (`--redis-small ''`)
        forget_cached(REDIS[size], "*monitoring:history*")


def _cookie(headers, name: str) -> str:
    for value in headers.get_all("Set-Cookie") or []:
        match = re.match(rf"{name}=([^;]+)", value)
        if match:
            return match.group(1)
    return ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session_login(base: str, username: str) -> str:
    """Log in through the login page (as a browser would); the session cookie's value."""
    page = urllib.request.urlopen(f"{base}/masuk/", timeout=10)
    html = page.read().decode()
    csrf = _cookie(page.headers, "csrftoken")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode({"username": username, "password": PAGE_PASSWORD, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(
        f"{base}/masuk/", data=form.encode(), headers={"Cookie": f"csrftoken={csrf}", "Referer": f"{base}/masuk/"}
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        answer = opener.open(request, timeout=30)
        headers = answer.headers
    except urllib.error.HTTPError as exc:  # the 302 after a successful login
        headers = exc.headers
    session = _cookie(headers, "sessionid")
    if not session:
        raise SystemExit(f"could not log in as {username} at {base}")
    return session


def endpoints(include_monitoring: bool) -> list[tuple[str, str, str]]:
    """(label, path or "{no}" template, whose token)."""
    out = [
        ("officer queue `GET /api/v1/tasks` (verifier)", "/api/v1/tasks", "verifier"),
        ("all active tasks `GET /api/v1/tasks?scope=all` (supervisor)", "/api/v1/tasks?scope=all", "supervisor"),
        ("application detail `GET /api/v1/applications/<no>`", "/api/v1/applications/{no}", "supervisor"),
        (
            "queue, first page from the API `GET /api/v1/tasks?scope=all&limit=25` (supervisor)",
            "/api/v1/tasks?scope=all&limit=25",
            "supervisor",
        ),
        ("officer queue page `GET /kerja/?scope=all` (supervisor, 25 a page)", "/kerja/?scope=all", "session"),
    ]
    if include_monitoring:
        out += [
            ("leadership dashboard `GET /pimpinan/` (page)", "/pimpinan/", "session"),
            ("stalled list `GET /pimpinan/tersendat/` (page)", "/pimpinan/tersendat/", "session"),
        ]
    return out


HISTORY_ENDPOINT = (
    f"dashboard, history not cached (1 officer, {HISTORY_SAMPLES} requests: the first view of a period)",
    "/pimpinan/",
    "session",
)


def run_endpoint(
    base: str, path: str, token: str, numbers: list[str], clients: int, requests: int, name: str, seconds: float = 30
) -> Run:
    headers = (
        {"Cookie": f"sessionid={token[8:]}"} if token.startswith("session:") else {"Authorization": f"Bearer {token}"}
    )

    async def request(session, wid: int, k: int) -> int:
        target = base + path.replace("{no}", numbers[(wid * 7919 + k) % len(numbers)])
        async with session.get(target, headers=headers) as resp:
            await resp.read()
            return resp.status

    return closed_loop(name, request, clients=clients, total=requests, seconds=seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", required=True, help="postgres://... with about 10,000 applications")
    parser.add_argument("--large", required=True, help="postgres://... with about 1,000,000 applications")
    parser.add_argument("--clients", type=int, default=4, help="concurrent officers")
    parser.add_argument("--requests", type=int, default=300, help="requests per endpoint, database and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=30, help="a round stops after this long in any case")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes per database's server")
    parser.add_argument("--monitoring", choices=["auto", "yes", "no"], default="auto")
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument(
        "--only", default="", help="comma-separated words: measure only the endpoints whose label has one"
    )
    parser.add_argument("--quiet-wait", type=int, default=180, help="seconds to wait at most for a quiet machine")
    parser.add_argument("--no-history", action="store_true", help="skip the dashboard without kept history figures")
    parser.add_argument("--redis-small", default=REDIS["small"], help="the small server's Redis ('': none, in memory)")
    parser.add_argument("--redis-large", default=REDIS["large"], help="the large server's Redis (its own database)")
    args = parser.parse_args()
    REDIS.update(small=args.redis_small, large=args.redis_large)
    if not 1 <= args.requests <= 5000 or not 1 <= args.rounds <= 5 or not 1 <= args.clients <= 64:
        parser.error("--requests 1..5000, --rounds 1..5, --clients 1..64: runs stay bounded")

    dbs = {"small": prepare(args.small, 2000), "large": prepare(args.large, 2000)}
    monitoring = args.monitoring == "yes"
    if args.monitoring == "auto":
        from importlib.util import find_spec

        monitoring = find_spec("permits.monitoring.urls") is not None
    words = [w.strip() for w in args.only.split(",") if w.strip()]
    eps = [e for e in endpoints(monitoring) if not words or any(w in e[0] for w in words)]
    history = monitoring and not args.no_history and (not words or any(w in HISTORY_ENDPOINT[0] for w in words))
    load_before = wait_quiet(max_seconds=args.quiet_wait)
    results: dict[tuple[str, str], list[Run]] = {}

    def merged(label: str, size: str) -> Run:
        runs = results[(label, size)]
        m = Run(label, sum(r.requests for r in runs), sum(r.seconds for r in runs))
        for r in runs:
            m.latencies_ms += r.latencies_ms
            m.statuses.update(r.statuses)
            m.errors += r.errors
        return m.finish()

    for size in ("small", "large"):
        forget_history(size)
    with (
        Server(args.small, workers=args.workers, env={"REDIS_URL": REDIS["small"]}) as small,
        Server(args.large, workers=args.workers, env={"REDIS_URL": REDIS["large"]}) as large,
    ):
        servers = {"small": small, "large": large}
        if any(role == "session" for _label, _path, role in eps):
            for size in ("small", "large"):
                dbs[size]["tokens"]["session"] = "session:" + session_login(servers[size].url, "lg-supervisor-01")
        for label, path, role in eps:
            for size in ("small", "large"):  # warm-up
                d = dbs[size]
                run_endpoint(servers[size].url, path, d["tokens"][role], d["numbers"], args.clients, 30, "warm-up")
            for r in range(args.rounds):
                for size in ("small", "large") if r % 2 == 0 else ("large", "small"):
                    d = dbs[size]
                    run = run_endpoint(
                        servers[size].url,
                        path,
                        d["tokens"][role],
                        d["numbers"],
                        args.clients,
                        args.requests,
                        label,
                        args.seconds,
                    )
                    results.setdefault((label, size), []).append(run)
                    print(f"{size:5s} {run.summary()}", flush=True)
        if history:  # the dashboard when its history figures are not in the cache: one officer, a few times
            label, path, role = HISTORY_ENDPOINT
            for size in ("small", "large"):
                d = dbs[size]
                for _ in range(HISTORY_SAMPLES):
                    forget_history(size)
                    run = run_endpoint(servers[size].url, path, d["tokens"][role], d["numbers"], 1, 1, label, 120)
                    results.setdefault((label, size), []).append(run)
                print(f"{size:5s} {merged(label, size).summary()}", flush=True)
    load_after = load_line()

    lines, verdicts = [], []
    for label, _path, _role in eps + ([HISTORY_ENDPOINT] if history else []):
        s, g = merged(label, "small"), merged(label, "large")
        ratio = g.p95 / s.p95 if s.p95 else float("inf")
        bad = sum(v for k, v in (s.statuses + g.statuses).items() if k != 200) + s.errors + g.errors
        ok = g.p95 < 200 and ratio < 2 and bad == 0
        verdicts.append(ok)
        lines.append(
            f"| {label} | {s.p50:.1f} | {s.p95:.1f} | {g.p50:.1f} | {g.p95:.1f} | {ratio:.2f} | {bad} "
            f"| {'met' if ok else 'MISSED'} |"
        )
    queue_note = ""
    page_label = next((label for label, path, _r in eps if path.startswith("/kerja/")), None)
    api_label = next((label for label, path, _r in eps if path.endswith("limit=25")), None)
    if page_label:
        ps, pl = merged(page_label, "small"), merged(page_label, "large")
        worst = max(ps.p50, pl.p50)
        verdict = "met" if worst <= 25 else f"missed by {worst - 25:.1f} ms"
        queue_note = (
            f"\nQueue page p50: {ps.p50:.1f} ms (small), {pl.p50:.1f} ms (large); target <= 25 ms at both: {verdict}."
        )
        if api_label:
            a_s, a_l = merged(api_label, "small"), merged(api_label, "large")
            queue_note += f" The API's same first page: {a_s.p50:.1f} / {a_l.p50:.1f} ms p50."
    title = "Officer queue, application detail" + (", dashboard, stalled list" if monitoring else "")
    small, large = dbs["small"], dbs["large"]
    body = f"""## 2. {title}: 10,000 vs 1,000,000 applications

- Date: {now_text()}
- Command: `{command_line()}`
- Machine: {machine_line(f"gunicorn {gunicorn_version()}")}; load average {load_before} before, {load_after} after
- Databases (generate_load_data): small {small["applications"]:,} applications / {small["tasks"]:,} tasks
  ({small["active"]:,} active); large {large["applications"]:,} applications / {large["tasks"]:,} tasks
  ({large["active"]:,} active). The open share is 10% in both, so the large office's queues are 100 times
  longer too: the verifier `lg-verifier-01` owns about 1,200 claimed tasks there.
- Servers: one gunicorn per database, {args.workers} processes x 4 threads each, production settings, both running,
  each with its own Redis database (cache)
- Load: {args.clients} concurrent officers (bearer tokens for the API, a session for the pages),
  {args.rounds} alternating rounds of {args.requests} requests (or {args.seconds} s, whichever first) per endpoint
  and database after a warm-up of 30; detail pages of 2,000 random applications. The dashboard's figures
  about the past (month, 12 weeks, 90 days) are computed by a worker and kept (docs/MONITORING.md); no
  worker runs here, so those of the warm-up serve the run and the dashboard rows measure the live part;
  the last row measures the page when none are kept (it computes them itself)
- Target: p95 < 200 ms at a million and a 1M/10k p95 ratio < 2

| endpoint | 10k p50 ms | 10k p95 ms | 1M p50 ms | 1M p95 ms | 1M/10k p95 | non-200 | target |
|---|---|---|---|---|---|---|---|
{chr(10).join(lines)}
{queue_note}
"""
    if not args.no_report:
        report_section("officer_pages", body)
    print(body)
    if not monitoring:
        print("(monitoring not installed: dashboard and stalled list not measured)")


if __name__ == "__main__":
    main()
