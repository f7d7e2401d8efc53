"""The walk, over real HTTP: a building permit with a surveyed floor area gets its SKRD from the demo
tariff, the bank simulator's command pays it through the SNAP endpoints of a live server, and the
application moves on to its next step."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from permits.conftest import VALID_APPLICANT
from permits.demo.catalogue import catalog_load_demo
from permits.demo.tariffs import levies_load_demo
from permits.intake.services import application_register
from permits.levies.models import BankCall, Bill
from permits.levies.selectors import levy_for_tracking
from permits.workflow import services as wf

from .conftest import active


@pytest.mark.django_db(transaction=True)
def test_pbg_walk_paid_by_the_simulator_over_http(live_server, officers, snap_creds, capsys):
    catalog_load_demo()
    levies_load_demo()
    now = timezone.now()
    app = application_register(
        officer=officers["frontdesk"],
        permit_type_code="PBG",
        applicant=dict(VALID_APPLICANT),
        data={
            "luas_tanah": "200",
            "luas_bangunan": "140",  # declared
            "jumlah_lantai": "2",
            "fungsi_bangunan": "Usaha",
            "kompleksitas": "Tidak sederhana",
            "permanensi": "Permanen",
            "status_kepemilikan": "Perorangan/Badan usaha",
            "jenis_pembangunan": "Bangunan baru",
            "alamat_lokasi": "Jl. Pajajaran No. 12",
            "kelurahan": "Baranangsiang",
        },
        documents_received=["ktp", "npwp", "sertifikat-tanah", "kkpr", "gambar-teknis", "bukti-pbb"],
        now=now,
    ).application

    def done(role, payload):
        task = active(app)
        assert task.role == role, task.kind
        wf.task_complete(actor=officers[role], task_id=task.pk, payload=payload, now=now)

    done("verifier", {"documents_valid": True})
    survey = {"visit_date": timezone.localdate().isoformat(), "findings": "Sesuai gambar", "result": "pass"}
    done("surveyor", {**survey, "measurements": {"luas_bangunan": "150"}})  # measured on site
    done("data_entry", {"data": app.data})
    done("technical", {"recommendation": "approve", "reasons": "Memenuhi standar teknis"})
    done("treasurer", {})  # the SKRD as the tariff computes it
    app.refresh_from_db()
    assert app.status == "awaiting_payment"
    bill = Bill.objects.get(application=app)
    # PP 16/2021: 150 m2 (surveyed) x It (0,70 x (0,3x2 + 0,2x2 + 0,5x1,09 = 1,545) x 1 = 1,0815) x Ibg 1
    # x Ilo 0,005 x SHST Rp 5.800.000 (2026, the latest the demo sets) = 4.704.525 -> Rp 4.705.000
    assert bill.amount == Decimal(4705000)

    call_command("bank_simulate", "pay", bill.virtual_account_no, base_url=live_server.url)

    out = capsys.readouterr().out
    assert "== inquiry: HTTP 200 2002400" in out and "== payment: HTTP 200 2002500" in out
    app.refresh_from_db()
    bill.refresh_from_db()
    assert bill.state == "paid" and bill.paid_payment.channel == "snap"
    assert app.status == "in_process" and active(app).kind == "approval"
    levy = levy_for_tracking(app)
    assert levy["paid"] and levy["amount_display"] == "Rp 4.705.000"
    assert list(BankCall.objects.order_by("id").values_list("response_code", flat=True)) == [
        "2007300",
        "2002400",
        "2002500",
    ]
