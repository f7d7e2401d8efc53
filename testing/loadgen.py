"""Large, realistic data for benchmarks: what `manage.py generate_load_data` writes, and how fast.

Each generated application is what the SOP engine would have recorded, computed without it:

* an applicant, the application (registration number, keyed PIN hash, promised instant, status),
  the documents seen at the desk, and one Task per step reached, with started / claimed / due /
  finished instants on the office's working-day calendar, the officer who did it, the outcome and
  the step kind's payload; returns with their Pause (the promised instant moves by the pause);
  rejections with a listed reason; withdrawals;
* for permit types with a levy, the SKRD (numbered per year) with its line, the bill (virtual account
  number from the bill counter, Luhn digit included) and, once the payment step is done, the payment;
* once the signing step is done, the decree (numbered per year, with its verification token; no PDF is
  made, so its file name points nowhere: benchmark data), and its handover once collected;
* about 10% (``in_process``) still open "now", at any step, some overdue; the rest finished
  (collected, rejected or withdrawn) over the last ``years`` years;
* ONE audit event per application, the registration (`application.register`), hashed and chained
  exactly as `permits.core.audit.audit_record` does, so `manage.py audit_verify` holds and the
  next real action continues the stream at seq 2. A full chain (every claim, completion and
  transition, ~20 events per file) would multiply the largest table twentyfold for no read the
  benchmarks make: the officer pages and the tracking page read tasks, not the audit trail;
* registration, SKRD, bill and decree numbers continue their `Sequence` rows, which are moved to the
  last number given in the same transaction: the next registration at the desk continues gap-free.

Speed: the calendar arithmetic runs on integer "working seconds" (W = working time since the
first opening of the span; a working day is the list index, so an instant is one division away),
instants are formatted from lookup tables, and rows go to PostgreSQL with COPY (a writer thread
streams batch k while batch k+1 is built). On PostgreSQL the load is one transaction: secondary
indexes of the filled tables are dropped and rebuilt at the end and, for a superuser, foreign-key
triggers are skipped (`session_replication_role = replica`; the generator writes only keys it has
just created or read). The filled tables are locked meanwhile; run it on a benchmark database.
Other databases (SQLite, the smoke test) get the same rows through executemany.
"""

import datetime
import json
import queue
import random
import secrets
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone

from permits.catalog.models import PermitType, RejectionReason, Step
from permits.catalog.rules import validate_object_data
from permits.core.audit import _jsonable, event_hash
from permits.core.models import AuditEvent, CalendarClosure, Sequence
from permits.core.roles import ROLES
from permits.core.workdays import WorkCalendar, indonesian_calendar
from permits.decrees.drafting import valid_until as decree_valid_until
from permits.decrees.models import Decree, Handover
from permits.decrees.services import FILES_DIR, decree_number
from permits.demo.applicants import DEMO_OBJECT_DATA, demo_object_data
from permits.intake.pins import pin_hash
from permits.levies.models import Bill, LevyAssessment, LevyLine, Payment
from permits.levies.services import luhn_digit
from permits.notifications.models import OfficerProfile
from permits.workflow.models import Applicant, Application, Pause, ReceivedDocument, Task

K = Step.Kind
LOADGEN_CERT = "0" * 64  # decrees of generated data carry no signature: a fingerprint no certificate has
OFFICERS_PER_ROLE = 8
OFFICER_PREFIX = "lg-"  # generated officers: lg-verifier-01 ... (no usable password)

# --- realistic people and places (invented) ------------------------------------------------------

FIRST = (
    "Siti Ahmad Budi Dewi Rina Agus Sri Eko Nur Putri Andi Yusuf Ratna Hendra Wahyu Indah Rudi Lestari Dian "
    "Fajar Ayu Bayu Rizki Maya Joko Ani Hadi Tuti Irwan Sari Teguh Wulan Dedi Nining Asep Euis Ujang Neneng "
    "Made Ketut Komang Wayan Kadek Putu Yohana Maria Stefanus Rene Liem Hasan Fatimah Aisyah Bambang Slamet"
).split()
LAST = (
    "Santoso Wijaya Pratama Saputra Lestari Hidayat Nugroho Kurniawan Setiawan Susanto Gunawan Rahayu Sitorus "
    "Siregar Nasution Harahap Simanjuntak Tumbelaka Pangerang Sopandi Komariah Permana Suryadi Hermawan Wibowo "
    "Kusuma Halim Tanjung Lubis Sinaga Manurung Wiraguna Sukarini Syafii Maulana Ramadhan Firmansyah Hakim"
).split()
TITLES = ("", "", "", "", "", "", "dr. ", "Hj. ", "H. ", "Ir. ", "drg. ")
COMPANY_WORDS = (
    "Maju Jaya Sentosa Makmur Abadi Sejahtera Mandiri Nusantara Pakuan Bersama Karya Utama Prima Cahaya "
    "Sumber Rejeki Bina Graha Mulia Lestari Agung Berkah Sinar Harapan Tirta Buana Citra"
).split()
STREETS = (
    "Jl. Pajajaran|Jl. Suryakencana|Jl. Raya Tajur|Jl. Sempur Kaler|Jl. Veteran|Jl. Dewi Sartika|Jl. Pahlawan|"
    "Jl. Raya Pemda|Jl. Malabar Ujung|Jl. Bina Marga I|Jl. Cemara Raya|Jl. KH. R. Abdullah bin Nuh|"
    "Jl. Raya Cibungbulang|Jl. Merdeka|Jl. Kapten Muslihat|Jl. Siliwangi|Jl. Padjajaran Indah|Perum Bogor Baru Blok C"
).split("|")
KELURAHAN = (
    "Baranangsiang|Babakan Pasar|Tegallega|Muarasari|Sempur|Panaragan|Gudang|Kedung Badak|Bantarjati|"
    "Tegal Gundil|Cilendek Barat|Curugmekar|Bondongan|Paledang|Ciwaringin|Cibuluh|Sindangbarang|Katulampa"
).split("|")

