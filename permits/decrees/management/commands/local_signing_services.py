"""`manage.py local_signing_services`: the local RFC 3161 time-stamp authority and BSrE e-sign fake on
DECREE_LOCAL_SIGNING_ADDRESS (development only; `make run` starts it when the TSA or e-sign URL points there)."""

import time

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from permits.decrees import localsign


class Command(BaseCommand):
    help = "Run the local time-stamp authority and e-sign fake on loopback (development)."

    def handle(self, *args, **options):
        if not settings.DEBUG and not settings.DECREE_SIGNING_DEV_CERT:
            raise CommandError("local signing services are for development only")
        host, _, port = settings.DECREE_LOCAL_SIGNING_ADDRESS.rpartition(":")
        try:
            server = localsign.start(host or "127.0.0.1", int(port))
        except OSError as exc:
            raise CommandError(f"cannot listen on {settings.DECREE_LOCAL_SIGNING_ADDRESS}: {exc}") from exc
        base = f"http://{settings.DECREE_LOCAL_SIGNING_ADDRESS}"
        self.stdout.write(f"TSA {base}/tsa, e-sign {base}/esign (pengembangan)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
