"""The large-data generator, timed: a fresh database filled with N applications, the time written down.

    .venv/bin/python bench/loadgen.py --db postgres://postgres@127.0.0.1:5432/smart_bench_1m --applications 1000000

Drops and recreates the database named in `--db` (it must start with `smart_bench` or `smart_lg`, so a
real database cannot be named by mistake), migrates it, runs `manage.py generate_load_data` and records
the run as one line of the generator's table in docs/PERFORMANCE.md (one line per size).
Target (issue 9): 1,000,000 applications on PostgreSQL in under 15 minutes on this 2-core machine.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPORT, ROOT, VENV_BIN, load_line, machine_line, now_text, report_section  # noqa: E402

COMMAND = (
    ".venv/bin/python bench/loadgen.py --db postgres://postgres@127.0.0.1:5432/smart_bench_<size> --applications N"
)
HEADER = (
    "| applications | wall time (migrate excluded) | rows written | applications/s | phases (from the command) "
    "| date | load average before |\n|---|---|---|---|---|---|---|"
)


def psql(sql: str, url) -> None:
    args = ["psql", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    subprocess.run([*args, "-qc", sql, "postgres"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="postgres://.../smart_bench_<something> (recreated)")
    parser.add_argument("--applications", type=int, required=True)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    url = urlparse(args.db)
    name = url.path.lstrip("/")
    if not re.fullmatch(r"(smart_bench|smart_lg)\w*", name):
        parser.error("the database name must start with smart_bench or smart_lg (it is dropped and recreated)")
    if not 1 <= args.applications <= 5_000_000:
        parser.error("--applications 1..5,000,000")
    env = {**os.environ, "DATABASE_URL": args.db, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "true"}
    psql(f'DROP DATABASE IF EXISTS "{name}"', url)
    psql(f'CREATE DATABASE "{name}"', url)
    manage = [str(VENV_BIN / "python"), "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    load = load_line()
    started = time.perf_counter()
    out = subprocess.run(
        [*manage, "generate_load_data", "--applications", str(args.applications)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    wall = time.perf_counter() - started
    print(out)
    rows = re.search(r"baris: (.*)", out).group(1)
    total_rows = sum(int(n.replace(",", "")) for n in re.findall(r" ([\d,]+)(?:,|$)", rows + ","))
    phases = re.search(r"waktu: (.*)", out).group(1)
    line = (
        f"| {args.applications:,} | **{wall:.0f} s** ({wall / 60:.1f} min) | {total_rows:,} | "
        f"{args.applications / wall:,.0f} | {phases} | {now_text()} | {load} |"
    )
    if args.no_report:
        print(line)
        return
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    old = re.search(r"<!-- bench:loadgen -->(.*?)<!-- /bench:loadgen -->", text, re.S)
    kept = [
        ln
        for ln in (old.group(1).splitlines() if old else [])
        if ln.startswith("| ")
        and not ln.startswith("| applications")
        and not ln.startswith(f"| {args.applications:,} |")
    ]
    table = sorted(kept + [line], key=lambda ln: int(ln.split("|")[1].strip().replace(",", "")))
    body = f"""## 0. The large-data generator

- Command: `{COMMAND}`
  (recreates the database, migrates it, then times `manage.py generate_load_data --applications N`)
- Machine: {machine_line("PostgreSQL on the same machine with its default settings (shared_buffers 128 MB)")}
- What one application brings: applicant, documents seen, every task with its times and payload, pauses,
  the registration's audit event; for levy types the SKRD, its line, the bill and the payment; the decree and
  its handover once signed and collected. 10% of the files are still open. See testing/loadgen.py.
- Target: 1,000,000 applications in under 15 minutes.

{HEADER}
{chr(10).join(table)}
"""
    report_section("loadgen", body)


if __name__ == "__main__":
    main()
