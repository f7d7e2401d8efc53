"""Demo applications walked through the SOP engine in the past: every status, every step kind.

`demo_walk` registers each scenario's application and performs each of its actions at past
instants inside office hours, then lets the real services record them (their `now=` argument is
time travel, meant for exactly this and for tests). So every task, due instant, pause and audit
event is what the office would have recorded, and the officer queues show a realistic mix of on
time, due soon and overdue work.

Instants are placed backwards from "now" on the office calendar: a scenario says how much working
time passed between its actions and how long ago (in working time) its last action was. That keeps
every instant in the past and inside office hours whatever the day, weekend or holiday, and it
fixes how much time the current task has left (e.g. ``end`` longer than the step's bound = overdue).
"""

import datetime
import re
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from permits.catalog.models import PermitType, Step
from permits.core.calendar import office_calendar
from permits.core.roles import FRONTDESK, SUPERVISOR
from permits.core.workdays import WorkCalendar
from permits.demo.applicants import demo_applicant, demo_object_data
from permits.intake.services import application_register
from permits.workflow import services as wf
from permits.workflow.models import Application, Task
from permits.workflow.steps import latest_payload

K = Step.Kind


# --- scenarios ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Act:
    """One action on the application. `after`: working time since the previous action ("1d2h30m")."""

    do: str  # claim, complete, schedule, return, resubmit, reject, withdraw, rework
    after: str
    args: dict = field(default_factory=dict)


def claim(after: str) -> Act:
    return Act("claim", after)


def done(after: str, **args) -> Act:
    return Act("complete", after, args)


def step(claim_after: str, done_after: str, **args) -> list[Act]:
    """An officer takes the current task up, then finishes it."""
    return [claim(claim_after), done(done_after, **args)]


def survey(schedule_after: str, done_after: str, **args) -> list[Act]:
    """The surveyor schedules the visit (on the day of the report), then records the report."""
    return [Act("schedule", schedule_after), done(done_after, **args)]


@dataclass(frozen=True)
class Scenario:
    permit_type: str
    applicant: str  # a name in permits.demo.applicants.DEMO_APPLICANTS
    variant: int  # which DEMO_OBJECT_DATA variant
    note: str  # what this application shows, in Indonesian (goes to demo-applications.json)
    acts: list[Act]
    end: str  # working time between the last action (or the registration) and now
    documents: tuple[str, ...] = ()  # conditional requirements that apply, besides the mandatory ones


