"""Exports open in a spreadsheet; the public transparency page shows no personal data; the digest."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from permits.conftest import VALID_APPLICANT
from permits.core.calendar import office_calendar
from permits.monitoring import exports
from permits.monitoring.services import daily_digest_send
from permits.monitoring.transparency import transparency_rows
from permits.notifications.models import Message
from permits.workflow.estimates import completion_days, percentile
from permits.workflow.models import Application, Task

from .scenario import NOW, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(reachable, register):
    return build(reachable, register)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


def _get(client, **params):
    return client.get(reverse("monitoring:export"), params)


def test_csv_exports_of_applications_and_steps_parse_with_their_times(client, office, officers, frozen):
    client.force_login(officers["head"])
    response = _get(client, jenis="permohonan", format="csv", dari="2026-11-01", sampai="2026-11-30")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    november = Application.objects.filter(registered_at__month=11)
    assert sorted(r["nomor_pendaftaran"] for r in rows) == sorted(
        november.values_list("registration_number", flat=True)
    )
    b = next(r for r in rows if r["nomor_pendaftaran"] == office["B"].registration_number)
    assert (b["terdaftar"], b["diputus"], b["tepat_waktu"]) == ("2026-11-09 09:00", "2026-11-16 10:00", "tidak")
    c = next(r for r in rows if r["nomor_pendaftaran"] == office["C"].registration_number)
    assert (c["status"], c["tepat_waktu"]) == ("rejected", "ya")

    response = _get(client, jenis="langkah", format="csv", dari="2026-11-01", sampai="2026-11-30")
    steps = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(steps) == Task.objects.filter(application__in=november).count()
    late = [
        s
        for s in steps
        if s["nomor_pendaftaran"] == office["B"].registration_number and s["jenis_langkah"] == "verification"
    ]
    assert (
        late[0]["waktu_kerja_jam"] == "16.0"
        and late[0]["batas_jam_kerja"] == "8.0"
        and late[0]["tepat_waktu"] == "tidak"
    )


def test_xlsx_export_opens_with_openpyxl_and_holds_no_personal_data(client, office, officers, frozen):
    client.force_login(officers["supervisor"])
    response = _get(client, jenis="permohonan", format="xlsx", dari="2026-10-01", sampai="2026-11-30")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == exports.APPLICATION_COLUMNS
    assert len(values) - 1 == Application.objects.count()
    text = repr(values)
    assert VALID_APPLICANT["nik"] not in text and VALID_APPLICANT["name"] not in text
    steps = load_workbook(
        io.BytesIO(
            b"".join(
                _get(client, jenis="langkah", format="xlsx", dari="2026-10-01", sampai="2026-11-30").streaming_content
            )
        ),
        read_only=True,
    ).active
    assert next(steps.iter_rows(values_only=True)) == tuple(exports.STEP_COLUMNS)


def test_export_refuses_a_bad_range_with_a_message(client, officers):
    client.force_login(officers["head"])
    response = _get(client, jenis="permohonan", format="csv", dari="2026-11-30", sampai="2026-11-01")
    assert response.status_code == 422 and "Tanggal akhir sebelum tanggal awal." in response.content.decode()
    assert _get(client, jenis="permohonan", format="csv", dari="2025-01-01", sampai="2026-11-01").status_code == 422
    assert _get(client).status_code == 200  # the form


def test_transparency_page_is_public_and_names_nobody(client, office):
    response = client.get(reverse("monitoring:transparency"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Izin Uji FAST" in html and "3 hari kerja" in html
    for private in (
        VALID_APPLICANT["nik"],
        VALID_APPLICANT["name"],
        "Siti",
        "verifier",
        office["B"].registration_number,
    ):
        assert private not in html


def test_transparency_figures_match_the_decisions(office):
    (row,) = [r for r in transparency_rows(now=NOW, use_cache=False) if r["code"] == "FAST"]
    cal = office_calendar()
    since = NOW - timedelta(days=90)
    days, on_time = [], 0
    for app in Application.objects.all():
        signed = [t.finished_at for t in app.tasks.all() if t.kind == "signing" and t.state == "done"]
        decided = app.finished_at if app.status == "rejected" else (signed[0] if signed else None)
        if decided and since <= decided < NOW:
            days.append(completion_days(cal, app.registered_at, decided, app.paused_seconds))
            on_time += decided <= app.promised_completion_at
    assert row["decided"] == len(days) == 4  # F, A, B, C
    assert row["on_time"] == on_time == 3
    assert row["median_days"] == round(percentile(days, 50), 1)
    assert row["standard_days"] == 3


def test_daily_digest_reaches_each_head_once_with_yesterdays_numbers(office, reachable):
    sent = daily_digest_send(day=NOW.date() - timedelta(days=1), now=NOW)
    assert sent == 1
    assert daily_digest_send(day=NOW.date() - timedelta(days=1), now=NOW) == 1  # same day again: same message
    (message,) = Message.objects.filter(template="daily_digest")
    assert message.recipient_user == reachable["head"]
    # Thursday 26 Nov: H registered; the one step due that day (G's verification, 09:00) was done the day
    # before (G's late data entry fell due on the 25th); D is the worst stall
    assert message.context["items"].startswith("1 masuk, 0 selesai (- tepat), langkah 100% tepat; 1 terlambat")
    assert message.context["reason"].startswith(office["D"].registration_number)
    assert len(message.text) <= 160
