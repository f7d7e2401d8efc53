import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from permits.catalog.models import PermitType
from permits.conftest import VALID_APPLICANT, make_permit_type
from permits.intake.pins import pin_hash
from permits.workflow import services as wf

from .conftest import MONDAY, PIN, active, set_pin

pytestmark = pytest.mark.django_db
WRONG = "000000" if PIN != "000000" else "111111"
LIMIT = 100 * 1024


def post(client, number, pin=PIN, url="/lacak/", **extra):
    """Post the form and follow a right PIN's redirect to the number's page, as a browser does."""
    return client.post(url, {"number": number, "pin": pin}, follow=True, **extra)


def page_weight(client, html: str) -> int:
    """Bytes a first visit downloads: the HTML plus every stylesheet, script and image it links."""
    total = len(html.encode())
    for url in re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html) + re.findall(
        r'<(?:img|script)[^>]+src="([^"]+)"', html
    ):
        path = finders.find(url.split("/static/", 1)[1])
        assert path, url
        with open(path, "rb") as fh:
            total += len(fh.read())
    return total


def test_qr_link_opens_the_form_with_the_number_filled_in_and_asks_for_the_pin(client, tracked):
    res = client.get(f"/lacak/{tracked.registration_number}/")
    html = res.content.decode()
    assert res.status_code == 200
    assert f'value="{tracked.registration_number}"' in html and 'name="pin"' in html
    assert "Posisi berkas" not in html  # nothing shown before the PIN


def test_right_pin_shows_the_status_and_keeps_the_pin_out_of_every_url(client, officers, tracked):
    wf.task_return(actor=officers["verifier"], task_id=active(tracked).pk, items=["Gambar denah"], now=MONDAY)
    res = post(client, tracked.registration_number, url=f"/lacak/{tracked.registration_number}/")
    html = res.content.decode()
    assert res.redirect_chain == [(f"/lacak/{tracked.registration_number}/", 303)]
    assert res.request["REQUEST_METHOD"] == "GET" and PIN not in res.request["PATH_INFO"] + res.request["QUERY_STRING"]
    assert res.status_code == 200 and res["Cache-Control"].startswith("max-age=0")
    assert "no-store" in res["Cache-Control"]
    assert "Dikembalikan: lengkapi berkas" in html and "Gambar denah" in html
    assert "Dikembalikan untuk perbaikan" in html and "Janji selesai" in html and "7 Desember 2026" in html
    assert PIN not in html  # neither in links, forms nor text
    assert "<script" not in html  # works without JavaScript


def test_right_pin_redirects_to_the_numbers_page_so_back_and_reload_need_no_resubmission(client, tracked):
    number = tracked.registration_number
    answer = client.post("/lacak/", {"number": number, "pin": PIN})
    assert answer.status_code == 303 and answer["Location"] == f"/lacak/{number}/"
    assert PIN not in answer["Location"] and PIN not in answer.content.decode()
    for _reload in range(2):  # the redirect's target, then Back or a reload: a GET from the session's grant
        page = client.get(answer["Location"])
        assert page.status_code == 200 and "Posisi berkas" in page.content.decode()
        assert "no-store" in page["Cache-Control"]


def test_a_refused_pin_stays_on_the_post_answer_with_the_form_and_its_error(client, tracked):
    res = client.post("/lacak/", {"number": tracked.registration_number, "pin": WRONG})
    assert res.status_code == 404 and 'role="alert"' in res.content.decode() and 'name="pin"' in res.content.decode()
    assert "no-store" in res["Cache-Control"]


def test_wrong_pin_and_unknown_number_render_the_same_answer(client, tracked):
    wrong = post(client, tracked.registration_number, WRONG)
    unknown = post(client, "2026-999999", PIN)
    assert wrong.status_code == unknown.status_code == 404

    def error(res):
        return re.search(r'<div class="errors" role="alert"[^>]*>(.*?)</div>', res.content.decode()).group(1)

    assert error(wrong) == error(unknown) == "Nomor pendaftaran atau PIN tidak cocok. Periksa lagi tanda terima Anda."


def test_session_reopens_the_application_without_the_pin_until_closed(client, tracked):
    number = tracked.registration_number
    post(client, number)
    assert "Posisi berkas" in client.get(f"/lacak/{number}/").content.decode()
    res = client.post(f"/lacak/{number}/selesai/")
    assert res.status_code == 302 and res["Location"] == "/lacak/"
    assert "Posisi berkas" not in client.get(f"/lacak/{number}/").content.decode()