SCENARIOS: list[Scenario] = [
    Scenario(
        "TDUP",
        "Muh. Ma'ruf",
        0,
        "Baru didaftarkan, belum diambil verifikator; batas waktu verifikasi tinggal sekitar 1 jam kerja.",
        [],
        end="2h55m",
        documents=("akta-pendirian",),
    ),
    Scenario(
        "SLF",
        "René Tumbelaka",
        1,
        "Terdaftar lebih dari dua hari kerja lalu dan belum diambil siapa pun: verifikasi terlambat.",
        [],
        end="2d2h40m",
    ),
    Scenario(
        "SIP-DOKTER",
        "dr. Yohana Sitorus, Sp.A.",
        1,
        "Sedang diverifikasi (sudah diambil verifikator) tetapi melewati batas waktu.",
        [claim("1h15m")],
        end="1d1h50m",
        documents=("sip-tempat-lain",),
    ),
    Scenario(
        "PBG",
        "Ni Made Ayu Sri Rahayu",
        0,
        "Verifikasi selesai; kunjungan survei lapangan sudah dijadwalkan pada hari kerja berikutnya.",
        [*step("40m", "4h50m"), Act("schedule", "2h25m")],
        end="3h35m",
    ),
    Scenario(
        "IZIN-TOKO",
        "Andi Pangerang",
        0,
        "Tanpa survei (diputuskan verifikator): menunggu entri data, terlambat.",
        [*step("1h", "3h", survey=False)],
        end="1d4h25m",
        documents=("akta-pendirian",),
    ),
    Scenario(
        "SIPA",
        "Dewi Lestari",
        0,
        "Survei titik sumur selesai dan data dientri; rekomendasi teknis air tanah sedang dikerjakan.",
        [*step("2h10m", "4h"), *survey("1h35m", "1d3h"), *step("55m", "2h15m"), claim("1h30m")],
        end="1d3h40m",
        documents=("nib",),
    ),
    Scenario(
        "REKLAME",
        "Budi Santoso",
        0,
        "Survei dan entri data selesai; penetapan pajak reklame (SKPD) terlambat.",
        [*step("25m", "3h5m"), *survey("1h", "5h40m"), *step("1h15m", "2h")],
        end="1d1h45m",
        documents=("nib", "gambar-konstruksi", "polis-asuransi"),
    ),
    Scenario(
        "PBG",
        "Ahmad Fauzi",
        1,
        "SKRD retribusi PBG sudah terbit; menunggu pemohon membayar di Bank BJB.",
        [
            *step("1h", "6h"),
            *survey("2h", "2d"),
            *step("1h", "4h"),
            *step("2h", "8d"),
            *step("3h", "5h"),
        ],
        end="1d7h20m",
        documents=("perhitungan-struktur",),
    ),
    Scenario(
        "SIPA",
        "Dewi Lestari",
        1,
        "Pajak air tanah dihitung dari debit hasil survei; SKPD terbit, menunggu pembayaran lewat virtual account.",
        [*step("1h", "3h"), *survey("1h", "1d2h"), *step("40m", "2h"), *step("1h", "6h"), *step("1h", "3h")],
        end="4h30m",
        documents=("nib",),
    ),
    Scenario(
        "REKLAME",
        "Hj. Nur'aini Syafi'i",
        1,
        "Pajak reklame lunas dan disetujui kepala bidang; menunggu tanda tangan Kepala Dinas, hampir jatuh tempo.",
        [
            *step("1h", "4h"),
            *survey("1h", "1d"),
            *step("30m", "2h"),
            *step("1h", "2h"),
            done("2d"),  # the treasurer records the payment
            *step("2h", "3h"),
        ],
        end="6h50m",
    ),
    Scenario(
        "SIP-DOKTER",
        "dr. Rina Wulandari",
        0,
        "SK sudah ditandatangani (SK terbit); menunggu diambil pemohon di loket.",
        [*step("1h", "3h"), *step("1h", "2h"), *step("2h", "1d"), *step("1h", "2h"), *step("1h", "1h")],
        end="1h25m",
    ),
    Scenario(
        "TDUP",
        "Siti Nurhaliza",
        1,
        "Selesai: verifikator memutuskan perlu survei; SK sudah diambil pemohon.",
        [
            *step("30m", "2h", survey=True),
            *survey("1h", "6h"),
            *step("1h", "2h"),
            *step("2h", "3h"),
            *step("1h", "2h"),
            done("1d"),  # handed over at the counter
        ],
        end="2d1h5m",
    ),
    Scenario(
        "PBG",
        "Ujang Sopandi",
        2,
        "Dikembalikan: sertifikat tanah harus dilegalisir dan KKPR diperbarui; jam layanan berhenti selama menunggu.",
        [
            claim("1h"),
            Act(
                "return",
                "3h",
                {
                    "items": [
                        "Fotokopi sertifikat tanah yang dilegalisir BPN atau notaris",
                        "KKPR yang masih berlaku (yang dilampirkan sudah kedaluwarsa)",
                    ],
                    "note": "Sertifikat belum dilegalisir; KKPR kedaluwarsa.",
                },
            ),
        ],
        end="1d6h35m",
    ),
    Scenario(
        "SIP-DOKTER",
        "drg. Kadek Wiraguna",
        2,
        "Dikembalikan (STR harus dilegalisir), lalu dilengkapi: janji selesai bergeser sepanjang jeda; "
        "kini di rekomendasi Dinas Kesehatan.",
        [
            claim("1h"),
            Act(
                "return",
                "2h",
                {
                    "items": ["Fotokopi STR yang dilegalisir Konsil Kesehatan Indonesia"],
                    "note": "STR hanya fotokopi biasa.",
                },
            ),
            Act("resubmit", "2d4h", {"note": "Pemohon menyerahkan STR yang sudah dilegalisir."}),
            *step("1h", "2h"),
            *step("1h", "2h"),
            claim("2h"),
        ],
        end="3h20m",
    ),
    Scenario(
        "IZIN-TOKO",
        "Hendra Gunawan",
        1,
        "Ditolak saat survei: jarak ke pasar rakyat kurang dari ketentuan Perda.",
        [
            *step("1h", "3h", survey=True),
            Act("schedule", "2h"),
            Act(
                "reject",
                "1d",
                {
                    "reason": "jarak-pasar-rakyat",
                    "text": "Hasil pengukuran di lapangan 350 m ke Pasar Kebon Kembang (tertulis 650 m); "
                    "Perda mensyaratkan paling sedikit 500 m untuk supermarket.",
                },
            ),
        ],
        end="2d5h15m",
        documents=("akta-pendirian", "kajian-sosial-ekonomi"),
    ),
    Scenario(
        "SLF",
        "Rudy Hartono",
        0,
        "Ditolak atas rekomendasi tim teknis: bangunan terbangun tidak sesuai PBG.",
        [
            *step("1h", "3h"),
            *survey(
                "2h",
                "1d2h",
                result="fail",
                findings="Ada mezanin tambahan di lantai 3 dan tangga darurat tertutup partisi; "
                "tidak sesuai gambar PBG.",
            ),
            *step("1h", "3h"),
            *step(
                "2h",
                "2d",
                reject="tidak-sesuai-pbg",
                reasons="Mezanin lantai 3 dan penutupan tangga darurat tidak ada dalam PBG. "
                "Pemohon dapat mengajukan PBG perubahan terlebih dahulu.",
            ),
        ],
        end="7h40m",
    ),
    Scenario(
        "TDUP",
        "Ni Luh Ketut Sukarini",
        2,
        "Dikembalikan untuk melengkapi sertifikat standar usaha, lalu dicabut pemohon.",
        [
            claim("30m"),
            Act(
                "return",
                "1h30m",
                {
                    "items": ["Sertifikat standar usaha spa dari OSS (usaha berisiko menengah tinggi)"],
                    "note": "Usaha spa wajib sertifikat standar.",
                },
            ),
            Act("withdraw", "3d", {"note": "Pemohon membatalkan rencana usaha: tempat tidak jadi disewa."}),
        ],
        end="1d3h50m",
    ),
    Scenario(
        "SLF",
        "H. Asep Saepudin",
        2,
        "Dikerjakan ulang: kepala bidang mengembalikan berkas dari persetujuan ke entri data "
        "(luas bangunan berbeda dengan hasil pemeriksaan lapangan).",
        [
            *step("1h", "4h"),
            *survey("1h", "2d", measurements={"luas_bangunan": "1920"}),
            *step("1h", "3h"),
            *step("2h", "3d"),
            claim("1h"),
            Act(
                "rework",
                "3h",
                {
                    "step": "entri-data",
                    "note": "Luas bangunan di konsep SK 1.850 m², hasil pemeriksaan lapangan 1.920 m²: "
                    "perbaiki entri data.",
                },
            ),
        ],
        end="2h20m",
        documents=("akta-pendirian", "rekomendasi-damkar"),
    ),
    Scenario(
        "TDUP",
        "Euis Komariah",
        3,
        "Tanpa survei (diputuskan verifikator): menunggu persetujuan kepala bidang, terlambat.",
        [*step("1h", "2h", survey=False), *step("1h", "2h")],
        end="1d5h30m",
    ),
]


