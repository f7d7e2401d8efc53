"""What the applicant sees of an application: plain words, dates, the desk (a unit, never a person).

Built from the application, its Task rows and its Pauses only; never from the audit log, which
names officers. Nothing here writes. The labels come in Indonesian and English pairs chosen by
the active language, so they need no compiled message catalogue.

`tracking_view(app)` answers both the public page and `GET /api/v1/track/{number}`;
`tracking_view_cached(tracked)` keeps that answer in the cache under the version of the application's
audit stream (permits/portal/selectors.py reads it with the PIN hash): every change an applicant can
see is a recorded action, which appends to that stream in its own transaction, so a new version
means a new entry, and a refreshed page costs one cache read instead of six queries.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from permits.catalog.models import Step
from permits.decrees.selectors import application_survey_answered, decree_for_tracking
from permits.levies.selectors import levy_for_tracking
from permits.workflow.estimates import permit_type_estimate
from permits.workflow.models import Application, Pause, Task
from permits.workflow.selectors import application_pauses, application_tasks
from permits.workflow.transitions import FINAL

from .selectors import Tracked, application_for_view

K = Step.Kind
S = Application.Status
Pair = tuple[str, str]  # (Indonesian, English)

MONTHS_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

STATUS_LABELS: dict[str, Pair] = {
    S.REGISTERED: ("Berkas diterima, menunggu verifikasi", "File received, waiting for verification"),
    S.RETURNED: ("Dikembalikan: lengkapi berkas", "Returned: please complete your file"),
    S.REJECTED: ("Permohonan ditolak", "Application refused"),
    S.WITHDRAWN: ("Permohonan dicabut", "Application withdrawn"),
    S.DECREE_ISSUED: ("SK siap diambil", "Decree ready for collection"),
    S.COLLECTED: ("SK sudah diambil", "Decree collected"),
}
# The formal status, as printed on the office's documents.
STATUS_NAMES: dict[str, Pair] = {
    S.REGISTERED: ("Terdaftar", "Registered"),
    S.IN_PROCESS: ("Sedang diproses", "In process"),
    S.RETURNED: ("Dikembalikan untuk perbaikan", "Returned for correction"),
    S.AWAITING_PAYMENT: ("Menunggu pembayaran", "Awaiting payment"),
    S.APPROVED: ("Disetujui", "Approved"),
    S.REJECTED: ("Ditolak", "Refused"),
    S.DECREE_ISSUED: ("SK terbit", "Decree issued"),
    S.COLLECTED: ("SK sudah diambil", "Decree collected"),
    S.WITHDRAWN: ("Dicabut pemohon", "Withdrawn by the applicant"),
}
# While the file is being processed, the label says what its current step is doing.
STEP_LABELS: dict[str, Pair] = {
    K.VERIFICATION: ("Berkas sedang diverifikasi", "Your documents are being verified"),
    K.DATA_ENTRY: ("Data sedang dientri", "Your data are being entered"),
    K.TECHNICAL_REVIEW: ("Sedang dikaji tim teknis", "Under review by the technical team"),
    K.LEVY_ASSESSMENT: ("Retribusi sedang dihitung", "The levy is being calculated"),
    K.PAYMENT: ("Menunggu pembayaran retribusi", "Waiting for the levy payment"),
    K.APPROVAL: ("Menunggu persetujuan kepala bidang", "Waiting for the division head's approval"),
    K.SIGNING: ("Menunggu tanda tangan SK", "Waiting for the decree to be signed"),
    K.HANDOVER: ("SK siap diambil", "Decree ready for collection"),
}
SURVEY_SCHEDULED: Pair = ("Sedang disurvei petugas lapangan, jadwal {date}", "Field survey by our officers, on {date}")
SURVEY_WAITING: Pair = ("Menunggu jadwal survei lapangan", "Waiting for a field survey date")
IN_PROCESS: Pair = ("Sedang diproses", "In process")

# Which unit holds the file, by the role of the current step. Never an officer's name.
DESKS: dict[str, Pair] = {
    "frontdesk": ("Bidang Pelayanan / Loket", "Service division / front desk"),
    "verifier": ("Tim Verifikasi", "Verification team"),
    "surveyor": ("Tim Survei Lapangan", "Field survey team"),
    "data_entry": ("Bidang Pengolahan Data", "Data processing unit"),
    "technical": ("Tim Teknis", "Technical team"),
    "treasurer": ("Bendahara Penerimaan", "Revenue treasurer"),
    "supervisor": ("Kepala Bidang Perizinan", "Head of the licensing division"),
    "head": ("Kepala Dinas", "Head of the office"),
    "admin": ("Sekretariat", "Secretariat"),
}
OFFICE_DESK: Pair = ("Kantor pelayanan perizinan", "Permit service office")

T_REGISTERED: Pair = ("Berkas diterima di loket", "File received at the front desk")
T_DONE: dict[str, Pair] = {
    K.VERIFICATION: ("Verifikasi selesai", "Verification completed"),
    K.SURVEY: ("Survei lapangan selesai", "Field survey completed"),
    K.DATA_ENTRY: ("Entri data selesai", "Data entry completed"),
    K.TECHNICAL_REVIEW: ("Kajian tim teknis selesai", "Technical review completed"),
    K.LEVY_ASSESSMENT: ("Retribusi ditetapkan", "Levy assessed"),
    K.PAYMENT: ("Retribusi dibayar", "Levy paid"),
    K.APPROVAL: ("Permohonan disetujui", "Application approved"),
    K.SIGNING: ("SK ditandatangani, siap diambil", "Decree signed, ready for collection"),
    K.HANDOVER: ("SK diambil", "Decree collected"),
}
T_SURVEY_SCHEDULED: Pair = ("Survei dijadwalkan {date}", "Survey scheduled for {date}")
T_SURVEY_SKIPPED: Pair = ("Survei lapangan tidak diperlukan", "No field survey needed")
T_RETURNED: Pair = ("Dikembalikan untuk perbaikan", "Returned for correction")
T_RESUBMITTED: Pair = ("Perbaikan diterima", "Corrections received")
T_REWORK: Pair = ("Diperiksa ulang pada langkah sebelumnya", "Checked again at an earlier step")
T_REJECTED: Pair = ("Permohonan ditolak", "Application refused")
T_WITHDRAWN: Pair = ("Permohonan dicabut", "Application withdrawn")


def _english() -> bool:
    return (get_language() or "id").startswith("en")


def tr(pair: Pair, **values) -> str:
    """The pair's text in the active language, with `values` filled in."""
    text = pair[1] if _english() else pair[0]
    return text.format(**values) if values else text


