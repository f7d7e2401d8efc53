"""Sections (bidang/seksi, issue 21 item 2): a supervisor who heads a section sees and is alerted about
its files only; the head and a supervisor who heads none see every file; a step may belong to
another section than its permit type."""

import pytest
from django.core.cache import cache

from permits.catalog.models import PermitType, Section, Step
from permits.conftest import make_user
from permits.monitoring import scope, selectors, services
from permits.monitoring.models import Alert
from permits.notifications.models import Message, OfficerProfile
from permits.workflow.models import Task
from permits.workflow.tests.test_api import Api

from .conftest import FAST, at, claim

pytestmark = pytest.mark.django_db
NOW = at(27, 14)  # Friday 27 November 2026, 14:00 WIB
L = Alert.Level


@pytest.fixture
def office(reachable, register, monkeypatch):
    """USAHA in section `usaha`, NONUSAHA in `nonusaha`, LAIN in none, PBG in `bangunan` (nobody heads it).
    Supervisors: `officers["supervisor"]` heads usaha, `sup_n` heads nonusaha, `sup_all` heads none.
    Files, all overdue at NOW (registered Monday 23 Nov, verification due Tuesday 09:00): one of
    each type nobody took up, and a NONUSAHA one the verifier claimed (escalated to the supervisor)."""
    usaha = Section.objects.create(code="usaha", name_id="Bidang Perizinan Usaha", order=1)
    nonusaha = Section.objects.create(code="nonusaha", name_id="Bidang Perizinan Non-Usaha", order=2)
    bangunan = Section.objects.create(code="bangunan", name_id="Bidang Bangunan", order=3)
    sup_n, sup_all = make_user("supervisor"), make_user("supervisor")
    for i, user in enumerate((sup_n, sup_all)):
        OfficerProfile.objects.create(user=user, phone=f"+6281300000{i:02d}", channel="whatsapp")
    usaha.supervisors.add(reachable["supervisor"])
    nonusaha.supervisors.add(sup_n)
    files = {}
    for code, section in (("USAHA", usaha), ("NONUSAHA", nonusaha), ("LAIN", None), ("PBG", bangunan)):
        files[code] = register(code, now=at(23, 9), **FAST)
        PermitType.objects.filter(code=code).update(section=section)
    files["NONUSAHA-2"] = register("NONUSAHA", now=at(23, 9))
    claim(reachable, files["NONUSAHA-2"], at(23, 10))
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    services.stall_sweep(now=NOW)
    return {
        "files": files,
        "sections": {"usaha": usaha, "nonusaha": nonusaha, "bangunan": bangunan},
        "sup_u": reachable["supervisor"],
        "sup_n": sup_n,
        "sup_all": sup_all,
        "head": reachable["head"],
        "verifier": reachable["verifier"],
    }


def alerted(app, level) -> set:
    """The users a level of the application's active task was sent to (its messages)."""
    alert = Alert.objects.get(task__application=app, level=level)
    keys = Message.objects.filter(idempotency_key__startswith=f"monitoring:alert:{alert.pk}:")
    return set(keys.values_list("recipient_user__username", flat=True))


def names(*users) -> set:
    return {u.username for u in users}


def test_alerts_about_a_sections_file_go_to_its_head_and_to_supervisors_without_a_section(office):
    files, o = office["files"], office
    # nobody holds them: the supervisors must assign them
    assert alerted(files["USAHA"], L.OVERDUE) == names(o["sup_u"], o["sup_all"])
    assert alerted(files["NONUSAHA"], L.OVERDUE) == names(o["sup_n"], o["sup_all"])
    # held by an officer: the officer, and the escalation to the section's supervisors
    assert alerted(files["NONUSAHA-2"], L.OVERDUE) == names(o["verifier"])
    assert alerted(files["NONUSAHA-2"], L.ESCALATED_SUPERVISOR) == names(o["sup_n"], o["sup_all"])
    # no section, or a section nobody heads: every supervisor, so that no alert is lost
    everyone = names(o["sup_u"], o["sup_n"], o["sup_all"])
    assert alerted(files["LAIN"], L.OVERDUE) == everyone
    assert alerted(files["PBG"], L.OVERDUE) == everyone


def test_a_step_mapped_to_another_section_alerts_that_sections_supervisors(office, register):
    usaha = office["sections"]["usaha"]
    Step.objects.filter(permit_type__code="NONUSAHA", kind="verification").update(section=usaha)
    task = Task.objects.get(application=office["files"]["NONUSAHA"], state__in=Task.ACTIVE_STATES)
    assert names(*services.supervisors_for(task)) == names(office["sup_u"], office["sup_all"])
    assert task.pk in {t.pk for t in selectors.stalled_tasks(NOW, scope=scope.scope_of([usaha]))}


