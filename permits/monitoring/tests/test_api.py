"""The monitoring API: the dashboard's figures, the stalled list and an officer's record, for leaders only."""

import pytest

from permits.monitoring import selectors
from permits.workflow.tests.test_api import Api

from .scenario import NOW, build

pytestmark = pytest.mark.django_db

COMPLIANCE_KEYS = {"total", "on_time", "late", "open_late", "finished", "share", "finished_share"}
OPERATIONS = ["/monitoring/dashboard", "/monitoring/stalled", "/monitoring/officers/{verifier}"]


@pytest.fixture
def office(reachable, register, monkeypatch):
    apps = build(reachable, register)
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    return apps


@pytest.fixture
def api(client):
    return Api(client)


def path(op: str, officers) -> str:
    return op.format(verifier=officers["verifier"].username)


def test_dashboard_gives_the_pages_figures_to_the_head(api, office, officers):
    res = api.get(officers["head"], "/monitoring/dashboard")
    assert res.status_code == 200, res.content
    body = res.json()
    assert set(body) == {
        "sections",
        "now",
        "period",
        "step_compliance",
        "application_compliance",
        "trend",
        "by_permit_type",
        "by_step",
        "by_officer",
    }
    assert body["now"]["overdue"] == 1 and body["now"]["in_process"] == 5
    steps = body["step_compliance"]
    assert set(steps) == COMPLIANCE_KEYS
    assert (steps["total"], steps["on_time"], steps["open_late"], steps["share"]) == (16, 11, 1, 68.8)
    assert steps["finished_share"] == 73.3
    period = selectors.month_period(NOW)
    head = selectors.step_compliance(period, NOW)
    assert steps["total"] == head.total == sum(t["steps"]["total"] for t in body["by_permit_type"])
    assert sum(r["period"]["total"] for r in body["by_step"]) == head.total
    assert len(body["trend"]) == 12
    assert {o["username"] for o in body["by_officer"]} >= {officers["verifier"].username}
    assert body["period"]["label"] == "11/2026"
    assert body["sections"] == []  # every file


def test_dashboard_takes_a_month_or_a_range(api, office, officers):
    head = officers["supervisor"]
    october = api.get(head, "/monitoring/dashboard", month="2026-10").json()
    assert october["period"]["label"] == "10/2026" and october["application_compliance"]["total"] == 1  # F
    span = api.get(head, "/monitoring/dashboard", **{"from": "2026-11-01", "to": "2026-11-30"})
    assert span.status_code == 200, span.content
    assert span.json()["step_compliance"] == api.get(head, "/monitoring/dashboard").json()["step_compliance"]


@pytest.mark.parametrize(
    "query",
    [
        {"month": "2026-13"},
        {"month": "november"},
        {"month": "2026-11", "from": "2026-11-01", "to": "2026-11-30"},
        {"from": "2026-11-01"},
        {"to": "2026-11-30"},
        {"from": "2026-11-30", "to": "2026-11-01"},
        {"from": "2024-01-01", "to": "2026-01-01"},
        {"from": "2026-02-30", "to": "2026-03-01"},
        {"from": "1900-01-01", "to": "1900-01-02"},
    ],
)
def test_bad_periods_are_refused_with_422(api, officers, query):
    res = api.get(officers["head"], "/monitoring/dashboard", **query)
    assert res.status_code == 422, (query, res.content)
    assert res.json()["error"] == "invalid" and res.json()["fields"]
    officer = f"/monitoring/officers/{officers['verifier'].username}"
    assert api.get(officers["head"], officer, **query).status_code == 422


def test_stalled_list_is_paged_with_level_officer_step_and_explanation(api, office, officers):
    res = api.get(officers["head"], "/monitoring/stalled", limit=1)
    assert res.status_code == 200, res.content
    body = res.json()
    assert body["count"] == 2 and len(body["items"]) == 1
    (d,) = body["items"]
    assert d["application"] == office["D"].registration_number
    assert d["overdue"] and d["officer"] is None and d["step"] == "verifikasi"
    assert d["late"] == "3 hari 5 jam" and d["late_seconds"] > 0
    assert d["level"] == "escalated_head" and "overdue" in d["levels"]
    assert d["explanation"]["state"] == "open"
    (g,) = api.get(officers["supervisor"], "/monitoring/stalled", limit=1, offset=1).json()["items"]
    assert g["application"] == office["G"].registration_number and not g["overdue"]
    assert g["officer"] == officers["technical"].username and g["levels"] == ["warning", "idle"]


def test_officer_record(api, office, officers):
    res = api.get(officers["head"], f"/monitoring/officers/{officers['technical'].username}")
    assert res.status_code == 200, res.content
    body = res.json()
    assert (body["steps"]["total"], body["steps"]["on_time"]) == (3, 3)  # the technical reviews of A, B and C
    assert [t["application"] for t in body["load"]] == [office["G"].registration_number]
    assert "idle" in {a["level"] for a in body["alerts"]}
    assert body["roles"] == ["technical"]
    assert api.get(officers["head"], "/monitoring/officers/nobody-here").status_code == 404


@pytest.mark.parametrize("op", OPERATIONS)
def test_other_roles_are_refused_and_anonymous_callers_must_sign_in(api, officers, op):
    for role in ("frontdesk", "verifier", "technical", "treasurer"):
        if role in officers:
            res = api.get(officers[role], path(op, officers))
            assert res.status_code == 403, (role, op)
            assert res.json()["error"] == "forbidden"
    res = api.get(None, path(op, officers))
    assert res.status_code == 401 and res.json()["error"] == "unauthorized"


@pytest.mark.parametrize("op", OPERATIONS)
def test_leaders_may_call_each_operation(api, officers, op):
    for role in ("head", "supervisor"):
        assert api.get(officers[role], path(op, officers)).status_code == 200, (role, op)


def test_the_operations_are_documented(client):
    spec = client.get("/api/v1/openapi.json").json()
    for op in ("/api/v1/monitoring/dashboard", "/api/v1/monitoring/stalled", "/api/v1/monitoring/officers/{username}"):
        get = spec["paths"][op]["get"]
        assert {"200", "401", "403", "422"} <= set(get["responses"]), op
    params = {p["name"] for p in spec["paths"]["/api/v1/monitoring/dashboard"]["get"]["parameters"]}
    assert params == {"month", "from", "to", "section"}
    for op in ("/api/v1/monitoring/stalled", "/api/v1/monitoring/officers/{username}"):
        assert "section" in {p["name"] for p in spec["paths"][op]["get"]["parameters"]}, op
