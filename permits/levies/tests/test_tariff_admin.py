"""Tariff versions in the admin: editable until an SKRD/SKPD used one, then read only; a used version is
changed by copying it as a new version."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from permits.levies.models import TariffComponent, TariffRule

from .conftest import active, test_tariff, walk_to_levy


@pytest.fixture
def admin_client(client, db):
    root = get_user_model().objects.create_superuser("root", "root@example.test", "pw-for-tests-123")
    client.force_login(root)
    return client


def _used_rule(officers, register):
    from permits.levies.services import assessment_issue

    app = register()
    rule = test_tariff()
    walk_to_levy(officers, app)
    assessment_issue(actor=officers["treasurer"], task_id=active(app).pk)
    return rule


def test_an_unused_version_is_edited_in_the_admin(admin_client, register):
    register()
    rule = test_tariff()
    page = admin_client.get(f"/admin/levies/tariffrule/{rule.pk}/change/")
    assert page.status_code == 200 and 'name="components-0-label"' in page.content.decode()


def test_a_used_version_is_read_only_and_cannot_be_deleted(admin_client, officers, register):
    rule = _used_rule(officers, register)
    page = admin_client.get(f"/admin/levies/tariffrule/{rule.pk}/change/")
    text = page.content.decode()
    assert page.status_code == 200 and 'name="components-0-label"' not in text  # shown, not editable
    assert "sudah dipakai untuk menetapkan SKRD/SKPD" in text and "Salin sebagai versi baru" in text
    posted = admin_client.post(f"/admin/levies/tariffrule/{rule.pk}/change/", {"version": "x"})
    assert posted.status_code == 403
    deleted = admin_client.post(
        "/admin/levies/tariffrule/",
        {"action": "delete_selected", "_selected_action": [rule.pk], "post": "yes"},
        follow=True,
    )
    assert TariffRule.objects.filter(pk=rule.pk).exists(), deleted.status_code
    assert [c.amount for c in rule.components.all()] == [Decimal(10000), Decimal(0), Decimal(100000)]


def test_a_used_version_is_copied_as_a_new_version(admin_client, officers, register):
    rule = _used_rule(officers, register)
    form = admin_client.post(
        "/admin/levies/tariffrule/", {"action": "copy_as_new_version", "_selected_action": [rule.pk]}
    )
    assert form.status_code == 200 and "Salin tarif" in form.content.decode()
    done = admin_client.post(
        "/admin/levies/tariffrule/",
        {
            "action": "copy_as_new_version",
            "_selected_action": [rule.pk],
            "apply": "1",
            "version": "2",
            "effective_from": "2027-01-01",
        },
    )
    new = TariffRule.objects.get(permit_type=rule.permit_type, version="2")
    assert done.status_code == 302 and done.url.endswith(f"/{new.pk}/change/")
    assert new.effective_from == datetime.date(2027, 1, 1) and not new.is_used()
    assert TariffComponent.objects.filter(rule=new).count() == 3
    again = admin_client.post(
        "/admin/levies/tariffrule/",
        {
            "action": "copy_as_new_version",
            "_selected_action": [rule.pk],
            "apply": "1",
            "version": "2",
            "effective_from": "2027-01-01",
        },
    )
    assert again.status_code == 200 and "Versi 2 sudah ada" in again.content.decode()


def test_a_version_that_makes_no_sense_is_named_in_indonesian_and_english(register):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    register()
    rule = test_tariff()
    TariffComponent.objects.create(
        rule=rule, order=4, kind="constant", label="Tarif pajak", amount=Decimal("0.3"), maximum=Decimal("0.2")
    )
    TariffComponent.objects.create(
        rule=rule,
        order=5,
        kind="coefficient",
        label="Ibg",
        class_field="fungsi",
        factors={"*": "1"},
        applies_to="pagar",
    )
    with pytest.raises(ValidationError) as wrong:
        rule.full_clean()
    assert wrong.value.messages == [
        "Tarif pajak: 0,3 melebihi batas tertinggi 0,2.",
        "Ibg: baris 'pagar' tidak ada (kode baris tarif: -).",
    ]
    with translation.override("en"), pytest.raises(ValidationError) as wrong:
        rule.full_clean()
    assert wrong.value.messages[0] == "Tarif pajak: 0,3 exceeds the legal maximum 0,2."
