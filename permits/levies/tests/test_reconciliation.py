import datetime

import pytest
from django.utils import timezone

from permits.core.errors import Conflict, ServiceError
from permits.core.models import AuditEvent
from permits.levies.models import StatementLine
from permits.levies.reconciliation import reconciliation_report, reconciliation_resolve, statement_import

pytestmark = pytest.mark.django_db

HEADER = "tanggal,waktu_transaksi,no_va,referensi_bank,payment_request_id,jumlah\n"


def test_statement_is_matched_reported_and_idempotent(officers, awaiting, bank):
    treasurer = officers["treasurer"]
    _, matched = awaiting()
    _, differs = awaiting()
    _, ours_only = awaiting()
    for bill in (matched, differs, ours_only):
        assert bank.pay(bill.virtual_account_no, bill.amount).code == "2002500"
    day = timezone.localdate()
    csv = HEADER + (
        f"{day},{day}T10:00:00+07:00,{matched.virtual_account_no},BJB-1,,1500000.00\n"
        f"{day},,{differs.virtual_account_no},BJB-2,,1400000\n"
        f"{day},,7700199999999,BJB-3,,250000\n"
        f"{day},,{matched.virtual_account_no},BJB-4,,1500000\n"  # the bank collected the same VA twice
        f"{day},,123,,,\n"
    )
    result = statement_import(actor=treasurer, content=csv.encode(), filename="rk.csv")
    assert (result.added, result.already, [row for row, _ in result.errors]) == (4, 0, [6])
    again = statement_import(actor=treasurer, content=csv.encode(), filename="rk.csv")
    assert (again.added, again.already) == (0, 4)
    assert StatementLine.objects.count() == 4

    report = reconciliation_report(day)
    assert [line.bank_reference for line in report.matched] == ["BJB-1"]
    assert [m.line.bank_reference for m in report.of("amount_diff")] == ["BJB-2"]
    assert sorted(m.line.bank_reference for m in report.of("bank_only")) == ["BJB-3", "BJB-4"]
    assert [m.payment.bill for m in report.of("ours_only")] == [ours_only]
    assert report.open_count == 4

    key = report.of("ours_only")[0].key
    reconciliation_resolve(actor=treasurer, key=key, day=day, note="Masuk rekening koran besok (lewat cut-off)")
    with pytest.raises(Conflict):
        reconciliation_resolve(actor=treasurer, key=key, day=day, note="lagi")
    with pytest.raises(ServiceError):
        reconciliation_resolve(actor=treasurer, key=report.of("bank_only")[0].key, day=day, note=" ")
    report = reconciliation_report(day)
    assert report.open_count == 3 and report.of("ours_only")[0].note.note.startswith("Masuk")
    events = AuditEvent.objects.filter(action="levy.reconciliation_resolve", stream=f"levies.statement:{day}")
    assert events.count() == 1


def test_a_late_statement_line_settles_an_ours_only_payment(officers, awaiting, bank):
    _, bill = awaiting()
    bank.pay(bill.virtual_account_no, bill.amount)
    today = timezone.localdate()
    assert len(reconciliation_report(today).of("ours_only")) == 1
    tomorrow = today + datetime.timedelta(days=1)
    statement_import(
        actor=officers["treasurer"], content=HEADER + f"{tomorrow},,{bill.virtual_account_no},BJB-9,,1500000\n"
    )
    assert reconciliation_report(today).of("ours_only") == []
    assert [ln.bank_reference for ln in reconciliation_report(tomorrow).matched] == ["BJB-9"]


def test_semicolon_csv_and_missing_columns(officers):
    treasurer = officers["treasurer"]
    content = "tanggal;no_va;referensi_bank;jumlah\n2026-11-20;770011;R;1000\n"
    result = statement_import(actor=treasurer, content=content)
    assert result.added == 1
    with pytest.raises(ServiceError) as err:
        statement_import(actor=treasurer, content="date,va,amount\n")
    assert "tanggal" in err.value.message