# --- what the officers write --------------------------------------------------------------------

SURVEY_NOTES: dict[str, tuple[str, list[str]]] = {
    "PBG": (
        "Batas tanah sesuai sertifikat; garis sempadan bangunan 5 m dari as jalan terpenuhi; "
        "belum ada pekerjaan fisik.",
        ["luas_tanah", "luas_bangunan"],
    ),
    "REKLAME": (
        "Titik reklame tidak menghalangi rambu dan tidak di kawasan larangan; pemilik lahan hadir saat survei.",
        ["panjang_m", "lebar_m"],
    ),
    "SIPA": (
        "Titik sumur sesuai peta; jarak ke sumur terdekat sekitar 150 m; bukan zona air tanah kritis.",
        ["kedalaman_m", "diameter_pipa"],
    ),
    "IZIN-TOKO": ("Lokasi di tepi jalan kolektor; lahan parkir tersedia.", ["luas_lantai_usaha"]),
    "TDUP": ("Tempat usaha siap beroperasi; APAR dan jalur evakuasi tersedia.", ["kapasitas"]),
    "SLF": (
        "Bangunan sesuai gambar terbangun; APAR dan jalur evakuasi tersedia; tidak tampak retak struktur.",
        ["luas_bangunan", "jumlah_lantai"],
    ),
}

