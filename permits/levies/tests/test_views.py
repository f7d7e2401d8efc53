import pytest
from django.utils import timezone

from permits.conftest import make_user
from permits.levies.models import Bill, LevyAssessment, Payment, StatementLine
from permits.workflow import services as wf

from .conftest import active, test_tariff, walk_to_levy

pytestmark = pytest.mark.django_db


@pytest.fixture
def treasurer_client(client, officers):
    client.force_login(officers["treasurer"])
    return client


def test_treasurer_reviews_the_computed_lines_and_issues_the_skrd(treasurer_client, officers, register, snap_creds):
    app = register(now=timezone.now())
    test_tariff()
    walk_to_levy(officers, app, luas="150", now=timezone.now())
    task = active(app)
    index = treasurer_client.get("/retribusi/")
    assert index.status_code == 200 and app.registration_number in index.content.decode()
    page = treasurer_client.get(f"/retribusi/penetapan/{task.pk}/")
    assert page.status_code == 200 and "1500000" in page.content.decode()
    resp = treasurer_client.post(
        f"/retribusi/penetapan/{task.pk}/",
        {"rows": "3", "lines.0.description": "Retribusi uji", "lines.0.amount": "1500000", "lines.0.basis": "150 m2"},
    )
    assessment = LevyAssessment.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/retribusi/skrd/{assessment.pk}/"
    skrd = treasurer_client.get(resp["Location"]).content.decode()
    bill = Bill.objects.get()
    assert assessment.number in skrd and bill.virtual_account_no in skrd and "Rp 1.500.000" in skrd
    pdf = treasurer_client.get(f"/retribusi/skrd/{assessment.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"


def test_assess_page_shows_errors_for_bad_lines(treasurer_client, officers, register):
    app = register(now=timezone.now())
    walk_to_levy(officers, app, now=timezone.now())
    resp = treasurer_client.post(
        f"/retribusi/penetapan/{active(app).pk}/", {"rows": "1", "lines.0.description": "X", "lines.0.amount": "abc"}
    )
    assert resp.status_code == 422 and not LevyAssessment.objects.exists()


def test_teller_form_records_once(treasurer_client, awaiting):
    _, bill = awaiting()
    page = treasurer_client.get(f"/retribusi/tagihan/{bill.pk}/")
    assert page.status_code == 200 and bill.virtual_account_no in page.content.decode()
    form = {"reference": "BJB-55", "amount": "1.500.000", "paid_on": timezone.localdate().isoformat()}
    assert treasurer_client.post(f"/retribusi/tagihan/{bill.pk}/bayar/", form).status_code == 302
    assert treasurer_client.post(f"/retribusi/tagihan/{bill.pk}/bayar/", form).status_code == 302
    assert Payment.objects.count() == 1
    wrong = treasurer_client.post(f"/retribusi/tagihan/{bill.pk}/bayar/", {**form, "reference": "BJB-56"})
    assert wrong.status_code == 422 and "lunas" in wrong.content.decode()
    listing = treasurer_client.get("/retribusi/?state=paid").content.decode()
    assert bill.virtual_account_no in listing


def test_teller_form_is_offered_only_while_the_bill_can_be_paid(treasurer_client, officers, awaiting):
    app, bill = awaiting()
    assert "/bayar/" in treasurer_client.get(f"/retribusi/tagihan/{bill.pk}/").content.decode()
    wf.application_rework(
        actor=officers["supervisor"], application_id=app.pk, step_code="penetapan-retribusi", note="Luas salah"
    )
    bill.refresh_from_db()
    page = treasurer_client.get(f"/retribusi/tagihan/{bill.pk}/").content.decode()
    assert "/bayar/" not in page  # the file no longer waits for this money (the bank hears "not found")


@pytest.mark.parametrize("role", ["supervisor", "head", "admin"])
def test_attack_leader_records_a_counter_payment_on_the_bill_page_is_refused(client, officers, awaiting, role):
    _, bill = awaiting()
    client.force_login(officers.get(role) or make_user(role))
    page = client.get(f"/retribusi/tagihan/{bill.pk}/").content.decode()
    assert "/bayar/" not in page  # no counter form to offer
    form = {"reference": "BJB-55", "amount": "1.500.000", "paid_on": timezone.localdate().isoformat()}
    assert client.post(f"/retribusi/tagihan/{bill.pk}/bayar/", form).status_code == 403
    bill.refresh_from_db()
    assert bill.state == "open" and not Payment.objects.exists()


def test_attack_head_issues_the_skrd_from_the_levy_page_is_refused(client, officers, register):
    app = register(now=timezone.now())
    walk_to_levy(officers, app, now=timezone.now())
    client.force_login(officers["head"])
    page = client.get(f"/retribusi/penetapan/{active(app).pk}/")
    assert page.status_code == 200 and "Terbitkan SKRD" not in page.content.decode()
    resp = client.post(
        f"/retribusi/penetapan/{active(app).pk}/",
        {"rows": "1", "lines.0.description": "Retribusi", "lines.0.amount": "100000"},
    )
    assert resp.status_code == 403 and not LevyAssessment.objects.exists()


def test_reissue_and_cancel_forms(treasurer_client, awaiting):
    _, bill = awaiting()
    assert treasurer_client.post(f"/retribusi/tagihan/{bill.pk}/terbitkan-ulang/", {"reason": ""}).status_code == 422
    resp = treasurer_client.post(f"/retribusi/tagihan/{bill.pk}/terbitkan-ulang/", {"reason": "VA hilang"})
    new = Bill.objects.get(state="open")
    assert resp["Location"] == f"/retribusi/tagihan/{new.pk}/"
    treasurer_client.post(f"/retribusi/tagihan/{new.pk}/batalkan/", {"reason": "Salah"})
    new.refresh_from_db()
    assert new.state == "cancelled"


def test_reconciliation_upload_and_resolve(treasurer_client, awaiting, bank):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, bill = awaiting()
    day = timezone.localdate().isoformat()
    csv = f"tanggal,no_va,referensi_bank,jumlah\n{day},{bill.virtual_account_no},BJB-1,1500000\n"
    resp = treasurer_client.post("/retribusi/rekonsiliasi/", {"file": SimpleUploadedFile("rk.csv", csv.encode())})
    assert resp.status_code == 302 and resp["Location"].endswith(f"?date={day}")
    page = treasurer_client.get(resp["Location"]).content.decode()
    assert "BJB-1" in page
    key = f"bank_only:line:{StatementLine.objects.get().pk}"
    note = {"key": key, "date": day, "note": "Bayar sebelum tercatat"}
    treasurer_client.post("/retribusi/rekonsiliasi/selesaikan/", note)
    assert "Bayar sebelum tercatat" in treasurer_client.get(resp["Location"]).content.decode()


def test_other_roles_cannot_open_the_treasurer_pages(client, officers):
    client.force_login(officers["verifier"])
    assert client.get("/retribusi/").status_code == 403


def test_dev_bank_page_exists_only_in_development(client, settings, snap_creds):
    settings.DEBUG = False
    assert client.get("/dev/bank/").status_code == 404
    settings.DEBUG = True
    page = client.get("/dev/bank/")
    assert page.status_code == 200 and "virtual account" in page.content.decode().lower()


def test_head_reads_bills_but_sees_no_forms_to_act_on_them(client, db):
    """The head may read the levy pages; recording, reissuing, cancelling and importing are the treasurer's."""
    client.force_login(make_user("head"))
    page = client.get("/retribusi/rekonsiliasi/")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' not in page.content.decode()
    assert client.post("/retribusi/rekonsiliasi/", {}).status_code == 403
