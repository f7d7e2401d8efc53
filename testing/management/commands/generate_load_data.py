"""Fill the database with many realistic applications for the benchmarks (testing/loadgen.py, bench/).

    manage.py generate_load_data --applications 1000000 [--batch 10000] [--seed 1] [--years 3]

Refuses when DEBUG is off unless --force: the rows are invented and must never reach a real office.
"""

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from testing.loadgen import Options, generate, stderr_progress


class Command(BaseCommand):
    help = "Generate N realistic applications with their step histories (benchmark data)."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, required=True, help="how many applications to add")
        parser.add_argument("--batch", type=int, default=10_000, help="applications per COPY batch")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
        parser.add_argument("--years", type=float, default=3.0, help="history span in years, ending now")
        parser.add_argument("--in-process", type=float, default=0.10, help="share of applications still open")
        parser.add_argument("--keep-indexes", action="store_true", help="PostgreSQL: do not drop/rebuild indexes")
        parser.add_argument("--no-vacuum", action="store_true", help="PostgreSQL: skip VACUUM ANALYZE afterwards")
        parser.add_argument("--pins-out", default="", help="write registration_number,pin of every application here")
        parser.add_argument("--quiet", action="store_true", help="no progress lines")
        parser.add_argument("--force", action="store_true", help="run even though DEBUG is off")

    def handle(self, *args, **o):
        if not settings.DEBUG and not o["force"]:
            raise CommandError("Load data is invented: DEBUG is off, so this looks like production. Use --force.")
        if o["applications"] < 1 or o["batch"] < 1:
            raise CommandError("--applications and --batch must be at least 1.")
        if not 0 <= o["in_process"] <= 0.6:
            raise CommandError("--in-process must be between 0 and 0.6.")
        opts = Options(
            applications=o["applications"],
            batch=o["batch"],
            seed=o["seed"],
            years=o["years"],
            in_process=o["in_process"],
            drop_indexes=not o["keep_indexes"],
            vacuum=not o["no_vacuum"],
            pins_out=o["pins_out"],
        )
        stats = generate(opts, progress=None if o["quiet"] else stderr_progress)
        rows = ", ".join(f"{name} {count:,}" for name, count in stats.rows.items())
        status = ", ".join(f"{name} {count:,}" for name, count in sorted(stats.status.items()))
        secs = ", ".join(f"{name} {value:.1f} s" for name, value in stats.seconds.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"{stats.applications:,} permohonan dibuat dalam {stats.seconds['total']:.1f} s\n"
                f"  baris: {rows}\n  status: {status}\n"
                f"  tugas aktif: {stats.open_tasks:,} (terlambat {stats.overdue:,})\n  waktu: {secs}"
            )
        )