REVIEW_NOTES: dict[str, str] = {
    "PBG": "Konsultasi TPA: rencana memenuhi KDB, KLB dan GSB; gambar struktur dan utilitas memenuhi standar.",
    "SIP-DOKTER": "Dinas Kesehatan merekomendasikan: STR berlaku, fasyankes berizin, paling banyak 3 tempat praktik.",
    "SIPA": "Debit masih dalam daya dukung akuifer; wajib memasang meter air dan membuat sumur resapan.",
    "IZIN-TOKO": "Dinas Perdagangan merekomendasikan: jarak ke pasar rakyat dan kemitraan UMKM memenuhi ketentuan.",
    "SLF": "Tim teknis menilai bangunan laik fungsi sesuai PBG.",
}


def _number(value: Decimal) -> str:
    """120.5 -> '120,5' (Indonesian decimal comma, for descriptions)."""
    return f"{value.normalize():f}".replace(".", ",")


def _whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _local_date(cal: WorkCalendar, at: datetime.datetime) -> datetime.date:
    return at.astimezone(cal.tz).date()


def _payload(cal: WorkCalendar, task: Task, app: Application, args: dict, at: datetime.datetime) -> dict:
    """What the officer submits to finish `task`, per step kind."""
    code, data = app.permit_type.code, app.data
    if task.kind == K.VERIFICATION:
        return {
            "documents_valid": True,
            "survey_required": args.get("survey", True),
            "notes": "Berkas lengkap; fotokopi dicocokkan dengan aslinya.",
        }
    if task.kind == K.SURVEY:
        findings, fields = SURVEY_NOTES.get(code, ("Kondisi lapangan sesuai permohonan.", []))
        schedule = task.payload.get("schedule") or {}
        payload = {
            "visit_date": schedule.get("visit_date") or _local_date(cal, at).isoformat(),
            "findings": args.get("findings", findings),
            "result": args.get("result", "pass"),
            "measurements": {**{f: data[f] for f in fields if f in data}, **args.get("measurements", {})},
        }
        if "," in str(data.get("koordinat", "")):
            payload["latitude"], payload["longitude"] = (p.strip() for p in data["koordinat"].split(",", 1))
        return payload
    if task.kind == K.DATA_ENTRY:
        return {"data": {**data, **args.get("data", {})}}
    if task.kind == K.TECHNICAL_REVIEW:
        if "reject" in args:
            return {"recommendation": "reject", "reason_code": args["reject"], "reasons": args["reasons"]}
        return {"recommendation": "approve", "reasons": REVIEW_NOTES.get(code, "Memenuhi persyaratan teknis.")}
    if task.kind == K.LEVY_ASSESSMENT:
        return {}  # the office's tariff computes the SKRD lines from the surveyed and entered values
    if task.kind == K.PAYMENT:
        reference = f"BJB-{at.astimezone(cal.tz):%Y%m%d}-{app.pk:05d}"
        return {"reference": reference, "amount": latest_payload(app, K.LEVY_ASSESSMENT)["total"]}
    if task.kind == K.APPROVAL:
        return {"decision": "approve", "notes": "Disetujui; konsep SK diteruskan ke Kepala Dinas."}
    if task.kind == K.SIGNING:
        return {"notes": "SK ditandatangani secara elektronik."}
    if task.kind == K.HANDOVER:
        applicant = app.applicant
        return {"collected_by": applicant.name, "relation": "holder", "id_number": applicant.nik}
    return {}


