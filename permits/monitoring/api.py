"""Monitoring API: the leadership dashboard's figures, the stalled list and an officer's record, for the
regional government's own dashboards and national reporting (issue 21).

Thin: the same selectors as the pages (selectors.py), typed output. Who may call: the access table
(permits/core/access.py: the head and supervisors). What each reader sees is `viewer_scope`: the
head every file and any `section`; a supervisor who heads sections theirs only (another one is refused
403); a supervisor who heads none every file.
"""

import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l
from ninja import Field, Query, Router, Schema

from permits.core.api import ErrorOut, PageIn, officer_auth
from permits.core.calendar import office_calendar
from permits.core.errors import Invalid, NotFound
from permits.core.roles import user_roles

from . import selectors
from .models import Alert
from .scope import Scope, viewer_scope

router = Router(tags=["monitoring"], auth=officer_auth)

ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)
MAX_DAYS = 366
MONTH = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"


class PeriodIn(Schema):
    """The period of the compliance figures: `month`, or `from` and `to` (both included); default this month."""

    month: str | None = Field(None, pattern=MONTH, description="YYYY-MM (Asia/Jakarta calendar month)")
    first: datetime.date | None = Field(None, alias="from", description="first day, YYYY-MM-DD (with `to`)")
    last: datetime.date | None = Field(None, alias="to", description=f"last day, included (at most {MAX_DAYS} days)")


class SectionIn(Schema):
    section: str | None = Field(
        None,
        max_length=20,
        description="a section's code (bidang/seksi): that section's files only. A supervisor who heads "
        "sections sees theirs by default and is refused (403) another one",
    )


def _scope(request, query: SectionIn) -> Scope:
    return viewer_scope(request.user, query.section or "")


def _period(query: PeriodIn, now: datetime.datetime) -> tuple[selectors.Period, bool]:
    """(the period, whether it is a calendar month: the dashboard keeps those in the cache)."""
    if query.month and (query.first or query.last):
        raise Invalid({"month": str(_l("Pilih bulan, atau dari dan sampai, bukan keduanya."))})
    if query.first is None and query.last is None:
        return selectors.month_period(now, query.month or ""), True
    if query.first is None or query.last is None:
        raise Invalid({"from" if query.first is None else "to": str(_l("Isi tanggal dari dan sampai."))})
    if not (FIRST_DAY <= query.first <= LAST_DAY and FIRST_DAY <= query.last <= LAST_DAY):
        raise Invalid({"from": str(_l("Tanggal antara tahun 2000 dan 2099."))})
    if query.first > query.last:
        raise Invalid({"to": str(_l("Tanggal sampai harus sesudah tanggal dari."))})
    if (query.last - query.first).days >= MAX_DAYS:
        raise Invalid({"to": str(_l("Paling lama %(n)s hari.") % {"n": MAX_DAYS})})
    return selectors.days_period(query.first, query.last), False


# --- output -------------------------------------------------------------------------------------


class ComplianceOut(Schema):
    """What fell due in the period: steps by their due instant (finished by it = on time; finished after
    it, or still open past it = late), applications by their promised date when decided."""

    total: int
    on_time: int
    late: int
    open_late: int = Field(description="late and still open (steps only)")
    finished: int
    share: float | None = Field(description="on time among all counted, percent (null when none)")
    finished_share: float | None = Field(description="on time among the finished only, percent")


def compliance_out(c: selectors.Compliance) -> dict:
    return {
        "total": c.total,
        "on_time": c.on_time,
        "late": c.late,
        "open_late": c.open_late,
        "finished": c.finished,
        "share": c.share,
        "finished_share": c.finished_share,
    }


class PeriodOut(Schema):
    start: datetime.datetime
    end: datetime.datetime = Field(description="excluded")
    label: str


class StageOut(Schema):
    kind: str
    label: str
    count: int


class NowOut(Schema):
    at: datetime.datetime = Field(
        description="when the backlog was counted: the counts are shared by all readers for up to "
        "MONITOR_NOW_CACHE_SECONDS (15 s)"
    )
    in_process: int
    stages: list[StageOut]
    overdue: int
    due_soon: int
    idle: int
    registered_today: int
    decrees_this_month: int
    awaiting_payment: int
    returned: int
    levies_collected: int | None = Field(description="rupiah received this month")


