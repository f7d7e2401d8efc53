"""Reads for leadership: the dashboard's figures, the stalled list, an officer's record, the digest.

"Now" reads the backlog (the active tasks) through partial indexes, mostly from the index alone
(`task_active_kind_idx`); the figures about the past are aggregate queries over a bounded window
(a month, 12 weeks, 90 days), computed by a worker and kept in the cache (`history_cached`). So the
cost follows the work in hand and the period asked, never the whole history. Python only loops over
a page of rows, over the handful of candidates near a threshold, or over summary rows.
See docs/MONITORING.md for what each number means, docs/PERFORMANCE.md for what it costs.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Avg, Count, F, Q, Sum, Window
from django.db.models.functions import Coalesce, RowNumber, TruncWeek
from django.utils import timezone, translation

from permits.catalog.models import PermitType, Step
from permits.core.calendar import office_calendar
from permits.core.clock import now_or
from permits.core.jobs import job_ask
from permits.core.roles import user_roles
from permits.core.workdays import WorkCalendar
from permits.decrees.selectors import ikm_summary
from permits.levies.models import Payment
from permits.workflow.models import Application, Task
from permits.workflow.sla import due_soon_limit, humanize

from . import thresholds as th
from .models import Alert, Explanation
from .scope import (
    EVERYTHING,
    Scope,
    idle_candidates,
    idle_q,
    idle_tasks,
    monitored_kinds,
    monitored_tasks,
    scheduled_surveys,
)

logger = logging.getLogger("permits.monitoring")
JAKARTA = ZoneInfo("Asia/Jakarta")
K = Step.Kind
DONE = Task.State.DONE
WINDOW_DAYS = 90  # median / 90th percentile / where the time goes
TREND_WEEKS = 12
KIND_LABELS = dict(Step.Kind.choices)


# --- periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: datetime.datetime
    end: datetime.datetime
    label: str


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=JAKARTA)


def month_period(now: datetime.datetime, month: str = "") -> Period:
    """The calendar month (Asia/Jakarta) of `month` ("YYYY-MM") or of `now`; a bad value means now."""
    today = timezone.localtime(now, JAKARTA).date()
    first = today.replace(day=1)
    if month:
        try:
            year, number = month.split("-")
            first = datetime.date(int(year), int(number), 1)
        except ValueError:
            pass
    nxt = (first + timedelta(days=32)).replace(day=1)
    return Period(local_midnight(first), local_midnight(nxt), first.strftime("%m/%Y"))


def days_period(first: datetime.date, last: datetime.date) -> Period:
    """The days `first` to `last` included (Asia/Jakarta)."""
    label = f"{first:%d/%m/%Y}-{last:%d/%m/%Y}"
    return Period(local_midnight(first), local_midnight(last + timedelta(days=1)), label)


def day_period(day: datetime.date) -> Period:
    return Period(local_midnight(day), local_midnight(day + timedelta(days=1)), day.strftime("%d/%m/%Y"))


def _wait_kinds() -> list[str]:
    return list(settings.MONITOR_APPLICANT_WAIT_KINDS)


def _share(part: int, total: int) -> float | None:
    return round(100 * part / total, 1) if total else None


def done_tasks(start: datetime.datetime, end: datetime.datetime, scope: Scope = EVERYTHING):
    """Office steps finished (done) in [start, end): how long steps take (median, 90th percentile)."""
    return scope.tasks(
        Task.objects.filter(state=DONE, finished_at__gte=start, finished_at__lt=end).exclude(kind__in=_wait_kinds())
    )


def due_tasks(start: datetime.datetime, end: datetime.datetime, now: datetime.datetime, scope: Scope = EVERYTHING):
    """Office steps that fell due in [start, end), as counted at `now`: the SLA record of steps.

    The one rule of step compliance, read by every figure and table (the headline, the trend, per
    type, per step, per officer, the officer's record, the digest): a step counts in the period its
    due instant falls in, once it is finished (done) or, still open or claimed, is past due. On time
    = finished at or before its due instant; late = finished after it, or still open past it. A step
    still open and not yet due is not counted yet; skipped, cancelled and returned ones never are
    (a task reopened after a return is a new task with the bound it had left). `scope`: a section's steps.
    """
    return scope.tasks(
        Task.objects.filter(due_at__gte=start, due_at__lt=end)
        .filter(Q(state=DONE) | Q(state__in=Task.ACTIVE_STATES, due_at__lt=now))
        .exclude(kind__in=_wait_kinds())
    )


def _step_counts() -> dict:
    """The aggregates of `due_tasks` that make a `Compliance` (`_compliance`)."""
    return {
        "n": Count("id"),
        "ok": Count("id", filter=Q(state=DONE, finished_at__lte=F("due_at"))),
        "still": Count("id", filter=Q(state__in=Task.ACTIVE_STATES)),
    }


def _compliance(n: int, ok: int, still: int) -> "Compliance":
    return Compliance(total=n, on_time=ok, open_late=still)


def decisions_signed(start: datetime.datetime, end: datetime.datetime, scope: Scope = EVERYTHING):
    """Applications granted in [start, end): their decree was signed (the signing step is done).
    An application belongs to its permit type's section."""
    return scope.applications(
        Task.objects.filter(kind=K.SIGNING, state=DONE, finished_at__gte=start, finished_at__lt=end),
        "application__permit_type_id",
    )


def decisions_rejected(start: datetime.datetime, end: datetime.datetime, scope: Scope = EVERYTHING):
    return scope.applications(
        Application.objects.filter(status=Application.Status.REJECTED, finished_at__gte=start, finished_at__lt=end)
    )


# --- now ----------------------------------------------------------------------------------------


@dataclass
class NowFigures:
    stages: list[dict]
    returned: int
    overdue: int
    due_soon: int
    registered_today: int
    decrees_this_month: int
    awaiting_payment: int
    levies_collected: object  # Decimal rupiah
    in_process: int
    idle: int = 0  # office tasks idle (not overdue): the stalled list holds overdue + idle
    at: datetime.datetime | None = None  # the instant they were counted (`now_cached` keeps them a few seconds)


def _due_soon_limit(bound_seconds: int) -> timedelta:
    return due_soon_limit(timedelta(seconds=bound_seconds))


def _due_soon_bands(cal: WorkCalendar, now: datetime.datetime) -> tuple[Q, Q]:
    """(sure, maybe) for office tasks not yet overdue, per bucket of bounds (lo, hi]: a task due
    before the cutoff of the bucket's smallest limit is due soon whatever its bound; one due between
    that and the cutoff of the bucket's largest limit is decided exactly in Python (`_due_soon`);
    later ones are not due soon (the work queue's rule: at most max(25% of the bound, 2 h) left)."""
    sure, maybe = Q(pk__in=[]), Q(pk__in=[])
    for lo, hi in th.bound_buckets():
        bucket = Q(bound_seconds__gt=lo) if hi is None else Q(bound_seconds__gt=lo, bound_seconds__lte=hi)
        certain = th.cutoff_after(cal, now, _due_soon_limit(lo))
        sure |= bucket & Q(due_at__lte=certain)
        band = bucket & Q(due_at__gt=certain)
        maybe |= band if hi is None else band & Q(due_at__lte=th.cutoff_after(cal, now, _due_soon_limit(hi)))
    return Q(due_at__gte=now) & sure, Q(due_at__gte=now) & maybe


def _due_soon(cal: WorkCalendar, now: datetime.datetime, maybe: Q, scope: Scope = EVERYTHING) -> int:
    """How many of the tasks in the uncertain band are due soon, decided with the calendar: a task
    is due soon when due by the cutoff of its bound's limit, computed once per distinct bound."""
    cutoffs: dict[int, datetime.datetime] = {}
    count = 0
    for due, bound in scope.tasks(monitored_tasks()).filter(maybe).values_list("due_at", "bound_seconds"):
        if bound not in cutoffs:
            cutoffs[bound] = th.cutoff_after(cal, now, _due_soon_limit(bound))
        count += due <= cutoffs[bound]
    return count


def levies_collected(start: datetime.datetime, end: datetime.datetime, scope: Scope = EVERYTHING):
    """Levy payments received in [start, end)."""
    payments = scope.applications(
        Payment.objects.filter(paid_at__gte=start, paid_at__lt=end), "bill__application__permit_type_id"
    )
    return payments.aggregate(s=Sum("amount"))["s"] or 0


def ikm(since: datetime.datetime) -> dict | None:
    """The satisfaction index (IKM) since `since` (None while nobody has answered)."""
    summary = ikm_summary(since)
    return summary if summary.get("respondents") else None


def now_figures(now: datetime.datetime, cal: WorkCalendar | None = None, scope: Scope = EVERYTHING) -> NowFigures:
    """The backlog now. One pass over the active tasks' index (`task_active_kind_idx`, no table
    rows) counts per kind the tasks, the overdue, the surely due soon and the idle candidates; then
    the uncertain due-soon band, the scheduled surveys, and indexed counts of applications.
    `scope`: a section's tasks (by step) and applications (by permit type)."""
    cal = cal or office_calendar()
    monitored = set(monitored_kinds())
    sure, maybe = _due_soon_bands(cal, now)
    idle = idle_q(cal, now)
    by_kind, overdue, due_soon, idle_count = {}, 0, 0, 0
    for kind, n, late, soon, still in (
        scope.tasks(Task.objects.filter(state__in=Task.ACTIVE_STATES))
        .annotate(last_action=Coalesce("claimed_at", "started_at"))
        .values_list("kind")
        .annotate(
            n=Count("id"),
            late=Count("id", filter=Q(due_at__lt=now)),
            soon=Count("id", filter=sure),
            still=Count("id", filter=idle),
        )
        .order_by()
    ):
        by_kind[kind] = n
        if kind in monitored:
            overdue, due_soon, idle_count = overdue + late, due_soon + soon, idle_count + still
    stages = [{"kind": k, "label": KIND_LABELS[k], "count": by_kind[k]} for k in K.values if by_kind.get(k)]
    today = timezone.localtime(now, JAKARTA).date()
    month = month_period(now)
    by_status = dict(
        scope.applications(
            Application.objects.filter(status__in=[Application.Status.RETURNED, Application.Status.AWAITING_PAYMENT])
        )
        .values_list("status")
        .annotate(n=Count("*"))
        .order_by()
    )
    return NowFigures(
        stages=stages,
        returned=by_status.get(Application.Status.RETURNED, 0),
        overdue=overdue,
        due_soon=due_soon + _due_soon(cal, now, maybe, scope),
        registered_today=scope.applications(
            Application.objects.filter(registered_at__gte=local_midnight(today))
        ).count(),
        decrees_this_month=decisions_signed(month.start, month.end, scope).count(),
        awaiting_payment=by_status.get(Application.Status.AWAITING_PAYMENT, 0),
        levies_collected=levies_collected(month.start, month.end, scope),
        in_process=sum(s["count"] for s in stages),
        idle=idle_count - scheduled_surveys(idle_candidates(scope.tasks(monitored_tasks()), cal, now)).count(),
        at=now,
    )


def _now_key(scope: Scope) -> str:
    return f"monitoring:now:v1:{scope.key}"


def now_cached(now: datetime.datetime, cal: WorkCalendar | None = None, scope: Scope = EVERYTHING) -> NowFigures:
    """The backlog now (`now_figures`), counted at most once every MONITOR_NOW_CACHE_SECONDS (15) for
    all the readers of a scope, kept in the shared cache: four heads refreshing the dashboard do not
    each read the whole backlog. When the kept figures are older, one reader counts again while the
    others are served the kept ones (a flag in the cache); figures kept from a later instant than
    `now` (a test's clock, another period) are never served. 0: every reader counts."""
    ttl = settings.MONITOR_NOW_CACHE_SECONDS
    if not ttl:
        return now_figures(now, cal, scope)
    key = _now_key(scope)
    kept = cache.get(key)
    if kept is not None and kept.at is not None and kept.at <= now:
        if (now - kept.at).total_seconds() < ttl or not cache.add(f"{key}:counting", 1, ttl):
            return kept
    figures = now_figures(now, cal, scope)
    cache.set(key, figures, 4 * ttl)
    cache.delete(f"{key}:counting")
    return figures


# --- SLA compliance -----------------------------------------------------------------------------


@dataclass
class Compliance:
    """What fell due in a period: `on_time` of `total`; the rest is late, `open_late` of them still
    open past due (steps only: an application counts once decided)."""

    total: int = 0
    on_time: int = 0
    open_late: int = 0

    @property
    def share(self) -> float | None:
        """On time among everything that fell due: the headline."""
        return _share(self.on_time, self.total)

    @property
    def late(self) -> int:
        return self.total - self.on_time

    @property
    def finished(self) -> int:
        return self.total - self.open_late

    @property
    def finished_share(self) -> float | None:
        """On time among the finished only (what the dashboard showed before issue 21)."""
        return _share(self.on_time, self.finished)


def step_compliance(period: Period, now: datetime.datetime, scope: Scope = EVERYTHING) -> Compliance:
    """Office steps due in the period (`due_tasks`): on time, late, still open past due."""
    return _compliance(**due_tasks(period.start, period.end, now, scope).aggregate(**_step_counts()))


def application_compliance(period: Period, scope: Scope = EVERYTHING) -> Compliance:
    """Applications decided in the period (decree signed, or rejected) by their promised instant."""
    signed = decisions_signed(period.start, period.end, scope).aggregate(
        n=Count("id"), ok=Count("id", filter=Q(finished_at__lte=F("application__promised_completion_at")))
    )
    rejected = decisions_rejected(period.start, period.end, scope).aggregate(
        n=Count("id"), ok=Count("id", filter=Q(finished_at__lte=F("promised_completion_at")))
    )
    return Compliance(signed["n"] + rejected["n"], signed["ok"] + rejected["ok"])


@dataclass
class WeekRow:
    start: datetime.date
    steps: Compliance
    applications: Compliance

    @property
    def label(self) -> str:
        return self.start.strftime("%d/%m")


def _week_start(day: datetime.date) -> datetime.date:
    return day - timedelta(days=day.weekday())


def _week_key(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value, JAKARTA) if timezone.is_aware(value) else value
        return value.date()
    return value


def weekly_trend(now: datetime.datetime, weeks: int = TREND_WEEKS, scope: Scope = EVERYTHING) -> list[WeekRow]:
    """Share on time per week (Monday to Sunday, Asia/Jakarta), the last `weeks` weeks including this
    one: steps by the week they fell due in (`due_tasks`), applications by the week they were decided."""
    this_week = _week_start(timezone.localtime(now, JAKARTA).date())
    first = this_week - timedelta(weeks=weeks - 1)
    start, end = local_midnight(first), now
    rows = {
        first + timedelta(weeks=i): WeekRow(first + timedelta(weeks=i), Compliance(), Compliance())
        for i in range(weeks)
    }
    for w, n, ok, still in (
        due_tasks(start, end, now, scope)
        .annotate(w=TruncWeek("due_at", tzinfo=JAKARTA))
        .values_list("w")
        .annotate(**_step_counts())
        .order_by()
    ):
        row = rows.get(_week_key(w))
        if row:
            row.steps = _compliance(n, ok, still)
    week = TruncWeek("finished_at", tzinfo=JAKARTA)
    for qs, promised in (
        (decisions_signed(start, end, scope), "application__promised_completion_at"),
        (decisions_rejected(start, end, scope), "promised_completion_at"),
    ):
        for w, n, ok in (
            qs.annotate(w=week)
            .values_list("w")
            .annotate(n=Count("id"), ok=Count("id", filter=Q(finished_at__lte=F(promised))))
            .order_by()
        ):
            row = rows.get(_week_key(w))
            if row:
                row.applications = Compliance(row.applications.total + n, row.applications.on_time + ok)
    return list(rows.values())


@dataclass
class TypeRow:
    permit_type: PermitType
    steps: Compliance = field(default_factory=Compliance)
    applications: Compliance = field(default_factory=Compliance)


def by_permit_type(period: Period, now: datetime.datetime, scope: Scope = EVERYTHING) -> list[TypeRow]:
    types = PermitType.objects.order_by("order", "code")
    if not scope.everything:
        types = types.filter(Q(pk__in=sorted(scope.type_ids)) | Q(steps__in=sorted(scope.step_ids))).distinct()
    rows = {pt.pk: TypeRow(pt) for pt in types}
    for pt_id, n, ok, still in (
        due_tasks(period.start, period.end, now, scope)
        .values_list("application__permit_type")
        .annotate(**_step_counts())
        .order_by()
    ):
        rows[pt_id].steps = _compliance(n, ok, still)
    for qs, key, promised in (
        (
            decisions_signed(period.start, period.end, scope),
            "application__permit_type",
            "application__promised_completion_at",
        ),
        (decisions_rejected(period.start, period.end, scope), "permit_type", "promised_completion_at"),
    ):
        for pt_id, n, ok in (
            qs.values_list(key)
            .annotate(n=Count("id"), ok=Count("id", filter=Q(finished_at__lte=F(promised))))
            .order_by()
        ):
            a = rows[pt_id].applications
            rows[pt_id].applications = Compliance(a.total + n, a.on_time + ok)
    return [r for r in rows.values() if r.steps.total or r.applications.total or r.permit_type.active]


# --- steps: compliance, median, 90th percentile, where the time goes ----------------------------


@dataclass
class StepRow:
    step: Step
    month: Compliance = field(default_factory=Compliance)
    finished: int = 0  # in the window
    mean: timedelta | None = None
    median: timedelta | None = None
    p90: timedelta | None = None
    active: int = 0  # held now

    @property
    def bound(self) -> timedelta:
        if self.step.bound_unit == Step.Unit.HOURS:
            return timedelta(hours=self.step.bound_value)
        return self.step.bound_value * office_calendar().day_length()


def step_percentiles(
    since: datetime.datetime, until: datetime.datetime, scope: Scope = EVERYTHING, **filters
) -> dict[int, tuple[int, int]]:
    """{step id: (median, 90th percentile)} working seconds of the office steps finished in
    [since, until): nearest rank (rank = ceil(p * n)), picked by a window function in the database
    (row number per step ordered by working time), so only two rows per step come back."""
    qs = (
        done_tasks(since, until, scope)
        .filter(**filters)
        .annotate(
            rn=Window(RowNumber(), partition_by=[F("step_id")], order_by=[F("working_seconds").asc(), F("id").asc()]),
            n=Window(Count("id"), partition_by=[F("step_id")]),
        )
        .filter(Q(rn=(F("n") + 1) / 2) | Q(rn=(F("n") * 9 + 9) / 10))
        .values_list("step_id", "rn", "n", "working_seconds")
    )
    out: dict[int, list[int | None]] = defaultdict(lambda: [None, None])
    for step_id, rn, n, seconds in qs:
        if rn == (n + 1) // 2:
            out[step_id][0] = seconds
        if rn == (n * 9 + 9) // 10:
            out[step_id][1] = seconds
    return {k: (v[0], v[1]) for k, v in out.items()}


def _seconds(value) -> timedelta | None:
    return None if value is None else timedelta(seconds=int(value))


def step_rows(now: datetime.datetime, period: Period, scope: Scope = EVERYTHING, **filters) -> list[StepRow]:
    """Per office step: this period's compliance (`due_tasks`), and over the last 90 days the number finished,
    mean, median and 90th percentile working time; the tasks it holds now. Slowest median first."""
    since = now - timedelta(days=WINDOW_DAYS)
    rows: dict[int, StepRow] = {}

    def row(step_id: int) -> StepRow:
        if step_id not in rows:
            rows[step_id] = StepRow(step=None)  # filled below with one query
        return rows[step_id]

    for sid, n, ok, still in (
        due_tasks(period.start, period.end, now, scope)
        .filter(**filters)
        .values_list("step_id")
        .annotate(**_step_counts())
        .order_by()
    ):
        row(sid).month = _compliance(n, ok, still)
    for sid, n, mean in (
        done_tasks(since, now, scope)
        .filter(**filters)
        .values_list("step_id")
        .annotate(n=Count("id"), m=Avg("working_seconds"))
        .order_by()
    ):
        r = row(sid)
        r.finished, r.mean = n, _seconds(mean)
    for sid, (median, p90) in step_percentiles(since, now, scope, **filters).items():
        r = row(sid)
        r.median, r.p90 = _seconds(median), _seconds(p90)
    active = scope.tasks(monitored_tasks()).filter(**filters).values_list("step_id").annotate(n=Count("id")).order_by()
    for sid, n in active:
        row(sid).active = n
    steps = Step.objects.select_related("permit_type").in_bulk(list(rows))
    for sid, r in rows.items():
        r.step = steps[sid]
    return sorted(
        rows.values(),
        key=lambda r: (-(r.median or timedelta(0)).total_seconds(), r.step.permit_type.code, r.step.order),
    )


# --- the dashboard's history, kept -------------------------------------------------------------


def history_figures(now: datetime.datetime, period: Period, scope: Scope = EVERYTHING) -> dict:
    """The dashboard's figures about the past: the month's shares, 12 weeks, per type, per step
    (90 days), per officer. They read every task finished in their windows, which at a provincial
    office's volume is hundreds of thousands of rows: seconds, not milliseconds (docs/PERFORMANCE.md)."""
    return {
        "at": now,  # when they were computed: names the page's rendering of them (views._history_html)
        "steps_c": step_compliance(period, now, scope),
        "apps_c": application_compliance(period, scope),
        "trend": weekly_trend(now, scope=scope),
        "types": by_permit_type(period, now, scope),
        "steps": step_rows(now, period, scope),
        "officers": by_officer(period, now, scope),
    }


def _history_key(period: Period, scope: Scope = EVERYTHING) -> str:
    return f"monitoring:history:v6:{period.start:%Y%m}:{scope.key}"


def _history_keep(key: str, now: datetime.datetime, data: dict, ttl: int) -> None:
    """Keep the figures and, apart, the instant they were computed (read without the figures:
    `history_kept_at`), for three periods."""
    cache.set_many({key: (now.timestamp(), data), f"{key}:at": now.timestamp()}, 3 * ttl)


def history_refresh(*, now: datetime.datetime | None = None, month: str = "", scope: Scope = EVERYTHING) -> dict:
    """Compute a month's history figures (this month by default; the whole office, or a section's)
    and keep them in the shared cache for three periods of MONITOR_DASHBOARD_CACHE_SECONDS (the
    periodic job runs every period)."""
    now = now_or(now)
    period = month_period(now, month)
    data = history_figures(now, period, scope)
    ttl = settings.MONITOR_DASHBOARD_CACHE_SECONDS
    if ttl:
        _history_keep(_history_key(period, scope), now, data, ttl)
    return data


def _history_ask(now: datetime.datetime, period: Period, scope: Scope, at: float) -> None:
    """Kept figures older than MONITOR_DASHBOARD_CACHE_SECONDS: ask a worker for new ones (once: a flag)."""
    key = _history_key(period, scope)
    if now.timestamp() - at >= settings.MONITOR_DASHBOARD_CACHE_SECONDS and cache.add(
        f"{key}:refreshing", 1, settings.MONITOR_DASHBOARD_CACHE_SECONDS
    ):
        # The queue unreachable: the kept figures still serve, the periodic job refreshes them.
        job_ask("monitoring.refresh_dashboard_history", f"{period.start:%Y-%m}", scope.codes)


def history_cached(now: datetime.datetime, period: Period, scope: Scope = EVERYTHING) -> dict:
    """The history figures for the dashboard without making the reader wait for them: fresh ones
    from the cache; older than MONITOR_DASHBOARD_CACHE_SECONDS, the kept ones while a worker
    computes new ones (once: a flag in the cache); computed here only when none are kept (another
    month, a cold cache, or no worker for three periods)."""
    ttl = settings.MONITOR_DASHBOARD_CACHE_SECONDS
    if not ttl:
        return history_figures(now, period, scope)
    key = _history_key(period, scope)
    kept = cache.get(key)
    if kept is None:
        data = history_figures(now, period, scope)
        _history_keep(key, now, data, ttl)
        return data
    at, data = kept
    _history_ask(now, period, scope, at)
    return data


def history_kept_at(now: datetime.datetime, period: Period, scope: Scope = EVERYTHING) -> float | None:
    """When the kept history figures were computed (a timestamp), without reading them: the page
    keeps its rendering of them under this instant (`views._history_html`). Asks a worker for new
    ones when they are old, as `history_cached` does; None when none are kept."""
    if not settings.MONITOR_DASHBOARD_CACHE_SECONDS:
        return None
    at = cache.get(f"{_history_key(period, scope)}:at")
    if at is not None:
        _history_ask(now, period, scope, at)
    return at


# --- officers -----------------------------------------------------------------------------------


@dataclass
class OfficerRow:
    user: object
    steps: Compliance
    active: int = 0
    alerts: int = 0


def by_officer(period: Period, now: datetime.datetime, scope: Scope = EVERYTHING) -> list[OfficerRow]:
    """Steps due in the period (`due_tasks`) per officer who held them (the finisher when nobody
    claimed; a step still open and held by nobody is nobody's)."""
    holder = Coalesce("assignee_id", "finished_by_id")
    counts = (
        due_tasks(period.start, period.end, now, scope)
        .annotate(holder=holder)
        .filter(holder__isnull=False)
        .values_list("holder")
        .annotate(**_step_counts())
        .order_by()
    )
    rows = {uid: OfficerRow(None, _compliance(n, ok, still)) for uid, n, ok, still in counts}
    for uid, n in (
        scope.tasks(monitored_tasks())
        .filter(assignee__isnull=False)
        .values_list("assignee")
        .annotate(n=Count("id"))
        .order_by()
    ):
        rows.setdefault(uid, OfficerRow(None, Compliance())).active = n
    for uid, n in (
        scope.tasks(
            Alert.objects.filter(sent_at__gte=period.start, sent_at__lt=period.end, assignee__isnull=False),
            "task__step_id",
        )
        .values_list("assignee")
        .annotate(n=Count("id"))
        .order_by()
    ):
        rows.setdefault(uid, OfficerRow(None, Compliance())).alerts = n
    users = get_user_model().objects.in_bulk(list(rows))
    for uid, r in rows.items():
        r.user = users[uid]
    return sorted(rows.values(), key=lambda r: (r.steps.share if r.steps.share is not None else 101, r.user.username))


@dataclass
class OfficerRecord:
    user: object
    month: Compliance
    window: Compliance
    steps: list[StepRow]
    load: list[Task]
    alerts: list[Alert]
    open_explanations: int


def officer_record(user, now: datetime.datetime, period: Period, scope: Scope = EVERYTHING) -> OfficerRecord:
    """One officer's record; with a section's `scope`, their work on that section's files only."""
    since = now - timedelta(days=WINDOW_DAYS)

    def compliance(start, end) -> Compliance:
        mine = Q(assignee=user) | Q(assignee__isnull=True, finished_by=user)
        return _compliance(**due_tasks(start, end, now, scope).filter(mine).aggregate(**_step_counts()))

    load = list(
        scope.tasks(Task.objects.filter(assignee=user, state__in=Task.ACTIVE_STATES))
        .select_related("application__permit_type", "step")
        .order_by("due_at")[:100]
    )
    alerts = list(
        scope.tasks(Alert.objects.filter(Q(assignee=user) | Q(recipient=user)), "task__step_id")
        .select_related("task__application", "task__step", "explanation")
        .order_by("-sent_at")[:50]
    )
    return OfficerRecord(
        user=user,
        month=compliance(period.start, period.end),
        window=compliance(since, now),
        steps=[r for r in step_rows(now, period, scope, assignee=user) if r.finished or r.month.total],
        load=load,
        alerts=alerts,
        open_explanations=scope.tasks(
            Explanation.objects.filter(alert__recipient=user, answered_at__isnull=True), "alert__task__step_id"
        ).count(),
    )


# --- the stalled list ---------------------------------------------------------------------------


class StalledTasks:
    """The stalled list as a sliceable, countable sequence (what Paginator needs): the overdue tasks,
    most overdue first, then the idle ones, due soonest first.

    That is the order of one query ordered by (due_at, id), because every overdue task is due before
    `now` and every idle one at or after it; but one query with `due_at < now OR id IN (idle)`
    defeats the indexes and reads the whole backlog. So each part is its own indexed query on the
    backlog: a page reads at most a page of rows from each, and the counts are read from the
    active tasks' index alone (`task_active_kind_idx`; the payload only for the surveys).
    """

    def __init__(
        self,
        now: datetime.datetime,
        cal: WorkCalendar,
        counts: tuple[int, int] | None = None,
        scope: Scope = EVERYTHING,
    ):
        tasks = scope.tasks(monitored_tasks())
        related = ("application__permit_type", "step", "assignee")
        self.overdue = tasks.filter(due_at__lt=now).select_related(*related).order_by("due_at", "id")
        self._idle_candidates = idle_candidates(tasks, cal, now)
        self.idle = idle_tasks(tasks, cal, now).select_related(*related).order_by("due_at", "id")
        self._counts = counts  # (overdue, idle) when the caller has counted them (the dashboard)

    def counts(self) -> tuple[int, int]:
        """(overdue, idle)."""
        if self._counts is None:
            idle = self._idle_candidates.count() - scheduled_surveys(self._idle_candidates).count()
            self._counts = (self.overdue.count(), idle)
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        yield from self.overdue
        yield from self.idle

    def __getitem__(self, key):
        if isinstance(key, int):
            rows = self[key : key + 1]
            if not rows:
                raise IndexError(key)
            return rows[0]
        if not isinstance(key, slice) or key.step not in (None, 1) or (key.start or 0) < 0:
            raise TypeError("StalledTasks takes slices from a position, step 1")
        start, stop = key.start or 0, key.stop
        if stop is not None and stop <= start:
            return []
        rows = list(self.overdue[start:stop])
        if stop is not None and len(rows) == stop - start:
            return rows
        # the overdue part ended within the slice (it had fewer rows than asked) or before it
        before = start + len(rows) if rows or not start else self.counts()[0]
        first = max(start - before, 0)
        last = None if stop is None else stop - before
        return rows + list(self.idle[first:last])


def stalled_tasks(
    now: datetime.datetime,
    cal: WorkCalendar | None = None,
    figures: NowFigures | None = None,
    scope: Scope = EVERYTHING,
) -> StalledTasks:
    """Every office task past its due instant, or idle (nobody acted for MONITOR_IDLE_HOURS
    working hours), most overdue first. `figures` (of the same `now` and `scope`) saves counting again."""
    counts = (figures.overdue, figures.idle) if figures is not None else None
    return StalledTasks(now, cal or office_calendar(), counts, scope)


@dataclass
class StalledRow:
    task: Task
    overdue: bool
    late: str  # working time past due, or idle time
    late_time: timedelta
    levels: list[str]
    explanation: Explanation | None


EXPLANATION_PREFERENCE = [Alert.Level.OVERDUE, Alert.Level.IDLE, Alert.Level.ESCALATED_SUPERVISOR]


def stalled_rows(tasks, now: datetime.datetime, cal: WorkCalendar | None = None) -> list[StalledRow]:
    """Rows for a page of stalled tasks: their alerts and the officer's explanation in one query."""
    cal = cal or office_calendar()
    tasks = list(tasks)
    alerts = defaultdict(dict)
    for alert in Alert.objects.filter(task__in=[t.pk for t in tasks]).select_related("explanation"):
        alerts[alert.task_id][alert.level] = alert
    day = cal.day_length()
    rows = []
    for t in tasks:
        overdue = now > t.due_at
        late = (
            cal.working_time_between(t.due_at, now)
            if overdue
            else cal.working_time_between(t.claimed_at or t.started_at, now)
        )
        mine = alerts.get(t.pk, {})
        explained = [mine[lv] for lv in EXPLANATION_PREFERENCE if lv in mine and hasattr(mine[lv], "explanation")]
        explanation = explained[0].explanation if explained else None
        rows.append(
            StalledRow(
                task=t,
                overdue=overdue,
                late=humanize(late, day),
                late_time=late,
                levels=[lv for lv in (lv.value for lv in Alert.Level) if lv in mine],
                explanation=explanation,
            )
        )
    return rows


# --- explanations -------------------------------------------------------------------------------


def explanations(state: str = "", scope: Scope = EVERYTHING):
    """open: not answered yet; answered: waiting for a superior's acknowledgement; else all."""
    qs = scope.tasks(Explanation.objects, "alert__task__step_id").select_related(
        "alert__task__application__permit_type",
        "alert__task__step",
        "alert__recipient",
        "alert__assignee",
        "answered_by",
        "acknowledged_by",
    )
    if state == "open":
        qs = qs.filter(answered_at__isnull=True)
    elif state == "answered":
        qs = qs.filter(answered_at__isnull=False, acknowledged_at__isnull=True)
    return qs.order_by("-requested_at", "-id")


def explanation_counts(scope: Scope = EVERYTHING) -> dict[str, int]:
    return scope.tasks(Explanation.objects.all(), "alert__task__step_id").aggregate(
        open=Count("id", filter=Q(answered_at__isnull=True)),
        answered=Count("id", filter=Q(answered_at__isnull=False, acknowledged_at__isnull=True)),
    )


def explanation_by_token(token: str) -> Explanation | None:
    token = (token or "").strip()
    if not token or len(token) > 32:
        return None
    return (
        Explanation.objects.select_related(
            "alert__task__application__permit_type",
            "alert__task__step",
            "alert__task__assignee",
            "alert__recipient",
            "answered_by",
            "acknowledged_by",
        )
        .filter(token=token)
        .first()
    )


def task_alerts(task: Task) -> list[Alert]:
    return list(
        Alert.objects.filter(task=task)
        .select_related("recipient", "explanation__answered_by")
        .order_by("sent_at", "id")
    )


def my_explanations(user):
    """Explanation requests the user may answer: sent to them, or to a role they hold."""
    return explanations().filter(
        Q(alert__recipient=user) | Q(alert__assignee=user) | Q(alert__to_role__in=list(user_roles(user)) or ["-"])
    )


# --- the daily digest ---------------------------------------------------------------------------


@dataclass
class DigestFigures:
    day: datetime.date
    registered: int
    decided: Compliance
    steps: Compliance
    overdue_now: int
    alerts: int
    unanswered: int
    worst: list[tuple[str, str]]  # (registration number, how late)

    @property
    def summary(self) -> str:
        """At most ~75 characters (one SMS with the worst stalls): the day in one line."""
        pct = lambda c: "-" if c.share is None else f"{c.share:.0f}%"  # noqa: E731
        return (
            f"{self.registered} masuk, {self.decided.total} selesai ({pct(self.decided)} tepat), "
            f"langkah {pct(self.steps)} tepat; {self.overdue_now} terlambat"
        )

    @property
    def worst_summary(self) -> str:
        return "; ".join(f"{number} {late}" for number, late in self.worst) or "tidak ada"


def digest_figures(*, day: datetime.date, now: datetime.datetime) -> DigestFigures:
    period = day_period(day)
    cal = office_calendar()
    worst = monitored_tasks().filter(due_at__lt=now).select_related("application").order_by("due_at", "id")[:3]
    return DigestFigures(
        day=day,
        registered=Application.objects.filter(registered_at__gte=period.start, registered_at__lt=period.end).count(),
        decided=application_compliance(period),
        steps=step_compliance(period, now),
        overdue_now=monitored_tasks().filter(due_at__lt=now).count(),
        alerts=Alert.objects.filter(sent_at__gte=period.start, sent_at__lt=period.end).count(),
        unanswered=Explanation.objects.filter(answered_at__isnull=True).count(),
        worst=[
            (t.application.registration_number, _late_id(cal.working_time_between(t.due_at, now), cal)) for t in worst
        ],
    )


def _late_id(late: timedelta, cal: WorkCalendar) -> str:
    """How late, in Indonesian: the digest is an Indonesian SMS whatever language the caller speaks."""
    with translation.override("id"):
        return humanize(late, cal.day_length())
