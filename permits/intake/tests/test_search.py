"""Officers find a file: by exact number for everyone, by applicant for the front desk (issue 20 item 5)."""

import pytest

from permits.conftest import VALID_APPLICANT, make_user
from permits.intake.services import application_register
from permits.intake.views import SEARCH_MAX_PAGES, SEARCH_PAGE_SIZE
from permits.workflow.models import Application

pytestmark = pytest.mark.django_db


def register(frontdesk, **applicant):
    return application_register(
        officer=frontdesk,
        permit_type_code="TEST",
        applicant={**VALID_APPLICANT, **applicant},
        data={"luas": "120", "lantai": "2", "fungsi": "Hunian"},
        documents_received=["ktp", "sertifikat"],
    ).application


def test_an_exact_number_in_any_spelling_opens_the_file_for_every_officer(client, frontdesk, verifier, permit_type):
    app = register(frontdesk)
    number = app.registration_number  # e.g. 2026-000001
    digits = "".join(ch for ch in number if ch.isdigit())
    for user in (frontdesk, verifier):
        client.force_login(user)
        for typed in (number, digits, f"  {number.lower()} "):
            res = client.get("/loket/cari/", {"q": typed})
            assert res.status_code == 302 and res["Location"] == f"/loket/permohonan/{number}/", typed


@pytest.mark.parametrize(
    "typed",
    ["siti", "SITI NUR", "3271046504870002", "327104", "0812-1111-2201", "+6281211112201", "6281211112201"],
)
def test_front_desk_finds_the_file_by_name_nik_or_phone(client, frontdesk, permit_type, typed):
    app = register(frontdesk)
    register(frontdesk, name="Budi Santoso", nik="3171010101900001", phone="0813-9999-0000")
    client.force_login(frontdesk)
    res = client.get("/loket/cari/", {"q": typed})
    html = res.content.decode()
    assert res.status_code == 200 and f"/loket/permohonan/{app.registration_number}/" in html
    assert "Budi Santoso" not in html


def test_leaders_search_by_name_too(client, frontdesk, permit_type):
    app = register(frontdesk)
    client.force_login(make_user("supervisor"))
    assert app.registration_number in client.get("/loket/cari/", {"q": "siti"}).content.decode()


def test_a_verifier_searching_a_name_gets_the_number_only_answer(client, frontdesk, verifier, permit_type):
    app = register(frontdesk)
    client.force_login(verifier)
    res = client.get("/loket/cari/", {"q": "Siti"})
    html = res.content.decode()
    assert res.status_code == 200 and app.registration_number not in html
    assert "nomor lengkap dari tanda terima" in html


def test_results_are_paged_newest_first_and_junk_pages_answer(client, frontdesk, permit_type):
    first = register(frontdesk)
    last = register(frontdesk)
    client.force_login(frontdesk)
    page_one = client.get("/loket/cari/", {"q": "siti"}).content.decode()
    assert page_one.index(last.registration_number) < page_one.index(first.registration_number)
    for junk in ("999999", "abc", "-1", "0"):
        assert client.get("/loket/cari/", {"q": "siti", "hal": junk}).status_code == 200


def test_paging_stops_at_the_bound(client, frontdesk, permit_type, monkeypatch):
    monkeypatch.setattr("permits.intake.views.SEARCH_PAGE_SIZE", 1)
    monkeypatch.setattr("permits.intake.views.SEARCH_MAX_PAGES", 2)
    apps = [register(frontdesk) for _ in range(3)]
    client.force_login(frontdesk)
    res = client.get("/loket/cari/", {"q": "siti", "hal": "99"})
    html = res.content.decode()
    assert res.status_code == 200 and res.context["page"].paginator.num_pages == 2
    assert apps[1].registration_number in html and apps[0].registration_number not in html  # the oldest is cut
    assert "persempit pencarian" in html
    assert SEARCH_PAGE_SIZE == 25 and SEARCH_MAX_PAGES == 20


@pytest.mark.parametrize("typed", ["", "   ", "si", "%%%", "'; DROP TABLE x;--", "ä" * 300, "zzzz", "<script>"])
def test_empty_short_and_junk_queries_answer_the_page(client, frontdesk, verifier, permit_type, typed):
    register(frontdesk)
    for user in (frontdesk, verifier):
        client.force_login(user)
        res = client.get("/loket/cari/", {"q": typed})
        assert res.status_code == 200
        html = res.content.decode()
        assert "Cari berkas" in html and "<script>" not in html.split("<main")[1]
        if typed.strip():
            assert 'role="status"' in html  # a clear answer: none found, too short, or number only


def test_the_search_box_is_on_the_desk_and_the_queue(client, frontdesk, verifier, permit_type):
    client.force_login(frontdesk)
    assert 'action="/loket/cari/"' in client.get("/loket/").content.decode()
    client.force_login(verifier)
    queue = client.get("/kerja/").content.decode()
    assert 'action="/loket/cari/"' in queue and "Buka berkas: nomor pendaftaran" in queue


def test_visitors_cannot_search(client, permit_type):
    res = client.get("/loket/cari/", {"q": "siti"})
    assert res.status_code == 302 and "/masuk/" in res["Location"]
    assert Application.objects.count() == 0
