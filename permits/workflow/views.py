"""Officers' pages: the work queue, a task with its step's form, and the actions on an application.

Thin views: the form read into a payload, one service call, then a redirect with a message (PRG), or
the same page again with the engine's message, its field errors and the input kept. Who may open a
page is the access table's (permits/core/access.py), applied before the view runs, so a caller of the
wrong role gets 403 before any lookup, whether or not the task exists. Which task an officer may act
on is decided by the services; the pages only hide what would be refused.
"""

import datetime
from datetime import timedelta
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from permits.catalog.models import PermitType, Step
from permits.catalog.selectors import rejection_reasons_for
from permits.core.calendar import office_calendar
from permits.core.errors import Invalid, ServiceError
from permits.core.money import rupiah
from permits.core.permissions import may
from permits.core.roles import LEADERS, PEOPLE_SEARCHERS, ROLES, has_role, user_roles
from permits.workflow.models import Application

from . import forms, payloads, selectors, services
from .models import Task
from .sla import DUE_SOON, ON_TIME, OVERDUE, humanize
from .steps import latest_payload
from .transitions import ACTIVE, FINAL

K = Step.Kind
PAGE_SIZE = 25  # the queue's first page is the API's (GET /api/v1/tasks: limit 25)
SLA_BADGES = {
    ON_TIME: ("ok", _l("tepat waktu")),
    DUE_SOON: ("warn", _l("segera jatuh tempo")),
    OVERDUE: ("bad", _l("terlambat")),
}
ACTIONS = {
    "application.register": _l("Didaftarkan di loket"),
    "application.reset_pin": _l("PIN pelacakan diganti"),
    "application.start": _l("Mulai diproses"),
    "application.return": _l("Dikembalikan ke pemohon untuk perbaikan"),
    "application.resubmit": _l("Perbaikan berkas diterima"),
    "application.corrections_received": _l("Perbaikan dikirim pemohon secara online"),
    "application.await_payment": _l("Menunggu pembayaran retribusi"),
    "application.paid": _l("Retribusi dibayar"),
    "application.approve": _l("Disetujui"),
    "application.reject": _l("Ditolak"),
    "application.issue_decree": _l("SK diterbitkan"),
    "application.collect": _l("SK diambil"),
    "application.withdraw": _l("Dicabut pemohon"),
    "application.rework": _l("Dikembalikan ke langkah sebelumnya"),
    "application.data": _l("Data objek diperbarui"),
    "task.open": _l("Langkah dibuka"),
    "task.skip": _l("Langkah dilewati"),
    "task.claim": _l("Tugas diambil"),
    "task.assign": _l("Tugas ditugaskan"),
    "task.complete": _l("Langkah selesai"),
    "survey.schedule": _l("Survei dijadwalkan"),
    "monitoring.alert.warning": _l("Peringatan: batas waktu hampir habis"),
    "monitoring.alert.overdue": _l("Peringatan: langkah terlambat, penjelasan diminta"),
    "monitoring.alert.idle": _l("Peringatan: tidak ada tindakan, penjelasan diminta"),
    "monitoring.alert.escalated_supervisor": _l("Eskalasi ke kepala bidang"),
    "monitoring.alert.escalated_head": _l("Eskalasi ke kepala dinas"),
    "monitoring.explanation.answer": _l("Petugas memberi penjelasan"),
    "monitoring.explanation.acknowledge": _l("Penjelasan diterima pimpinan"),
    "decree.issue": _l("SK ditandatangani dan diterbitkan"),
    "decree.revoke": _l("SK dicabut"),
    "decree.handover": _l("SK diserahkan"),
    "decree.download": _l("SK diunduh pemohon"),
    "levy.skrd_issue": _l("SKRD/SKPD diterbitkan, virtual account dibuka"),
    "levy.skrd_cancel": _l("SKRD/SKPD dibatalkan"),
    "levy.bill_cancel": _l("Tagihan dibatalkan"),
    "levy.bill_reissue": _l("Tagihan diterbitkan ulang"),
    "levy.bill_expire": _l("Tagihan kedaluwarsa"),
    "levy.claim_issue": _l("Lewat jatuh tempo: STRD/STPD diterbitkan dengan sanksi bunga"),
    "levy.payment_post": _l("Pembayaran diterima bank"),
}
_STATUS = dict(Application.Status.choices)
_REWORKABLE = (Application.Status.IN_PROCESS, Application.Status.AWAITING_PAYMENT, Application.Status.APPROVED)


