"""What the applicant sees of an application: plain words, dates, the desk (a unit, never a person).

Built from the application, its Task rows and its Pauses only; never from the audit log, which
names officers. Nothing here writes. The labels are Indonesian msgids translated by gettext
(locale/en) under the active language; dates go through Django's formats.

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
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from permits.catalog.models import Step
from permits.decrees.selectors import application_survey_answered, decree_for_tracking
from permits.levies.selectors import levy_for_tracking
from permits.workflow.estimates import permit_type_estimate
from permits.workflow.models import Application, Pause, Task
from permits.workflow.selectors import application_corrections, application_pauses, application_steps_public
from permits.workflow.transitions import FINAL

from .selectors import Tracked, application_for_view

K = Step.Kind
S = Application.Status

STATUS_LABELS = {
    S.REGISTERED: _("Berkas diterima, menunggu verifikasi"),
    S.RETURNED: _("Dikembalikan: lengkapi berkas"),
    S.REJECTED: _("Permohonan ditolak"),
    S.WITHDRAWN: _("Permohonan dicabut"),
    S.DECREE_ISSUED: _("SK siap diambil"),
    S.COLLECTED: _("SK sudah diambil"),
}
# The formal status, as printed on the office's documents.
STATUS_NAMES = {
    S.REGISTERED: _("Terdaftar"),
    S.IN_PROCESS: _("Sedang diproses"),
    S.RETURNED: _("Dikembalikan untuk perbaikan"),
    S.AWAITING_PAYMENT: _("Menunggu pembayaran"),
    S.APPROVED: _("Disetujui"),
    S.REJECTED: _("Ditolak"),
    S.DECREE_ISSUED: _("SK terbit"),
    S.COLLECTED: _("SK sudah diambil"),
    S.WITHDRAWN: _("Dicabut pemohon"),
}
# While the file is being processed, the label says what its current step is doing.
STEP_LABELS = {
    K.VERIFICATION: _("Berkas sedang diverifikasi"),
    K.DATA_ENTRY: _("Data sedang dientri"),
    K.TECHNICAL_REVIEW: _("Sedang dikaji tim teknis"),
    K.LEVY_ASSESSMENT: _("Retribusi sedang dihitung"),
    K.PAYMENT: _("Menunggu pembayaran retribusi"),
    K.APPROVAL: _("Menunggu persetujuan kepala bidang"),
    K.SIGNING: _("Menunggu tanda tangan SK"),
    K.HANDOVER: _("SK siap diambil"),
}
# Paid and posted; the worker completes the payment step within seconds (levies.payment_advance_apply).
PAYMENT_RECEIVED = _("Pembayaran diterima, berkas segera diteruskan")
SURVEY_SCHEDULED = _("Sedang disurvei petugas lapangan, jadwal %(date)s")
SURVEY_WAITING = _("Menunggu jadwal survei lapangan")
IN_PROCESS = _("Sedang diproses")

# Which unit holds the file, by the role of the current step. Never an officer's name.
DESKS = {
    "frontdesk": _("Bidang Pelayanan / Loket"),
    "verifier": _("Tim Verifikasi"),
    "surveyor": _("Tim Survei Lapangan"),
    "data_entry": _("Bidang Pengolahan Data"),
    "technical": _("Tim Teknis"),
    "treasurer": _("Bendahara Penerimaan"),
    "supervisor": _("Kepala Bidang Perizinan"),
    "head": _("Kepala Dinas"),
    "admin": _("Sekretariat"),
}
OFFICE_DESK = _("Kantor pelayanan perizinan")

T_REGISTERED = _("Berkas diterima di loket")
T_DONE = {
    K.VERIFICATION: _("Verifikasi selesai"),
    K.SURVEY: _("Survei lapangan selesai"),
    K.DATA_ENTRY: _("Entri data selesai"),
    K.TECHNICAL_REVIEW: _("Kajian tim teknis selesai"),
    K.LEVY_ASSESSMENT: _("Retribusi ditetapkan"),
    K.PAYMENT: _("Retribusi dibayar"),
    K.APPROVAL: _("Permohonan disetujui"),
    K.SIGNING: _("SK ditandatangani, siap diambil"),
    K.HANDOVER: _("SK diambil"),
}
T_SURVEY_SCHEDULED = _("Survei dijadwalkan %(date)s")
T_SURVEY_SKIPPED = _("Survei lapangan tidak diperlukan")
T_RETURNED = _("Dikembalikan untuk perbaikan")
T_RESUBMITTED = _("Perbaikan diterima")
T_REWORK = _("Diperiksa ulang pada langkah sebelumnya")
T_REJECTED = _("Permohonan ditolak")
T_WITHDRAWN = _("Permohonan dicabut")


def short_date(value: date | str | None) -> str:
    """'3 Des' (Indonesian) or '3 Dec' (English), Django's month abbreviations of the active language;
    '' for a missing or unreadable date."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return ""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "j M")