class WeekOut(Schema):
    start: datetime.date
    steps: ComplianceOut
    applications: ComplianceOut


class PermitTypeRowOut(Schema):
    code: str
    name: str
    steps: ComplianceOut
    applications: ComplianceOut


class StepRowOut(Schema):
    permit_type: str
    step: str
    step_name: str
    bound_seconds: int
    period: ComplianceOut
    finished_90_days: int
    mean_seconds: int | None = Field(description="working seconds, steps finished in the last 90 days")
    median_seconds: int | None
    p90_seconds: int | None
    active: int


class OfficerRowOut(Schema):
    username: str
    name: str
    steps: ComplianceOut
    active: int
    alerts: int


class DashboardOut(Schema):
    sections: list[str] = Field(description="the codes of the sections counted; empty: every file")
    now: NowOut
    period: PeriodOut
    step_compliance: ComplianceOut
    application_compliance: ComplianceOut
    trend: list[WeekOut] = Field(description="the last 12 weeks, whatever the period")
    by_permit_type: list[PermitTypeRowOut]
    by_step: list[StepRowOut]
    by_officer: list[OfficerRowOut]


def _seconds(value: datetime.timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


def _name(user) -> str:
    return user.get_full_name() or user.username


def period_out(period: selectors.Period) -> dict:
    return {"start": period.start, "end": period.end, "label": period.label}


def step_row_out(r: selectors.StepRow) -> dict:
    return {
        "permit_type": r.step.permit_type.code,
        "step": r.step.code,
        "step_name": r.step.name,
        "bound_seconds": int(r.bound.total_seconds()),
        "period": compliance_out(r.month),
        "finished_90_days": r.finished,
        "mean_seconds": _seconds(r.mean),
        "median_seconds": _seconds(r.median),
        "p90_seconds": _seconds(r.p90),
        "active": r.active,
    }


@router.get("/monitoring/dashboard", response={200: DashboardOut, 404: ErrorOut, **ERRORS})
def monitoring_dashboard(request, period: Query[PeriodIn], section: Query[SectionIn]):
    """The leadership dashboard's figures: the backlog now, and SLA compliance for the period (the
    share, the weekly trend, per permit type, per step, per officer), as on `/pimpinan/`; for one
    section with `section` (a supervisor who heads sections: theirs)."""
    now = timezone.now()
    scope = _scope(request, section)
    chosen, month = _period(period, now)
    history = selectors.history_cached(now, chosen, scope) if month else selectors.history_figures(now, chosen, scope)
    f = selectors.now_cached(now, office_calendar(), scope)
    levies = f.levies_collected
    return {
        "sections": scope.codes,
        "now": {
            "at": f.at,
            "in_process": f.in_process,
            "stages": [{**stage, "label": str(stage["label"])} for stage in f.stages],
            "overdue": f.overdue,
            "due_soon": f.due_soon,
            "idle": f.idle,
            "registered_today": f.registered_today,
            "decrees_this_month": f.decrees_this_month,
            "awaiting_payment": f.awaiting_payment,
            "returned": f.returned,
            "levies_collected": None if levies is None else int(levies),
        },
        "period": period_out(chosen),
        "step_compliance": compliance_out(history["steps_c"]),
        "application_compliance": compliance_out(history["apps_c"]),
        "trend": [
            {"start": w.start, "steps": compliance_out(w.steps), "applications": compliance_out(w.applications)}
            for w in history["trend"]
        ],
        "by_permit_type": [
            {
                "code": t.permit_type.code,
                "name": t.permit_type.name,
                "steps": compliance_out(t.steps),
                "applications": compliance_out(t.applications),
            }
            for t in history["types"]
        ],
        "by_step": [step_row_out(r) for r in history["steps"]],
        "by_officer": [
            {
                "username": o.user.username,
                "name": _name(o.user),
                "steps": compliance_out(o.steps),
                "active": o.active,
                "alerts": o.alerts,
            }
            for o in history["officers"]
        ],
    }


# --- the stalled list ---------------------------------------------------------------------------


class ExplanationOut(Schema):
    state: Literal["open", "answered", "acknowledged"]
    requested_at: datetime.datetime
    answered_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None


class StalledOut(Schema):
    task_id: int
    application: str
    permit_type: str
    step: str
    step_name: str
    officer: str | None = Field(description="username of who holds the task; null when nobody claimed it")
    due_at: datetime.datetime
    overdue: bool = Field(description="past due; else idle (no action for MONITOR_IDLE_HOURS working hours)")
    late_seconds: int = Field(description="working time past due, or idle since the last action")
    late: str = Field(description="the same in words (Indonesian)")
    level: str | None = Field(description="the highest alert level raised")
    levels: list[str]
    explanation: ExplanationOut | None


class StalledPage(Schema):
    sections: list[str] = Field(description="the codes of the sections listed; empty: every file")
    count: int
    items: list[StalledOut]


def _explanation_out(exp) -> dict | None:
    if exp is None:
        return None
    state = "acknowledged" if exp.acknowledged_at else ("answered" if exp.answered_at else "open")
    return {
        "state": state,
        "requested_at": exp.requested_at,
        "answered_at": exp.answered_at,
        "acknowledged_at": exp.acknowledged_at,
    }


@router.get("/monitoring/stalled", response={200: StalledPage, 404: ErrorOut, **ERRORS})
def monitoring_stalled(request, page: Query[PageIn], section: Query[SectionIn]):
    """Every stalled office task (overdue, most overdue first; then idle), as on `/pimpinan/tersendat/`;
    for one section with `section`."""
    now = timezone.now()
    cal = office_calendar()
    scope = _scope(request, section)
    tasks = selectors.stalled_tasks(now, cal, scope=scope)
    items = []
    for r in selectors.stalled_rows(page.window(tasks), now, cal):
        t = r.task
        items.append(
            {
                "task_id": t.pk,
                "application": t.application.registration_number,
                "permit_type": t.application.permit_type.code,
                "step": t.step.code,
                "step_name": t.step.name,
                "officer": t.assignee.username if t.assignee else None,
                "due_at": t.due_at,
                "overdue": r.overdue,
                "late_seconds": int(r.late_time.total_seconds()),
                "late": r.late,
                "level": r.levels[-1] if r.levels else None,
                "levels": r.levels,
                "explanation": _explanation_out(r.explanation),
            }
        )
    return {"sections": scope.codes, "count": tasks.count(), "items": items}


# --- one officer --------------------------------------------------------------------------------


class LoadOut(Schema):
    task_id: int
    application: str
    step_name: str
    due_at: datetime.datetime
    overdue: bool


class AlertOut(Schema):
    level: str
    sent_at: datetime.datetime
    application: str
    step_name: str


class OfficerOut(Schema):
    sections: list[str] = Field(description="the codes of the sections whose files are counted; empty: every file")
    username: str
    name: str
    roles: list[str]
    period: PeriodOut
    steps: ComplianceOut = Field(description="steps due in the period that the officer held")
    steps_90_days: ComplianceOut
    by_step: list[StepRowOut]
    load: list[LoadOut] = Field(description="active tasks held now, most urgent first (at most 100)")
    alerts: list[AlertOut] = Field(description="the latest 50")
    open_explanations: int


@router.get("/monitoring/officers/{username}", response={200: OfficerOut, 404: ErrorOut, **ERRORS})
def monitoring_officer(request, username: str, period: Query[PeriodIn], section: Query[SectionIn]):
    """One officer's record, as on `/pimpinan/petugas/<username>/`: with `section` (a supervisor who
    heads sections: theirs), the officer's work on that section's files."""
    scope = _scope(request, section)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(_l("Petugas"))
    now = timezone.now()
    chosen, _month = _period(period, now)
    record = selectors.officer_record(user, now, chosen, scope)
    return {
        "sections": scope.codes,
        "username": user.username,
        "name": _name(user),
        "roles": sorted(user_roles(user)),
        "period": period_out(chosen),
        "steps": compliance_out(record.month),
        "steps_90_days": compliance_out(record.window),
        "by_step": [step_row_out(r) for r in record.steps],
        "load": [
            {
                "task_id": t.pk,
                "application": t.application.registration_number,
                "step_name": t.step.name,
                "due_at": t.due_at,
                "overdue": t.due_at < now,
            }
            for t in record.load
        ],
        "alerts": [_alert_out(a) for a in record.alerts],
        "open_explanations": record.open_explanations,
    }


def _alert_out(alert: Alert) -> dict:
    return {
        "level": alert.level,
        "sent_at": alert.sent_at,
        "application": alert.task.application.registration_number,
        "step_name": alert.task.step.name,
    }
