"""The several-hosts deployment test (docs/DEPLOY.md, "Several hosts"): two web processes and two
Huey workers on this machine, sharing nothing but one PostgreSQL database, one Redis database and one
file-storage folder, with payments and the stalled-file sweep going through both.

Not a Django app: `scenario.py` runs inside a child process's settings to prepare data and report
what the database holds; the test lives in `tests/` and reuses the fault tests' process harness
(testing/faults/harness.py).
"""
