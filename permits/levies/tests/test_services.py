"""Assessment, bills and the teller fallback: the rules that hold the money straight."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from permits.catalog.models import PermitType
from permits.conftest import make_user
from permits.core.errors import Conflict, Forbidden, ServiceError
from permits.core.models import AuditEvent
from permits.levies.models import Bill, LevyAssessment, Payment
from permits.levies.selectors import bill_payability, levy_estimate, levy_for_tracking
from permits.levies.services import (
    TELLER,
    assessment_compute,
    assessment_issue,
    bill_reissue,
    due_date_for,
    luhn_digit,
    payment_post,
    payment_post_teller,
)
from permits.workflow import services as wf
from permits.workflow.models import Task

from .conftest import JKT, active, finish, test_tariff, walk_to_levy

pytestmark = pytest.mark.django_db


def test_skrd_is_computed_from_the_tariff_and_the_surveyed_floor_area(officers, register):
    app = register()
    test_tariff()
    walk_to_levy(officers, app, luas="150.5")  # declared 120 m2, the surveyor measured 150,5 m2
    draft = assessment_compute(app)
    # 150,5 x 10.000 x 1 (Hunian) = 1.505.000 (a whole thousand)
    assert [(x["amount"], x["basis"]) for x in draft.lines] == [("1505000", "150,5 m2 x Rp 10.000 x 1 (Hunian)")]
    assessment = assessment_issue(actor=officers["treasurer"], task_id=active(app).pk)
    app.refresh_from_db()
    assert app.status == "awaiting_payment" and active(app).kind == "payment"
    assert assessment.total == Decimal(1505000) and not assessment.adjusted
    assert assessment.rule_snapshot["version"] == "1"
    bill = assessment.bills.get()
    assert bill.state == "open" and bill.amount == assessment.total
    assert bill.virtual_account_no == "77001" + bill.customer_no and len(bill.customer_no) == 12
    assert luhn_digit(bill.customer_no[:-1]) == bill.customer_no[-1]
    # at least 30 days on, on a working day (issue 18: rolled past weekends and holidays)
    assert bill.due_date == due_date_for(timezone.localdate()) >= timezone.localdate() + datetime.timedelta(days=30)
    next_day = bill.due_date + datetime.timedelta(days=1)
    assert bill.expires_at == datetime.datetime.combine(next_day, datetime.time(0), tzinfo=JKT)
    task = Task.objects.get(application=app, kind="levy_assessment")
    assert task.payload["skrd_number"] == assessment.number
    assert task.payload["virtual_account_no"] == bill.virtual_account_no
    assert AuditEvent.objects.filter(stream=f"intake.application:{app.pk}", action="levy.skrd_issue").exists()


def test_treasurer_may_adjust_the_computed_lines(officers, register):
    app = register()
    test_tariff()
    walk_to_levy(officers, app)
    lines = [{"description": "Retribusi uji", "amount": "1.200.000"}, {"description": "Papan proyek", "amount": 50000}]
    assessment = assessment_issue(actor=officers["treasurer"], task_id=active(app).pk, lines=lines)
    assert assessment.total == Decimal(1250000) and assessment.adjusted
    assert [ln.amount for ln in assessment.lines.all()] == [Decimal(1200000), Decimal(50000)]
    assert assessment.computed[0]["amount"] == "1200000"


def test_without_a_tariff_the_treasurer_must_enter_the_lines(officers, register):
    app = register()
    walk_to_levy(officers, app)
    with pytest.raises(ServiceError) as err:
        assessment_issue(actor=officers["treasurer"], task_id=active(app).pk)
    assert "tarif" in err.value.fields["lines"]
    assert not LevyAssessment.objects.exists()


def test_skrd_numbers_are_gap_free_per_year(officers, register):
    test_tariff_done = False
    numbers = []
    for when in (
        datetime.datetime(2026, 12, 30, 10, tzinfo=JKT),
        datetime.datetime(2026, 12, 31, 10, tzinfo=JKT),
        datetime.datetime(2027, 1, 4, 10, tzinfo=JKT),
    ):
        app = register(now=when - datetime.timedelta(days=20))
        if not test_tariff_done:
            test_tariff()
            test_tariff_done = True
        walk_to_levy(officers, app, now=when)
        numbers.append(assessment_issue(actor=officers["treasurer"], task_id=active(app).pk, now=when).number)
    assert numbers == ["SKRD/2026/00001", "SKRD/2026/00002", "SKRD/2027/00001"]


def test_a_failed_issue_leaves_no_gap(officers, register):
    app = register()
    walk_to_levy(officers, app)
    with pytest.raises(ServiceError):  # no tariff, no lines: the whole step rolls back
        assessment_issue(actor=officers["treasurer"], task_id=active(app).pk)
    test_tariff()
    assert assessment_issue(actor=officers["treasurer"], task_id=active(app).pk).number.endswith("/00001")


def test_an_assessment_keeps_its_rule_when_a_new_version_comes_into_force(officers, register):
    old_app, new_app = register(), register()
    test_tariff(version="2025", effective_from=datetime.date(2025, 1, 1), rate="10000")
    test_tariff(version="2026.7", effective_from=datetime.date(2026, 7, 1), rate="12000")
    june = datetime.datetime(2026, 6, 30, 10, tzinfo=JKT)
    july = datetime.datetime(2026, 7, 1, 10, tzinfo=JKT)
    walk_to_levy(officers, old_app, luas="100", now=june)
    walk_to_levy(officers, new_app, luas="100", now=july)
    old = assessment_issue(actor=officers["treasurer"], task_id=active(old_app).pk, now=june)
    new = assessment_issue(actor=officers["treasurer"], task_id=active(new_app).pk, now=july)
    assert (old.rule.version, old.total) == ("2025", Decimal(1000000))
    assert (new.rule.version, new.total) == ("2026.7", Decimal(1200000))
    old.refresh_from_db()
    assert old.rule.version == "2025" and old.rule_snapshot["components"][0]["amount"] == "10000"
    # the version the SKRD used can no longer change (a new version is made instead)
    with pytest.raises(Conflict) as refused:
        component = old.rule.components.first()
        component.amount = Decimal(9000)
        component.save()
    assert refused.value.code == "tariff_rule_used" and "versi baru" in refused.value.message
    with pytest.raises(Conflict):
        old.rule.delete()
    copy = old.rule.copy_as_version(version="2026.8", effective_from=datetime.date(2026, 8, 1))
    assert [c.amount for c in copy.components.all()] == [c.amount for c in old.rule.components.all()]


def test_teller_payment_is_recorded_exactly_once(officers, awaiting):
    app, bill = awaiting()
    treasurer = officers["treasurer"]
    first = payment_post_teller(actor=treasurer, bill_id=bill.pk, reference="bjb-77", amount="1.500.000")
    again = payment_post_teller(actor=treasurer, bill_id=bill.pk, reference="BJB-77", amount="1500000")
    assert (first.outcome, again.outcome) == ("posted", "replayed") and again.payment == first.payment
    assert Payment.objects.count() == 1
    app.refresh_from_db()
    assert app.status == "in_process" and active(app).kind == "approval"
    with pytest.raises(ServiceError) as err:
        payment_post_teller(actor=treasurer, bill_id=bill.pk, reference="BJB-78", amount="1500000")
    assert err.value.code == "already_paid"


def test_teller_payment_checks_amount_date_and_role(officers, awaiting):
    _, bill = awaiting()
    with pytest.raises(ServiceError) as err:
        payment_post_teller(actor=officers["treasurer"], bill_id=bill.pk, reference="R1", amount="1000000")
    assert err.value.code == "wrong_amount" and "Rp 1.500.000" in err.value.fields["amount"]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    with pytest.raises(ServiceError) as err:
        payment_post_teller(
            actor=officers["treasurer"], bill_id=bill.pk, reference="R1", amount="1500000", paid_on=tomorrow
        )
    assert "paid_on" in err.value.fields
    with pytest.raises(Forbidden):
        payment_post_teller(actor=officers["verifier"], bill_id=bill.pk, reference="R1", amount="1500000")
    assert not Payment.objects.exists()


def test_attack_teller_payment_dated_before_the_bill_is_refused_by_payment_post(officers, awaiting):
    """The time bound lives in payment_post, so the teller path (a receipt dated 1900, or the day
    before the bill was issued) is refused like a SNAP notice: 422 on paid_on, the bill stays open."""
    _, bill = awaiting()
    day_before = (timezone.localtime(bill.created_at).date() - datetime.timedelta(days=1)).isoformat()
    for paid_on in ("1900-01-01", day_before):
        with pytest.raises(ServiceError) as err:
            payment_post_teller(
                actor=officers["treasurer"], bill_id=bill.pk, reference="R1", amount="1500000", paid_on=paid_on
            )
        assert err.value.code == "invalid_paid_at" and err.value.status == 422 and "paid_on" in err.value.fields
    bill.refresh_from_db()
    assert bill.state == "open" and not Payment.objects.exists()
    issued_on = timezone.localtime(bill.created_at).date().isoformat()  # the issue day itself is fine
    assert payment_post_teller(
        actor=officers["treasurer"], bill_id=bill.pk, reference="R1", amount="1500000", paid_on=issued_on
    ).ok


def test_completing_the_payment_step_by_hand_records_a_teller_payment(officers, awaiting):
    app, bill = awaiting()
    with pytest.raises(ServiceError):  # the amount must equal the SKRD
        finish(officers, app, "treasurer", {"reference": "BJB-1", "amount": "1.000.000"})
    finish(officers, app, "treasurer", {"reference": "BJB-1", "amount": "1.500.000"})
    bill.refresh_from_db()
    assert bill.state == "paid" and bill.paid_payment.channel == "teller"
    assert bill.paid_payment.recorded_by == officers["treasurer"]


@pytest.mark.parametrize("role", ["supervisor", "head", "admin"])
def test_attack_leader_posts_a_payment_by_the_counter_or_the_payment_step_is_refused(officers, awaiting, role):
    """Only the treasurer (and the bank) posts a payment, whichever path: the counter form's service,
    the payment step completed by hand, or the posting itself (payment_post, which both go through)."""
    app, bill = awaiting()
    leader = officers.get(role) or make_user(role)
    task = active(app)
    with pytest.raises(Forbidden):
        payment_post_teller(actor=leader, bill_id=bill.pk, reference="R1", amount="1500000")
    with pytest.raises(Forbidden):
        wf.task_complete(actor=leader, task_id=task.pk, payload={"reference": "R1", "amount": "1500000"})
    result = payment_post(
        virtual_account_no=bill.virtual_account_no,
        partner=TELLER,
        payment_request_id="R1",
        amount=Decimal("1500000"),
        channel=Payment.Channel.TELLER,
        actor=leader,
    )
    assert result.outcome == "forbidden" and result.error().status == 403
    bill.refresh_from_db()
    app.refresh_from_db()
    assert bill.state == "open" and not Payment.objects.exists() and app.status == "awaiting_payment"
    assert not AuditEvent.objects.filter(action="levy.payment_post").exists()
    assert active(app).pk == task.pk


def test_a_treasurer_posts_no_payment_on_a_payment_step_a_colleague_holds(officers, awaiting):
    app, bill = awaiting()
    colleague = make_user("treasurer")
    wf.task_claim(actor=colleague, task_id=active(app).pk)
    with pytest.raises(Forbidden):
        payment_post_teller(actor=officers["treasurer"], bill_id=bill.pk, reference="R1", amount="1500000")
    assert payment_post_teller(actor=colleague, bill_id=bill.pk, reference="R1", amount="1500000").outcome == "posted"


def test_a_bill_expired_before_issue_18_is_refused_and_reissue_gives_a_new_virtual_account(officers, awaiting):
    # bills no longer expire at their due date (they stay payable with the sanction); one closed as expired by
    # the old sweep is still refused until the treasurer reissues it
    app, bill = awaiting()
    Bill.objects.filter(pk=bill.pk).update(state="expired", closed_at=timezone.now())
    bill.refresh_from_db()
    with pytest.raises(ServiceError):  # no payment on an expired bill, even at the teller
        payment_post_teller(actor=officers["treasurer"], bill_id=bill.pk, reference="R1", amount="1500000")
    with pytest.raises(ServiceError):
        bill_reissue(actor=officers["treasurer"], bill_id=bill.pk, reason="  ")
    new = bill_reissue(actor=officers["treasurer"], bill_id=bill.pk, reason="Pemohon minta perpanjangan")
    assert new.virtual_account_no != bill.virtual_account_no and new.state == "open" and new.amount == bill.amount
    assert new.due_date == bill.assessment.due_date  # a new VA does not move the SKRD's due date
    with pytest.raises(Conflict):  # one live bill per SKRD
        bill_reissue(actor=officers["treasurer"], bill_id=bill.pk, reason="lagi")
    event = AuditEvent.objects.get(action="levy.bill_reissue")
    assert event.note == "Pemohon minta perpanjangan" and event.before["virtual_account_no"] == bill.virtual_account_no
    assert payment_post_teller(actor=officers["treasurer"], bill_id=new.pk, reference="R1", amount="1500000").ok


def test_reissuing_an_open_bill_cancels_it(officers, awaiting):
    _, bill = awaiting()
    new = bill_reissue(actor=officers["treasurer"], bill_id=bill.pk, reason="VA hilang")
    bill.refresh_from_db()
    assert bill.state == "cancelled" and bill.close_reason == "VA hilang"
    assert Bill.objects.filter(assessment=bill.assessment, state="open").get() == new


def test_reassessing_after_rework_cancels_the_old_skrd(officers, awaiting):
    app, bill = awaiting()
    wf.application_rework(
        actor=officers["supervisor"], application_id=app.pk, step_code="penetapan-retribusi", note="Luas salah"
    )
    finish(officers, app, "treasurer", {}, timezone.now())
    bill.refresh_from_db()
    assert bill.state == "cancelled" and bill.assessment.status == "cancelled"
    current = LevyAssessment.objects.get(application=app, status="issued")
    assert current.bills.get().state == "open"


def test_tracking_shows_the_bill_then_the_payment(officers, awaiting):
    app, bill = awaiting()
    levy = levy_for_tracking(app)
    assert levy["amount"] == Decimal(1500000) and levy["virtual_account_no"] == bill.virtual_account_no
    assert not levy["paid"] and bill.virtual_account_no in levy["how_to_pay"] and levy["lines"][0]["amount_display"]
    payment_post_teller(actor=officers["treasurer"], bill_id=bill.pk, reference="R1", amount="1500000")
    levy = levy_for_tracking(app)
    assert levy["paid"] and levy["paid_at"] and levy["how_to_pay"] == ""


def test_bill_payability_names_each_refusal_in_the_order_the_bank_hears_them(officers, awaiting):
    _app, bill = awaiting()
    now = timezone.now()
    payable = bill_payability(bill, at=now)
    assert payable.ok and payable.task.kind == "payment"
    late = bill_payability(bill, at=bill.expires_at)  # past its due instant: payable with one month's sanction
    assert late.ok and late.amount == Decimal(1515000) and late.sanction.months == 1
    bill.application.status = "in_process"  # e.g. sent back for rework: nothing waits for the money
    assert bill_payability(bill, at=now).refusal == "blocked"
    bill.assessment.status = LevyAssessment.Status.CANCELLED
    assert bill_payability(bill, at=now).refusal == "not_found"
    bill.state = Bill.State.PAID
    assert bill_payability(bill, at=now).refusal == "already_paid"


def test_tracking_offers_the_amount_due_with_the_sanction_once_the_due_instant_passed(officers, awaiting):
    app, bill = awaiting()
    on_time = levy_for_tracking(app, now=bill.expires_at - datetime.timedelta(minutes=1))
    assert on_time["how_to_pay"] and on_time["amount_due"] == Decimal(1500000) and on_time["sanction"] is None
    # the bill stays open on the same virtual account: Rp 1.500.000 + 1% for the first started month
    levy = levy_for_tracking(app, now=bill.expires_at)
    assert levy["state"] == "open" and levy["amount_due"] == Decimal(1515000)
    assert levy["sanction"]["months"] == 1 and levy["sanction"]["amount"] == Decimal(15000)
    assert "Rp 1.515.000" in levy["how_to_pay"] and bill.virtual_account_no in levy["how_to_pay"]


def test_no_levy_no_tracking_entry(officers, register):
    assert levy_for_tracking(register()) is None


def test_public_estimate_from_typed_values(db):
    from permits.conftest import make_permit_type

    make_permit_type()
    test_tariff()
    pt = PermitType.objects.get(code="TEST")
    estimate = levy_estimate(pt, {"luas": "120,5", "fungsi": "Usaha"})
    # 120,5 x 10.000 x 1,5 = 1.807.500 -> 1.808.000
    assert estimate["total"] == Decimal(1808000) and estimate["missing"] == []
    assert levy_estimate(pt, {"fungsi": "Usaha"})["missing"] == ["luas"]