# --- helpers ------------------------------------------------------------------------------------


def _supervising(user) -> bool:
    """Leaders see every task of the section (the queue's scope, assigning, standing in)."""
    return has_role(user, *LEADERS)


def _get_task(task_id: int) -> Task:
    task = (
        Task.objects.select_related("application__permit_type", "application__applicant", "step", "assignee")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise Http404(_("Tugas tidak ditemukan."))
    return task


def _get_viewable_task(request, task_id: int) -> Task:
    task = _get_task(task_id)
    if not has_role(request.user, task.role, *LEADERS):  # object level: a task of the officer's role
        raise PermissionDenied(_("Tugas ini milik peran lain."))
    return task


def _get_application(number: str) -> Application:
    app = selectors.application_get(number)
    if app is None:
        raise Http404(_("Permohonan tidak ditemukan."))
    return app


def _refuse(exc: ServiceError) -> None:
    """Errors that are not about the input become the error pages."""
    if exc.status == 403:
        raise PermissionDenied(exc.text())
    if exc.status == 404:
        raise Http404(exc.text())


def _next_url(request, default: str) -> str:
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _sla(view: selectors.TaskView) -> dict[str, str]:
    """The colour badge and the time left; once overdue the badge itself says by how much."""
    cls, label = SLA_BADGES[view.sla]
    if view.sla == OVERDUE:  # "terlambat 2 jam"; just "terlambat" while no working time has passed since
        return {"cls": cls, "badge": view.left_label if view.left < timedelta(0) else str(label), "left": ""}
    return {"cls": cls, "badge": str(label), "left": view.left_label}


def _url_pattern(name: str):
    """`reverse(name, args=[x])` for many x at the cost of one reverse: the queue page links every row
    four times, and reversing each link was a noticeable part of the page (issue 22)."""
    mark = "0000999999990000"
    base = reverse(name, args=[mark])
    return lambda arg: base.replace(mark, quote(str(arg), safe=""))


def _assign_options(officers: list, selected_id: int | None) -> str:
    """The assign form's <option>s, built in Python: a supervisor's page has one select per row with
    every officer of the row's role, which cost the template a loop and a condition per officer and
    row (issue 22: most of the queue page's time)."""
    if not officers:
        return format_html('<option value="">{}</option>', _("tidak ada petugas"))
    selected = mark_safe(" selected")  # a constant attribute, no user text
    rows = ((o.pk, selected if o.pk == selected_id else "", o.get_full_name() or o.username) for o in officers)
    return format_html_join("", '<option value="{}"{}>{}</option>', rows)


def _officers_by_role(roles) -> dict[str, list]:
    """Active officers holding each of `roles` (for the assign forms)."""
    found: dict[str, list] = {role: [] for role in roles}
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=list(roles))
        .prefetch_related("groups")
        .distinct()
        .order_by("username")
    )
    for user in users:
        for group in user.groups.all():
            if group.name in found:
                found[group.name].append(user)
    return found


