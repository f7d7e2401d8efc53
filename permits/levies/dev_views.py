"""Development only (DEBUG): the bank simulator in the browser.

A newcomer enters a VA number and pays; this page acts as Bank BJB and makes the same signed HTTP
calls to the running server that the real bank would (token, inquiry, payment), then shows them.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from .snap.client import SnapClient, http_transport
from .snap.config import simulator_credentials


def _client(request) -> SnapClient:
    creds = simulator_credentials()
    return SnapClient(creds, http_transport(f"{request.scheme}://{request.get_host()}"))


def bank(request):
    if not settings.DEBUG:
        raise Http404
    ctx = {"va": "", "steps": [], "error": "", "amount": ""}
    if request.method == "POST":
        va = "".join(request.POST.get("va", "").split())
        ctx["va"] = va
        amount = None
        if request.POST.get("amount", "").strip():
            try:
                amount = Decimal(request.POST["amount"].strip().replace(".", "").replace(",", "."))
                ctx["amount"] = request.POST["amount"].strip()
            except InvalidOperation:
                ctx["error"] = "Jumlah harus angka."
        if not va.isdigit():
            ctx["error"] = "Masukkan nomor virtual account (angka)."
        if not ctx["error"]:
            client = _client(request)
            try:
                if request.POST.get("action") == "pay":
                    ctx["steps"] = client.pay_bill(va, amount)
                else:
                    ctx["steps"] = [("inquiry", client.inquiry(va))]
            except (OSError, ValueError, RuntimeError) as exc:
                ctx["error"] = f"Panggilan ke server gagal: {exc}"
    return render(request, "levies/dev_bank.html", ctx)
