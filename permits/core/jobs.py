"""Asking the worker for a job by name.

An app's `tasks.py` wraps its services as Huey jobs, so it imports them; a service that asks for one of
those jobs (deliver this message, apply this payment's advance) would import `tasks.py` back. Instead
each `tasks.py` registers its on-demand jobs here under a name when the app is ready
(`AppConfig.ready()`), and the service asks by that name: no cycle, and no import inside a function.

`job_ask` only enqueues. It never raises: every job asked for here has a periodic sweep that finds the
work if the queue was unreachable, so the caller's answer never depends on the queue (the caller logs
with its own words).
"""

import logging
from collections.abc import Callable

logger = logging.getLogger("permits.jobs")

_jobs: dict[str, Callable[..., object]] = {}


def job_register(name: str, job: Callable[..., object]) -> None:
    """Make `job` (a Huey task) available as `name` (a second registration replaces the first)."""
    _jobs[name] = job


def job_ask(name: str, *args) -> bool:
    """Enqueue the job `name` with `args`; False (logged) when the queue is unreachable.

    An unknown name is a programming error and raises KeyError, so a typo fails the tests at once."""
    job = _jobs[name]
    try:
        job(*args)
    except Exception:
        logger.exception("could not enqueue %s%r; its periodic sweep will pick the work up", name, args)
        return False
    return True
