"""Leadership pages (dashboard, stalled list, officer record, explanations, exports), the officer's
explanation page (answered from the link in the alert) and the public transparency page.

Thin views (who may open each page: the access table, permits/core/access.py, applied before the view
runs): the reads from selectors (or one service call), a response. No
JavaScript: charts are inline SVG drawn on the server, with the same numbers in tables.
"""

from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods

from permits.catalog.models import twin
from permits.core.calendar import office_calendar
from permits.core.errors import ServiceError
from permits.core.permissions import may
from permits.core.roles import user_roles
from permits.workflow.selectors import task_view
from permits.workflow.sla import OVERDUE, humanize

from . import charts, exports, selectors, services
from .scope import Scope, viewer_scope, viewer_sections
from .transparency import transparency_rows

PAGE_SIZE = 50


def _tone(share: float | None) -> str:
    if share is None:
        return "muted"
    return "ok" if share >= 90 else ("warn" if share >= 75 else "bad")


def _hours(value: timedelta | None) -> float:
    return value.total_seconds() / 3600 if value else 0.0


# --- dashboard ----------------------------------------------------------------------------------


def _scope(request) -> Scope:
    """The files the reader sees (`viewer_scope`), narrowed by `?bidang=<section code>`."""
    try:
        return viewer_scope(request.user, request.GET.get("bidang", ""))
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.text()) from None
        raise Http404(exc.text()) from None


def _section_context(request, scope: Scope) -> dict:
    """The section picker: the sections the reader may choose, and the one shown."""
    choices, everything = viewer_sections(request.user)
    code = request.GET.get("bidang", "").strip()
    return {
        "scope": scope,
        "section_choices": choices,
        "section_all": everything,
        "bidang": code,
        "section_query": f"&bidang={quote(code)}" if code else "",  # carried by the page's own links
        "keep": [(k, request.GET[k]) for k in ("bulan", "keadaan") if request.GET.get(k)],
    }


def _history_html(request, now, period, scope: Scope, bidang: str) -> str:
    """The dashboard's history part (compliance, trend, per type / step / officer, with their charts),
    rendered once per kept set of history figures, period, scope and language and kept in the shared
    cache beside them: readers between two refreshes get the same HTML without reading the figures
    (issue 22 item 4)."""
    ttl = settings.MONITOR_DASHBOARD_CACHE_SECONDS
    parts = ["monitoring:history-html:v1", f"{period.start:%Y%m}", scope.key, bidang, get_language() or ""]
    at = selectors.history_kept_at(now, period, scope)
    html = cache.get(":".join([*parts, str(at)])) if at is not None else None
    if html is None:
        history = selectors.history_cached(now, period, scope)
        html = render_to_string("monitoring/_history.html", _history_context(period, history, bidang), request)
        if ttl:
            cache.set(":".join([*parts, str(history["at"].timestamp())]), html, 3 * ttl)
    return html


def _history_context(period, history: dict, bidang: str) -> dict:
    trend, types, steps = history["trend"], history["types"], history["steps"]
    day = office_calendar().day_length()
    trend_chart = charts.line_chart(
        [w.label for w in trend],
        [
            charts.Series(_("Langkah tepat waktu"), [w.steps.share for w in trend], "ok"),
            charts.Series(_("Permohonan tepat waktu"), [w.applications.share for w in trend], ""),
        ],
        title=_("Kepatuhan waktu per minggu, 12 minggu terakhir"),
    )
    step_chart = charts.bar_chart(
        [
            charts.Bar(
                f"{r.step.permit_type.code} · {r.step.name}",
                _hours(r.median),
                humanize(r.median, day),
                "bad" if r.median and r.median > r.bound else "ok",
            )
            for r in steps
            if r.median is not None
        ][:15],
        title=_("Median waktu kerja per langkah (90 hari), terlama di atas"),
    )
    type_chart = charts.bar_chart(
        [
            charts.Bar(
                t.permit_type.code,
                t.applications.share or 0,
                f"{t.applications.share:.0f}%",
                _tone(t.applications.share),
            )
            for t in types
            if t.applications.total
        ],
        title=_("Permohonan selesai tepat waktu per jenis izin"),
        max_value=100,
    )
    return {
        "period": period,
        **history,
        "trend_chart": trend_chart,
        "step_chart": step_chart,
        "type_chart": type_chart,
        "day": day,
        "bidang": bidang,
    }


def dashboard(request):
    now = timezone.now()
    cal = office_calendar()
    scope = _scope(request)
    period = selectors.month_period(now, request.GET.get("bulan", ""))
    figures = selectors.now_cached(now, cal, scope)
    stalled_qs = selectors.stalled_tasks(now, cal, figures, scope)
    sections = _section_context(request, scope)
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "now": now,
            "period": period,
            "figures": figures,
            "history_html": _history_html(request, now, period, scope, sections["bidang"]),
            "stalled": selectors.stalled_rows(stalled_qs[:10], now, cal),
            "stalled_count": stalled_qs.count(),
            "explanations": selectors.explanation_counts(scope),
            "ikm": selectors.ikm(now - timedelta(days=selectors.WINDOW_DAYS)),
            "day": cal.day_length(),
            "idle_hours": settings.MONITOR_IDLE_HOURS,
            **sections,
        },
    )


def stalled(request):
    now = timezone.now()
    cal = office_calendar()
    scope = _scope(request)
    page = Paginator(selectors.stalled_tasks(now, cal, scope=scope), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/stalled.html",
        {
            "page": page,
            "rows": selectors.stalled_rows(page.object_list, now, cal),
            "now": now,
            **_section_context(request, scope),
        },
    )


