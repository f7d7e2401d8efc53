"""An officer answers an explanation request from the link in the alert, on a phone; a superior acknowledges."""

import pytest
from django.urls import reverse

from permits.conftest import make_user
from permits.core.errors import Conflict, Forbidden, ServiceError
from permits.core.models import AuditEvent
from permits.monitoring.models import Alert, Explanation
from permits.monitoring.services import explanation_acknowledge, explanation_answer, stall_sweep
from permits.notifications.models import Message

from .conftest import FAST, at, claim

pytestmark = pytest.mark.django_db
PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 13; SM-A145F) Mobile Safari/537.36"}


@pytest.fixture
def overdue(reachable, register):
    app = register("FAST", **FAST)
    claim(reachable, app, at(23, 9, 30))
    stall_sweep(now=at(24, 10))
    return Explanation.objects.get(alert__level=Alert.Level.OVERDUE)


def test_officer_answers_from_the_link_and_the_supervisor_acknowledges(client, overdue, reachable):
    officers = reachable
    link = Message.objects.get(template="stall_overdue").text.split()[-1]
    path = link.removeprefix("http://127.0.0.1:8000")
    assert path == reverse("monitoring:explanation", args=[overdue.token])

    response = client.get(path, **PHONE)  # not logged in: to the login page, then back here
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    client.force_login(officers["verifier"])
    page = client.get(path, **PHONE)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="viewport" content="width=device-width' in html
    assert '<textarea id="answer" name="answer"' in html and '<label for="answer">' in html
    assert "Tandai sudah ditanggapi" not in html

    empty = client.post(path, {"action": "answer", "answer": "   "}, **PHONE)
    assert empty.status_code == 422 and "Tuliskan penjelasan Anda." in empty.content.decode()
    done = client.post(path, {"action": "answer", "answer": "Menunggu sertifikat asli dari BPN."}, **PHONE)
    assert done.status_code == 302
    overdue.refresh_from_db()
    assert overdue.answer == "Menunggu sertifikat asli dari BPN." and overdue.answered_by == officers["verifier"]

    client.force_login(officers["supervisor"])
    html = client.get(path).content.decode()
    assert "Menunggu sertifikat asli dari BPN." in html and "Tandai sudah ditanggapi" in html
    assert client.post(path, {"action": "acknowledge", "note": "Segera hubungi pemohon."}).status_code == 302
    overdue.refresh_from_db()
    assert (
        overdue.acknowledged_by == officers["supervisor"] and overdue.acknowledgement_note == "Segera hubungi pemohon."
    )

    actions = list(
        AuditEvent.objects.filter(action__startswith="monitoring.explanation").values_list("action", "actor")
    )
    assert actions == [
        ("monitoring.explanation.answer", officers["verifier"].pk),
        ("monitoring.explanation.acknowledge", officers["supervisor"].pk),
    ]
    stream = AuditEvent.objects.filter(action="monitoring.explanation.answer").values_list("stream", flat=True).get()
    assert stream == f"intake.application:{overdue.alert.task.application_id}"


def test_only_the_officer_concerned_may_answer_and_only_superiors_acknowledge(client, overdue, reachable):
    other = make_user("verifier")
    client.force_login(other)
    path = reverse("monitoring:explanation", args=[overdue.token])
    assert client.get(path).status_code == 403
    assert client.post(path, {"action": "answer", "answer": "bukan saya"}).status_code == 403
    with pytest.raises(Forbidden):
        explanation_answer(actor=other, token=overdue.token, answer="x")
    with pytest.raises(Conflict):  # nothing to acknowledge yet
        explanation_acknowledge(actor=reachable["head"], token=overdue.token)
    explanation_answer(actor=reachable["verifier"], token=overdue.token, answer="Sedang diperiksa.")
    with pytest.raises(Forbidden):
        explanation_acknowledge(actor=reachable["verifier"], token=overdue.token)
    explanation_acknowledge(actor=reachable["head"], token=overdue.token)
    with pytest.raises(Conflict):  # acknowledged: the answer is final
        explanation_answer(actor=reachable["verifier"], token=overdue.token, answer="Ubah")
    assert client.get(reverse("monitoring:explanation", args=["tidak-ada"])).status_code == 404
    with pytest.raises(ServiceError):
        explanation_answer(actor=reachable["verifier"], token="tidak-ada", answer="x")


def test_the_supervisor_explains_an_escalation_and_the_head_acknowledges(overdue, reachable):
    esc = Explanation.objects.get(alert__level=Alert.Level.ESCALATED_SUPERVISOR)
    explanation_answer(actor=reachable["supervisor"], token=esc.token, answer="Verifikator sakit; sudah dialihkan.")
    with pytest.raises(Forbidden):  # not their own
        explanation_acknowledge(actor=reachable["supervisor"], token=esc.token)
    assert explanation_acknowledge(actor=reachable["head"], token=esc.token).acknowledged_at


def test_unanswered_requests_are_listed_for_leaders_and_for_the_officer(client, overdue, reachable):
    client.force_login(reachable["head"])
    html = client.get(reverse("monitoring:explanations") + "?keadaan=open").content.decode()
    assert overdue.alert.task.application.registration_number in html
    assert reverse("monitoring:explanation", args=[overdue.token]) in html
    client.force_login(reachable["verifier"])
    mine = client.get(reverse("monitoring:my_explanations"))
    assert mine.status_code == 200 and reverse("monitoring:explanation", args=[overdue.token]) in mine.content.decode()
    explanation_answer(actor=reachable["verifier"], token=overdue.token, answer="Sudah selesai.")
    client.force_login(reachable["head"])
    assert overdue.token not in client.get(reverse("monitoring:explanations") + "?keadaan=open").content.decode()
    assert overdue.token in client.get(reverse("monitoring:explanations") + "?keadaan=answered").content.decode()