# --- time placement -----------------------------------------------------------------------------

_SPAN = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")


def span(text: str, cal: WorkCalendar) -> timedelta:
    """Working time from "1d2h30m" (a day is the calendar's working day)."""
    match = _SPAN.match(text)
    if not match or not text:
        raise ValueError(f"bad span {text!r}")
    days, hours, minutes = (int(g or 0) for g in match.groups())
    return days * cal.day_length() + timedelta(hours=hours, minutes=minutes)


def _previous_close(cal: WorkCalendar, d: datetime.date) -> datetime.datetime:
    d -= timedelta(days=1)
    while not cal.is_working_day(d):
        d -= timedelta(days=1)
    return datetime.datetime.combine(d, cal.day_end, tzinfo=cal.tz)


def working_time_before(cal: WorkCalendar, end: datetime.datetime, duration: timedelta) -> datetime.datetime:
    """The latest instant `s` inside office hours with working_time_between(s, end) == duration."""
    at = end.astimezone(cal.tz)
    day = at.date()
    opening = datetime.datetime.combine(day, cal.day_start, tzinfo=cal.tz)
    closing = datetime.datetime.combine(day, cal.day_end, tzinfo=cal.tz)
    if not cal.is_working_day(day) or at < opening:
        at = _previous_close(cal, day)
    elif at > closing:
        at = closing
    while True:
        opening = datetime.datetime.combine(at.date(), cal.day_start, tzinfo=cal.tz)
        if duration <= at - opening:
            return (at - duration).astimezone(UTC)
        duration -= at - opening
        at = _previous_close(cal, at.date())


def _instants(cal: WorkCalendar, scenario: Scenario, now: datetime.datetime) -> list[datetime.datetime]:
    """[registration, act 1, act 2, ...], counted backwards from now."""
    times = [working_time_before(cal, now, span(scenario.end, cal))]
    for act in reversed(scenario.acts):
        times.append(working_time_before(cal, times[-1], span(act.after, cal)))
    return times[::-1]


def _next_working_day(cal: WorkCalendar, d: datetime.date) -> datetime.date:
    d += timedelta(days=1)
    while not cal.is_working_day(d):
        d += timedelta(days=1)
    return d


# --- the walk -----------------------------------------------------------------------------------


def _active(app: Application) -> Task | None:
    return Task.objects.filter(application=app, state__in=Task.ACTIVE_STATES).select_related("step", "assignee").first()


def _officer(users: dict, task: Task):
    """Who acts on `task`: its assignee (auto-assignment may have picked one), else the demo user of its role."""
    return task.assignee if task.assignee_id else users[task.role]


def _documents(permit_type: PermitType, scenario: Scenario) -> list[str]:
    extra = set(scenario.documents)
    return [r.code for r in permit_type.requirements.all() if r.mandatory or r.code in extra]