def _visit_date(task: Task | None) -> str | None:
    schedule = (task.payload or {}).get("schedule") if task is not None else None
    return (schedule or {}).get("visit_date") if isinstance(schedule, dict) else None


def status_label(app: Application, current: Task | None, *, levy_paid: bool = False) -> str:
    """Where the file is, in the applicant's words."""
    if app.status in STATUS_LABELS:
        return str(STATUS_LABELS[app.status])
    if current is None:
        return str(IN_PROCESS)
    if current.kind == K.PAYMENT and levy_paid:  # posted; the step is completed right after
        return str(PAYMENT_RECEIVED)
    if current.kind == K.SURVEY:
        visit = short_date(_visit_date(current))
        return SURVEY_SCHEDULED % {"date": visit} if visit else str(SURVEY_WAITING)
    return str(STEP_LABELS.get(current.kind, IN_PROCESS))


def status_name(status: str) -> str:
    return str(STATUS_NAMES.get(status, status))


def desk_label(role: str) -> str:
    return str(DESKS.get(role, OFFICE_DESK))


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
        scheduled = T_SURVEY_SCHEDULED % {"date": short_date(_visit_date(task))}
        events.append((task.claimed_at or task.started_at, scheduled))
    if task.state == Task.State.DONE and task.finished_at and task.kind in T_DONE:
        events.append((task.finished_at, str(T_DONE[task.kind])))
    elif task.state == Task.State.SKIPPED and task.kind == K.SURVEY and task.finished_at:
        events.append((task.finished_at, str(T_SURVEY_SKIPPED)))
    elif task.state == Task.State.CANCELLED and task.outcome == "rework" and task.finished_at:
        events.append((task.finished_at, str(T_REWORK)))
    for pause in pauses:
        events.append((pause.started_at, str(T_RETURNED)))
        if pause.ended_at:
            events.append((pause.ended_at, str(T_RESUBMITTED)))
    return events


def timeline(app: Application, tasks: list[Task], pauses: list[Pause]) -> list[dict]:
    """What has happened, oldest first: from the tasks and the pauses (never the audit log)."""
    by_task: dict[int, list[Pause]] = {}
    for pause in pauses:
        by_task.setdefault(pause.task_id, []).append(pause)
    events: list[tuple[datetime, str]] = [(app.registered_at, str(T_REGISTERED))]
    for task in tasks:
        events.extend(_task_events(task, by_task.pop(task.pk, [])))
    for orphans in by_task.values():  # a pause always has its task; kept for safety
        for pause in orphans:
            events.append((pause.started_at, str(T_RETURNED)))
    if app.status == S.REJECTED and app.finished_at:
        events.append((app.finished_at, str(T_REJECTED)))
    elif app.status == S.WITHDRAWN and app.finished_at:
        events.append((app.finished_at, str(T_WITHDRAWN)))
    events.sort(key=lambda e: e[0])  # stable: same-instant events keep the procedure's order
    return [{"at": at, "label": label} for at, label in events]


def rejection(app: Application) -> dict | None:
    if app.status != S.REJECTED:
        return None
    reason = app.rejection_reason.text if app.rejection_reason_id else ""
    return {"reason": reason, "note": app.rejection_note}


def build_view(
    app: Application, tasks: list[Task], pauses: list[Pause], estimate: dict | None, corrections: list | None = None
) -> dict:
    """The public view from already-read rows (no queries beyond the application's own relations)."""
    current = next((t for t in tasks if t.is_active), None)
    corrections = [{"received_at": c.received_at, "items": list(c.items)} for c in corrections or []]
    levy = levy_for_tracking(app) if _levy_reached(tasks) else None
    return {
        "registration_number": app.registration_number,
        "permit_type": app.permit_type.code,
        "permit_type_name": app.permit_type.name,
        "permit_type_is_sample": app.permit_type.is_sample,
        "applicant_initials": app.applicant.initials,
        "status": app.status,
        "status_label": status_label(app, current, levy_paid=bool(levy and levy["paid"])),
        "current_step": current_step(current),
        "timeline": timeline(app, tasks, pauses),
        "rejection": rejection(app),
        "return_items": list(app.return_items or []) if app.status == S.RETURNED else [],
        "levy": levy,
        "decree": _decree(app) if _signed(app, tasks) else None,
        "corrections": corrections,
        "promised_completion_date": timezone.localtime(app.promised_completion_at).date(),
        "estimate": estimate,
    }


