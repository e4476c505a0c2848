"""Every role against every endpoint and page, with objects inside and outside its scope.

Nothing outside a user's scope is listed, shown, counted, exported or changed;
nothing the role may not do is done. The catalogue below must name every URL
the platform serves, so a new endpoint without a scope check fails here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from ecoledger.audit.models import Event
from ecoledger.ledger import services, workflow
from ecoledger.ledger.choices import Action, Status
from ecoledger.ledger.models import Evidence, Measure, Problem
from ecoledger.ledger.services import MeasureInput, UnitAssignment
from ecoledger.lib import clock
from ecoledger.org.choices import Role
from ecoledger.org.models import Enterprise, PollutionSource
from tests.factories import City, make_city, make_problem, make_user

pytestmark = pytest.mark.django_db

ACTION_ENDPOINTS = {
    "problem-verify": Action.VERIFY, "problem-dismiss": Action.DISMISS,
    "problem-contest": Action.CONTEST, "problem-arbitrate": Action.ARBITRATE,
    "problem-start": Action.START, "problem-plan": Action.EDIT_PLAN,
    "problem-progress": Action.REPORT_PROGRESS, "problem-evidence": Action.ADD_EVIDENCE,
    "problem-submit": Action.SUBMIT, "problem-reject": Action.REJECT,
    "problem-accept": Action.ACCEPT, "problem-rebound": Action.REBOUND,
    "problem-request-extension": Action.REQUEST_EXTENSION,
    "problem-decide-extension": Action.DECIDE_EXTENSION,
    "problem-extend-deadline": Action.EXTEND_DEADLINE, "problem-tickets": Action.ADD_TICKET,
    "problem-links": Action.LINK, "problem-detail:patch": Action.EDIT,
}
SCOPED_READS = {
    "problem-detail", "problem-timeline", "evidence-detail", "evidence-download",
    "measure-detail", "web:problem-detail", "web:evidence-file",
    "problem-as-of", "reports:problem-as-of",
}
LISTS = {"problem-list", "problem-export", "problem-export-xlsx", "web:problem-list"}
COUNTS = {"api-dashboard", "web:home", "web:my-work", "web:dashboard-regions",
          "web:dashboard-problems", "web:dashboard-points", "web:dashboard-flow",
          "ledger-as-of", "reports:ledger-as-of"}
MASTER_DATA = {
    "region-list", "region-detail", "department-list", "department-detail",
    "water-body-list", "water-body-detail", "enterprise-list", "enterprise-detail",
    "source-list", "source-detail",
}
SIGNED_IN = {"api-me", "api-root", "api-schema", "api-docs", "api-redoc", "measure-done"}
MONITORING = {"point-list", "point-detail", "point-readings", "quarantine-list",
              "quarantine-detail", "monitoring:point-list", "monitoring:point-detail",
              "monitoring:quarantine-list", "monitoring:point-series",
              "monitoring:point-aqi-calendar", "monitoring:alert-list",
              "monitoring:alert-acknowledge", "monitoring:alert-resolve", "monitoring:live",
              "monitoring:live-readings"}
PUBLIC = {"web:login", "web:logout", "set_language", "api-token", "web:health",
          "intake:report", "intake:track", "intake:track-detail", "intake:disclosure",
          "intake:disclosure-atom", "intake:disclosure-json", "open311:services",
          "open311:service-definition", "open311:requests", "open311:request-detail",
          "open311:token"}
# Complaint triage carries the complainants' names and phones: supervisors only.
TRIAGE = {"intake:triage", "intake:triage-detail", "intake:triage-action", "intake:photo"}
# Pages that write (through the same services as the API): each checked below for scope
# (404 outside it) and for the role and state (refused, nothing changed).
PAGE_WRITES = {"web:problem-action", "web:measure-done", "web:problem-edit",
               "web:problem-create"}
# A user's own notifications: another user's are not found (404), whatever the role.
OWN_NOTIFICATIONS = {"notification-list", "notification-detail", "notification-read",
                     "notification-read-all", "notifications:list", "notifications:read",
                     "notifications:read-all", "notifications:preferences"}
# Follow-ups: an inspector sees the checks assigned to them, officers those of their scope;
# suspected rebounds are the city office's. Checked in the follow-up tests below.
FOLLOWUPS = {"followup-list", "followup-detail", "followup-record", "followup-assign",
             "suspected-rebound-list", "suspected-rebound-detail", "suspected-rebound-confirm",
             "suspected-rebound-dismiss", "web:followup-list", "web:followup-record",
             "web:followup-assign", "web:suspicion-list", "web:suspicion-decide"}
# The annual assessment: the office manages and publishes, leaders read all, a district's or a
# department's officer its own scorecard and the ranking. Checked in tests/assessment/test_api.py.
ASSESSMENT = {"assessment-catalogue", "assessment-results", "assessment-scorecard",
              "assessment-drilldown", "assessment-scheme-list", "assessment-scheme-detail",
              "assessment-version-list", "assessment-version-detail", "assessment-version-adopt",
              "assessment-version-preview", "assessment-version-publish",
              "assessment-publication-list", "assessment-publication-detail",
              "assessment-publication-check", "assessment-exemption-list",
              "assessment-exemption-detail", "assessment-exemption-decide",
              "assessment-appeal-list", "assessment-appeal-detail", "assessment-appeal-decide"}
# Briefings: the city's for supervisors and leaders, a district's also for its district
# officers, none for anyone else; only supervisors ask for one. Checked in
# tests/reports/test_briefing_pages.py.
BRIEFINGS = {"reports:briefing-list", "reports:briefing-generate", "reports:briefing-download"}
# Ledger imports: supervisors and region officers only (403 for every other role); an import
# is seen by its uploader and supervisors, carried on by its uploader. Checked in
# tests/reports/test_ledger_import_pages.py.
LEDGER_IMPORTS = {"reports:ledger-import", "reports:ledger-import-detail",
                  "reports:ledger-import-mapping", "reports:ledger-import-confirm"}
# The assessment's pages: the ranking for the same readers as the API's, a scorecard and its
# drill-downs for leaders, supervisors and the unit's own officers; schemes, previews and
# decisions for supervisors and leaders, their forms for supervisors only. Checked in
# tests/assessment/test_pages*.py.
ASSESSMENT_PAGES = {"assessment:ranking", "assessment:scorecard", "assessment:drilldown",
                    "assessment:scheme-list", "assessment:scheme-create",
                    "assessment:version-create", "assessment:version-detail",
                    "assessment:version-adopt", "assessment:version-publish",
                    "assessment:decisions", "assessment:exemption-create",
                    "assessment:exemption-decide", "assessment:appeal-create",
                    "assessment:appeal-decide"}
CATALOGUE = (
    {name.split(":patch")[0] for name in ACTION_ENDPOINTS}
    | SCOPED_READS | LISTS | COUNTS | MASTER_DATA | SIGNED_IN | PUBLIC | MONITORING
    | PAGE_WRITES | OWN_NOTIFICATIONS | TRIAGE | FOLLOWUPS | ASSESSMENT | BRIEFINGS
    | LEDGER_IMPORTS | ASSESSMENT_PAGES
)


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"


def test_the_catalogue_names_every_url_the_platform_serves():
    assert set(_url_names(get_resolver().url_patterns)) == CATALOGUE


@dataclass
class World:
    city: City
    inside: Problem
    outside: Problem
    users: dict[str, object]


def _rectifying(city: City, district: int) -> Problem:
    units = UnitAssignment(lead=city.districts[district],
                           responsible=[city.departments[district]])
    problem = make_problem(city, status=Status.RECTIFYING, units=units,
                           region=city.towns[district][0], source=city.sources[district])
    services.save_plan(problem, acting_user=city.supervisor, goal="Stop it", measures=[
        MeasureInput("Cover", "site", problem.deadline)])
    from tests.factories import jpeg_bytes

    services.add_evidence(problem, acting_user=city.supervisor,
                          upload=io.BytesIO(jpeg_bytes(seed=problem.pk)), name="p.jpg",
                          stage="during")
    return Problem.objects.get(pk=problem.pk)


@pytest.fixture
def world() -> World:
    city = make_city()
    inside, outside = _rectifying(city, 0), _rectifying(city, 1)
    users = {
        "supervisor": city.second_supervisor,
        "leader": make_user(Role.LEADER),
        "region_officer": make_user(Role.REGION_OFFICER, region=city.districts[0]),
        "town_officer": make_user(Role.REGION_OFFICER, region=city.towns[0][0]),
        "department_officer": make_user(Role.DEPARTMENT_OFFICER, department=city.departments[0]),
        "enterprise": make_user(Role.ENTERPRISE, enterprise=city.enterprises[0]),
        "inspector": make_user(Role.INSPECTOR, region=city.districts[0]),
        "no_role": make_user(""),
    }
    return World(city, inside, outside, users)


ROLES = ["supervisor", "leader", "region_officer", "town_officer", "department_officer",
         "enterprise", "inspector", "no_role"]


def _client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _sees(user, problem: Problem) -> bool:
    return Problem.objects.visible_to(user).filter(pk=problem.pk).exists()


def _state(problem: Problem) -> tuple:
    fresh = Problem.objects.get(pk=problem.pk)
    return (fresh.status, fresh.deadline, fresh.title, fresh.updated_at, Event.objects.count(),
            fresh.evidence.count())


def test_roles_see_what_design_says(world):
    expected = {
        "supervisor": (True, True), "leader": (True, True), "region_officer": (True, False),
        "town_officer": (True, False), "department_officer": (True, False),
        "enterprise": (True, False), "inspector": (True, False), "no_role": (False, False),
    }
    for role, (inside, outside) in expected.items():
        user = world.users[role]
        assert (_sees(user, world.inside), _sees(user, world.outside)) == (inside, outside), role
        allowed = (Problem.objects.allows(user, world.inside),
                   Problem.objects.allows(user, world.outside))
        assert allowed == (inside, outside), role


@pytest.mark.parametrize("role", ROLES)
def test_reads_show_only_what_is_in_scope(world, role):
    user = world.users[role]
    client = _client(user)
    visible = set(Problem.objects.visible_to(user).values_list("code", flat=True))

    listed = {row["code"] for row in client.get(reverse("problem-list")).json()["results"]}
    exported = _csv_codes(client.get(reverse("problem-export")))
    workbook = _xlsx_codes(client.get(reverse("problem-export-xlsx")))
    page = client.get(reverse("web:problem-list")).content.decode()
    dashboard = client.get(reverse("api-dashboard")).json()

    assert listed == visible
    assert exported == visible
    assert workbook == visible
    assert {code for code in (world.inside.code, world.outside.code) if code in page} == (
        visible & {world.inside.code, world.outside.code})
    assert dashboard["total"] == len(visible)
    assert sum(row["total"] for row in dashboard["by_district"]) == len(visible)
    assert client.get(reverse("ledger-as-of"), {"at": clock.now().isoformat()}).json()[
        "total"] == len(visible)
    for problem in (world.inside, world.outside):
        expected = 200 if _sees(user, problem) else 404
        evidence = problem.evidence.first()
        measure = Measure.objects.get(plan__problem=problem)
        urls = [
            reverse("problem-detail", args=[problem.code]),
            reverse("problem-timeline", args=[problem.code]),
            reverse("evidence-detail", args=[evidence.pk]),
            reverse("evidence-download", args=[evidence.pk]),
            reverse("measure-detail", args=[measure.pk]),
            reverse("web:problem-detail", args=[problem.code]),
            reverse("web:evidence-file", args=[evidence.pk]),
            reverse("problem-as-of", args=[problem.code]),
            reverse("reports:problem-as-of", args=[problem.code]),
        ]
        for url in urls:
            assert client.get(url).status_code == expected, (role, url)


def _xlsx_codes(response) -> set[str]:
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}


def _csv_codes(response) -> set[str]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row["code"] for row in csv.DictReader(io.StringIO(text))}


@pytest.mark.parametrize("role", ROLES)
def test_master_data_follows_scope(world, role):
    user = world.users[role]
    client = _client(user)
    enterprises = set(Enterprise.objects.visible_to(user).values_list("pk", flat=True))
    sources = set(PollutionSource.objects.visible_to(user).values_list("pk", flat=True))

    listed_enterprises = {e["id"] for e in client.get(reverse("enterprise-list")).json()["results"]}
    listed_sources = {s["id"] for s in client.get(reverse("source-list")).json()["results"]}

    assert listed_enterprises == enterprises
    assert listed_sources == sources
    for enterprise in world.city.enterprises:
        status = client.get(reverse("enterprise-detail", args=[enterprise.pk])).status_code
        assert status == (200 if enterprise.pk in enterprises else 404)
    for name in ("region", "department", "water-body"):
        assert client.get(reverse(f"{name}-list")).status_code == 200
    assert client.get(reverse("region-detail", args=[world.city.city.pk])).status_code == 200
    assert client.get(reverse("department-detail",
                              args=[world.city.departments[0].pk])).status_code == 200


def test_enterprise_and_region_scopes_of_master_data(world):
    assert list(Enterprise.objects.visible_to(world.users["enterprise"])) == [
        world.city.enterprises[0]]
    assert set(Enterprise.objects.visible_to(world.users["region_officer"])) == {
        world.city.enterprises[0]}
    assert set(Enterprise.objects.visible_to(world.users["department_officer"])) == set(
        world.city.enterprises)


def _action_url(name: str, problem: Problem) -> tuple[str, str]:
    if name == "problem-detail:patch":
        return "patch", reverse("problem-detail", args=[problem.code])
    return "post", reverse(name, args=[problem.code])


@pytest.mark.parametrize("role", ROLES)
def test_writes_outside_scope_are_not_found_and_change_nothing(world, role):
    user = world.users[role]
    client = _client(user)
    hidden = [p for p in (world.inside, world.outside) if not _sees(user, p)]
    for problem in hidden:
        before = _state(problem)
        for name in ACTION_ENDPOINTS:
            method, url = _action_url(name, problem)
            response = getattr(client, method)(url, {"reason": "x", "text": "x"}, format="json")
            assert response.status_code == 404, (role, name)
        measure = Measure.objects.get(plan__problem=problem)
        assert client.post(reverse("measure-done", args=[measure.pk])).status_code == 404
        assert _state(problem) == before


@pytest.mark.parametrize("role", [role for role in ROLES if role != "no_role"])
def test_writes_the_role_may_not_do_are_refused_and_change_nothing(world, role):
    user = world.users[role]
    client = _client(user)
    problem = world.inside
    for name, action in ACTION_ENDPOINTS.items():
        row, refusal, _reason = workflow.check(problem, action, user)
        if row is not None:
            continue
        before = _state(problem)
        method, url = _action_url(name, problem)
        response = getattr(client, method)(url, {"reason": "x", "text": "x"}, format="json")
        expected = 409 if refusal is workflow.Refusal.STATE else 403
        assert response.status_code == expected, (role, name, response.content)
        assert response.json()["code"].startswith("refused"), response.json()
        assert _state(problem) == before, (role, name)


def _page_writes(problem: Problem) -> list[tuple[str, str, Action]]:
    """Every page that writes to the problem: method, URL and the workflow action it takes."""
    from ecoledger.web.views.actions import ACTIONS

    measure = Measure.objects.get(plan__problem=problem)
    writes = [("post", reverse("web:problem-action", args=[problem.code, slug]), spec.action)
              for slug, spec in ACTIONS.items()]
    return [
        *writes,
        ("post", reverse("web:measure-done", args=[problem.code, measure.pk]), Action.EDIT_PLAN),
        ("get", reverse("web:problem-edit", args=[problem.code]), Action.EDIT),
        ("post", reverse("web:problem-edit", args=[problem.code]), Action.EDIT),
    ]


# Enough input for any page form (unprefixed and prefixed), so only scope and role decide.
PAGE_INPUT = {"reason": "x", "text": "x", "title": "changed", "done": "1",
              **{f"{action}-{name}": "x" for action in Action.values
                 for name in ("reason", "text", "summary", "opinion", "goal")}}


@pytest.mark.parametrize("role", ROLES)
def test_page_writes_outside_scope_are_not_found_and_change_nothing(world, role):
    user = world.users[role]
    client = Client()
    client.force_login(user)
    hidden = [p for p in (world.inside, world.outside) if not _sees(user, p)]
    for problem in hidden:
        before = _state(problem)
        for method, url, _action in _page_writes(problem):
            assert getattr(client, method)(url, PAGE_INPUT).status_code == 404, (role, url)
        assert _state(problem) == before


@pytest.mark.parametrize("role", [role for role in ROLES if role != "no_role"])
def test_page_writes_the_role_may_not_do_are_refused_and_change_nothing(world, role):
    user = world.users[role]
    client = Client()
    client.force_login(user)
    problem = world.inside
    for method, url, action in _page_writes(problem):
        row, refusal, _reason = workflow.check(problem, action, user)
        if row is not None:
            continue
        before = _state(problem)
        response = getattr(client, method)(url, PAGE_INPUT)
        expected = 409 if refusal is workflow.Refusal.STATE else 403
        assert response.status_code == expected, (role, url, response.status_code)
        assert _state(problem) == before, (role, url)


@pytest.mark.parametrize("role", [role for role in ROLES if role != "no_role"])
def test_the_problem_page_offers_exactly_the_actions_the_user_may_take(world, role):
    import re

    user = world.users[role]
    client = Client()
    client.force_login(user)

    page = client.get(reverse("web:problem-detail", args=[world.inside.code])).content.decode()

    offered = set(re.findall(r'id="action-([a-z_]+)"', page))
    assert offered == {str(a) for a in workflow.available_actions(world.inside, user)}, role


@pytest.mark.parametrize("role", ROLES)
def test_registering_on_a_page_follows_the_role_and_the_region(world, role):
    from ecoledger.org.choices import REGIONAL_ROLES

    user = world.users[role]
    client = Client()
    client.force_login(user)
    town = world.city.towns[1][0]  # outside district 1
    before = (Problem.objects.count(), Event.objects.count())

    page = client.get(reverse("web:problem-create"))
    response = client.post(reverse("web:problem-create"), {
        "title": "Smoke", "description": "Black smoke at night", "domain": "air",
        "origin": "patrol", "severity": "general", "region": town.pk,
        "coordinate_system": "wgs84", "stage": "before",
    })

    if user.role not in workflow.REGISTER_ROLES:
        assert (page.status_code, response.status_code) == (403, 403), role
    elif user.role in REGIONAL_ROLES and not user.region.contains(town):
        assert (page.status_code, response.status_code) == (200, 400), role
    else:
        assert (page.status_code, response.status_code) == (200, 302), role
        assert Problem.objects.count() == before[0] + 1
        return
    assert (Problem.objects.count(), Event.objects.count()) == before


def test_anonymous_cannot_write_through_pages(world):
    client = Client()
    before = _state(world.inside)
    for method, url, _action in _page_writes(world.inside):
        response = getattr(client, method)(url, PAGE_INPUT)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    response = client.get(reverse("web:problem-create"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert _state(world.inside) == before


def test_anonymous_gets_nothing(world):
    api, pages = APIClient(), Client()
    evidence = world.inside.evidence.first()
    api_urls = [
        reverse("problem-list"), reverse("problem-export"), reverse("api-dashboard"),
        reverse("api-me"), reverse("api-root"), reverse("api-schema"), reverse("api-docs"),
        reverse("api-redoc"), reverse("problem-detail", args=[world.inside.code]),
        reverse("problem-timeline", args=[world.inside.code]),
        reverse("evidence-detail", args=[evidence.pk]),
        reverse("evidence-download", args=[evidence.pk]),
        reverse("enterprise-list"), reverse("source-list"), reverse("region-list"),
    ]
    for url in api_urls:
        assert api.get(url).status_code in (401, 403), url
    before = _state(world.inside)
    for name in ACTION_ENDPOINTS:
        method, url = _action_url(name, world.inside)
        assert getattr(api, method)(url, {}, format="json").status_code in (401, 403), name
    assert _state(world.inside) == before
    for url in (reverse("web:home"), reverse("web:problem-list"),
                reverse("web:problem-detail", args=[world.inside.code]),
                reverse("web:evidence-file", args=[evidence.pk])):
        response = pages.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_filters_cannot_widen_the_scope(world):
    client = _client(world.users["region_officer"])
    district = world.city.districts[1]

    response = client.get(reverse("problem-list"), {"region": district.pk})

    assert response.json()["results"] == []


def test_public_endpoints_answer_without_login(world):
    client = Client()

    assert client.get(reverse("web:login")).status_code == 200
    assert client.get(reverse("web:health")).json() == {"status": "ok"}
    token = APIClient().post(reverse("api-token"), {"username": "supervisor2",
                                                    "password": "pw-for-tests-1"})
    assert token.status_code == 200 and token.json()["token"]
    assert clock.today()  # the clock is the platform's
    assert Evidence.objects.count() == 2


@pytest.mark.parametrize("role", ROLES)
def test_notifications_are_only_ever_the_users_own(world, role):
    from ecoledger.notifications.models import Notification
    from ecoledger.notifications.services import notify

    user, someone = world.users[role], world.users["leader" if role != "leader" else "no_role"]
    own = notify([user], kind="message", subject="Yours", body="").notifications.get()
    theirs = notify([someone], kind="message", subject="Theirs", body="").notifications.get()
    api, page = _client(user), Client()
    page.force_login(user)

    listed = [row["id"] for row in api.get(reverse("notification-list")).json()["results"]]
    shown = page.get(reverse("notifications:list")).content.decode()
    refused = [
        api.get(reverse("notification-detail", args=[theirs.pk])).status_code,
        api.post(reverse("notification-read", args=[theirs.pk])).status_code,
        page.post(reverse("notifications:read", args=[theirs.pk])).status_code,
    ]
    api.post(reverse("notification-read-all"))
    page.post(reverse("notifications:read-all"))

    assert listed == [own.pk]
    assert "Yours" in shown and "Theirs" not in shown
    assert api.get(reverse("notification-detail", args=[own.pk])).status_code == 200
    assert page.get(reverse("notifications:preferences")).status_code == 200
    assert refused == [404, 404, 404]
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert Notification.objects.get(pk=own.pk).read_at is not None


def test_anonymous_gets_no_notifications(world):
    from ecoledger.notifications.services import notify

    notification = notify([world.users["leader"]], kind="message", subject="x",
                          body="").notifications.get()
    api, pages = APIClient(), Client()

    for url in (reverse("notification-list"),
                reverse("notification-detail", args=[notification.pk])):
        assert api.get(url).status_code in (401, 403), url
    assert api.post(reverse("notification-read-all")).status_code in (401, 403)
    for url in (reverse("notifications:list"), reverse("notifications:preferences")):
        response = pages.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    response = pages.post(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def _complaint_with_photo():
    from ecoledger.intake import services as intake
    from tests.factories import category, jpeg_bytes

    return intake.file_complaint(
        sender=intake.Sender("10.0.0.1", "web"), description="工地扬尘很大，夜间施工",
        category=category("air"), latitude=32.05, longitude=118.78, phone="13812345678",
        photos=[intake.PhotoUpload(io.BytesIO(jpeg_bytes(seed=7)), "p.jpg")])


@pytest.mark.parametrize("role", ROLES)
def test_triage_is_for_supervisors_only(world, role):
    from ecoledger.intake.models import Complaint

    complaint = _complaint_with_photo()
    client = Client()
    client.force_login(world.users[role])
    code, photo = complaint.tracking_code, complaint.photos.get()
    before = (Event.objects.count(), world.inside.tickets.count())

    pages = [client.get(reverse("intake:triage")).status_code,
             client.get(reverse("intake:triage-detail", args=[code])).status_code,
             client.get(reverse("intake:photo", args=[photo.pk])).status_code]
    merged = client.post(reverse("intake:triage-action", args=[code, "merge"]),
                         {"merge-problem": world.inside.code}).status_code

    if role == "supervisor":
        assert (pages, merged) == ([200, 200, 200], 302)
        assert Complaint.objects.get().problem == world.inside
    else:
        assert (pages, merged) == ([403, 404, 404], 404)
        assert (Event.objects.count(), world.inside.tickets.count()) == before
        assert Complaint.objects.get().status == "received"


def test_anonymous_may_file_track_and_read_disclosure_but_not_triage(world):
    complaint = _complaint_with_photo()
    client = Client()
    code, photo = complaint.tracking_code, complaint.photos.get()

    for name, kwargs in (("intake:report", {}), ("intake:track", {}),
                         ("intake:track-detail", {"code": code}), ("intake:disclosure", {}),
                         ("intake:disclosure-atom", {}), ("intake:disclosure-json", {})):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200, name
    for name, kwargs in (("services", {}), ("service-definition", {"code": "air.test"}),
                         ("requests", {}), ("request-detail", {"request_id": code}),
                         ("token", {"token": code})):
        for fmt in ("json", "xml"):
            url = reverse(f"open311:{name}", kwargs={"fmt": fmt, **kwargs})
            assert client.get(url).status_code == 200, url
    for url in (reverse("intake:triage"), reverse("intake:triage-detail", args=[code]),
                reverse("intake:photo", args=[photo.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    response = client.post(reverse("intake:triage-action", args=[code, "reject"]),
                           {"reject-reason": "no"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert world.inside.tickets.count() == 0


@dataclass
class Checks:
    near: Problem  # closed, in district 1: checked by an inspector from district 2
    far: Problem  # closed, in district 2: checked by the world's inspector (district 1)
    helper: object


@pytest.fixture
def checks(world) -> Checks:
    from ecoledger.ledger.services import detect_rebounds

    city = world.city
    helper = make_user(Role.INSPECTOR, region=city.districts[1])
    near = make_problem(city, status=Status.CLOSED, domain="water", latitude=32.05,
                        longitude=118.78)
    far = make_problem(city, status=Status.CLOSED, domain="water", region=city.towns[1][0])
    with clock.frozen_at(near.closed_at + timedelta(days=3)):
        make_problem(city, region=city.towns[0][1], latitude=32.0504, longitude=118.78)
        detect_rebounds()
    return Checks(near, far, helper)


FOLLOWUPS_SEEN = {  # role: which problems' checks it sees
    "supervisor": {"near", "far"}, "leader": {"near", "far"}, "region_officer": {"near"},
    "town_officer": {"near"}, "department_officer": set(), "enterprise": set(),
    "inspector": {"far"}, "no_role": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_follow_ups_are_seen_by_their_inspector_and_by_officers_of_their_region(
        world, checks, role):
    from ecoledger.ledger.models import FollowUp

    user = world.users[role]
    client = _client(user)
    by_problem = {"near": checks.near, "far": checks.far}
    expected = {check.pk for name in FOLLOWUPS_SEEN[role]
                for check in by_problem[name].followups.all()}

    listed = {row["id"] for row in client.get(reverse("followup-list")).json()["results"]}
    page = client.get(reverse("web:followup-list")).content.decode()
    problems = {row["code"] for row in client.get(reverse("problem-list")).json()["results"]}
    dashboard = client.get(reverse("api-dashboard")).json()

    assert set(FollowUp.objects.visible_to(user).values_list("pk", flat=True)) == expected
    assert listed == expected
    # A checked problem is in the inspector's scope everywhere, the counts included.
    assert dashboard["total"] == len(problems)
    if role == "inspector":
        assert checks.far.code in problems
    for name, problem in by_problem.items():
        assert (problem.code in page) == (name in FOLLOWUPS_SEEN[role]), (role, name)
        for check in problem.followups.all():
            status = client.get(reverse("followup-detail", args=[check.pk])).status_code
            assert status == (200 if check.pk in expected else 404), (role, check.pk)


@pytest.mark.parametrize("role", ROLES)
def test_follow_up_writes_by_anyone_else_are_refused_and_change_nothing(world, checks, role):
    from ecoledger.ledger.models import FollowUp

    user = world.users[role]
    api, page = _client(user), Client()
    page.force_login(user)
    for check in [*checks.near.followups.all(), *checks.far.followups.all()]:
        before = (check.status, check.inspector_id, Event.objects.count())
        visible = FollowUp.objects.visible_to(user).filter(pk=check.pk).exists()
        with clock.frozen_at(check.problem.closed_at + timedelta(days=200)):
            record = [
                api.post(reverse("followup-record", args=[check.pk]), {"finding": "stable"}),
                page.post(reverse("web:followup-record", args=[check.pk]),
                          {"followup-finding": "stable"}),
            ]
        assign = [
            api.post(reverse("followup-assign", args=[check.pk]), {"inspector": user.pk}),
            page.post(reverse("web:followup-assign", args=[check.pk]), {"inspector": user.pk}),
        ]
        may_record = check.inspector_id == user.pk  # then only the empty input is refused
        supervisor = role == "supervisor"  # then only the non-inspector named is refused
        expected_record = 404 if not visible else 400 if may_record else 403
        expected_assign = [404, 404] if not visible else [400, 302] if supervisor else [403, 403]
        assert [r.status_code for r in record] == [expected_record] * 2, (role, check.pk)
        assert [r.status_code for r in assign] == expected_assign, (role, check.pk)
        fresh = FollowUp.objects.get(pk=check.pk)
        assert (fresh.status, fresh.inspector_id, Event.objects.count()) == before


@pytest.mark.parametrize("role", ROLES)
def test_suspected_rebounds_are_the_city_offices_and_only_supervisors_decide(
        world, checks, role):
    from ecoledger.ledger.models import SuspectedRebound

    user = world.users[role]
    api, page = _client(user), Client()
    page.force_login(user)
    suspicion = SuspectedRebound.objects.get()
    sees = role in ("supervisor", "leader")

    listed = [row["id"] for row in api.get(reverse("suspected-rebound-list")).json()["results"]]
    shown = page.get(reverse("web:suspicion-list")).content.decode()
    detail = api.get(reverse("suspected-rebound-detail", args=[suspicion.pk])).status_code
    before = (Event.objects.count(), Problem.objects.get(pk=checks.near.pk).status)
    if role != "supervisor":
        refusals = [
            api.post(reverse("suspected-rebound-dismiss", args=[suspicion.pk]),
                     {"reason": "x"}).status_code,
            api.post(reverse("suspected-rebound-confirm", args=[suspicion.pk]),
                     {"reason": "x", "deadline": "2099-01-01"}).status_code,
            page.post(reverse("web:suspicion-decide", args=[suspicion.pk, "dismiss"]),
                      {"reason": "x"}).status_code,
        ]
        assert refusals == [403 if sees else 404] * 3, role
        assert SuspectedRebound.objects.get(pk=suspicion.pk).status == "open"
        assert (Event.objects.count(),
                Problem.objects.get(pk=checks.near.pk).status) == before

    assert listed == ([suspicion.pk] if sees else [])
    assert (checks.near.code in shown) == sees
    assert detail == (200 if sees else 404)


def test_anonymous_gets_no_follow_ups_or_suspicions(world, checks):
    api, pages = APIClient(), Client()
    check = checks.near.followups.first()
    for url in (reverse("followup-list"), reverse("followup-detail", args=[check.pk]),
                reverse("suspected-rebound-list")):
        assert api.get(url).status_code in (401, 403), url
    for url in (reverse("web:followup-list"), reverse("web:suspicion-list")):
        response = pages.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    response = pages.post(reverse("web:followup-record", args=[check.pk]), {})
    assert response.status_code == 302 and "/login/" in response["Location"]

