"""What every benchmark shares: the machine, the report in docs/PERFORMANCE.md, the server, the clients.

Every benchmark is one command (`.venv/bin/python bench/<name>.py --db postgres://...`), sends traffic
to loopback only, stops by itself (bounded in requests and in time) and writes its own section of
docs/PERFORMANCE.md with the machine, the command, the date and the figures.
"""

import asyncio
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
REPORT = ROOT / "docs" / "PERFORMANCE.md"
# One key per run: the PINs the benchmarks set are hashed with it, in this process and in the server.
BENCH_SECRET_KEY = "bench-" + secrets.token_urlsafe(48)
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"


# --- the machine and the report ------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        total_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{total_kb / 1024 / 1024:.0f} GB"
    except (OSError, AttributeError):
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "python": platform.python_version()}


def machine_line(extra: str = "") -> str:
    m = machine()
    text = f"{m['nproc']} CPUs ({m['cpu']}), {m['memory']} RAM, Python {m['python']}"
    return f"{text}, {extra}" if extra else text


def load_line() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine skews every figure)."""
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def wait_quiet(threshold: float = 1.0, max_seconds: int = 180) -> str:
    """Wait (bounded) for the 1-minute load average to drop below `threshold`; the load line at the start."""
    deadline = time.monotonic() + max_seconds
    while time.monotonic() < deadline:
        try:
            if float(Path("/proc/loadavg").read_text().split()[0]) < threshold:
                break
        except (OSError, ValueError):
            break
        time.sleep(5)
    else:
        print(f"load average still {load_line()} after {max_seconds} s: measuring anyway", flush=True)
    return load_line()


def command_line() -> str:
    args = " ".join(_shell_quote(a) for a in sys.argv[1:])
    return f".venv/bin/python {Path(sys.argv[0]).resolve().relative_to(ROOT)} {args}".strip()


def _shell_quote(arg: str) -> str:
    return arg if re.fullmatch(r"[\w@%+=:,./-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def report_section(key: str, body: str) -> None:
    """Replace (or append) the section `key` of docs/PERFORMANCE.md, between its two markers."""
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "# Performance\n"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _old, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    REPORT.write_text(text, encoding="utf-8")
    print(f"-> {REPORT.relative_to(ROOT)} [{key}]")


# --- statistics ----------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of `values` (unsorted is fine)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


@dataclass
class Run:
    """What one load run measured (latencies in milliseconds)."""

    name: str
    requests: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    wrapped: int = 0  # wrk runs over a list walked once: times a thread ran out and started again
    p50: float = 0.0
    p90: float = 0.0
    p95: float = 0.0
    p99: float = 0.0

    def finish(self) -> "Run":
        if self.latencies_ms:
            self.p50, self.p90, self.p95, self.p99 = (percentile(self.latencies_ms, p) for p in (50, 90, 95, 99))
        return self

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (
            f"{self.name}: {self.requests} req in {self.seconds:.1f} s = {self.throughput:,.0f}/s, "
            f"p50 {self.p50:.1f} ms, p95 {self.p95:.1f} ms, p99 {self.p99:.1f} ms, errors {self.errors}, "
            f"statuses {dict(self.statuses)}"
        )


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(db: str, **extra: str) -> dict:
    """The production-like environment of the server (and of this process's Django)."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings_bench",
        DATABASE_URL=db,
        SECRET_KEY=BENCH_SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS),
        LOG_LEVEL="WARNING",
        OTP_ENFORCE="false",
    )
    env.update(extra)
    return env


