"""Property-based fuzzing of the JSON API (Schemathesis): for every operation of /api/v1/openapi.json,
generated requests (valid and invalid) never get a 5xx, and every answer matches the schema.

Runs in-process over WSGI against the test database, as an officer holding every role (bearer
token), with a registered application present. Bounded: 15 derandomised examples per operation.
"""

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from permits.conftest import make_user
from permits.core.models import ApiToken
from permits.core.roles import ROLES
from permits.core.tokens import _digest

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
TOKEN = "fuzz-officer-token"
# No 5xx; status code, content type, headers and body as documented. (Not "schema-valid input is
# accepted": the services refuse valid-shaped input on business rules, e.g. an invalid NIK, with 422.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# Operations of other apps that the fuzzer shows do not yet hold: TODO for each app's owner, with the
# failing example. Marked as expected failures (not strict: a fixed one shows as XPASS, then remove it).
KNOWN_FAILURES: dict[str, str] = {}


@pytest.fixture
def officer_token(db, register):
    register()  # one real application and its open task, so some lookups succeed
    user = make_user(None, username="fuzz-officer")
    for role in ROLES:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    now = timezone.now()
    ApiToken.objects.create(
        user=user, key_hash=_digest(TOKEN), created_at=now, expires_at=now + timezone.timedelta(hours=1)
    )
    # As Django's test client does: the end of each request must not close the test's connection
    # (on PostgreSQL that would end the test transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield TOKEN
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_operation_survives_fuzzing(case, officer_token, request):
    label = f"{case.method} {case.path}"
    if label in KNOWN_FAILURES:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_FAILURES[label], strict=False))
    case.call_and_validate(headers={"Authorization": f"Bearer {officer_token}"}, checks=CHECKS)