def _who(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


# --- the work queue -----------------------------------------------------------------------------


def queue(request):
    """My tasks and my roles' unclaimed tasks, most urgent first (supervisors: the whole section)."""
    user = request.user
    supervising = _supervising(user)
    filters = {key: request.GET.get(key, "") for key in ("permit_type", "state", "role", "scope")}
    if not supervising:
        filters["scope"] = ""
    tasks = selectors.task_queue(
        user, permit_type=filters["permit_type"], state=filters["state"], scope=filters["scope"]
    )
    if filters["role"]:
        tasks = tasks.filter(role=filters["role"])
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    officers = _officers_by_role({services.task_role(t) for t in page}) if supervising else {}
    now = timezone.now()
    rows = []
    links = {n: _url_pattern(n) for n in ("workflow:task", "workflow:claim", "workflow:assign")}
    app_link = _url_pattern("intake:application")
    for task in page:
        view = selectors.task_view(task, now)
        rows.append(
            {
                "t": task,
                "app_url": app_link(task.application.registration_number),
                "task_url": links["workflow:task"](task.pk),
                "claim_url": links["workflow:claim"](task.pk),
                "assign_url": links["workflow:assign"](task.pk),
                "sla": _sla(view),
                "can_claim": task.state == Task.State.OPEN and services.task_may_claim(user, task),
                "assign_options": _assign_options(officers.get(services.task_role(task), []), task.assignee_id)
                if supervising
                else "",
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    roles = user_roles(user)
    return render(
        request,
        "workflow/queue.html",
        {
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "filters": filters,
            "supervising": supervising,
            "permit_types": PermitType.objects.filter(active=True),
            "states": [(Task.State.OPEN, _("Belum diambil")), (Task.State.CLAIMED, _("Sedang dikerjakan"))],
            "role_choices": [(r, label) for r, label in ROLES.items() if supervising or r in roles],
            "here": request.get_full_path(),
            "people_search": bool(roles & PEOPLE_SEARCHERS),
            "corrections": selectors.corrections_awaiting_desk() if may(user, "workflow:resubmit") else [],
        },
    )


# --- the task page ------------------------------------------------------------------------------


def _complete_defaults(task: Task, app: Application) -> dict[str, str]:
    """What the step's form starts with: the data entered so far, the planned visit, the levy due."""
    if task.kind == K.DATA_ENTRY:
        return {f"data.{k}": "" if v is None else str(v) for k, v in (app.data or {}).items()}
    if task.kind == K.SURVEY:
        return {"visit_date": (task.payload.get("schedule") or {}).get("visit_date") or ""}
    if task.kind == K.PAYMENT:
        total = _assessed_total(app)
        return {"amount": total or ""}
    if task.kind == K.HANDOVER:
        return {"relation": "holder"}
    return {}


def _assessed_total(app: Application) -> str | None:
    return latest_payload(app, K.LEVY_ASSESSMENT).get("total")


def task_context(request, task: Task, *, form: str = "", error: ServiceError | None = None, values=None, **extra):
    app = task.application
    user = request.user
    active = task.is_active and app.status in ACTIVE
    may_act = active and services.task_may_act(user, task)
    can_work = may_act and (task.state == Task.State.CLAIMED or _supervising(user))
    view = selectors.task_view(task)
    role = services.task_role(task)
    err = {form: error.fields} if error else {}
    val = {"complete": _complete_defaults(task, app)}
    if form:
        val[form] = values or {}
    data_fields = list(app.permit_type.data_fields.all())
    done = [
        {
            "t": t,
            "outcome": str(forms.OUTCOMES.get(t.outcome, t.outcome)),
            "rows": forms.payload_rows(t.payload, data_fields),
        }
        for t in selectors.application_tasks(app)
        if t.pk != task.pk and t.state == Task.State.DONE
    ]
    assessed = _assessed_total(app) if task.kind == K.PAYMENT else None
    return {
        "task": task,
        "app": app,
        "documents": app.documents.select_related("requirement"),
        "data_fields": data_fields,
        "bound_label": task.step.bound_label,
        "sla": _sla(view),
        "can_claim": active and task.state == Task.State.OPEN and services.task_may_claim(user, task),
        "can_assign": active and _supervising(user),
        "officers": _officers_by_role([role]).get(role, []) if active and _supervising(user) else [],
        "can_work": can_work,
        "survey_decided_here": app.permit_type.survey_policy == PermitType.SurveyPolicy.DECIDED_AT_VERIFICATION,
        "schedule": task.payload.get("schedule"),
        "visit_latest": services.survey_visit_latest(application=app, now=timezone.now())
        if task.kind == K.SURVEY and can_work
        else None,
        "reasons": rejection_reasons_for(app.permit_type_id) if can_work else [],
        "measure_rows": [str(i) for i in range(forms.MEASUREMENT_ROWS)],
        "measure_fields": payloads.numeric_fields(data_fields),
        "levy_rows": [str(i) for i in range(forms.LEVY_ROWS)],
        "assessed_total": assessed,
        "assessed_total_label": rupiah(assessed) if assessed else "",
        "yes_no": [("true", _("Ya")), ("false", _("Tidak"))],
        "pass_fail": [("pass", _("Sesuai")), ("fail", _("Tidak sesuai"))],
        "approve_reject": [("approve", _("Setujui")), ("reject", _("Tolak"))],
        "holder_rep": [("holder", _("Pemegang izin sendiri")), ("representative", _("Kuasa (perwakilan)"))],
        "id_types": [("nik", "NIK"), ("passport", _("Paspor")), ("kitas", "KITAS")],
        "result_rows": forms.payload_rows(task.payload, data_fields) if not task.is_active else [],
        "outcome": str(forms.OUTCOMES.get(task.outcome, task.outcome)),
        "done": done,
        "form": form,
        "error": error,
        "err": err,
        "val": val,
        "today": timezone.localdate().isoformat(),
        **extra,
    }


def _task_page(request, task: Task, *, status: int = 200, **kwargs):
    return render(request, "workflow/task.html", task_context(request, task, **kwargs), status=status)


def _task_error(request, task_id: int, exc: ServiceError, form: str, fields: dict | None = None):
    """The task page again (fresh from the database) with the refusal and the officer's input."""
    _refuse(exc)
    if fields is not None:
        exc.fields = fields
    task = _get_viewable_task(request, task_id)
    return _task_page(request, task, status=exc.status, form=form, error=exc, values=request.POST.dict())


def task_detail(request, task_id: int):
    return _task_page(request, _get_viewable_task(request, task_id))


@require_POST
def task_claim(request, task_id: int):
    task = _get_viewable_task(request, task_id)
    try:
        services.task_claim(actor=request.user, task_id=task.pk)
    except ServiceError as exc:
        return _task_error(request, task.pk, exc, "claim")
    messages.success(request, _("Tugas %(step)s untuk %(no)s sudah Anda ambil.") % _names(task))
    return redirect("workflow:task", task_id=task.pk)


@require_POST
def task_assign(request, task_id: int):
    task = _get_viewable_task(request, task_id)
    raw = request.POST.get("assignee", "")
    assignee = get_user_model().objects.filter(pk=raw).first() if raw.isdigit() else None
    try:
        services.task_assign(actor=request.user, task_id=task.pk, assignee=assignee)
    except ServiceError as exc:
        return _task_error(request, task.pk, exc, "assign")
    messages.success(
        request, _("%(no)s: %(step)s ditugaskan kepada %(who)s.") % {**_names(task), "who": _who(assignee)}
    )
    return redirect(_next_url(request, reverse("workflow:task", args=[task.pk])))


@require_POST
def task_schedule(request, task_id: int):
    task = _get_viewable_task(request, task_id)
    payload = {"visit_date": request.POST.get("visit_date", ""), "note": request.POST.get("note", "")}
    try:
        services.task_schedule_survey(actor=request.user, task_id=task.pk, payload=payload, version=_version(request))
    except ServiceError as exc:
        return _task_error(request, task.pk, exc, "schedule")
    messages.success(request, _("Survei dijadwalkan pada %(date)s.") % {"date": payload["visit_date"]})
    return redirect("workflow:task", task_id=task.pk)


@require_POST
def task_complete(request, task_id: int):
    task = _get_viewable_task(request, task_id)
    post = request.POST
    if task.kind == K.LEVY_ASSESSMENT and "preview" in post:  # "compute the total" without JavaScript
        return _task_page(request, task, form="complete", values=post.dict(), levy_total=forms.levy_total(post))
    payload, early = forms.completion_payload(task.kind, post, task.application.permit_type.data_fields.all())
    try:
        if early:
            raise Invalid(early)
        services.task_complete(
            actor=request.user,
            task_id=task.pk,
            payload=payload,
            notes=post.get("notes", "").strip(),
            version=_version(request),
        )
    except ServiceError as exc:
        return _task_error(request, task.pk, exc, "complete", forms.form_errors(task.kind, post, exc.fields))
    app = Application.objects.get(pk=task.application_id)
    nxt = selectors.current_task(app)
    message = _("Langkah %(step)s untuk %(no)s selesai.") % _names(task)
    if nxt is not None:
        message += " " + _("Berikutnya: %(step)s.") % {"step": nxt.step.name}
    else:
        message += " " + _("Status permohonan: %(status)s.") % {"status": app.get_status_display()}
    messages.success(request, message)
    return redirect("workflow:queue")


@require_POST
def task_return(request, task_id: int):
    task = _get_viewable_task(request, task_id)
    items = [line.strip() for line in request.POST.get("items", "").splitlines() if line.strip()]
    try:
        services.task_return(
            actor=request.user,
            task_id=task.pk,
            items=items,
            note=request.POST.get("note", "").strip(),
            version=_version(request),
        )
    except ServiceError as exc:
        return _task_error(request, task.pk, exc, "return")
    messages.success(request, _("Berkas dikembalikan ke pemohon. Waktu layanan dijeda sampai perbaikan diterima."))
    return redirect("intake:application", number=task.application.registration_number)


@require_POST
def task_reject(request, task_id: int):
    task = _get_viewable_task(request, task_id)
    try:
        services.task_reject(
            actor=request.user,
            task_id=task.pk,
            reason_code=request.POST.get("reason_code", ""),
            text=request.POST.get("text", "").strip(),
            version=_version(request),
        )
    except ServiceError as exc:
        return _task_error(request, task.pk, exc, "reject")
    messages.success(request, _("Permohonan %(no)s ditolak.") % _names(task))
    return redirect("intake:application", number=task.application.registration_number)


def _names(task: Task) -> dict[str, str]:
    return {"step": task.step.name, "no": task.application.registration_number}


# --- the application page (rendered for intake:application) --------------------------------------


def _handover_detail(after: dict) -> str:
    """Who collected the decree, as the audit recorded it (older events lack the identity)."""
    if after.get("relation") == "representative":
        text = _("diambil kuasa %(who)s") % {"who": after["collected_by"]}
        if after.get("authorisation_letter"):
            text += ", " + _("surat kuasa diperlihatkan")
    else:
        text = _("diambil pemegang izin %(who)s") % {"who": after["collected_by"]}
    if after.get("id_number") and after.get("id_type", "nik") != "nik":
        text += ", " + {"passport": _("Paspor"), "kitas": "KITAS"}.get(after["id_type"], "") + " " + after["id_number"]
    elif after.get("id_number"):
        text += ", " + _("NIK %(nik)s") % {"nik": after["id_number"]}
    return text


def _event_row(event, steps: dict[str, str], day: timedelta) -> dict:
    before, after = event.before or {}, event.after or {}
    details = []
    if after.get("step"):
        details.append(steps.get(after["step"], after["step"]))
    if "status" in after and before.get("status"):
        details.append(f"{_STATUS.get(before['status'], before['status'])} → {_STATUS.get(after['status'])}")
    if after.get("outcome"):
        details.append(str(forms.OUTCOMES.get(after["outcome"], after["outcome"])))
    if after.get("assignee") and event.action in ("task.assign", "task.claim", "task.open"):
        details.append(_("petugas: %(who)s") % {"who": after["assignee"]})
    if event.action == "task.open" and after.get("due_at"):
        due = timezone.localtime(datetime.datetime.fromisoformat(after["due_at"]))
        details.append(_("batas %(due)s") % {"due": due.strftime("%d/%m/%Y %H:%M")})
    if event.action == "survey.schedule" and after.get("visit_date"):
        details.append(_("kunjungan %(date)s") % {"date": after["visit_date"]})
    if event.action == "decree.handover" and after.get("collected_by"):
        details.append(_handover_detail(after))
    if after.get("reason_text"):
        details.append(after["reason_text"])
    if after.get("items"):
        details.append("; ".join(after["items"]))
    if after.get("paused_seconds"):
        details.append(_("dijeda %(d)s") % {"d": humanize(timedelta(seconds=after["paused_seconds"]), day)})
    actor = _who(event.actor) or event.actor_label or _("sistem")
    return {
        "at": event.at,
        "actor": actor,
        "action": str(ACTIONS.get(event.action, event.action)),
        "detail": " · ".join(details),
        "note": event.note,
    }


def application_context(request, app: Application, *, form: str = "", error=None, values=None) -> dict:
    """Everything the officers' application page shows: data, progress against the clock, history."""
    user = request.user
    now = timezone.now()
    cal = office_calendar()
    day = cal.day_length()
    current = selectors.current_task(app)
    current_row = None
    if current is not None:
        view = selectors.task_view(current, now)
        current_row = {"t": current, "sla": _sla(view)}
    step_times = []
    for row in selectors.application_step_times(app, now):
        share = row.spent / row.bound if row.bound else 0
        step_times.append(
            {
                "row": row,
                "spent": humanize(row.spent, day),
                "bound": humanize(row.bound, day),
                "pct": min(100, round(share * 100)),
                "skipped": row.state == Task.State.SKIPPED,
            }
        )
    pauses = []
    for pause in selectors.application_pauses(app):
        running = pause.ended_at is None
        length = (
            cal.working_time_between(pause.started_at, now)
            if running
            else timedelta(seconds=pause.working_seconds or 0)
        )
        pauses.append({"p": pause, "length": humanize(length, day), "running": running})
    steps = list(Step.objects.filter(permit_type=app.permit_type_id).order_by("order"))
    names = {s.code: s.name for s in steps}
    can_rework = may(user, "workflow:rework") and current is not None and app.status in _REWORKABLE
    return {
        "app": app,
        "documents": app.documents.select_related("requirement"),
        "current": current_row,
        "can_open_current": current is not None and has_role(user, current.role, *LEADERS),
        "paused": humanize(timedelta(seconds=app.paused_seconds), day),
        "step_times": step_times,
        "pauses": pauses,
        "timeline": [_event_row(e, names, day) for e in selectors.application_timeline(app)],
        "can_rework": can_rework,
        "rework_steps": [s for s in steps if current and s.order < current.step.order] if can_rework else [],
        "can_resubmit": may(user, "workflow:resubmit") and app.status == Application.Status.RETURNED,
        "can_withdraw": may(user, "workflow:withdraw") and app.status not in FINAL,
        "form": form,
        "error": error,
        "err": {form: error.fields} if error else {},
        "val": {form: values or {}},
    }


def _application_action(request, number: str, form: str, call, success: str):
    app = _get_application(number)
    try:
        call(app)
    except ServiceError as exc:
        _refuse(exc)
        app = _get_application(number)
        ctx = application_context(request, app, form=form, error=exc, values=request.POST.dict())
        return render(request, "intake/application.html", ctx, status=exc.status)
    messages.success(request, success)
    return redirect("intake:application", number=number)


@require_POST
def application_rework(request, number: str):
    def call(app):
        services.application_rework(
            actor=request.user,
            application_id=app.pk,
            step_code=request.POST.get("step", ""),
            note=request.POST.get("note", ""),
        )

    return _application_action(request, number, "rework", call, _("Berkas dikembalikan ke langkah yang dipilih."))


@require_POST
def application_resubmit(request, number: str):
    def call(app):
        services.application_resubmit(actor=request.user, application_id=app.pk, note=request.POST.get("note", ""))

    return _application_action(
        request,
        number,
        "resubmit",
        call,
        _("Perbaikan berkas diterima; proses dilanjutkan dan jam layanan berjalan lagi."),
    )


@require_POST
def application_withdraw(request, number: str):
    def call(app):
        services.application_withdraw(actor=request.user, application_id=app.pk, note=request.POST.get("note", ""))

    return _application_action(request, number, "withdraw", call, _("Permohonan dicabut."))