def test_a_new_pin_closes_sessions_opened_with_the_old_one(client, tracked):
    number = tracked.registration_number
    post(client, number)
    tracked.pin_hash = pin_hash(number, "123123")
    tracked.save(update_fields=["pin_hash"])
    assert "Posisi berkas" not in client.get(f"/lacak/{number}/").content.decode()


def test_language_switch_keeps_the_application_open_in_english(client, tracked):
    html = post(client, tracked.registration_number).content.decode()
    target = re.search(r'name="next" value="([^"]+)"', html).group(1)
    assert target == f"/lacak/{tracked.registration_number}/"
    res = client.post("/i18n/setlang/", {"language": "en", "next": target})
    english = client.get(res["Location"]).content.decode()
    assert "File received, waiting for verification" in english and "Where the file is" in english
    assert "Verification team" in english and 'lang="en"' in english


def test_locked_number_page_says_even_the_right_pin_waits(client, tracked):
    for _ in range(5):
        post(client, tracked.registration_number, WRONG)
    res = post(client, tracked.registration_number, PIN)
    assert res.status_code == 429 and int(res["Retry-After"]) > 0
    assert "PIN yang benar pun" in res.content.decode()


def test_pages_weigh_under_100_kb_with_their_stylesheets(client, officers, tracked):
    form = client.get(f"/lacak/{tracked.registration_number}/").content.decode()
    wf.task_claim(actor=officers["verifier"], task_id=active(tracked).pk, now=MONDAY)
    result = post(client, tracked.registration_number).content.decode()
    services = client.get("/layanan/TEST/").content.decode()
    for html in (form, result, services):
        assert 'rel="stylesheet"' in html  # the measurement includes the CSS
        assert page_weight(client, html) < LIMIT


def test_every_form_field_has_a_label(client, tracked):
    html = client.get("/lacak/").content.decode()
    fields = re.findall(r'<input(?![^>]*type="hidden")[^>]*id="([^"]+)"', html)
    assert set(fields) == {"t-number", "t-pin"}
    for field in fields:
        assert f'<label for="{field}">' in html


def test_page_shows_no_personal_data_or_officer_names(client, officers, tracked):
    wf.task_claim(actor=officers["verifier"], task_id=active(tracked).pk, now=MONDAY)
    html = post(client, tracked.registration_number).content.decode()
    for value in [VALID_APPLICANT[k] for k in ("name", "nik", "email", "address")]:
        assert value not in html
    for officer in officers.values():
        assert officer.username not in html
    assert "S.N." in html


# --- service standards ----------------------------------------------------------------------------


def test_service_list_shows_every_active_permit_type(client, db):
    make_permit_type("PBG")
    make_permit_type("FREE", has_levy=False, survey_policy="never")
    PermitType.objects.filter(code="FREE").update(is_sample=True)
    make_permit_type("OLD")
    PermitType.objects.filter(code="OLD").update(active=False)
    html = client.get("/layanan/").content.decode()
    assert "Izin Uji PBG" in html and "Izin Uji FREE" in html and "Izin Uji OLD" not in html
    assert "/layanan/PBG/" in html and "data contoh" in html


def test_service_detail_publishes_requirements_procedure_time_fees_and_legal_basis(client, db):
    pt = make_permit_type("PBG")
    pt.legal_basis = "Peraturan Daerah Kota Contoh Nomor 1 Tahun 2024"
    pt.save()
    html = client.get("/layanan/PBG/").content.decode()
    assert "KTP pemohon" in html and "Sertifikat tanah" in html and "Bila dikuasakan" in html
    assert "Verifikasi" in html and "Tim Verifikasi" in html and "paling lama 4 jam kerja" in html
    assert "10 hari kerja" in html and "Dikenakan retribusi sesuai Peraturan Daerah" in html
    assert "Peraturan Daerah Kota Contoh Nomor 1 Tahun 2024" in html and "data contoh" not in html


def test_free_sample_permit_type_says_free_and_sample(client, db):
    make_permit_type("FREE", has_levy=False, survey_policy="never")
    PermitType.objects.filter(code="FREE").update(is_sample=True)
    html = client.get("/layanan/FREE/").content.decode()
    assert "Gratis" in html and "data contoh" in html and "retribusi sesuai" not in html