VERIFY_NOTE = "Berkas lengkap; fotokopi dicocokkan dengan aslinya."
SURVEY_NOTE = "Kondisi lapangan sesuai permohonan."
REVIEW_NOTE = "Memenuhi persyaratan teknis."
APPROVAL_JSON = json.dumps({"decision": "approve", "notes": "Disetujui; konsep SK diteruskan ke Kepala Dinas."})
SIGNING_JSON = json.dumps({"notes": "SK ditandatangani secara elektronik."})
RETURN_ITEMS = (
    ["Sertifikat tanah yang dilegalisir"],
    ["KKPR yang masih berlaku", "Gambar teknis bertanda tangan perencana"],
    ["NPWP badan usaha"],
    ["Surat kuasa bermeterai"],
)


# --- the calendar as integer working seconds -----------------------------------------------------


class WorkClock:
    """Working time as integer seconds ("W") on one calendar, from the first opening of a span.

    W // day_length is the index of the working day, W % day_length the working seconds into it; the
    instant is that day's opening plus those seconds. W is exact working-time arithmetic: a task
    started at W with a bound B is due at W + B, and took f - s of working time. An instant that
    ends a working day exactly is shown as the next opening (the same working time).
    """

    def __init__(self, cal: WorkCalendar, first: datetime.date, last: datetime.date, *, suffix: str = ""):
        self.cal = cal
        self.day = int(cal.day_length().total_seconds())
        days, d = [], first
        while d <= last:
            if cal.is_working_day(d):
                days.append(d)
            d += timedelta(days=1)
        if not days:
            raise ValueError("no working day in the span")
        self.dates = days
        self.local_iso = [d.isoformat() for d in days]
        self.year = [d.year for d in days]
        self.open_epoch = [int(datetime.datetime.combine(d, cal.day_start, tzinfo=cal.tz).timestamp()) for d in days]
        self._utc_day: dict[int, str] = {}
        self._hms = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]
        self.suffix = suffix  # "+00" where the database wants the zone spelled out

    def epoch(self, w: int) -> int:
        q, r = divmod(w, self.day)
        return self.open_epoch[q] + r

    def ts(self, w: int) -> str:
        """The instant as UTC text for the database (`YYYY-MM-DD HH:MM:SS`)."""
        day, sec = divmod(self.epoch(w), 86400)
        date_text = self._utc_day.get(day)
        if date_text is None:
            date_text = self._utc_day[day] = (datetime.date(1970, 1, 1) + timedelta(days=day)).isoformat()
        return f"{date_text} {self._hms[sec]}{self.suffix}"

    def dt(self, w: int) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.epoch(w), UTC)

    def local_date(self, w: int) -> str:
        return self.local_iso[w // self.day]

    def w_of(self, instant: datetime.datetime) -> int:
        """Working seconds from the first opening to `instant`."""
        start = datetime.datetime.fromtimestamp(self.open_epoch[0], UTC)
        return int(self.cal.working_time_between(start, instant).total_seconds())

    @property
    def end(self) -> int:
        return len(self.dates) * self.day


# --- what the generator knows about each permit type ---------------------------------------------


@dataclass
class StepPlan:
    id: int
    code: str
    kind: str
    role: str
    bound: int  # seconds of working time


@dataclass
class TypePlan:
    """A permit type with everything a generated application needs, read once."""

    id: int
    code: str
    service_days: int
    survey_policy: str
    has_levy: bool
    steps: list[StepPlan]
    mandatory: list[tuple[int, str]]  # (requirement id, code)
    optional: list[tuple[int, str]]
    variants: list[tuple[str, dict, str]]  # (object data as JSON text, as dict, decree rows as JSON text)
    reasons: list[tuple[int, str, str]]  # (id, code, text)
    validity_years: int | None = None
    mean_life: int = 0  # working seconds a file usually takes (for placing the files still open)
    weight: float = 1.0


def type_plans(day: int) -> list[TypePlan]:
    plans = []
    weights = {"PBG": 3, "TDUP": 3, "REKLAME": 2, "SIP-DOKTER": 2, "IZIN-TOKO": 1.5, "SLF": 1, "SIPA": 0.5}
    today = timezone.localdate()
    for pt in PermitType.objects.filter(active=True).prefetch_related("steps", "requirements", "data_fields"):
        steps = [
            StepPlan(s.id, s.code, s.kind, s.role, s.bound_value * (3600 if s.bound_unit == Step.Unit.HOURS else day))
            for s in pt.steps.all()
        ]
        if not steps:
            continue
        fields = list(pt.data_fields.all())
        variants = []
        for i in range(max(1, len(DEMO_OBJECT_DATA.get(pt.code, [])))):
            raw = demo_object_data(pt, i, today=today)
            clean, errors = validate_object_data(fields, raw)
            data = raw if errors else clean
            rows = [
                [f.label_id, f"{data[f.code]} {f.unit}".strip()] for f in fields if data.get(f.code) not in (None, "")
            ]
            variants.append((json.dumps(data, ensure_ascii=False), data, json.dumps(rows, ensure_ascii=False)))
        reasons = [
            (r.id, r.code, r.text_id)
            for r in RejectionReason.objects.filter(models.Q(permit_type=pt) | models.Q(permit_type__isnull=True))
        ]
        reqs = list(pt.requirements.all())
        plan = TypePlan(
            id=pt.id,
            code=pt.code,
            service_days=pt.service_standard_days,
            survey_policy=pt.survey_policy,
            has_levy=pt.has_levy,
            steps=steps,
            mandatory=[(r.id, r.code) for r in reqs if r.mandatory],
            optional=[(r.id, r.code) for r in reqs if not r.mandatory],
            variants=variants,
            reasons=reasons,
            validity_years=pt.validity_years,
            weight=weights.get(pt.code, 1.0),
        )
        plan.mean_life = int(sum(s.bound * 0.6 for s in steps))
        plans.append(plan)
    return plans


# --- the tables written --------------------------------------------------------------------------


class Table:
    """A table and the columns the generator fills; other columns get their field's default."""

    def __init__(self, model: type[models.Model], columns: list[str]):
        self.model = model
        self.name = model._meta.db_table
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise RuntimeError(f"{self.name}: no column {unknown} (generator out of date with the model)")
        self.extra = [f for c, f in fields.items() if c not in columns]
        self.extra_values = tuple(_default(f) for f in self.extra)
        self.columns = columns + [f.column for f in self.extra]
        self.column_list = ", ".join(connection.ops.quote_name(c) for c in self.columns)  # "order" is a keyword

    def row(self, values: tuple) -> tuple:
        return values + self.extra_values if self.extra_values else values


def _default(f: models.Field):
    if f.has_default():
        value = f.get_default()
        if isinstance(f, models.JSONField):
            return json.dumps(value)
        return value
    if f.null:
        return None
    if isinstance(f, models.CharField | models.TextField):
        return ""
    raise RuntimeError(f"{f.model._meta.db_table}.{f.column}: no default; teach testing/loadgen.py about it")


APPLICANT = "id kind name nik nib company_name phone email address channel created_at".split()
APPLICATION = (
    "id permit_type_id applicant_id registration_number registered_at registered_by_id data status "
    "pin_hash promised_completion_at paused_seconds returns_count survey_required return_items "
    "rejection_reason_id rejection_note finished_at updated_at"
).split()
DOCUMENT = "id application_id requirement_id file content_type received_at".split()
TASK = (
    "id application_id step_id kind role state assignee_id started_at due_at bound_seconds claimed_at "
    "finished_at finished_by_id working_seconds outcome notes payload version"
).split()
PAUSE = "id application_id task_id started_at ended_at reason items working_seconds started_by_id ended_by_id".split()
AUDIT = "id at actor_id actor_label action object_type object_id stream seq before after note prev_hash hash".split()
ASSESSMENT = (
    "id number application_id task_id rule_id rule_snapshot computed adjusted total status issued_by_id "
    "issued_at due_date cancelled_at cancel_reason"
).split()
LINE = "id assessment_id order description basis amount".split()
BILL = (
    "id assessment_id application_id virtual_account_no customer_no amount due_date expires_at state "
    "paid_payment_id created_at closed_at close_reason"
).split()
PAYMENT = (
    "id bill_id partner payment_request_id bank_reference amount channel paid_at posted_at recorded_by_id raw answer"
).split()
DECREE = (
    "id application_id number year seq permit_type_id holder_name object_summary file sha256 token issued_at "
    "valid_until signed_by_id signed_at signer_name certificate_fingerprint certificate_subject revoked "
    "revoked_reason revoked_by_id revoked_at downloads first_downloaded_at"
).split()
HANDOVER = "id decree_id collected_by relation id_number authorisation_letter at by_id".split()
ORDER = (
    "applicant",
    "application",
    "document",
    "task",
    "pause",
    "audit",
    "assessment",
    "line",
    "bill",
    "payment",
    "decree",
    "handover",
)
# Rows the generator numbers itself (the others get their ids from the Writer, batch by batch).
SELF_NUMBERED = ("applicant", "application", "task", "pause", "assessment", "bill", "payment", "decree")


def tables() -> dict[str, Table]:
    return {
        "applicant": Table(Applicant, APPLICANT),
        "application": Table(Application, APPLICATION),
        "document": Table(ReceivedDocument, DOCUMENT),
        "task": Table(Task, TASK),
        "pause": Table(Pause, PAUSE),
        "audit": Table(AuditEvent, AUDIT),
        "assessment": Table(LevyAssessment, ASSESSMENT),
        "line": Table(LevyLine, LINE),
        "bill": Table(Bill, BILL),
        "payment": Table(Payment, PAYMENT),
        "decree": Table(Decree, DECREE),
        "handover": Table(Handover, HANDOVER),
    }


# --- one application's life ---------------------------------------------------------------------


@dataclass
class Options:
    applications: int
    batch: int = 10_000
    seed: int = 1
    years: float = 3.0
    in_process: float = 0.10
    drop_indexes: bool = True
    vacuum: bool = True
    pins_out: str = ""
    now: datetime.datetime | None = None


@dataclass
class Stats:
    applications: int = 0
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ORDER, 0))
    status: dict[str, int] = field(default_factory=dict)
    open_tasks: int = 0
    overdue: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