def short_date(value: date | str | None) -> str:
    """'3 Des' (Indonesian) or '3 Dec' (English); '' for a missing or unreadable date."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return ""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    months = MONTHS_EN if _english() else MONTHS_ID
    return f"{value.day} {months[value.month - 1]}"


def _visit_date(task: Task | None) -> str | None:
    schedule = (task.payload or {}).get("schedule") if task is not None else None
    return (schedule or {}).get("visit_date") if isinstance(schedule, dict) else None


def status_label(app: Application, current: Task | None) -> str:
    """Where the file is, in the applicant's words."""
    if app.status in STATUS_LABELS:
        return tr(STATUS_LABELS[app.status])
    if current is None:
        return tr(IN_PROCESS)
    if current.kind == K.SURVEY:
        visit = short_date(_visit_date(current))
        return tr(SURVEY_SCHEDULED, date=visit) if visit else tr(SURVEY_WAITING)
    return tr(STEP_LABELS.get(current.kind, IN_PROCESS))


def status_name(status: str) -> str:
    return tr(STATUS_NAMES.get(status, (status, status)))


def desk_label(role: str) -> str:
    return tr(DESKS.get(role, OFFICE_DESK))


def current_step(current: Task | None) -> dict | None:
    if current is None:
        return None
    return {
        "name": current.kind,
        "label": current.step.name,
        "desk": desk_label(current.role),
        "since": current.started_at,
        "due_at": current.due_at,
    }


def _task_events(task: Task, pauses: list[Pause]) -> list[tuple[datetime, str]]:
    events: list[tuple[datetime, str]] = []
    if task.kind == K.SURVEY and _visit_date(task):
        # The schedule is stored on the task without its own timestamp: the claim is when the
        # surveyor took it up (scheduling claims an open task), the start otherwise.
        events.append((task.claimed_at or task.started_at, tr(T_SURVEY_SCHEDULED, date=short_date(_visit_date(task)))))
    if task.state == Task.State.DONE and task.finished_at and task.kind in T_DONE:
        events.append((task.finished_at, tr(T_DONE[task.kind])))
    elif task.state == Task.State.SKIPPED and task.kind == K.SURVEY and task.finished_at:
        events.append((task.finished_at, tr(T_SURVEY_SKIPPED)))
    elif task.state == Task.State.CANCELLED and task.outcome == "rework" and task.finished_at:
        events.append((task.finished_at, tr(T_REWORK)))
    for pause in pauses:
        events.append((pause.started_at, tr(T_RETURNED)))
        if pause.ended_at:
            events.append((pause.ended_at, tr(T_RESUBMITTED)))
    return events