def _levy_reached(tasks: list[Task]) -> bool:
    """Whether a levy can have been assessed: it is assessed at the file's levy step (a type without
    one never reaches it), so a file with no such task has none and its three reads are skipped."""
    return any(t.kind == K.LEVY_ASSESSMENT for t in tasks)


def _signed(app: Application, tasks: list[Task]) -> bool:
    """Whether a decree can exist: one is issued only when the signing step is done (the status then
    says decree issued or collected), so the decree and survey reads are skipped before that."""
    return app.status in (S.DECREE_ISSUED, S.COLLECTED) or any(
        t.kind == K.SIGNING and t.state == Task.State.DONE for t in tasks
    )


def _decree(app: Application) -> dict | None:
    """The decree block, with the link to download it with the PIN where that is offered."""
    decree = decree_for_tracking(app)
    if decree is not None:
        allowed = decree["download_allowed"]
        decree["download_url"] = reverse("portal:decree_download", args=[app.registration_number]) if allowed else None
    return decree


def tracking_view(app: Application, *, now: datetime | None = None) -> dict:
    """Everything the applicant may see of `app` (see the module docstring)."""
    tasks = application_steps_public(app)
    # A pause is opened only by returning a step to the applicant (the task ends "returned"): none before.
    returned = app.returns_count > 0 or any(t.state == Task.State.RETURNED for t in tasks)
    pauses = application_pauses(app) if returned else []
    estimate = None
    if app.status not in FINAL:
        found = permit_type_estimate(app.permit_type_id, now=now)
        estimate = found.as_dict() if found else None
    # A correction always belongs to a pause (a return): none without one.
    corrections = application_corrections(app) if pauses else []
    return build_view(app, tasks, pauses, estimate, corrections)


# The shape of a kept entry is part of its key. During a rolling deploy the processes of two releases
# share one cache; an entry one release wrote must never reach the other. Raise it whenever the shape
# or the wording changes (2: (value, survey offered); 3: labels from the gettext catalog, keyed by the
# active language code; 4: corrections; 5: one entry {view, survey, and the forms made of it: the API's
# body, the page's HTML} for the page and the API).
CACHE_FORMAT = 5


def _key(app: Tracked) -> str:
    language = get_language() or settings.LANGUAGE_CODE
    return f"portal:track:v{CACHE_FORMAT}:{app.pk}:{app.version[:32]}:{language}"


def _kept(app: Tracked) -> tuple[str | None, dict | None]:
    """The key of this version's entry (None when the cache is off) and the entry, if still valid."""
    if not app.version or settings.TRACKING_CACHE_SECONDS <= 0:
        return None, None
    key = _key(app)
    entry = cache.get(key)
    # Answering the satisfaction survey writes to the invitation's own stream, not the application's
    # (decrees.services.survey_submit keeps it out of the file's history), so the version stays: a
    # view that still offers the survey checks that it is still unanswered.
    if entry is not None and entry["survey"] and application_survey_answered(app.pk):
        entry = None
    return key, entry


def _keep(key: str | None, entry: dict) -> None:
    if key is not None:
        cache.set(key, entry, settings.TRACKING_CACHE_SECONDS)


def _build(app: Tracked) -> dict:
    view = tracking_view(application_for_view(app.pk))
    return {"view": view, "survey": bool((view["decree"] or {}).get("survey_url"))}


def tracking_view_cached(app: Tracked) -> dict:
    """`tracking_view` of the application a public lookup found, kept in the cache under this version
    of it (TRACKING_CACHE_SECONDS; 0 turns the cache off). The key carries the language: the labels
    are in it. The page and the API share the entry: whichever looks first builds it."""
    key, entry = _kept(app)
    if entry is None:
        entry = _build(app)
        _keep(key, entry)
    return entry["view"]


def tracking_part_cached(app: Tracked, part: str, render: Callable[[dict], Any]) -> tuple[dict, Any]:
    """The view and `render(view)`, both kept in the same entry: a form of the answer made once per
    version (the API's JSON body, the page's HTML), so a repeated look is one cache read."""
    key, entry = _kept(app)
    if entry is None:
        entry = _build(app)
    if part not in entry:
        entry[part] = render(entry["view"])
        _keep(key, entry)
    return entry["view"], entry[part]


def tracking_body_cached(app: Tracked, render: Callable[[dict], bytes]) -> bytes:
    """The API's answer, rendered once per version and kept beside the view: a refresh is then one
    cache read, with no validation or serialisation (`render` validates the view against the
    response schema)."""
    return tracking_part_cached(app, "body", render)[1]
