"""The real processes of the fault tests: a throw-away PostgreSQL cluster, child processes in their
own process groups (gunicorn, the Huey consumer, management commands) with their output in log
files, free loopback ports and the environment the children run in.

Nothing here touches the machine's shared PostgreSQL or the developer's var/: every child gets its
own SMART_VAR_DIR and DATABASE_URL, and whoever starts something stops it (the fixtures' finalizers
call `Child.stop` and `Postgres.cleanup`).
"""

import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
MANAGE = str(BASE_DIR / "manage.py")
RESULT_MARK = "FAULTS-RESULT "

# What the children must not inherit from whoever runs the tests: CI sets DATABASE_URL for its
# PostgreSQL pass, pytest-django sets DJANGO_SETTINGS_MODULE, a developer may export the rest.
_NOT_INHERITED = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SMART_VAR_DIR",
    "SNAP_SIMULATOR_FILE",
    "SNAP_USE_SIMULATOR",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off, Huey through its real queue, pooled PostgreSQL), SQLite
    unless DATABASE_URL is given, and every file under `var_dir`."""
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SMART_VAR_DIR=str(var_dir),
        SECRET_KEY="faults-" + secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback; TLS ends at the balancer in production
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(BASE_DIR),
    )
    env.update(extra)
    return env


class Child:
    """A process in its own process group, its output appended to `<log_dir>/<name>.log`."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path):
        self.name = name
        self.log_path = Path(log_dir) / f"{name}.log"
        self._log = open(self.log_path, "ab")  # closed in stop() or kill()
        self.proc = subprocess.Popen(
            args,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL to the whole group: no cleanup, no atexit, exactly what a crash or the OOM killer does."""
        self._signal_group(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._log.close()

    def stop(self, timeout: float = 10) -> None:
        if self.alive:
            self._signal_group(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.proc.wait(timeout=10)
        else:
            self._signal_group(signal.SIGKILL)  # a child the group leader left behind
        self._log.close()

    def output(self, tail: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return ""


def run(args: list[str], env: dict[str, str], *, timeout: float = 120) -> str:
    """Run a command to its end; its output, or an AssertionError that shows it."""
    done = subprocess.run(
        args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done.stdout


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    return run([PYTHON, MANAGE, *args], env, timeout=timeout)


def scenario(env: dict[str, str], command: str, timeout: float = 120, **kwargs) -> dict:
    """Run `testing.faults.scenario <command>` in a child with `env`; its JSON result."""
    out = run([PYTHON, "-m", "testing.faults.scenario", command, json.dumps(kwargs)], env, timeout=timeout)
    for line in reversed(out.splitlines()):
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK) :])
    raise AssertionError(f"scenario {command} gave no result:\n{out[-3000:]}")


def wait_until(predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.05):
    """Poll until `predicate()` is truthy; its value. AssertionError naming `what` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# --- a PostgreSQL cluster of our own --------------------------------------------------------------


def postgres_bindir() -> Path | None:
    """The newest installed PostgreSQL's bin folder holding initdb and pg_ctl (Debian keeps them
    under /usr/lib/postgresql/<version>/bin; elsewhere they are on PATH)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found and (found[-1].parent / "initdb").exists():
        return found[-1].parent
    pg_ctl, initdb = shutil.which("pg_ctl"), shutil.which("initdb")
    if pg_ctl and initdb and Path(pg_ctl).resolve().parent == Path(initdb).resolve().parent:
        return Path(pg_ctl).resolve().parent
    return None


def postgres_unavailable_reason() -> str:
    """Why a throw-away cluster cannot be made here ("" when it can)."""
    if postgres_bindir() is None:
        return "initdb/pg_ctl not installed"
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "running as root without runuser (initdb refuses root)"
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to own the cluster"
    return ""


class Postgres:
    """A PostgreSQL cluster in a temporary folder, listening on a free loopback port and a socket
    in that folder only. Trust authentication for user `smart`; nobody else can reach it.

    fsync is off: `stop("immediate")` kills the server processes, it does not crash the machine,
    so every WAL record written before the kill is still in the kernel's page cache and crash
    recovery replays it exactly as after a real process crash. Only a power cut would differ.
    """

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="smart-faults-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.running = False
        self._as_owner: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to the postgres user
            owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            self._as_owner = ["runuser", "-u", "postgres", "--"]
        self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "smart", "-E", "UTF8", "--no-locale", "--no-sync")

    def _pg(self, tool: str, *args: str, timeout: float = 60) -> str:
        done = subprocess.run(
            [*self._as_owner, str(self.bindir / tool), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            raise AssertionError(f"{tool} {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        self._pg(
            "pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"), "-o", options, "-w", "-t", "60", "start"
        )
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """`immediate`: every server process quits at once, no checkpoint: a crash, recovered at the next start."""
        self._pg("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def create_database(self, name: str) -> str:
        subprocess.run(
            [str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "smart", name],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return f"postgres://smart@127.0.0.1:{self.port}/{name}"

    def log(self, tail: int = 3000) -> str:
        try:
            return (self.dir / "server.log").read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def cleanup(self) -> None:
        if self.running:
            try:
                self.stop("immediate")
            except Exception:  # pg_ctl failed: end our own postmaster by its pid, then its children go too
                try:
                    pid = int((self.data / "postmaster.pid").read_text().split()[0])
                    os.kill(pid, signal.SIGQUIT)
                except (OSError, ValueError, IndexError):
                    pass
        shutil.rmtree(self.dir, ignore_errors=True)