def test_unknown_or_inactive_permit_type_is_not_found(client, db):
    make_permit_type("OLD")
    PermitType.objects.filter(code="OLD").update(active=False)
    assert client.get("/layanan/NOPE/").status_code == 404
    assert client.get("/layanan/OLD/").status_code == 404


def test_public_menu_links_the_service_standards(client, db):
    assert 'href="/layanan/"' in client.get("/lacak/").content.decode()


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")]


def test_a_lookup_writes_no_session_row_and_its_page_writes_nothing(client, tracked):
    """Issue 22: the grant is a signed cookie; the GET result page (the hot path) is reads only."""
    number = tracked.registration_number
    with CaptureQueriesContext(connection) as posted:
        answer = client.post("/lacak/", {"number": number, "pin": PIN})
    assert answer.status_code == 303
    assert not [sql for sql in _writes(posted.captured_queries) if "django_session" in sql]
    assert answer.cookies["smart_lacak"]["httponly"] and answer.cookies["smart_lacak"]["samesite"] == "Lax"
    assert (
        PIN not in answer.cookies["smart_lacak"].value
        and tracked.pin_hash[:16] not in answer.cookies["smart_lacak"].value
    )
    for _look in range(2):  # the first look builds the view, the second reads it back
        with CaptureQueriesContext(connection) as got:
            page = client.get(f"/lacak/{number}/")
        assert page.status_code == 200 and "Posisi berkas" in page.content.decode()
        assert _writes(got.captured_queries) == []
        assert not [q for q in got.captured_queries if "django_session" in q["sql"]]


def test_a_forged_or_foreign_grant_opens_nothing(client, tracked, register):
    number = tracked.registration_number
    client.cookies["smart_lacak"] = "e30:forged:signature"
    assert "Posisi berkas" not in client.get(f"/lacak/{number}/").content.decode()
    other = set_pin(register())
    post(client, other.registration_number)  # a real grant, for another number only
    assert "Posisi berkas" not in client.get(f"/lacak/{number}/").content.decode()
    assert "Posisi berkas" in client.get(f"/lacak/{other.registration_number}/").content.decode()


def test_the_page_and_the_api_share_one_kept_view(client, tracked):
    number = tracked.registration_number
    assert client.get(f"/api/v1/track/{number}", HTTP_X_TRACKING_PIN=PIN).status_code == 200
    client.post("/lacak/", {"number": number, "pin": PIN})
    with CaptureQueriesContext(connection) as got:
        page = client.get(f"/lacak/{number}/")
    assert page.status_code == 200 and "Posisi berkas" in page.content.decode()
    # the lookup only (number, PIN hash, version): the view comes from the API's entry
    assert len(got.captured_queries) == 1, [q["sql"] for q in got.captured_queries]


def test_the_kept_page_carries_each_requests_own_csrf_token(tracked):
    """The application's part of the page is rendered once per version; its forms get the request's token."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    number = tracked.registration_number
    form = browser.get("/lacak/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    assert browser.post("/lacak/", {"number": number, "pin": PIN, "csrfmiddlewaretoken": token}).status_code == 303
    for _look in range(2):  # built, then read back
        html = browser.get(f"/lacak/{number}/").content.decode()
        assert "csrf0mark" not in html
    forget = re.search(r'action="/lacak/[^"]+/selesai/"[^>]*>\s*<input[^>]+value="([^"]+)"', html).group(1)
    assert browser.post(f"/lacak/{number}/selesai/", {"csrfmiddlewaretoken": forget}).status_code == 302
    assert "Posisi berkas" not in browser.get(f"/lacak/{number}/").content.decode()


def test_a_copy_of_the_grant_taken_before_closing_opens_nothing(client, tracked):
    from django.test import Client

    number = tracked.registration_number
    post(client, number)
    copy = Client()
    copy.cookies["smart_lacak"] = client.cookies["smart_lacak"].value
    assert "Posisi berkas" in copy.get(f"/lacak/{number}/").content.decode()
    client.post(f"/lacak/{number}/selesai/")
    assert "Posisi berkas" not in copy.get(f"/lacak/{number}/").content.decode()
