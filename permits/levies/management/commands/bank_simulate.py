"""`manage.py bank_simulate pay <virtual_account_no>`: act as Bank BJB against a running server.

Real signed HTTP calls (token, inquiry, payment) with the simulator's credentials
(var/bank-simulator.json, created on first run). `inquiry` only asks what is owed; `status` asks how
a payment ended; `credentials` prints where the file is.
"""

import json
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from permits.levies.snap.client import SnapClient, http_transport
from permits.levies.snap.config import simulator_credentials


class Command(BaseCommand):
    help = "Act as Bank BJB: inquire and pay a virtual account through the SNAP endpoints (development)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["pay", "inquiry", "status", "credentials"])
        parser.add_argument("virtual_account_no", nargs="?", default="")
        parser.add_argument("--amount", help="pay this amount instead of what the inquiry says (to see a refusal)")
        parser.add_argument("--request-id", help="paymentRequestId (repeat one to see the replay answer)")
        parser.add_argument("--base-url", help="server to call (default: the file's base_url)")

    def handle(self, *args, action, virtual_account_no, amount, request_id, base_url, **options):
        creds = simulator_credentials()
        if action == "credentials":
            self.stdout.write(str(settings.SNAP_SIMULATOR_FILE))
            return
        if not virtual_account_no:
            raise CommandError("Sebutkan nomor virtual account.")
        client = SnapClient(creds, http_transport(base_url or creds["base_url"]))
        try:
            if action == "inquiry":
                steps = [("inquiry", client.inquiry(virtual_account_no))]
            elif action == "status":
                if not request_id:
                    raise CommandError("status needs --request-id")
                steps = [("status", client.status(virtual_account_no, request_id))]
            elif request_id or amount:
                value = Decimal(amount) if amount else None
                if value is None:
                    found = client.inquiry(virtual_account_no)
                    steps = [("inquiry", found)]
                    if not found.ok:
                        raise CommandError(json.dumps(found.body, indent=2))
                    value = Decimal(found.body["virtualAccountData"]["totalAmount"]["value"])
                else:
                    steps = []
                steps.append(("payment", client.pay(virtual_account_no, value, request_id=request_id)))
            else:
                steps = client.pay_bill(virtual_account_no)
        except (OSError, ValueError, RuntimeError, InvalidOperation) as exc:
            raise CommandError(f"Panggilan gagal: {exc}") from exc
        for name, resp in steps:
            self.stdout.write(f"== {name}: HTTP {resp.status} {resp.code} {resp.body.get('responseMessage', '')}")
            self.stdout.write(json.dumps(resp.body, indent=2, ensure_ascii=False))
        if not steps[-1][1].ok:
            raise CommandError(f"{steps[-1][0]} ditolak: {steps[-1][1].code}")