def forget_cached(redis_url: str, pattern: str) -> None:
    """Delete the keys matching `pattern` from a benchmark's own Redis database."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=pattern):
        client.delete(key)


def django_setup(db: str, **extra: str) -> None:
    """Django in this process, on the benchmark's database and with the server's secret key."""
    env = server_env(db, **extra)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"  # no pool, no HTTPS rules: a plain client
    env["DEBUG"] = "false"
    os.environ.update(
        {k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY", "REDIS_URL", "DEBUG")}
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class Server:
    """gunicorn with config/gunicorn.conf.py on a loopback port, stopped (by its own pid) on exit."""

    def __init__(self, db: str, *, workers: int | None = None, threads: int = 4, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers or (os.cpu_count() or 1) * 2 + 1
        self.threads = threads
        self.log = Path(tempfile.mkdtemp(prefix="smart-bench-")) / "gunicorn.log"
        self.env = server_env(
            db,
            WEB_CONCURRENCY=str(self.workers),
            GUNICORN_THREADS=str(threads),
            GUNICORN_ACCESS_LOG=str(self.log.with_name("access.log")),
            GUNICORN_ERROR_LOG=str(self.log),
            GUNICORN_MAX_REQUESTS="0",  # no recycling in the middle of a measurement
            **(env or {}),
        )
        self.proc: subprocess.Popen | None = None

    _collected = False

    def __enter__(self) -> "Server":
        if not Server._collected:  # production storage serves hashed names from the manifest
            subprocess.run(
                [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env=self.env,
                check=True,
            )
            Server._collected = True
        cmd = [str(VENV_BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}); see {self.log}")
            try:
                urllib.request.urlopen(self.url + "/api/v1/openapi.json", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the group this Popen created, nothing else
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


class Worker:
    """The Huey consumer (`manage.py run_huey`, no schedule) with the server's environment, stopped (by
    its own process group) on exit."""

    def __init__(self, env: dict, workers: int = 2, nice: int = 0):
        self.env = dict(env)
        self.workers = workers
        self.nice = nice
        self.log = Path(tempfile.mkdtemp(prefix="smart-bench-worker-")) / "huey.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Worker":
        cmd = [str(VENV_BIN / "python"), "manage.py", "run_huey", "-n", "-w", str(self.workers), "-k", "thread"]
        if self.nice:  # below the web processes: the work that may wait
            cmd = ["nice", "-n", str(self.nice), *cmd]
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=out, stderr=out, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the Huey consumer exited ({self.proc.returncode}); see {self.log}")
            if b"Huey consumer started" in self.log.read_bytes():
                return self
            time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"the Huey consumer did not start within 60 s; see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


def gunicorn_version() -> str:
    out = subprocess.run([str(VENV_BIN / "gunicorn"), "--version"], capture_output=True, text=True)
    text = (out.stdout or out.stderr).strip()  # "gunicorn (version 27.0.1)"
    return text.rsplit(" ", 1)[-1].rstrip(")")


# --- load generators -----------------------------------------------------------------------------


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk_run(name: str, url: str, script: Path, args: list[str], *, clients: int, seconds: int, threads: int = 2) -> Run:
    """A closed-loop wrk run (`clients` connections, `seconds` long); the Lua script prints a JSON summary."""
    cmd = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--timeout", "5s", "-s", str(script), url, "--"]
    out = subprocess.run(cmd + args, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"wrk said: {out.stdout}\n{out.stderr}")
    data = json.loads(line)
    run = Run(name, data["requests"], data["duration_us"] / 1e6)
    run.errors = data["errors_status"] + data["errors_connect"] + data["errors_read"] + data["errors_timeout"]
    run.wrapped = data.get("wrapped", 0)
    run.statuses = (
        Counter({"non-2xx": data["errors_status"]}) if data["errors_status"] else Counter({"2xx": run.requests})
    )
    run.p50, run.p90, run.p95, run.p99 = (data[k] / 1000 for k in ("p50_us", "p90_us", "p95_us", "p99_us"))
    return run


async def _closed_loop(
    name: str,
    request: Callable[[object, int, int], Awaitable[int]],
    *,
    clients: int,
    total: int | None,
    seconds: float,
    think: float = 0.0,
) -> Run:
    import aiohttp

    latencies: list[float] = []
    statuses: Counter = Counter()
    counter = iter(range(total if total is not None else 10**12))
    deadline = time.perf_counter() + seconds
    errors = 0

    async def worker(session, wid: int) -> None:
        nonlocal errors
        if think:  # clients start at random moments, not all at once
            await asyncio.sleep(random.uniform(0, think))
        while time.perf_counter() < deadline:
            k = next(counter, None)
            if k is None:
                return
            started = time.perf_counter()
            try:
                status = await request(session, wid, k)
            except (TimeoutError, aiohttp.ClientError):
                errors += 1
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[status] += 1
            if think:
                await asyncio.sleep(think * random.uniform(0.5, 1.5))

    timeout = aiohttp.ClientTimeout(total=10)
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        began = time.perf_counter()
        await asyncio.gather(*(worker(session, w) for w in range(clients)))
        elapsed = time.perf_counter() - began
    run = Run(name, len(latencies), elapsed, latencies, statuses, errors)
    return run.finish()


def closed_loop(
    name, request, *, clients: int, total: int | None = None, seconds: float = 60.0, think: float = 0.0
) -> Run:
    """`clients` concurrent clients each sending `request(session, client, k)` back to back (or `think`
    seconds apart), until `total` requests are done or `seconds` have passed (whichever first)."""
    return asyncio.run(_closed_loop(name, request, clients=clients, total=total, seconds=seconds, think=think))