def test_a_section_supervisor_sees_only_their_sections_files_on_the_pages(client, office):
    files = office["files"]
    client.force_login(office["sup_u"])
    res = client.get("/pimpinan/")
    assert res.status_code == 200
    assert res.context["figures"].overdue == 1 and res.context["scope"].codes == ["usaha"]
    assert "<strong>USAHA</strong>" in res.content.decode()  # the per-type table
    assert "<strong>NONUSAHA</strong>" not in res.content.decode()
    page = client.get("/pimpinan/tersendat/").content.decode()
    assert files["USAHA"].registration_number in page
    assert files["NONUSAHA"].registration_number not in page
    assert files["LAIN"].registration_number not in page
    assert client.get("/pimpinan/", {"bidang": "usaha"}).context["figures"].overdue == 1
    refused = client.get("/pimpinan/", {"bidang": "nonusaha"})
    assert refused.status_code == 403
    assert "Bidang Perizinan Non-Usaha" in refused.content.decode()
    assert client.get("/pimpinan/tersendat/", {"bidang": "nonusaha"}).status_code == 403
    assert client.get("/pimpinan/", {"bidang": "tidak-ada"}).status_code == 404
    # the officer's record: the verifier's load is a NONUSAHA file, not this section's
    record = client.get(f"/pimpinan/petugas/{office['verifier'].username}/")
    assert record.status_code == 200 and record.context["record"].load == []


@pytest.mark.parametrize("who", ["head", "sup_all"])
def test_the_head_and_a_supervisor_without_a_section_see_every_file_and_any_section(client, office, who):
    client.force_login(office[who])
    everything = client.get("/pimpinan/").context
    assert everything["figures"].overdue == 5 and everything["scope"].codes == []
    nonusaha = client.get("/pimpinan/", {"bidang": "nonusaha"}).context
    assert nonusaha["figures"].overdue == 2 and nonusaha["scope"].codes == ["nonusaha"]
    assert nonusaha["stalled_count"] == 2
    page = client.get("/pimpinan/", {"bidang": "nonusaha"}).content.decode()
    assert "<strong>NONUSAHA</strong>" in page and "<strong>USAHA</strong>" not in page


def test_the_api_limits_a_section_supervisor_and_filters_for_the_head(client, office):
    api, files = Api(client), office["files"]
    mine = api.get(office["sup_u"], "/monitoring/dashboard").json()
    assert mine["sections"] == ["usaha"] and mine["now"]["overdue"] == 1
    assert [t["code"] for t in mine["by_permit_type"]] == ["USAHA"]
    stalled = api.get(office["sup_u"], "/monitoring/stalled").json()
    assert stalled["count"] == 1 and [i["application"] for i in stalled["items"]] == [
        files["USAHA"].registration_number
    ]
    for path in ("/monitoring/dashboard", "/monitoring/stalled", f"/monitoring/officers/{office['verifier'].username}"):
        refused = api.get(office["sup_u"], path, section="nonusaha")
        assert refused.status_code == 403, (path, refused.content)
        assert "Bidang Perizinan Non-Usaha" in refused.content.decode()
    assert api.get(office["sup_u"], "/monitoring/dashboard", section="tidak-ada").status_code == 404
    # the head: every file, or one section
    head = office["head"]
    assert api.get(head, "/monitoring/dashboard").json()["now"]["overdue"] == 5
    nonusaha = api.get(head, "/monitoring/stalled", section="nonusaha").json()
    assert nonusaha["sections"] == ["nonusaha"] and nonusaha["count"] == 2
    officer = api.get(head, f"/monitoring/officers/{office['verifier'].username}", section="nonusaha").json()
    assert [t["application"] for t in officer["load"]] == [files["NONUSAHA-2"].registration_number]
    officer = api.get(office["sup_u"], f"/monitoring/officers/{office['verifier'].username}").json()
    assert officer["load"] == [] and officer["sections"] == ["usaha"]


def test_each_sections_history_is_kept_apart(office, settings):
    """The dashboard's kept figures are per scope: a section's are never served to the whole office."""
    settings.MONITOR_DASHBOARD_CACHE_SECONDS = 300
    period = selectors.month_period(NOW)
    usaha = scope.scope_of([office["sections"]["usaha"]])
    whole = selectors.history_cached(NOW, period)
    section = selectors.history_cached(NOW, period, usaha)
    assert whole["steps_c"].open_late == 5
    assert section["steps_c"].open_late == 1
    assert selectors.history_cached(NOW, period)["steps_c"].open_late == 5


def test_the_history_part_is_rendered_once_per_kept_figures_scope_and_language(client, office, settings):
    """Issue 22 item 4: readers between two refreshes of the history figures get the same rendering of
    them (kept with them); another section, another language or new figures render again."""
    settings.MONITOR_DASHBOARD_CACHE_SECONDS = 300

    def rendered(**query) -> bool:
        res = client.get("/pimpinan/", query)
        assert res.status_code == 200
        return "monitoring/_history.html" in [t.name for t in res.templates]

    client.force_login(office["head"])
    first = client.get("/pimpinan/").content.decode()
    assert rendered() is False
    assert client.get("/pimpinan/").content.decode().count('id="h-officers"') == first.count('id="h-officers"') == 1
    assert rendered(bidang="usaha") is True and rendered(bidang="usaha") is False
    client.cookies["django_language"] = "en"
    assert rendered() is True
    cache.clear()  # the figures recomputed: rendered again
    assert rendered() is True
