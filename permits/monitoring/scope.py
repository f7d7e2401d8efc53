"""Which files leadership watches and who sees which: the tasks waiting on an officer, the idle ones,
and the scope of a reader (every file, or their sections' files).

Reads only. The pages, the API, the sweep and the digest all take their files from here, so the
dashboard and the alerts count the same tasks.
"""

import datetime
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _l

from permits.catalog.models import Section, Step
from permits.catalog.selectors import (
    section_get,
    section_list,
    section_permit_type_ids,
    sections_of,
    step_sections,
)
from permits.core.errors import Forbidden, NotFound
from permits.core.roles import OFFICE_WIDE, has_role
from permits.core.workdays import WorkCalendar
from permits.workflow.models import Task

from . import thresholds as th

# --- sections: who sees which files -------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The files a leadership reader sees: every file (no sections), or those of `sections`: the
    tasks of their steps (`catalog.selectors.step_sections`: the step's section, else its permit
    type's) and the applications of their permit types. Filters on `step_id` keep the backlog's
    reads on the active tasks' index alone (`task_active_kind_idx` includes `step`)."""

    sections: tuple[Section, ...] = ()
    step_ids: frozenset[int] | None = None
    type_ids: frozenset[int] | None = None

    @property
    def everything(self) -> bool:
        return self.step_ids is None

    @property
    def key(self) -> str:
        """Names the scope in cache keys."""
        return "+".join(sorted(s.code for s in self.sections)) or "*"

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self.sections]

    def tasks(self, qs, step: str = "step_id"):
        """`qs` (tasks, or rows reaching a task's step through `step`) narrowed to the scope."""
        return qs if self.everything else qs.filter(**{f"{step}__in": sorted(self.step_ids)})

    def applications(self, qs, permit_type: str = "permit_type_id"):
        """`qs` (applications, or rows reaching one's permit type through `permit_type`) narrowed."""
        return qs if self.everything else qs.filter(**{f"{permit_type}__in": sorted(self.type_ids)})


EVERYTHING = Scope()


def scope_of(sections) -> Scope:
    """The scope of these sections (none: every file)."""
    sections = tuple(sections)
    if not sections:
        return EVERYTHING
    ids = {s.pk for s in sections}
    steps = frozenset(step for step, section in step_sections().items() if section in ids)
    return Scope(sections, steps, frozenset(section_permit_type_ids(ids)))


def viewer_scope(user, code: str = "") -> Scope:
    """What `user` sees on the leadership pages and API, narrowed to section `code` when given.

    The head (and the administrator) sees every file and may ask for any section. A supervisor who
    heads sections sees theirs (all of them by default, or one of them) and is refused another one;
    a supervisor who heads no section sees every file, as before sections existed."""
    code = (code or "").strip()
    section = section_get(code) if code else None
    if code and section is None:
        raise NotFound(_l("Bidang/seksi"))
    mine = [] if has_role(user, *OFFICE_WIDE) else sections_of(user)
    if not mine:
        return scope_of([section] if section else [])
    if section is None:
        return scope_of(mine)
    if section.pk not in {s.pk for s in mine}:
        raise Forbidden(
            _l("Anda kepala %(mine)s; angka bidang %(asked)s hanya untuk kepala bidang itu dan kepala dinas."),
            params={"mine": ", ".join(s.name_id for s in mine), "asked": section.name_id},
        )
    return scope_of([section])


def viewer_sections(user) -> tuple[list[Section], bool]:
    """(the sections `user` may pick on the leadership pages, whether they may see every file)."""
    mine = [] if has_role(user, *OFFICE_WIDE) else sections_of(user)
    return (mine, False) if mine else (section_list(), True)


# --- the watched tasks ---------------------------------------------------------------------------


def monitored_kinds() -> list[str]:
    """The step kinds that wait on an officer (every kind but MONITOR_APPLICANT_WAIT_KINDS)."""
    return [k for k in Step.Kind.values if k not in settings.MONITOR_APPLICANT_WAIT_KINDS]


def monitored_tasks():
    """Active tasks that wait on an officer (steps that wait on the applicant are left out).

    `kind IN (the officers' kinds)` rather than `NOT IN (the applicant's)`: the same rows (a task's
    kind is one of Step.Kind), but an index range on the partial index `task_active_kind_idx`
    (kind, due_at, id) over the backlog, whose included columns answer most reads without the table.
    """
    return Task.objects.filter(state__in=Task.ACTIVE_STATES, kind__in=monitored_kinds())


def _idle_cutoff(cal: WorkCalendar, now: datetime.datetime) -> datetime.datetime:
    return th.working_instant_before(cal, now, timedelta(hours=settings.MONITOR_IDLE_HOURS))


def idle_q(cal: WorkCalendar, now: datetime.datetime) -> Q:
    """Not overdue, and nobody acted (claim, assignment; else the opening) since the idle cutoff.
    Needs `last_action` annotated (see `idle_candidates`)."""
    return Q(due_at__gte=now, last_action__lte=_idle_cutoff(cal, now))


def idle_candidates(qs, cal: WorkCalendar, now: datetime.datetime):
    """Tasks (not overdue) nobody acted on since the idle cutoff, scheduled surveys included:
    read from the backlog index alone (no payload)."""
    return qs.annotate(last_action=Coalesce("claimed_at", "started_at")).filter(idle_q(cal, now))


def scheduled_surveys(qs):
    """Surveys whose visit is scheduled: they wait for the visit date, they are not idle. Only a
    survey can be scheduled (`workflow.services.task_schedule_survey`), so the payload is read
    for the surveys alone."""
    return qs.filter(kind=Step.Kind.SURVEY, payload__has_key="schedule")


def idle_tasks(qs, cal: WorkCalendar, now: datetime.datetime):
    """Tasks (not overdue) nobody acted on since the idle cutoff. A survey whose visit is
    scheduled is waiting for the visit date, not idle."""
    return idle_candidates(qs, cal, now).exclude(kind=Step.Kind.SURVEY, payload__has_key="schedule")