def officer(request, username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise Http404(_("Petugas tidak ditemukan."))
    now = timezone.now()
    scope = _scope(request)
    period = selectors.month_period(now, request.GET.get("bulan", ""))
    record = selectors.officer_record(user, now, period, scope)
    load = []
    for task in record.load:
        view = task_view(task, now)
        load.append({"t": task, "overdue": view.sla == OVERDUE, "left": view.left_label})
    return render(
        request,
        "monitoring/officer.html",
        {
            "officer": user,
            "roles": sorted(user_roles(user)),
            "period": period,
            "record": record,
            "load": load,
            "ikm": selectors.ikm(now - timedelta(days=selectors.WINDOW_DAYS)),
            "day": office_calendar().day_length(),
            **_section_context(request, scope),
        },
    )


# --- explanations -------------------------------------------------------------------------------


def explanations(request):
    state = request.GET.get("keadaan", "open")
    if state not in ("open", "answered", "all"):
        state = "open"
    scope = _scope(request)
    page = Paginator(selectors.explanations(state, scope), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/explanations.html",
        {
            "page": page,
            "state": state,
            "counts": selectors.explanation_counts(scope),
            **_section_context(request, scope),
        },
    )


def my_explanations(request):
    rows = selectors.my_explanations(request.user)
    return render(
        request,
        "monitoring/my_explanations.html",
        {
            "open": list(rows.filter(answered_at__isnull=True)[:100]),
            "done": list(rows.filter(answered_at__isnull=False)[:20]),
        },
    )


@require_http_methods(["GET", "POST"])
def explanation(request, token: str):
    """The page the alert's link opens on the officer's phone: the file, how late, the answer form;
    for supervisors and the head, the answer and the acknowledgement form."""
    exp = selectors.explanation_by_token(token)
    if exp is None:
        raise Http404(_("Permintaan penjelasan tidak ditemukan."))
    if not services.may_view(request.user, exp):
        raise PermissionDenied(_("Penjelasan ini diminta dari petugas lain."))
    error, values = None, {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        values = request.POST.dict()
        try:
            if action == "answer":
                services.explanation_answer(actor=request.user, token=token, answer=request.POST.get("answer", ""))
                messages.success(request, _("Penjelasan Anda tersimpan. Terima kasih."))
            elif action == "acknowledge":
                services.explanation_acknowledge(actor=request.user, token=token, note=request.POST.get("note", ""))
                messages.success(request, _("Penjelasan sudah ditanggapi."))
            else:
                raise Http404
            return redirect("monitoring:explanation", token=token)
        except ServiceError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.text()) from None
            error = exc
            exp = selectors.explanation_by_token(token)
    alert = exp.alert
    can_answer = services.may_answer(request.user, alert) and not exp.acknowledged_at
    can_ack = services.may_acknowledge(request.user, exp) and exp.answered_at is not None and not exp.acknowledged_at
    cal = office_calendar()
    task = alert.task
    now = timezone.now()
    return render(
        request,
        "monitoring/explanation.html",
        {
            "exp": exp,
            "alert": alert,
            "task": task,
            "app": task.application,
            "late": humanize(cal.working_time_between(task.due_at, now), cal.day_length())
            if task.is_active and now > task.due_at
            else "",
            "history": selectors.task_alerts(task),
            "can_answer": can_answer,
            "can_ack": can_ack,
            "leader": may(request.user, "monitoring:explanations"),
            "error": error,
            "values": values,
        },
        status=error.status if error else 200,
    )


# --- exports ------------------------------------------------------------------------------------


def export(request):
    """The form; with `jenis` and `format` in the query, the file itself."""
    what, fmt = request.GET.get("jenis", ""), request.GET.get("format", "")
    values = {"dari": request.GET.get("dari", ""), "sampai": request.GET.get("sampai", "")}
    error = None
    if what:
        try:
            if what not in exports.EXPORTS or fmt not in ("csv", "xlsx"):
                raise ServiceError("invalid", _l("Pilih jenis dan format ekspor."), status=422)
            first, last = exports.export_range(values["dari"], values["sampai"])
            columns, rows = exports.EXPORTS[what]
            name = f"smart-{what}-{first:%Y%m%d}-{last:%Y%m%d}.{fmt}"
            if fmt == "csv":
                response = StreamingHttpResponse(
                    exports.csv_lines(columns, rows(first, last)), content_type="text/csv; charset=utf-8"
                )
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
            return FileResponse(
                exports.xlsx_file(what, columns, rows(first, last)),
                as_attachment=True,
                filename=name,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        except ServiceError as exc:
            error = exc
    today = timezone.localdate()
    return render(
        request,
        "monitoring/export.html",
        {
            "error": error,
            "dari": values["dari"] or today.replace(day=1).isoformat(),
            "sampai": values["sampai"] or today.isoformat(),
            "max_days": exports.MAX_DAYS,
        },
        status=error.status if error else 200,
    )


# --- public -------------------------------------------------------------------------------------


def transparency(request):
    """No login: per permit type, the standard and how the office kept it (no personal data)."""
    rows = [{**r, "name": twin(r["name_id"], r["name_en"])} for r in transparency_rows()]
    return render(
        request,
        "monitoring/transparency.html",
        {"rows": rows, "days": settings.MONITOR_TRANSPARENCY_DAYS},
    )
