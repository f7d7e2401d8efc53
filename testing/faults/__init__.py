"""Fault tests: the database restarted under load, workers killed mid-delivery and mid-sweep, the
bank repeating, reordering and timing out its payment notices (docs/TESTING.md, "Fault tests").

Not a Django app: `harness.py` starts and stops the real processes (a throw-away PostgreSQL
cluster, gunicorn, the Huey consumer), `scenario.py` runs inside those processes' settings to
prepare data and report what the database holds, and the tests live in `tests/`.
"""
