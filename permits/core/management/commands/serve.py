"""`make run`: migrate, load the demo data once, then run the web server and the worker together (and the
local time-stamp authority / e-sign fake when no real ones are configured).

Ctrl-C stops both: they share this process group, so the terminal's SIGINT reaches each; we then
wait for them (and terminate whichever lingers) so nothing is left running.
"""

import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import BaseCommand, call_command


def _wait_for(address: str, seconds: float = 10) -> None:
    host, _, port = address.rpartition(":")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, int(port)), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)


class Command(BaseCommand):
    help = "Run the web server and the Huey worker together (development)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")

    def handle(self, *args, host, port, no_demo, **options):
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        procs = []
        try:
            # Decrees are time-stamped (and, with DECREE_SIGNER=esign, signed) over HTTP: with no TSA or e-sign
            # URL of its own, development uses the local ones (permits/decrees/localsign.py, docs/DECREE.md).
            # Started first: the demo data signs decrees.
            local = f"http://{settings.DECREE_LOCAL_SIGNING_ADDRESS}/"
            if settings.DECREE_TSA_URL.startswith(local) or settings.DECREE_ESIGN_URL.startswith(local):
                procs.append(subprocess.Popen([*manage, "local_signing_services"]))
                _wait_for(settings.DECREE_LOCAL_SIGNING_ADDRESS)
            self._serve(procs, manage, host, port, no_demo)
        except KeyboardInterrupt:
            pass
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGINT)
            deadline = time.monotonic() + 10
            for p in procs:
                try:
                    p.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    p.kill()
        self.stdout.write("SMART berhenti.")

    def _serve(self, procs, manage, host, port, no_demo):
        call_command("migrate", interactive=False, verbosity=0)
        if not no_demo:
            call_command("load_demo")
        call_command("collectstatic", interactive=False, verbosity=0)
        # The address given on the command line reaches the children's settings too, so the links the
        # worker and the server write (PUBLIC_BASE_URL, config/settings/base.py) point where we serve.
        env = {**os.environ, "HOST": host, "PORT": str(port)}
        procs += [
            subprocess.Popen([*manage, "run_huey", "--quiet"], env=env),
            subprocess.Popen([*manage, "runserver", "--noreload", f"{host}:{port}"], env=env),
        ]
        self.stdout.write(self.style.SUCCESS(f"\nSMART berjalan di http://{host}:{port}/  (Ctrl-C untuk berhenti)"))
        if not no_demo:
            call_command("demo_logins")

        def stop(signum, frame):
            raise KeyboardInterrupt

        # `kill`/a closed terminal stop the children too, not only Ctrl-C.
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGHUP, stop)
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