def _perform(cal, users, app: Application, act: Act, at, next_at, now) -> None:
    task = _active(app)
    args = act.args
    if act.do == "claim":
        if task.state == Task.State.OPEN:
            wf.task_claim(actor=users[task.role], task_id=task.pk, now=at)
    elif act.do == "schedule":
        visit = _local_date(cal, next_at) if next_at else _next_working_day(cal, _local_date(cal, now))
        wf.task_schedule_survey(
            actor=_officer(users, task),
            task_id=task.pk,
            payload={"visit_date": visit.isoformat(), "note": "Pemohon atau kuasanya diminta hadir di lokasi."},
            now=at,
        )
    elif act.do == "complete":
        app.refresh_from_db()
        wf.task_complete(
            actor=_officer(users, task), task_id=task.pk, payload=_payload(cal, task, app, args, at), now=at
        )
    elif act.do == "return":
        wf.task_return(actor=_officer(users, task), task_id=task.pk, items=args["items"], note=args["note"], now=at)
    elif act.do == "resubmit":
        wf.application_resubmit(actor=users[FRONTDESK], application_id=app.pk, note=args["note"], now=at)
    elif act.do == "reject":
        wf.task_reject(
            actor=_officer(users, task), task_id=task.pk, reason_code=args["reason"], text=args["text"], now=at
        )
    elif act.do == "withdraw":
        wf.application_withdraw(actor=users[FRONTDESK], application_id=app.pk, note=args["note"], now=at)
    elif act.do == "rework":
        wf.application_rework(
            actor=users[SUPERVISOR], application_id=app.pk, step_code=args["step"], note=args["note"], now=at
        )
    else:
        raise ValueError(f"unknown demo action {act.do!r}")


def _entry(cal, app: Application, pin: str, scenario: Scenario, now) -> dict:
    app.refresh_from_db()
    task = _active(app)
    return {
        "registration_number": app.registration_number,
        "pin": pin,
        "permit_type": app.permit_type.code,
        "state": app.status,
        "current_step": task.step.code if task else None,
        "current_step_kind": task.kind if task else None,
        "current_role": task.role if task else None,
        "due_at": task.due_at.astimezone(cal.tz).isoformat(timespec="minutes") if task else None,
        "overdue": bool(task and task.due_at < now),
        "applicant": app.applicant.display_name,
        "promised_completion_date": app.promised_completion_at.astimezone(cal.tz).date().isoformat(),
        "scenario": scenario.note,
    }


def demo_walk(
    users: dict,
    *,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
    scenarios: list[Scenario] | None = None,
) -> list[dict]:
    """Register the demo applications in the past and walk each to its scenario's point.

    `users`: the demo user of each role (role name -> user). The reference instant is `now`, else
    noon of `today` (Asia/Jakarta), else the current time. Returns one entry per application, in
    registration order, for var/demo-applications.json.
    """
    cal = office_calendar()
    if now is None:
        now = datetime.datetime.combine(today, datetime.time(12, 0), tzinfo=cal.tz) if today else timezone.now()
    plans = sorted(
        ((_instants(cal, sc, now), sc) for sc in (SCENARIOS if scenarios is None else scenarios)),
        key=lambda plan: plan[0][0],
    )
    walked = []
    for times, sc in plans:  # registered in time order, so the numbers follow the dates
        permit_type = PermitType.objects.prefetch_related("requirements", "data_fields").get(code=sc.permit_type)
        registration = application_register(
            officer=users[FRONTDESK],
            permit_type_code=sc.permit_type,
            applicant=demo_applicant(sc.applicant),
            data=demo_object_data(permit_type, sc.variant, today=_local_date(cal, times[0])),
            documents_received=_documents(permit_type, sc),
            now=times[0],
        )
        walked.append((registration, sc, times))
    entries = []
    for registration, sc, times in walked:
        app = registration.application
        for i, act in enumerate(sc.acts, start=1):
            _perform(cal, users, app, act, times[i], times[i + 1] if i + 1 < len(times) else None, now)
        entries.append(_entry(cal, app, registration.pin, sc, now))
    return entries
