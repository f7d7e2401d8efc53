"""The satisfaction survey: invited after handover or download, once per application, anonymous; the IKM."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from permits.core.errors import Conflict, NotFound, ServiceError
from permits.core.models import AuditEvent
from permits.decrees import selectors, services
from permits.decrees.models import SurveyInvitation, SurveyResponse
from permits.portal.tracking import tracking_view

from .conftest import HOLDER_HANDOVER, complete
from .test_ikm import WORKED

pytestmark = pytest.mark.django_db
ALL_THREE = {f"u{i}": "3" for i in range(1, 10)}


@pytest.fixture
def collected(officers, issued):
    complete(officers, issued, "frontdesk", HOLDER_HANDOVER)
    return issued


def token_of(app) -> str:
    return SurveyInvitation.objects.get(application=app).token


def test_survey_page_takes_answers_once(client, collected):
    url = reverse("decrees:survey", args=[token_of(collected)])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    for element in ("Persyaratan", "Waktu penyelesaian", "Biaya/tarif", "Perilaku pelaksana", "Sarana dan prasarana"):
        assert element in text
    response = client.post(url, {**ALL_THREE, "u7": "4", "suggestion": "Ruang tunggu sempit"})
    assert response.status_code == 302
    row = SurveyResponse.objects.get()
    assert row.scores() == [3, 3, 3, 3, 3, 3, 4, 3, 3] and row.suggestion == "Ruang tunggu sempit"
    again = client.post(url, ALL_THREE)
    assert again.status_code == 200 and "sudah diisi" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    history = AuditEvent.objects.filter(stream=f"intake.application:{collected.pk}")
    assert not history.filter(action="survey.answer").exists()  # officers reading the file do not see it


def test_every_element_must_be_answered_on_the_scale(client, collected):
    url = reverse("decrees:survey", args=[token_of(collected)])
    response = client.post(url, {**ALL_THREE, "u4": "", "u9": "5"})
    assert response.status_code == 422
    assert response.content.decode().count("Pilih salah satu nilai") == 2
    assert not SurveyResponse.objects.exists()


def test_second_submission_is_refused_by_the_service(collected):
    token = token_of(collected)
    services.survey_submit(token=token, answers=ALL_THREE)
    with pytest.raises(Conflict):
        services.survey_submit(token=token, answers=ALL_THREE)
    with pytest.raises(NotFound):
        services.survey_submit(token="nope", answers=ALL_THREE)


def test_database_allows_one_response_per_invitation_and_only_1_to_4(collected):
    invitation = SurveyInvitation.objects.get(application=collected)
    now = datetime.datetime.now(datetime.UTC)
    scores = {f"u{i}": 3 for i in range(1, 10)}
    SurveyResponse.objects.create(invitation=invitation, permit_type=collected.permit_type, submitted_at=now, **scores)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(
            invitation=invitation, permit_type=collected.permit_type, submitted_at=now, **scores
        )
    SurveyResponse.objects.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(
            invitation=invitation, permit_type=collected.permit_type, submitted_at=now, **{**scores, "u5": 5}
        )


def test_responses_name_no_officer_and_no_address():
    names = {f.name for f in SurveyResponse._meta.get_fields()}
    assert not names & {"officer", "user", "ip", "ip_address", "actor", "created_by"}
    assert all(
        not (f.is_relation and f.related_model and f.related_model._meta.label == "auth.User")
        for f in SurveyResponse._meta.get_fields()
    )


def test_no_invitation_before_handover_or_download(client, issued):
    assert not SurveyInvitation.objects.exists()
    assert selectors.decree_for_tracking(issued)["survey_url"] is None
    assert client.get("/survei/unknown-token/").status_code == 404


def test_download_also_invites(issued):
    services.decree_download_record(application=issued)
    assert SurveyInvitation.objects.filter(application=issued).exists()


def test_decree_for_tracking(issued, officers):
    view = selectors.decree_for_tracking(issued)
    assert view["number"] == "503/0001/TEST/DPMPTSP/2026"
    assert view["status"] == "valid" and view["download_allowed"] is True
    # the portal adds the link to its own download page (permits/portal/views.py: decree_download)
    assert tracking_view(issued)["decree"]["download_url"] == f"/lacak/{issued.registration_number}/sk.pdf"
    assert view["verify_url"].endswith("/verify/" + issued.decree.token)
    complete(officers, issued, "frontdesk", HOLDER_HANDOVER)
    view = selectors.decree_for_tracking(issued)
    assert view["survey_url"].endswith(f"/survei/{token_of(issued)}/")
    services.survey_submit(token=token_of(issued), answers=ALL_THREE)
    view = selectors.decree_for_tracking(issued)
    assert view["survey_url"] is None and view["survey_answered"] is True


def test_tracking_has_no_decree_before_signing(approved):
    assert selectors.decree_for_tracking(approved()) is None


def test_ikm_summary_over_a_period_and_per_permit_type(officers, approved):
    apps = [approved() for _ in WORKED]
    base = datetime.datetime(2026, 12, 1, 3, 0, tzinfo=datetime.UTC)
    for app, answers in zip(apps, WORKED, strict=True):
        complete(officers, app, "head")
        complete(officers, app, "frontdesk", HOLDER_HANDOVER)
        services.survey_submit(
            token=token_of(app), answers={f"u{i + 1}": str(v) for i, v in enumerate(answers)}, now=base
        )
    summary = selectors.ikm_summary(datetime.date(2026, 12, 1))
    assert summary["respondents"] == 4 and summary["ikm"] == Decimal("82.64") and summary["grade"] == "B"
    assert summary["elements"][6]["nrr"] == Decimal("4.00") and summary["elements"][6]["label"] == "Perilaku pelaksana"
    assert selectors.ikm_summary(datetime.date(2026, 12, 2))["respondents"] == 0
    assert selectors.ikm_summary(datetime.date(2026, 12, 2))["ikm"] is None
    assert selectors.ikm_summary(base, permit_type=apps[0].permit_type)["respondents"] == 4
    assert selectors.ikm_summary(base, until=base)["respondents"] == 0


def test_suggestion_length_is_limited(collected):
    with pytest.raises(ServiceError) as exc:
        services.survey_submit(token=token_of(collected), answers=ALL_THREE, suggestion="x" * 2001)
    assert "suggestion" in exc.value.fields


def test_tracking_stops_offering_the_survey_once_answered(client, collected):
    """The answer goes to the invitation's own stream, so the application's version does not move:
    the cached tracking view and API answer must still drop the survey link at once."""
    from django.core.cache import cache

    from permits.portal.selectors import application_for_tracking
    from permits.portal.tests.conftest import PIN, set_pin
    from permits.portal.tracking import tracking_view_cached

    cache.clear()
    set_pin(collected)
    url = f"/api/v1/track/{collected.registration_number}"
    tracked = application_for_tracking(collected.registration_number, PIN)
    assert tracking_view_cached(tracked)["decree"]["survey_url"]  # the page's view, now cached too
    first = client.get(url, HTTP_X_TRACKING_PIN=PIN).json()["decree"]
    assert first["survey_url"] and first["survey_answered"] is False
    assert client.get(url, HTTP_X_TRACKING_PIN=PIN).json()["decree"] == first  # served from the cache
    services.survey_submit(token=token_of(collected), answers=ALL_THREE)
    after = client.get(url, HTTP_X_TRACKING_PIN=PIN).json()["decree"]
    assert after["survey_url"] is None and after["survey_answered"] is True
    assert client.get(url, HTTP_X_TRACKING_PIN=PIN).json()["decree"] == after
    assert tracking_view_cached(tracked)["decree"]["survey_url"] is None
    cache.clear()
