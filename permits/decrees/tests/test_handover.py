"""Issue 16, item 6: the decree goes only to its holder (their own NIK) or to a representative with the
authorisation letter and their own identity; page and API alike (`decrees.services.handover_identity_check`)."""

import pytest
from django.urls import reverse

from permits.conftest import VALID_APPLICANT
from permits.core.models import AuditEvent
from permits.decrees.models import Decree, Handover
from permits.workflow.models import Task
from permits.workflow.tests.test_api import Api

from .conftest import HOLDER_HANDOVER, active

pytestmark = pytest.mark.django_db
OTHER_NIK = "3271010101900001"  # a well-formed NIK that is not the holder's
REPRESENTATIVE = {"collected_by": "Budi Santoso", "relation": "representative", "id_number": OTHER_NIK}


def not_handed_over(app) -> bool:
    app.refresh_from_db()
    return (
        app.status == "decree_issued"
        and not Handover.objects.filter(decree__application=app).exists()
        and active(app).kind == "handover"
        and not AuditEvent.objects.filter(action="decree.handover").exists()
    )


def hand_over(client, officers, app, form: dict):
    """The front desk's handover form, as the browser posts it (the task claimed first)."""
    task = active(app)
    client.force_login(officers["frontdesk"])
    client.post(reverse("workflow:claim", args=[task.pk]))
    return client.post(reverse("workflow:complete", args=[task.pk]), form)


def test_attack_handover_as_holder_with_another_nik_is_refused(client, officers, issued):
    assert VALID_APPLICANT["nik"] != OTHER_NIK
    res = hand_over(client, officers, issued, {**HOLDER_HANDOVER, "id_number": OTHER_NIK})
    assert res.status_code == 422
    page = res.content.decode()
    assert "NIK pengambil bukan NIK pemegang izin: SK tidak diserahkan." in page
    assert "Bukan NIK pemegang izin." in page and "Traceback" not in page
    assert not_handed_over(issued)
    client.cookies["django_language"] = "en"  # the officer reading in English gets the refusal in English
    res = client.post(
        reverse("workflow:complete", args=[active(issued).pk]), {**HOLDER_HANDOVER, "id_number": OTHER_NIK}
    )
    assert res.status_code == 422 and "is not the permit holder&#x27;s NIK" in res.content.decode()
    del client.cookies["django_language"]
    # through the API: the same rule, in both languages
    res = Api(client).post(
        officers["frontdesk"],
        f"/tasks/{active(issued).pk}/complete",
        {"payload": {**HOLDER_HANDOVER, "id_number": OTHER_NIK}},
    )
    assert res.status_code == 422 and res.json()["error"] == "identity_mismatch"
    assert res.json()["message_en"].startswith("The identity number shown is not the permit holder's NIK")
    assert not_handed_over(issued)


def test_attack_handover_with_a_malformed_identity_number_is_refused(client, officers, issued):
    res = hand_over(client, officers, issued, {**HOLDER_HANDOVER, "id_number": "1"})
    assert res.status_code == 422 and "NIK harus 16 digit angka." in res.content.decode()
    assert not_handed_over(issued)


def test_attack_handover_to_representative_without_authorisation_letter_is_refused(client, officers, issued):
    res = hand_over(client, officers, issued, REPRESENTATIVE)  # the box left unticked
    assert res.status_code == 422 and "Kuasa wajib menunjukkan surat kuasa." in res.content.decode()
    assert not_handed_over(issued)


def test_attack_handover_to_representative_showing_the_holders_nik_is_refused(client, officers, issued):
    form = {**REPRESENTATIVE, "id_number": VALID_APPLICANT["nik"], "authorisation_letter": "true"}
    res = hand_over(client, officers, issued, form)
    assert res.status_code == 422
    assert "Kuasa mencatat NIK-nya sendiri, bukan NIK pemegang izin" in res.content.decode()
    assert not_handed_over(issued)


def test_handover_to_representative_with_letter_and_own_identity_is_recorded_and_shown(client, officers, issued):
    res = hand_over(
        client, officers, issued, {**REPRESENTATIVE, "id_number": "3271 0101 0190 0001", "authorisation_letter": "true"}
    )
    assert res.status_code == 302
    issued.refresh_from_db()
    handover = Handover.objects.get(decree__application=issued)
    assert issued.status == "collected"
    assert (handover.collected_by, handover.relation, handover.id_number, handover.authorisation_letter) == (
        "Budi Santoso",
        "representative",
        OTHER_NIK,
        True,
    )
    event = AuditEvent.objects.get(action="decree.handover")
    assert event.after["id_number"] == OTHER_NIK and event.after["authorisation_letter"] is True
    timeline = client.get(reverse("intake:application", args=[issued.registration_number])).content.decode()
    assert f"diambil kuasa Budi Santoso, surat kuasa diperlihatkan, NIK {OTHER_NIK}" in timeline
    decree = Decree.objects.get(application=issued)
    detail = client.get(reverse("decrees:detail", args=[decree.pk])).content.decode()
    assert "Surat kuasa" in detail and "diperlihatkan" in detail and OTHER_NIK in detail
    assert Task.objects.get(application=issued, kind="handover").state == "done"


def test_handover_to_the_holder_with_their_nik_is_recorded(client, officers, issued):
    res = hand_over(client, officers, issued, HOLDER_HANDOVER)
    assert res.status_code == 302
    handover = Handover.objects.get(decree__application=issued)
    assert (handover.relation, handover.id_number) == ("holder", VALID_APPLICANT["nik"])


def test_handover_with_an_impossible_nik_names_the_wrong_part(client, officers, issued):
    res = hand_over(client, officers, issued, {**REPRESENTATIVE, "id_number": "3271043104870002"})
    assert res.status_code == 422
    assert "tanggal lahir 31-04-87 tidak ada" in res.content.decode()
    assert not_handed_over(issued)


def _foreign_holder(app) -> None:
    """The holder is a foreigner registered with a passport (issue 19 item 1): no NIK."""
    app.applicant.__class__.objects.filter(pk=app.applicant_id).update(
        nik="", foreign_id_type="passport", foreign_id="X1234567"
    )


def test_handover_to_a_foreign_holder_with_their_passport_is_recorded(client, officers, issued):
    _foreign_holder(issued)
    res = hand_over(client, officers, issued, {**HOLDER_HANDOVER, "id_type": "passport", "id_number": "x1234567"})
    assert res.status_code == 302
    handover = Handover.objects.get(decree__application=issued)
    assert (handover.id_type, handover.id_number) == ("passport", "X1234567")
    timeline = client.get(reverse("intake:application", args=[issued.registration_number])).content.decode()
    assert "Paspor X1234567" in timeline


@pytest.mark.parametrize(
    "shown",
    [
        {"id_type": "passport", "id_number": "X7654321"},  # another passport
        {"id_type": "kitas", "id_number": "X1234567"},  # the same number as another type
        {"id_type": "nik", "id_number": VALID_APPLICANT["nik"]},  # a NIK, which the foreign holder has not
    ],
)
def test_attack_handover_to_a_foreign_holder_with_another_identity_is_refused(client, officers, issued, shown):
    _foreign_holder(issued)
    res = hand_over(client, officers, issued, {**HOLDER_HANDOVER, **shown})
    assert res.status_code == 422
    assert "Identitas pengambil bukan paspor/KITAS pemegang izin" in res.content.decode()
    assert not_handed_over(issued)
