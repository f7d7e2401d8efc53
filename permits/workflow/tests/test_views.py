"""The officers' pages: work queue, task forms per step kind, and the application page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from permits.conftest import make_user
from permits.workflow import services as wf
from permits.workflow.models import Application, Task

from .conftest import JKT

pytestmark = pytest.mark.django_db


def active(app) -> Task:
    return Task.objects.get(application=app, state__in=Task.ACTIVE_STATES)


def finish(officers, app, role, payload):
    """Move a file on by one step through the engine (the part a test is not about)."""
    task = active(app)
    assert task.role == role, (task.kind, task.role)
    wf.task_claim(actor=officers[role], task_id=task.pk)
    wf.task_complete(actor=officers[role], task_id=task.pk, payload=payload)


def to_data_entry(officers, app):
    finish(officers, app, "verifier", {"documents_valid": True, "survey_required": False})
    assert active(app).kind == "data_entry"


def html(response) -> str:
    return response.content.decode()


def test_queue_shows_own_and_role_tasks_most_urgent_first_with_overdue_badge(client, officers, register):
    fresh = register(now=timezone.now())
    late = register(now=timezone.now() - timedelta(days=10))  # its one verification day is long gone
    taken = register(now=timezone.now() - timedelta(days=17))
    other = make_user("verifier")
    wf.task_claim(actor=other, task_id=active(taken).pk)

    client.force_login(officers["verifier"])
    page = html(client.get("/kerja/"))
    assert "Antrian kerja" in page
    assert late.registration_number in page and fresh.registration_number in page
    assert taken.registration_number not in page  # someone else's task
    assert page.index(late.registration_number) < page.index(fresh.registration_number)
    late_row = page[page.index(late.registration_number) : page.index(fresh.registration_number)]
    assert 'class="badge bad">terlambat' in late_row
    fresh_row = page[page.index(fresh.registration_number) :]
    assert 'class="badge ok">tepat waktu' in fresh_row and "Ambil" in fresh_row

    client.force_login(officers["surveyor"])  # another role sees none of these
    assert fresh.registration_number not in html(client.get("/kerja/"))


def test_queue_filters_by_state(client, officers, register):
    mine = register(now=timezone.now() - timedelta(days=3))
    waiting = register(now=timezone.now())
    wf.task_claim(actor=officers["verifier"], task_id=active(mine).pk)
    client.force_login(officers["verifier"])
    claimed = html(client.get("/kerja/?state=claimed"))
    assert mine.registration_number in claimed and waiting.registration_number not in claimed
    unclaimed = html(client.get("/kerja/?state=open"))
    assert waiting.registration_number in unclaimed and mine.registration_number not in unclaimed


def test_claim_from_queue_takes_the_task_and_opens_it(client, officers, register):
    app = register(now=timezone.now())
    task = active(app)
    client.force_login(officers["verifier"])
    res = client.post(f"/kerja/tugas/{task.pk}/ambil/")
    assert res.status_code == 302 and res["Location"] == f"/kerja/tugas/{task.pk}/"
    task.refresh_from_db()
    assert task.state == "claimed" and task.assignee == officers["verifier"]
    page = html(client.get(res["Location"]))
    assert "sudah Anda ambil" in page and "Selesaikan verifikasi" in page


def test_second_officers_claim_shows_the_conflict(client, officers, register):
    app = register(now=timezone.now())
    task = active(app)
    wf.task_claim(actor=officers["verifier"], task_id=task.pk)
    client.force_login(make_user("verifier"))
    res = client.post(f"/kerja/tugas/{task.pk}/ambil/")
    assert res.status_code == 409
    assert f"Tugas sudah diambil oleh {officers['verifier'].username}" in html(res)
    task.refresh_from_db()
    assert task.assignee == officers["verifier"]


def test_stale_form_is_refused_with_reload_message(client, officers, register):
    app = register(now=timezone.now())
    task = active(app)
    wf.task_claim(actor=officers["verifier"], task_id=task.pk)
    client.force_login(officers["verifier"])
    res = client.post(
        f"/kerja/tugas/{task.pk}/selesai/", {"documents_valid": "true", "survey_required": "false", "version": "1"}
    )
    assert res.status_code == 409 and "baru saja diubah" in html(res)
    assert active(app).pk == task.pk


def test_verification_form_with_survey_moves_file_to_survey_step(client, officers, register):
    app = register(now=timezone.now())
    task = active(app)
    wf.task_claim(actor=officers["verifier"], task_id=task.pk)
    task.refresh_from_db()
    client.force_login(officers["verifier"])
    page = html(client.get(f"/kerja/tugas/{task.pk}/"))
    assert "Perlu survei lapangan?" in page  # the permit type decides it at verification
    res = client.post(
        f"/kerja/tugas/{task.pk}/selesai/",
        {"documents_valid": "true", "survey_required": "true", "notes": "Lengkap", "version": task.version},
    )
    assert res.status_code == 302 and res["Location"] == "/kerja/"
    assert active(app).kind == "survey"
    app.refresh_from_db()
    assert app.survey_required is True and app.status == "in_process"
    assert "Berikutnya: Survei" in html(client.get("/kerja/"))


def test_verification_without_an_answer_is_refused_with_field_message(client, officers, register):
    app = register(now=timezone.now())
    task = active(app)
    wf.task_claim(actor=officers["verifier"], task_id=task.pk)
    client.force_login(officers["verifier"])
    res = client.post(f"/kerja/tugas/{task.pk}/selesai/", {"notes": "belum dicek"})
    assert res.status_code == 422
    assert "Pilih ya atau tidak." in html(res) and "belum dicek" in html(res)
    assert active(app).pk == task.pk


def test_survey_is_scheduled_then_reported(client, officers, register):
    app = register(now=timezone.now())
    finish(officers, app, "verifier", {"documents_valid": True, "survey_required": True})
    task = active(app)
    visit = timezone.localdate().isoformat()  # visited today, reported today
    client.force_login(officers["surveyor"])
    res = client.post(f"/kerja/tugas/{task.pk}/jadwal-survei/", {"visit_date": visit, "note": "Pagi"})
    assert res.status_code == 302
    task.refresh_from_db()
    assert task.payload["schedule"]["visit_date"] == visit and task.assignee == officers["surveyor"]
    page = html(client.get(f"/kerja/tugas/{task.pk}/"))
    assert "Survei dijadwalkan" in page and f'value="{visit}"' in page  # the report starts from the plan

    res = client.post(
        f"/kerja/tugas/{task.pk}/selesai/",
        {
            "visit_date": visit,
            "findings": "Bangunan sesuai gambar",
            "result": "pass",
            "m.name.0": "luas",
            "m.value.0": "121,5",
            "latitude": "-6.595",
            "longitude": "106.816",
        },
    )
    assert res.status_code == 302
    task.refresh_from_db()
    assert task.state == "done" and task.outcome == "pass"
    assert task.payload["measurements"] == {"luas": "121.5"} and task.payload["latitude"] == "-6.595"
    assert active(app).kind == "data_entry"


def test_survey_report_measurement_error_shows_under_its_row(client, officers, register):
    app = register(now=timezone.now())
    finish(officers, app, "verifier", {"documents_valid": True, "survey_required": True})
    task = active(app)
    client.force_login(officers["surveyor"])
    client.post(f"/kerja/tugas/{task.pk}/ambil/")
    res = client.post(
        f"/kerja/tugas/{task.pk}/selesai/",
        {
            "visit_date": "2026-11-27",
            "findings": "x",
            "result": "pass",
            "m.name.1": "luas",
            "m.value.1": "abc",
            "m.name.2": "tinggi",  # not a field of this permit type (posted by hand: the select does not offer it)
            "m.value.2": "7",
        },
    )
    assert res.status_code == 422
    page = html(res)
    assert "Ukuran harus berupa angka." in page and 'value="abc"' in page
    assert "Ukuran &#x27;tinggi&#x27; bukan data objek berupa angka" in page
    # the measurement is chosen from the permit type's numeric fields, and the choice is kept
    assert '<option value="luas" selected>' in page and '<option value="lantai"' in page
    assert '<option value="fungsi"' not in page  # a choice field is not a measurement


def test_data_entry_form_is_prefilled_and_validation_error_keeps_input(client, officers, register):
    app = register(now=timezone.now())
    to_data_entry(officers, app)
    task = active(app)
    client.force_login(officers["data_entry"])
    client.post(f"/kerja/tugas/{task.pk}/ambil/")
    page = html(client.get(f"/kerja/tugas/{task.pk}/"))
    assert 'name="data.luas" value="120"' in page  # from the registration

    res = client.post(
        f"/kerja/tugas/{task.pk}/selesai/", {"data.luas": "seratus", "data.lantai": "2", "data.fungsi": "Hunian"}
    )
    assert res.status_code == 422
    assert "Luas bangunan harus berupa angka." in html(res)
    assert 'name="data.luas" value="seratus"' in html(res)
    assert active(app).pk == task.pk

    res = client.post(
        f"/kerja/tugas/{task.pk}/selesai/", {"data.luas": "125,5", "data.lantai": "3", "data.fungsi": "Usaha"}
    )
    assert res.status_code == 302
    app.refresh_from_db()
    assert app.data == {"luas": "125.5", "lantai": 3, "fungsi": "Usaha"}


def test_levy_form_computes_the_total_without_completing(client, officers, register):
    app = register(now=timezone.now())
    to_data_entry(officers, app)
    finish(officers, app, "data_entry", {"data": {"luas": "120", "lantai": 2, "fungsi": "Hunian"}})
    finish(officers, app, "technical", {"recommendation": "approve", "reasons": "Memenuhi"})
    task = active(app)
    assert task.kind == "levy_assessment"
    client.force_login(officers["treasurer"])
    client.post(f"/kerja/tugas/{task.pk}/ambil/")
    lines = {"lines.0.description": "Retribusi PBG", "lines.0.amount": "1.250.000", "lines.2.description": "Papan"}
    lines["lines.2.amount"] = "50000"
    res = client.post(f"/kerja/tugas/{task.pk}/selesai/", {**lines, "preview": "1"})
    assert res.status_code == 200 and "Rp 1.300.000" in html(res)
    assert active(app).pk == task.pk

    res = client.post(f"/kerja/tugas/{task.pk}/selesai/", {**lines, "lines.3.amount": "0"})
    assert res.status_code == 422 and "Uraian wajib diisi." in html(res)
    res = client.post(f"/kerja/tugas/{task.pk}/selesai/", lines)
    assert res.status_code == 302
    task.refresh_from_db()
    assert task.payload["total"] == "1300000"
    payment = active(app)
    client.post(f"/kerja/tugas/{payment.pk}/ambil/")
    assert 'name="amount" value="1300000"' in html(client.get(f"/kerja/tugas/{payment.pk}/"))


def test_return_and_resubmit_through_the_pages(client, officers, register):
    app = register(now=timezone.now())
    task = active(app)
    client.force_login(officers["verifier"])
    client.post(f"/kerja/tugas/{task.pk}/ambil/")
    res = client.post(f"/kerja/tugas/{task.pk}/kembalikan/", {"items": "", "note": "x"})
    assert res.status_code == 422 and "Sebutkan apa yang harus dilengkapi" in html(res)

    res = client.post(
        f"/kerja/tugas/{task.pk}/kembalikan/",
        {"items": "Sertifikat dilegalisir\n\nFotokopi KTP yang terbaca", "note": "Fotokopi buram"},
    )
    assert res.status_code == 302 and res["Location"] == f"/loket/permohonan/{app.registration_number}/"
    app.refresh_from_db()
    assert app.status == "returned" and app.returns_count == 1
    assert app.return_items == ["Sertifikat dilegalisir", "Fotokopi KTP yang terbaca"]
    assert "Terima perbaikan berkas" not in html(client.get(res["Location"]))  # the verifier cannot receive it

    client.force_login(officers["frontdesk"])
    page = html(client.get(res["Location"]))
    assert "Terima perbaikan berkas" in page and "Fotokopi KTP yang terbaca" in page
    res = client.post(f"/kerja/permohonan/{app.registration_number}/perbaikan/", {"note": "Dibawa pemohon"})
    assert res.status_code == 302
    app.refresh_from_db()
    assert app.status == "in_process"
    reopened = active(app)
    assert reopened.kind == "verification" and reopened.pk != task.pk
    page = html(client.get(res["Location"]))
    assert "Jeda (menunggu pemohon)" in page and "Fotokopi buram" in page and "Perbaikan berkas diterima" in page


def test_reject_through_the_page_shows_the_reason_on_the_application_page(client, officers, register):
    app = register(now=timezone.now())
    task = active(app)
    client.force_login(officers["verifier"])
    client.post(f"/kerja/tugas/{task.pk}/ambil/")
    assert "Tidak sesuai tata ruang" in html(client.get(f"/kerja/tugas/{task.pk}/"))  # in the reason list
    res = client.post(f"/kerja/tugas/{task.pk}/tolak/", {"reason_code": "", "text": "Di jalur hijau"})
    assert res.status_code == 422 and "Pilih alasan penolakan dari daftar." in html(res)
    assert "Di jalur hijau" in html(res)

    res = client.post(f"/kerja/tugas/{task.pk}/tolak/", {"reason_code": "tata-ruang", "text": "Di jalur hijau"})
    assert res.status_code == 302
    page = html(client.get(res["Location"]))
    assert "Ditolak" in page and "Tidak sesuai tata ruang" in page and "Di jalur hijau" in page
    assert Application.objects.get(pk=app.pk).status == "rejected"


def test_supervisor_sees_the_section_queue_and_assigns(client, officers, register):
    app = register(now=timezone.now())
    task = active(app)
    client.force_login(officers["supervisor"])
    assert app.registration_number not in html(client.get("/kerja/"))  # not the supervisor's own work
    page = html(client.get("/kerja/?scope=all"))
    assert app.registration_number in page and "Tugaskan" in page
    assert f'<option value="{officers["verifier"].pk}"' in page
    assert f'<option value="{officers["surveyor"].pk}"' not in page  # only holders of the task's role

    res = client.post(f"/kerja/tugas/{task.pk}/tugaskan/", {"assignee": officers["surveyor"].pk})
    assert res.status_code == 422 and "tidak memegang peran tugas ini" in html(res)
    res = client.post(
        f"/kerja/tugas/{task.pk}/tugaskan/", {"assignee": officers["verifier"].pk, "next": "/kerja/?scope=all"}
    )
    assert res.status_code == 302 and res["Location"] == "/kerja/?scope=all"
    task.refresh_from_db()
    assert task.assignee == officers["verifier"] and task.state == "claimed"
    page = html(client.get("/kerja/?scope=all"))  # the row's links and its assignee chosen in the form
    assert f'href="{reverse("intake:application", args=[app.registration_number])}"' in page
    assert f'href="/kerja/tugas/{task.pk}/"' in page and f'action="/kerja/tugas/{task.pk}/tugaskan/"' in page
    assert f'<option value="{officers["verifier"].pk}" selected>' in page

    client.force_login(officers["verifier"])  # an officer cannot assign
    assert client.post(f"/kerja/tugas/{task.pk}/tugaskan/", {"assignee": officers["verifier"].pk}).status_code == 403
    assert 'name="scope"' not in html(client.get("/kerja/"))  # and has no section toggle


def test_supervisor_sends_a_file_back_to_an_earlier_step(client, officers, register):
    app = register(now=timezone.now())
    to_data_entry(officers, app)
    client.force_login(officers["supervisor"])
    page = html(client.get(f"/loket/permohonan/{app.registration_number}/"))
    assert "Kembalikan ke langkah sebelumnya" in page
    res = client.post(f"/kerja/permohonan/{app.registration_number}/langkah-sebelumnya/", {"step": "verifikasi"})
    assert res.status_code == 422 and "Alasan pengembalian wajib diisi." in html(res)
    res = client.post(
        f"/kerja/permohonan/{app.registration_number}/langkah-sebelumnya/",
        {"step": "verifikasi", "note": "Cek ulang sertifikat"},
    )
    assert res.status_code == 302 and active(app).kind == "verification"
    assert "Dikembalikan ke langkah sebelumnya" in html(client.get(res["Location"]))


def test_front_desk_withdraws_an_application(client, officers, register):
    app = register(now=timezone.now())
    client.force_login(officers["frontdesk"])
    url = f"/kerja/permohonan/{app.registration_number}/cabut/"
    assert client.post(url, {"note": ""}).status_code == 422
    assert client.post(url, {"note": "Permintaan pemohon"}).status_code == 302
    app.refresh_from_db()
    assert app.status == "withdrawn" and not Task.objects.filter(application=app, state__in=Task.ACTIVE_STATES)


def test_pages_refuse_anonymous_users_and_wrong_roles(client, officers, register):
    app = register(now=timezone.now())
    task = active(app)
    for url in ("/kerja/", f"/kerja/tugas/{task.pk}/"):
        res = client.get(url)
        assert res.status_code == 302 and res["Location"].startswith("/masuk/")
    assert client.post(f"/kerja/tugas/{task.pk}/ambil/").status_code == 302

    client.force_login(make_user(None))  # no role at all
    assert client.get("/kerja/").status_code == 403
    client.force_login(officers["frontdesk"])  # a role, but not this task's
    assert client.get(f"/kerja/tugas/{task.pk}/").status_code == 403
    assert client.post(f"/kerja/tugas/{task.pk}/ambil/").status_code == 403
    client.force_login(officers["surveyor"])
    assert client.post(f"/kerja/tugas/{task.pk}/selesai/", {"documents_valid": "true"}).status_code == 403
    client.force_login(officers["verifier"])  # only supervisors send files back
    url = f"/kerja/permohonan/{app.registration_number}/langkah-sebelumnya/"
    assert client.post(url, {"step": "verifikasi", "note": "x"}).status_code == 403
    assert client.get(f"/kerja/tugas/{task.pk}/selesai/").status_code == 405
    task.refresh_from_db()
    assert task.state == "open"


def test_application_page_shows_timeline_in_jakarta_time_and_step_times(client, officers, register):
    # 09:00 Asia/Jakarta (02:00 UTC) two weeks ago: the verification that ends now is over its one day
    registered = (timezone.now() - timedelta(days=14)).astimezone(JKT).replace(hour=9, minute=0, second=0)
    app = register(now=registered)
    finish(officers, app, "verifier", {"documents_valid": True, "survey_required": False})
    client.force_login(officers["data_entry"])
    page = html(client.get(f"/loket/permohonan/{app.registration_number}/"))
    assert f"{registered:%d/%m/%Y} 09:00" in page and "Didaftarkan di loket" in page
    assert "Tugas diambil" in page and "Langkah selesai" in page and "Langkah dilewati" in page
    assert officers["verifier"].username in page
    steps = page[page.index("Waktu per langkah") : page.index("Riwayat")]
    assert "Verifikasi" in steps and "melebihi batas" in steps and "dilewati" in steps
    assert "Entri Data" in page and f'href="/kerja/tugas/{active(app).pk}/"' in page  # the current step's task
    assert "Kembalikan ke langkah sebelumnya" not in page and "Cabut permohonan" not in page
