"""Issue 18: what the office issues. A tax is assessed with an SKPD and a levy with an SKRD, each in its own
gap-free yearly series; the due date falls on a working day at least SKRD_DUE_DAYS on; the document carries
the period, payer, object, lines, total in words, payment, sanction, objection, official and a QR code."""

import datetime

import pytest
from django.utils import timezone

from permits.levies.models import LevyAssessment, TariffRule
from permits.levies.selectors import levy_for_tracking
from permits.levies.services import due_date_for
from permits.portal.tests.conftest import PIN, set_pin

from .conftest import JKT

pytestmark = pytest.mark.django_db


def _make_tax(rule: TariffRule) -> None:
    rule.document_kind = "SKPD"
    rule.save()


def test_a_tax_is_assessed_with_an_skpd_in_its_own_series_and_a_levy_with_an_skrd(awaiting):
    levy_app, _bill = awaiting()
    first = LevyAssessment.objects.get(application=levy_app)
    assert first.document_kind == "SKRD" and first.number.startswith("SKRD/")
    _make_tax(TariffRule.objects.get(permit_type__code="TEST"))
    tax_app, _bill = awaiting()
    tax = LevyAssessment.objects.get(application=tax_app)
    year = timezone.localtime(tax.issued_at).year
    assert tax.document_kind == "SKPD"
    assert tax.number == f"SKPD/{year}/00001"  # its own series starts at 1, whatever the SKRDs used
    assert first.number == f"SKRD/{year}/00001"


def test_the_skpd_number_follows_its_own_format_setting(awaiting, settings):
    settings.SKPD_NUMBER_FORMAT = "973/{seq:04d}/SKPD/{year}"
    app, _bill = awaiting()  # creates the tariff (an SKRD)
    rule = TariffRule.objects.get(permit_type__code="TEST")
    _make_tax(rule)
    app, _bill = awaiting()
    tax = LevyAssessment.objects.get(application=app)
    assert tax.number == f"973/0001/SKPD/{timezone.localtime(tax.issued_at).year}"


def test_tracking_names_the_document_kind_and_number(awaiting):
    app, _bill = awaiting()
    _make_tax(TariffRule.objects.get(permit_type__code="TEST"))
    tax_app, _bill = awaiting()
    levy, tax = levy_for_tracking(app), levy_for_tracking(tax_app)
    assert (levy["document_kind"], levy["document_number"]) == ("SKRD", levy["skrd_number"])
    assert tax["document_kind"] == "SKPD" and tax["document_number"].startswith("SKPD/")


def track_page(client, app) -> str:
    set_pin(app)
    res = client.post("/lacak/", {"number": app.registration_number, "pin": PIN}, follow=True)
    assert res.status_code == 200
    return res.content.decode()


def test_the_tracking_page_of_a_tax_says_skpd_and_pajak(awaiting, client):
    awaiting()
    _make_tax(TariffRule.objects.get(permit_type__code="TEST"))
    tax_app, _bill = awaiting()
    html = track_page(client, tax_app)
    assert "SKPD/" in html and "Pajak daerah" in html and "SKRD" not in html


# --- due dates on working days ------------------------------------------------------------------


def test_the_due_date_is_rolled_past_new_year_and_the_weekend():
    # issued Wednesday 2 December 2026: + 30 days = Friday 1 January 2027 (New Year), then Sat 2, Sun 3
    assert due_date_for(datetime.date(2026, 12, 2)) == datetime.date(2027, 1, 4)


def test_a_due_date_on_a_working_day_stays(settings):
    # issued Monday 23 November 2026: + 30 days = Wednesday 23 December 2026, a working day
    assert due_date_for(datetime.date(2026, 11, 23)) == datetime.date(2026, 12, 23)


def test_the_due_date_is_never_before_the_minimum_period(settings):
    settings.SKRD_DUE_DAYS = 14
    # issued Friday 4 December 2026: + 14 days = Friday 18 December 2026
    assert due_date_for(datetime.date(2026, 12, 4)) == datetime.date(2026, 12, 18)
    assert datetime.datetime(2026, 12, 18, tzinfo=JKT).weekday() == 4