def timeline(app: Application, tasks: list[Task], pauses: list[Pause]) -> list[dict]:
    """What has happened, oldest first: from the tasks and the pauses (never the audit log)."""
    by_task: dict[int, list[Pause]] = {}
    for pause in pauses:
        by_task.setdefault(pause.task_id, []).append(pause)
    events: list[tuple[datetime, str]] = [(app.registered_at, tr(T_REGISTERED))]
    for task in tasks:
        events.extend(_task_events(task, by_task.pop(task.pk, [])))
    for orphans in by_task.values():  # a pause always has its task; kept for safety
        for pause in orphans:
            events.append((pause.started_at, tr(T_RETURNED)))
    if app.status == S.REJECTED and app.finished_at:
        events.append((app.finished_at, tr(T_REJECTED)))
    elif app.status == S.WITHDRAWN and app.finished_at:
        events.append((app.finished_at, tr(T_WITHDRAWN)))
    events.sort(key=lambda e: e[0])  # stable: same-instant events keep the procedure's order
    return [{"at": at, "label": label} for at, label in events]


def rejection(app: Application) -> dict | None:
    if app.status != S.REJECTED:
        return None
    reason = app.rejection_reason.text if app.rejection_reason_id else ""
    return {"reason": reason, "note": app.rejection_note}


def build_view(app: Application, tasks: list[Task], pauses: list[Pause], estimate: dict | None) -> dict:
    """The public view from already-read rows (no queries beyond the application's own relations)."""
    current = next((t for t in tasks if t.is_active), None)
    return {
        "registration_number": app.registration_number,
        "permit_type": app.permit_type.code,
        "permit_type_name": app.permit_type.name,
        "permit_type_is_sample": app.permit_type.is_sample,
        "applicant_initials": app.applicant.initials,
        "status": app.status,
        "status_label": status_label(app, current),
        "current_step": current_step(current),
        "timeline": timeline(app, tasks, pauses),
        "rejection": rejection(app),
        "return_items": list(app.return_items or []) if app.status == S.RETURNED else [],
        "levy": levy_for_tracking(app),
        "decree": _decree(app),
        "promised_completion_date": timezone.localtime(app.promised_completion_at).date(),
        "estimate": estimate,
    }


def _decree(app: Application) -> dict | None:
    """The decree block, with the link to download it with the PIN where that is offered."""
    decree = decree_for_tracking(app)
    if decree is not None:
        allowed = decree["download_allowed"]
        decree["download_url"] = reverse("portal:decree_download", args=[app.registration_number]) if allowed else None
    return decree


def tracking_view(app: Application, *, now: datetime | None = None) -> dict:
    """Everything the applicant may see of `app` (see the module docstring)."""
    tasks = application_tasks(app)
    pauses = application_pauses(app)
    estimate = None
    if app.status not in FINAL:
        found = permit_type_estimate(app.permit_type_id, now=now)
        estimate = found.as_dict() if found else None
    return build_view(app, tasks, pauses, estimate)


# The shape of a kept entry is part of its key. During a rolling deploy the processes of two releases
# share one cache; an entry one release wrote must never reach the other (the release before this one
# kept the bare value, this one keeps (value, survey offered)). Raise it whenever the shape changes.
CACHE_FORMAT = 2


def _cached(app: Tracked, part: str, build: Callable[[dict], Any]):
    """`build(view)`, kept in the cache under this version of the application (TRACKING_CACHE_SECONDS;
    0 turns the cache off). The key carries the language: the labels are in it."""
    seconds = settings.TRACKING_CACHE_SECONDS
    if not app.version or seconds <= 0:
        return build(tracking_view(application_for_view(app.pk)))
    key = f"portal:{part}:v{CACHE_FORMAT}:{app.pk}:{app.version[:32]}:{'en' if _english() else 'id'}"
    hit = cache.get(key)
    if hit is not None:
        value, survey_offered = hit
        # Answering the satisfaction survey writes to the invitation's own stream, not the
        # application's (decrees.services.survey_submit keeps it out of the file's history), so the
        # version stays: a view that still offers the survey checks that it is still unanswered.
        if not survey_offered or not application_survey_answered(app.pk):
            return value
    view = tracking_view(application_for_view(app.pk))
    value = build(view)
    cache.set(key, (value, bool((view["decree"] or {}).get("survey_url"))), seconds)
    return value


def tracking_view_cached(app: Tracked) -> dict:
    """`tracking_view` of the application a public lookup found, from the cache when this version
    of it was seen before."""
    return _cached(app, "view", lambda view: view)


def tracking_body_cached(app: Tracked, render: Callable[[dict], bytes]) -> bytes:
    """The API's answer, rendered once per version: a refresh is then one cache read, with no
    validation or serialisation (`render` validates the view against the response schema)."""
    return _cached(app, "body", render)