class Generator:
    """Builds the rows of consecutive applications, batch by batch (see the module docstring)."""

    def __init__(self, opts: Options, clock: WorkClock, plans: list[TypePlan], officers: dict[str, list]):
        self.o = opts
        self.clock = clock
        self.plans = plans
        self.officers = {role: [(u.pk, u.username) for u in users] for role, users in officers.items()}
        self.rng = random.Random(opts.seed)
        self.tables = tables()
        now = opts.now or timezone.now()
        self.w_now = clock.w_of(now)
        self.now_ts = clock.ts(self.w_now)
        self.stats = Stats()
        self.number_format = settings.REGISTRATION_NUMBER_FORMAT
        self.pins: list[tuple[str, str]] = []
        self.now = now
        self.counters: dict[str, int] = {}  # Sequence key -> last value given (registration, SKRD, bill, decree)
        self.ids: dict[str, int] = dict.fromkeys(SELF_NUMBERED, 1)  # next id of each self-numbered table
        self.va_prefix = str(settings.SNAP_PARTNER_SERVICE_ID).strip()
        self.snap_partner = settings.SNAP_PARTNER_ID or "bank-bjb"

    # -- placing registrations ---------------------------------------------------------------

    def registrations(self) -> list[tuple[int, int]]:
        """(W of registration, plan index) for every application, oldest first.

        A real office registers at a steady rate, so the files open at any moment are only a few
        percent of a long history; the benchmarks want `in_process` of them open. So that share is
        registered within the last 1.5 typical lifetimes of its permit type (about two in three of
        those are still running now), the rest uniformly over the years before.
        """
        rng, n, clock = self.rng, self.o.applications, self.clock
        span = int(self.o.years * 52 * 5 * clock.day)
        start = max(0, self.w_now - span)
        weights = [p.weight for p in self.plans]
        recent_share = min(1.0, self.o.in_process * 1.5)
        out = []
        for p in rng.choices(range(len(self.plans)), weights=weights, k=n):
            window = int(self.plans[p].mean_life * 1.5)
            if rng.random() < recent_share:
                w = rng.randint(max(start, self.w_now - window), self.w_now - 1)
            else:
                w = rng.randint(start, max(start, self.w_now - window - 1))
            out.append((w, p))
        out.sort()
        return out

    # -- the rows ----------------------------------------------------------------------------

    def _officer(self, role: str) -> tuple[int, str]:
        return self.rng.choice(self.officers[role])

    def _applicant(self, app_id: int, w: int) -> tuple[tuple, str, str]:
        rng = self.rng
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{rng.choice(TITLES)}{first} {last}"
        female = rng.random() < 0.5
        birth = datetime.date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
        nik = (
            f"3271{rng.randrange(1, 7):02d}{birth.day + (40 if female else 0):02d}{birth.month:02d}"
            f"{birth.year % 100:02d}{rng.randrange(1, 10000):04d}"
        )
        company = rng.random() < 0.3
        nib = f"91{rng.randrange(10**11):011d}" if company else ""
        company_name = (
            f"{rng.choice(('PT', 'CV'))} {rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_WORDS)}" if company else ""
        )
        email = f"{first.lower()}.{last.lower()}{app_id % 1000}@example.id" if rng.random() < 0.4 else ""
        channel = "email" if email and rng.random() < 0.4 else ("sms" if rng.random() < 0.15 else "whatsapp")
        address = f"{rng.choice(STREETS)} No. {rng.randrange(1, 250)}, {rng.choice(KELURAHAN)}"
        phone = f"+628{rng.choice((11, 12, 13, 21, 22, 52, 53, 56, 57, 77, 78, 81, 95))}{rng.randrange(10**7, 10**8)}"
        row = (
            app_id,
            "company" if company else "person",
            name,
            nik,
            nib,
            company_name,
            phone,
            email,
            address,
            channel,
            self.clock.ts(w),
        )
        return row, name, nik

    def _duration(self, bound: int, kind: str) -> tuple[int, int]:
        """(working time the step took, working time before it was claimed)."""
        rng = self.rng
        if bound <= 0:  # reopened with no time left: it still takes the officer a while (and is late)
            d = int(self.clock.day * rng.uniform(0.05, 0.5))
            return d, int(d * 0.3 * rng.random())
        late = rng.random() < (0.05 if kind == K.PAYMENT else 0.15)
        d = int(bound * ((1.0 + 0.8 * rng.random()) if late else (0.15 + 0.8 * rng.random())))
        return max(d, 60), int(d * 0.3 * rng.random())

    def next_id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def next_seq(self, key: str) -> int:
        """The next value of a gap-free counter (`Sequence` row `key`), continued from the database."""
        value = self.counters[key] = self.counters.get(key, 0) + 1
        return value

    def application(self, out: dict[str, list], w_reg: int, plan: TypePlan) -> None:
        """Append the rows of one application registered at working instant `w_reg` to `out`."""
        rng, clock, T = self.rng, self.clock, self.tables
        ts, now = clock.ts, self.w_now
        app_id = self.next_id("application")
        self.ids["applicant"] = max(self.ids["applicant"], app_id + 1)
        applicant, name, nik = self._applicant(app_id, w_reg)
        out["applicant"].append(T["applicant"].row(applicant))
        holder = applicant[5] or name  # the company's name for a company
        data_json, _data, summary_json = plan.variants[rng.randrange(len(plan.variants))]
        frontdesk_id, frontdesk_name = self._officer("frontdesk")
        # documents seen at the desk: the mandatory ones and some of the conditional ones
        docs = list(plan.mandatory) + [r for r in plan.optional if rng.random() < 0.25]
        reg_ts = ts(w_reg)
        for req_id, _code in docs:
            out["document"].append(T["document"].row((None, app_id, req_id, "", "", reg_ts)))
        # the registration number continues this year's counter
        year = clock.year[w_reg // clock.day]
        number = self.number_format.format(year=year, seq=self.next_seq(f"registration:{year}"))
        pin = f"{rng.randrange(1_000_000):06d}"
        if self.o.pins_out:
            self.pins.append((number, pin))
        promised = w_reg + plan.service_days * clock.day

        # the file's fate, decided up front
        u = rng.random()
        has_review = any(s.kind == K.TECHNICAL_REVIEW for s in plan.steps)
        if u < 0.07:
            fate = "return"
        elif u < 0.078:
            fate = "return_withdraw"
        elif u < 0.10:
            fate = "reject_verification"
        elif u < 0.14 and has_review:
            fate = "reject_review"
        else:
            fate = "collect"
        policy = plan.survey_policy
        survey = policy == PermitType.SurveyPolicy.ALWAYS or (
            policy == PermitType.SurveyPolicy.DECIDED_AT_VERIFICATION and rng.random() < 0.6
        )
        survey_required = survey if policy == PermitType.SurveyPolicy.DECIDED_AT_VERIFICATION else None

        status, finished, w, returned = "registered", None, w_reg, False
        paused, returns, return_items, reason_id, reason_note = 0, 0, "[]", None, ""
        levy = {"total": rng.randrange(150, 25_000) * 1000}
        decree_id = None
        last_event = w_reg
        i, steps = 0, plan.steps
        remaining = None  # the bound left to a step reopened after a return
        while i < len(steps):
            st = steps[i]
            tid = self.next_id("task")
            head = (tid, app_id, st.id, st.kind, st.role)
            if st.kind == K.SURVEY and not survey:
                t = ts(w)
                row = (*head, "skipped", None, t, t, 0, None, t, None, 0, "skipped", "", "{}", 1)
                out["task"].append(T["task"].row(row))
                i += 1
                continue
            bound = st.bound if remaining is None else remaining
            remaining = None
            d, claim_after = self._duration(bound, st.kind)
            s, c, f = w, w + claim_after, w + d
            officer_id, officer_name = self._officer(st.role)
            if f > now:  # the step running now: the application is still in process
                claimed = c <= now
                row = (
                    *head,
                    "claimed" if claimed else "open",
                    officer_id if claimed else None,
                    ts(s),
                    ts(s + bound),
                    bound,
                    ts(c) if claimed else None,
                    *(None, None, None, "", "", "{}"),
                    2 if claimed else 1,
                )
                out["task"].append(T["task"].row(row))
                self.stats.open_tasks += 1
                if s + bound < now:
                    self.stats.overdue += 1
                if claimed and status == "registered":
                    status = "in_process"
                status = {K.PAYMENT: "awaiting_payment", K.SIGNING: "approved", K.HANDOVER: "decree_issued"}.get(
                    st.kind, status
                )
                last_event = max(last_event, c if claimed else s)
                break
            status = "in_process" if status == "registered" else status
            last_event = f
            fin_ts = ts(f)
            times = (officer_id, ts(s), ts(s + bound), bound, ts(c), fin_ts, officer_id, d)
            if st.kind == K.VERIFICATION and fate in ("return", "return_withdraw") and not returned:
                # returned to the applicant: the clock pauses until the corrections come back
                returned, returns = True, 1
                items = rng.choice(RETURN_ITEMS)
                items_json = json.dumps(items, ensure_ascii=False)
                note = "Mohon dilengkapi: " + "; ".join(items)
                out["task"].append(T["task"].row((*head, "returned", *times, "returned", note, "{}", 3)))
                p = int(clock.day * rng.uniform(0.5, 15))
                pause = (self.next_id("pause"), app_id, tid, fin_ts)
                if f + p > now:  # still with the applicant
                    out["pause"].append(T["pause"].row((*pause, None, note, items_json, None, officer_id, None)))
                    status, return_items = "returned", items_json
                    break
                desk_id, _ = self._officer("frontdesk")
                end_ts = ts(f + p)
                last_event = f + p
                if fate == "return_withdraw":  # withdrawn instead of corrected
                    out["pause"].append(T["pause"].row((*pause, end_ts, note, items_json, None, officer_id, desk_id)))
                    status, finished = "withdrawn", f + p
                    break
                out["pause"].append(T["pause"].row((*pause, end_ts, note, items_json, p, officer_id, desk_id)))
                paused += p
                promised += p
                remaining = max(bound - d, 0)
                w = f + p
                continue  # the same step reopens with the time it had left
            if st.kind == K.VERIFICATION and fate == "reject_verification":
                reason_id, _code, reason_text = rng.choice(plan.reasons)
                reason_note = f"{reason_text}."
                out["task"].append(T["task"].row((*head, "cancelled", *times, "rejected", "", "{}", 3)))
                status, finished = "rejected", f
                break
            if st.kind == K.TECHNICAL_REVIEW and fate == "reject_review":
                reason_id, code, reason_text = rng.choice(plan.reasons)
                reason_note = f"{reason_text}."
                payload = json.dumps({"recommendation": "reject", "reason_code": code, "reasons": reason_note})
                out["task"].append(T["task"].row((*head, "done", *times, "reject", "", payload, 3)))
                status, finished = "rejected", f
                break
            if st.kind == K.LEVY_ASSESSMENT:
                self._assessment(out, app_id, tid, f, officer_id, plan, levy)
            elif st.kind == K.PAYMENT and "bill" in levy:
                self._payment(out, levy, f)
            elif st.kind == K.SIGNING:
                decree_id = self._decree(out, app_id, plan, f, holder, summary_json, officer_id, officer_name)
            elif st.kind == K.HANDOVER and decree_id is not None:
                hid = (None, decree_id, name, "holder", nik, False, fin_ts, officer_id)
                out["handover"].append(T["handover"].row(hid))
            outcome, payload = self._completion(
                st.kind, plan, data_json, survey_required, f, app_id, levy, name, nik, officer_name
            )
            out["task"].append(T["task"].row((*head, "done", *times, outcome, "", payload, 3)))
            w = f
            i += 1
            if st.kind == K.HANDOVER:
                status, finished = "collected", f
        if "bill" in levy:
            self._bill(out, levy)
        self.stats.status[status] = self.stats.status.get(status, 0) + 1
        row = (
            *(app_id, plan.id, app_id, number, reg_ts, frontdesk_id, data_json, status, pin_hash(number, pin)),
            *(ts(promised), paused, returns, survey_required, return_items, reason_id, reason_note),
            ts(finished) if finished is not None else None,
            ts(last_event),
        )
        out["application"].append(T["application"].row(row))
        promised_at_registration = w_reg + plan.service_days * clock.day
        event = self._register_event(
            app_id, w_reg, frontdesk_id, frontdesk_name, number, plan, docs, promised_at_registration
        )
        out["audit"].append(T["audit"].row(event))

    # -- levies and decrees -----------------------------------------------------------------

    def _assessment(self, out, app_id: int, task_id: int, f: int, officer_id: int, plan: TypePlan, levy: dict) -> None:
        """The SKRD (numbered per year), its line and its bill (state decided when the file's walk ends)."""
        clock = self.clock
        year = clock.year[f // clock.day]
        seq = self.next_seq(f"skrd:{year}")
        number = settings.SKRD_NUMBER_FORMAT.format(year=year, seq=seq)
        total = levy["total"]
        issued = clock.dt(f)
        due = issued.astimezone(clock.cal.tz).date() + timedelta(days=settings.SKRD_DUE_DAYS)
        expires = datetime.datetime.combine(due + timedelta(days=1), datetime.time(0), tzinfo=clock.cal.tz)
        line = {"description": f"Retribusi {plan.code}", "amount": str(total), "basis": ""}
        aid = self.next_id("assessment")
        out["assessment"].append(
            self.tables["assessment"].row(
                (
                    *(aid, number, app_id, task_id, None, "{}", json.dumps([line]), False, total, "issued"),
                    *(officer_id, clock.ts(f), due.isoformat(), None, ""),
                )
            )
        )
        out["line"].append(self.tables["line"].row((None, aid, 1, line["description"], "", total)))
        customer_no = f"{self.next_seq('levies.bill'):011d}"
        customer_no += luhn_digit(customer_no)
        levy.update(
            number=number,
            assessment=aid,
            app=app_id,
            bill=self.next_id("bill"),
            va=self.va_prefix + customer_no,
            customer_no=customer_no,
            due=due.isoformat(),
            expires=expires,
            created=clock.ts(f),
        )

    def _payment(self, out, levy: dict, f: int) -> None:
        pid = self.next_id("payment")
        reference = f"BJB-{self.clock.local_date(f).replace('-', '')}-{levy['app']:07d}"
        levy.update(payment=pid, paid=self.clock.ts(f), reference=reference)
        row = (pid, levy["bill"], self.snap_partner, f"lg-{pid}", reference, levy["total"], "snap")
        out["payment"].append(self.tables["payment"].row((*row, levy["paid"], levy["paid"], None, "{}", "{}")))

    def _bill(self, out, levy: dict) -> None:
        if "payment" in levy:
            state, payment, closed, reason = "paid", levy["payment"], levy["paid"], ""
        elif levy["expires"] <= self.now:
            state, payment, closed, reason = "expired", None, self.clock_ts_of(levy["expires"]), "Kedaluwarsa"
        else:
            state, payment, closed, reason = "open", None, None, ""
        row = (levy["bill"], levy["assessment"], levy["app"], levy["va"], levy["customer_no"], levy["total"])
        row += (levy["due"], self.clock_ts_of(levy["expires"]), state, payment, levy["created"], closed, reason)
        out["bill"].append(self.tables["bill"].row(row))

    def clock_ts_of(self, instant: datetime.datetime) -> str:
        return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") + self.clock.suffix

    def _decree(self, out, app_id, plan, f, holder, summary_json, officer_id, officer_name) -> int:
        """The decree's row (numbered per year). No PDF is made: the file name points nowhere (benchmark data)."""
        clock, rng = self.clock, self.rng
        year = clock.year[f // clock.day]
        seq = self.next_seq(f"decree:{year}")
        did = self.next_id("decree")
        issued_on = datetime.date.fromisoformat(clock.local_date(f))
        valid_until = decree_valid_until(issued_on, plan.validity_years)  # the office's own rule
        row = (
            *(did, app_id, decree_number(seq=seq, permit_code=plan.code, year=year), year, seq, plan.id, holder[:200]),
            *(summary_json, f"{FILES_DIR}/{year}/{seq:06d}-loadgen.pdf", f"{rng.getrandbits(256):064x}"),
            *(secrets.token_urlsafe(24), clock.ts(f), valid_until.isoformat() if valid_until else None),
            *(officer_id, clock.ts(f), officer_name, LOADGEN_CERT, "CN=Data uji beban (tidak ditandatangani)"),
            *(False, "", None, None, 0, None),
        )
        out["decree"].append(self.tables["decree"].row(row))
        return did

    def _completion(self, kind, plan, data_json, survey_required, f, app_id, levy, name, nik, officer):
        """(outcome, payload JSON) of a completed step of `kind`."""
        if kind == K.VERIFICATION:
            body = {"documents_valid": True, "survey_required": survey_required, "notes": VERIFY_NOTE}
            return "valid", json.dumps(body)
        if kind == K.SURVEY:
            day = self.clock.local_date(f)
            body = {
                "schedule": {"visit_date": day, "note": "", "surveyor": officer},
                "visit_date": day,
                "findings": SURVEY_NOTE,
                "result": "pass",
                "measurements": {},
            }
            return "pass", json.dumps(body)
        if kind == K.DATA_ENTRY:
            return "entered", f'{{"data": {data_json}}}'
        if kind == K.TECHNICAL_REVIEW:
            return "approve", json.dumps({"recommendation": "approve", "reasons": REVIEW_NOTE})
        if kind == K.LEVY_ASSESSMENT:
            line = {"description": f"Retribusi {plan.code}", "amount": str(levy["total"])}
            body = {"lines": [line], "total": str(levy["total"]), "skrd_number": levy.get("number", "")}
            body |= {"virtual_account_no": levy.get("va", ""), "due_date": levy.get("due", "")}
            return "assessed", json.dumps(body)
        if kind == K.PAYMENT:
            reference = levy.get("reference") or f"BJB-{self.clock.local_date(f).replace('-', '')}-{app_id:07d}"
            return "paid", json.dumps({"reference": reference, "amount": str(levy["total"]), "channel": "snap"})
        if kind == K.APPROVAL:
            return "approved", APPROVAL_JSON
        if kind == K.SIGNING:
            return "signed", SIGNING_JSON
        if kind == K.HANDOVER:
            body = {"collected_by": name, "relation": "holder", "id_number": nik}
            return "collected", json.dumps(body, ensure_ascii=False)
        return "done", "{}"

    def _register_event(self, app_id, w, actor_id, actor_name, number, plan, docs, promised) -> tuple:
        """The registration's audit event, hashed as audit_record hashes it (seq 1 of its stream)."""
        after = _jsonable(
            {
                "registration_number": number,
                "permit_type": plan.code,
                "status": "registered",
                "documents": [code for _id, code in docs],
                "promised_completion_at": self.clock.dt(promised),
            }
        )
        event = SimpleNamespace(
            at=self.clock.dt(w),
            actor_id=actor_id,
            actor_label=actor_name,
            action="application.register",
            object_type="intake.application",
            object_id=str(app_id),
            stream=Application.audit_stream(app_id),
            seq=1,
            before=None,
            after=after,
            note="",
            prev_hash="",
        )
        return (
            None,
            self.clock.ts(w),
            actor_id,
            actor_name,
            event.action,
            event.object_type,
            event.object_id,
            event.stream,
            1,
            None,
            json.dumps(after, ensure_ascii=False),
            "",
            "",
            event_hash(event),
        )


# --- writing ------------------------------------------------------------------------------------


class Writer:
    """Sends batches of rows to the database: COPY on PostgreSQL (from a thread), executemany elsewhere."""

    def __init__(self, tbls: dict[str, Table], next_ids: dict[str, int]):
        self.tables = tbls
        self.next_ids = next_ids  # ids of the tables whose rows come without one (documents, audit)
        self.pg = connection.vendor == "postgresql"
        self.error: BaseException | None = None
        self.busy = 0.0
        if self.pg:
            self.raw = connection.connection
            self.q: queue.Queue = queue.Queue(maxsize=2)
            self.thread = threading.Thread(target=self._run, name="loadgen-copy", daemon=True)
            self.thread.start()

    def _number(self, name: str, rows: list[tuple]) -> list[tuple]:
        if name not in self.next_ids:
            return rows
        start = self.next_ids[name]
        self.next_ids[name] = start + len(rows)
        return [(start + i, *r[1:]) for i, r in enumerate(rows)]

    def write(self, batch: dict[str, list]) -> None:
        batch = {name: self._number(name, rows) for name, rows in batch.items()}
        if not self.pg:
            with connection.cursor() as cur:
                for name in ORDER:
                    t, rows = self.tables[name], batch[name]
                    if rows:
                        marks = ", ".join(["%s"] * len(t.columns))
                        cur.executemany(f"INSERT INTO {t.name} ({t.column_list}) VALUES ({marks})", rows)
            return
        if self.error:
            raise self.error
        self.q.put(batch)

    def _run(self) -> None:
        while True:
            batch = self.q.get()
            if batch is None:
                return
            started = time.perf_counter()
            try:
                if self.error is None:
                    with self.raw.cursor() as cur:
                        for name in ORDER:
                            t, rows = self.tables[name], batch[name]
                            if not rows:
                                continue
                            with cur.copy(f"COPY {t.name} ({t.column_list}) FROM STDIN") as cp:
                                for r in rows:
                                    cp.write_row(r)
            except BaseException as exc:  # handed to the main thread at its next write or at close
                self.error = exc
            self.busy += time.perf_counter() - started

    def close(self) -> None:
        if self.pg:
            self.q.put(None)
            self.thread.join()
        if self.error:
            raise self.error


# --- PostgreSQL bulk-load helpers ---------------------------------------------------------------


def _pg_secondary_indexes(cur, table_names: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the indexes of `table_names` that back no constraint."""
    cur.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1
        """,
        [table_names],
    )
    return list(cur.fetchall())


def _pg_is_superuser(cur) -> bool:
    cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cur.fetchone()
    return bool(row and row[0])


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def _reset_identity(cur, tbls: dict[str, Table]) -> None:
    for t in tbls.values():
        highest = f"COALESCE((SELECT MAX(id) FROM {t.name}), 0) + 1"
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), {highest}, false)")


# --- the whole run ------------------------------------------------------------------------------


def officers_ensure() -> dict[str, list]:
    """A few generated officers per role (lg-<role>-NN, no usable password), created once, each with
    a WhatsApp number (an OfficerProfile) so that monitoring's alerts reach them as in an office."""
    User = get_user_model()
    out = {}
    for r, role in enumerate(ROLES):
        group, _ = Group.objects.get_or_create(name=role)
        users = []
        for n in range(1, OFFICERS_PER_ROLE + 1):
            username = f"{OFFICER_PREFIX}{role}-{n:02d}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, first_name=f"{role} {n}")
                user.set_unusable_password()
                user.save()
                user.groups.add(group)
            OfficerProfile.objects.get_or_create(user=user, defaults={"phone": f"+6281990{r:02d}{n:04d}"})
            users.append(user)
        out[role] = users
    return out


def generate(opts: Options, progress: Callable[[str], None] | None = None) -> Stats:
    """Fill the database with `opts.applications` applications (see the module docstring)."""
    from permits.demo.catalogue import catalog_load_demo

    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    if not PermitType.objects.filter(active=True).exists():
        catalog_load_demo()
    officers = officers_ensure()
    now = opts.now or timezone.now()
    first = (now - timedelta(days=int(opts.years * 366) + 60)).date()
    last = (now + timedelta(days=2 * 366)).date()
    cal = indonesian_calendar(
        range(first.year, last.year + 1),
        extra_closed=CalendarClosure.objects.values_list("date", flat=True),
        day_start=_hm(settings.OFFICE_DAY_START),
        day_end=_hm(settings.OFFICE_DAY_END),
    )
    pg = connection.vendor == "postgresql"
    clock = WorkClock(cal, first, last, suffix="+00" if pg else "")
    plans = type_plans(clock.day)
    if not plans:
        raise RuntimeError("no active permit type with steps")
    gen = Generator(opts, clock, plans, officers)
    stats = gen.stats
    regs = gen.registrations()
    stats.seconds["plan"] = time.perf_counter() - t0
    say(f"rencana siap: {len(regs):,} permohonan, {len(plans)} jenis izin ({stats.seconds['plan']:.1f} s)")

    with transaction.atomic():
        with connection.cursor() as cur:
            # The counters (registration, SKRD, bill and decree numbers) are locked for the whole load, so a
            # registration at the desk meanwhile waits, then continues after the last generated number.
            counters = Sequence.objects.select_for_update().filter(
                models.Q(key__startswith="registration:")
                | models.Q(key__startswith="skrd:")
                | models.Q(key__startswith="decree:")
                | models.Q(key="levies.bill")
            )
            gen.counters = dict(counters.values_list("key", "value"))
            first_counters = dict(gen.counters)
            tbls = gen.tables
            dropped: list[tuple[str, str]] = []
            if pg:
                names = [t.name for t in tbls.values()]
                cur.execute(f"LOCK TABLE {', '.join(names)} IN SHARE ROW EXCLUSIVE MODE")
                if _pg_is_superuser(cur):
                    cur.execute("SET LOCAL session_replication_role = replica")  # skip FK triggers: keys are ours
                else:
                    say("bukan superuser: pemeriksaan foreign key tetap berjalan (lebih lambat)")
                cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
                if opts.drop_indexes:
                    dropped = _pg_secondary_indexes(cur, names)
                    for name, _ddl in dropped:
                        cur.execute(f"DROP INDEX {name}")
            gen.ids = {name: _next_id(tbls[name].model) for name in SELF_NUMBERED}
            gen.ids["application"] = gen.ids["applicant"] = max(gen.ids["application"], gen.ids["applicant"])
            writer = Writer(tbls, {name: _next_id(tbls[name].model) for name in ORDER if name not in SELF_NUMBERED})
            t1 = time.perf_counter()
            try:
                for start in range(0, len(regs), opts.batch):
                    chunk = regs[start : start + opts.batch]
                    batch = {name: [] for name in ORDER}
                    for w, p in chunk:
                        gen.application(batch, w, plans[p])
                    for name in ORDER:
                        stats.rows[name] += len(batch[name])
                    writer.write(batch)
                    done = start + len(chunk)
                    stats.applications = done
                    elapsed = time.perf_counter() - t1
                    rate = done / elapsed if elapsed else 0
                    eta = (len(regs) - done) / rate if rate else 0
                    say(
                        f"{done:>10,}/{len(regs):,} permohonan ({100 * done / len(regs):5.1f}%)  "
                        f"{rate:8,.0f}/s  sisa ~{eta:4.0f} s"
                    )
            finally:
                writer.close()
            stats.seconds["rows"] = time.perf_counter() - t1
            stats.seconds["copy_busy"] = writer.busy
            t2 = time.perf_counter()
            for key, value in gen.counters.items():
                if value != first_counters.get(key):
                    Sequence.objects.update_or_create(key=key, defaults={"value": value})
            if pg:
                for name, ddl in dropped:
                    say(f"membangun ulang indeks {name}")
                    cur.execute(ddl)
                _reset_identity(cur, tbls)
            stats.seconds["indexes"] = time.perf_counter() - t2
    if pg and opts.vacuum:
        t3 = time.perf_counter()
        say("VACUUM ANALYZE ...")
        with connection.cursor() as cur:
            for t in tbls.values():
                cur.execute(f"VACUUM (ANALYZE) {t.name}")
        stats.seconds["vacuum"] = time.perf_counter() - t3
    if opts.pins_out:
        with open(opts.pins_out, "w", encoding="utf-8") as fh:
            fh.write("registration_number,pin\n")
            fh.writelines(f"{n},{p}\n" for n, p in gen.pins)
    stats.seconds["total"] = time.perf_counter() - t0
    return stats


def _hm(value: str) -> datetime.time:
    hours, minutes = value.split(":")
    return datetime.time(int(hours), int(minutes))


def stderr_progress(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
