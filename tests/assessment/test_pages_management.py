"""The office's assessment pages: schemes, a draft's indicators, adopting, publishing,
exemptions and appeals, all through POST forms and the services; nobody else may send them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ecoledger.assessment import services
from ecoledger.assessment.catalogue import CATALOGUE
from ecoledger.assessment.choices import AppealStatus, DecisionStatus, VersionStatus
from ecoledger.assessment.models import (
    Appeal,
    Exemption,
    Publication,
    Scheme,
    SchemeIndicator,
    SchemeVersion,
)
from ecoledger.audit.models import Event
from ecoledger.org.choices import Role
from tests.assessment.factories import LINEAR_ON_TIME, OVERDUE_CASES, YEAR, adopted_version, on
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ON_TIME = {"code": "on_time_closure", "weight": "60", "applies_to": "both",
           "when_missing": "exclude", "rule_kind": "linear", "direction": "higher",
           "floor": "50", "target": "100"}
OVERDUE = {"code": "overdue_count", "weight": "40", "applies_to": "both",
           "when_missing": "exclude", "rule_kind": "deduction", "per_case": "10", "cap": "50"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _indicators(rows: list[dict[str, str]], note: str = "") -> dict[str, str]:
    """The edit form as the page sends it: every row shown, each a formset form."""
    data = {"ind-TOTAL_FORMS": str(len(rows)), "ind-INITIAL_FORMS": str(len(rows)),
            "ind-MIN_NUM_FORMS": "0", "ind-MAX_NUM_FORMS": "1000", "note": note}
    for index, row in enumerate(rows):
        data.update({f"ind-{index}-{key}": value for key, value in row.items()})
    return data


def _rules(version: SchemeVersion) -> list[tuple[Any, ...]]:
    return [(row.code, row.weight, row.applies_to, row.rule)
            for row in SchemeIndicator.objects.filter(version=version).order_by("position")]


def test_the_office_creates_edits_previews_adopts_and_publishes_through_the_pages(
        year_of_work):
    city = year_of_work.city
    office = _client(city.supervisor)
    with on(date(YEAR + 1, 1, 20)):
        created = office.post(reverse("assessment:scheme-create"),
                              {"year": YEAR, "name": "2025 rectification assessment"})
        version = SchemeVersion.objects.get(scheme__year=YEAR)
        form = office.get(reverse("assessment:version-detail", args=[version.pk]))
        edited = office.post(reverse("assessment:version-detail", args=[version.pk]),
                             _indicators([ON_TIME, OVERDUE], note="two indicators"))
        preview = office.get(reverse("assessment:ranking"), {"version": version.pk})
        adopted = office.post(reverse("assessment:version-adopt", args=[version.pk]))
        confirm = office.get(reverse("assessment:version-publish", args=[version.pk]))
        expected = confirm.context["tables"][0].inputs_sha256
        published = office.post(reverse("assessment:version-publish", args=[version.pk]),
                                {"note": "first", "confirm": "on",
                                 "expected_sha256": expected}, follow=True)

    assert created.status_code == 302
    assert created["Location"] == reverse("assessment:version-detail", args=[version.pk])
    assert form.context["formset"].total_form_count() == 14  # the catalogue and an empty row
    assert edited.status_code == 302
    version.refresh_from_db()
    assert version.note == "two indicators"
    assert _rules(version) == [
        ("on_time_closure", Decimal("60.00"), "both",
         {"kind": "linear", "direction": "higher", "floor": 50, "target": 100}),
        ("overdue_count", Decimal("40.00"), "both",
         {"kind": "deduction", "per_case": 10, "cap": 50}),
    ]
    assert [(row.name, row.total) for row in preview.context["table"].rows] == [
        ("district 1", Decimal("66.00")), ("district 2", Decimal("56.00"))]
    assert "Preview, not published." in preview.content.decode()
    assert adopted.status_code == 302 and version.status == VersionStatus.ADOPTED
    assert expected in confirm.content.decode()
    publication = Publication.objects.get()
    assert (publication.year, publication.note, publication.inputs_sha256) == (
        YEAR, "first", expected)
    assert published.redirect_chain[-1][0] == reverse("assessment:ranking") + f"?year={YEAR}"
    html = published.content.decode()
    assert f"inputs SHA-256 {expected}" in html
    assert [row.total for row in published.context["table"].rows] == [
        Decimal("66.00"), Decimal("56.00")]


def test_a_draft_with_bad_indicators_is_refused_field_by_field_and_nothing_changes(city):
    scheme = services.create_scheme(acting_user=city.supervisor, year=YEAR, name="Annual",
                                    indicators=[LINEAR_ON_TIME])
    version = scheme.versions.get()
    before = (_rules(version), Event.objects.count())
    office = _client(city.supervisor)
    upside_down = {**ON_TIME, "floor": "100", "target": "50"}
    no_floor = {**OVERDUE, "rule_kind": "linear", "direction": "higher", "target": "0"}
    no_weight = {**OVERDUE, "weight": "0"}
    url = reverse("assessment:version-detail", args=[version.pk])

    missing = office.post(url, _indicators([ON_TIME, no_floor]))
    backwards = office.post(url, _indicators([upside_down, OVERDUE]))
    weightless = office.post(url, _indicators([ON_TIME, no_weight]))
    bad_bands = office.post(url, _indicators([{**ON_TIME, "rule_kind": "bands",
                                               "bands": "95=100; lots", "otherwise": "0"}]))

    assert [r.status_code for r in (missing, backwards, weightless, bad_bands)] == [400] * 4
    rows = missing.context["formset"].forms
    assert rows[1].errors["floor"] == [
        "The rule “Linear between a floor and a target” needs this."]
    assert not rows[0].errors
    backwards_row = backwards.context["formset"].forms[0]
    assert backwards_row.non_field_errors() == [
        "With Higher is better the floor must be below the target."]
    assert "With Higher is better the floor must be below the target." in (
        backwards.content.decode())
    assert weightless.context["formset"].forms[1].errors["weight"] == [
        "A weight is a positive number up to 1000 with at most two decimals."]
    assert bad_bands.context["formset"].forms[0].errors["bands"] == [
        "“lots” is not threshold=score."]
    assert (_rules(version), Event.objects.count()) == before


def test_a_row_is_removed_and_another_added_in_one_save(city):
    scheme = services.create_scheme(acting_user=city.supervisor, year=YEAR, name="Annual",
                                    indicators=[LINEAR_ON_TIME, OVERDUE_CASES])
    version = scheme.versions.get()
    office = _client(city.supervisor)
    data = _indicators([ON_TIME, {**OVERDUE, "DELETE": "on"}])
    data.update({"ind-TOTAL_FORMS": "3", "ind-2-code": "rebound_rate", "ind-2-weight": "5",
                 "ind-2-applies_to": "both", "ind-2-when_missing": "zero",
                 "ind-2-rule_kind": "bands", "ind-2-direction": "lower",
                 "ind-2-bands": "2=100; 5=80；10=60", "ind-2-otherwise": "0"})

    response = office.post(reverse("assessment:version-detail", args=[version.pk]), data)

    assert response.status_code == 302
    assert [(code, rule) for code, _w, _a, rule in _rules(version)] == [
        ("on_time_closure", {"kind": "linear", "direction": "higher", "floor": 50,
                             "target": 100}),
        ("rebound_rate", {"kind": "bands", "direction": "lower",
                          "bands": [[2, 100], [5, 80], [10, 60]], "otherwise": 0}),
    ]


def test_a_new_version_copies_the_adopted_one_which_stays_frozen(city):
    adopted = adopted_version(city, [LINEAR_ON_TIME, OVERDUE_CASES])
    office = _client(city.supervisor)

    created = office.post(reverse("assessment:version-create", args=[adopted.scheme_id]),
                          {"note": "lighter overdue deductions"})
    frozen = office.post(reverse("assessment:version-detail", args=[adopted.pk]),
                         _indicators([ON_TIME]))
    readopt = office.post(reverse("assessment:version-adopt", args=[adopted.pk]), follow=True)

    draft = SchemeVersion.objects.get(scheme=adopted.scheme, number=2)
    assert created.status_code == 302
    assert (draft.status, draft.note, draft.based_on_id) == (
        VersionStatus.DRAFT, "lighter overdue deductions", adopted.pk)
    assert _rules(draft) == _rules(adopted)
    assert frozen.status_code == 409
    assert "cannot change; make a new version" in readopt.content.decode()
    assert len(_rules(adopted)) == 2


def test_publishing_needs_the_confirmation_and_an_adopted_version(city):
    version = adopted_version(city, [LINEAR_ON_TIME])
    draft = services.create_version(version.scheme, acting_user=city.supervisor)
    office = _client(city.supervisor)

    with on(date(YEAR + 1, 1, 20)):
        unconfirmed = office.post(reverse("assessment:version-publish", args=[version.pk]),
                                  {"note": "x"})
        of_draft = office.get(reverse("assessment:version-publish", args=[draft.pk]))
        draft_post = office.post(reverse("assessment:version-publish", args=[draft.pk]),
                                 {"confirm": "on"}, follow=True)

    assert unconfirmed.status_code == 400
    assert unconfirmed.context["form"].errors["confirm"]
    assert "Only the adopted version" in of_draft.content.decode()
    assert of_draft.context["form"] is None
    assert "Only the adopted version" in draft_post.content.decode()
    assert Publication.objects.count() == 0


def test_the_office_records_and_decides_exemptions_and_appeals_and_republishes(year_of_work):
    city = year_of_work.city
    district = city.districts[0]
    late = year_of_work.district_one[3]
    version = adopted_version(city, [LINEAR_ON_TIME, OVERDUE_CASES])
    with on(date(YEAR + 1, 1, 10)):
        first = services.publish_results(version, acting_user=city.supervisor)
    office = _client(city.supervisor)

    unknown = office.post(reverse("assessment:exemption-create"), {
        "exemption-year": YEAR, "exemption-unit": f"district:{district.pk}",
        "exemption-ground": "force_majeure", "exemption-problem": "NO-SUCH-1",
        "exemption-reason": "Flood"})
    recorded = office.post(reverse("assessment:exemption-create"), {
        "exemption-year": YEAR, "exemption-unit": f"district:{district.pk}",
        "exemption-ground": "force_majeure", "exemption-problem": late.code,
        "exemption-reason": "The July flood closed the site for months."})
    exemption = Exemption.objects.get()
    approved = office.post(reverse("assessment:exemption-decide", args=[exemption.pk]),
                           {"approve": "yes", "note": "Flood confirmed"})
    twice = office.post(reverse("assessment:exemption-decide", args=[exemption.pk]),
                        {"approve": "no"}, follow=True)
    filed = office.post(reverse("assessment:appeal-create"), {
        "appeal-unit": f"district:{city.districts[1].pk}",
        "appeal-indicator_code": "on_time_closure", "appeal-against": f"publication:{first.pk}",
        "appeal-reason": "q2 was delayed by the water authority."})
    appeal = Appeal.objects.get()
    no_points = office.post(reverse("assessment:appeal-decide", args=[appeal.pk]),
                            {"uphold": "yes"}, follow=True)
    upheld = office.post(reverse("assessment:appeal-decide", args=[appeal.pk]),
                         {"uphold": "yes", "adjustment": "5", "note": "Partly"})
    with on(date(YEAR + 1, 1, 20)):
        office.post(reverse("assessment:version-publish", args=[version.pk]),
                    {"confirm": "on"})
    card = office.get(reverse("assessment:scorecard", args=[YEAR, "district", district.pk]))
    other = office.get(reverse("assessment:scorecard",
                               args=[YEAR, "district", city.districts[1].pk]))

    assert unknown.status_code == 400
    assert "There is no problem NO-SUCH-1." in unknown.content.decode()
    assert recorded.status_code == approved.status_code == upheld.status_code == 302
    assert filed.status_code == 302
    assert "This exemption has already been decided." in twice.content.decode()
    assert "An upheld appeal records its adjustment" in no_points.content.decode()
    exemption.refresh_from_db()
    appeal.refresh_from_db()
    assert (exemption.status, exemption.decision_note) == (DecisionStatus.APPROVED,
                                                           "Flood confirmed")
    assert (appeal.status, appeal.adjustment) == (AppealStatus.UPHELD, Decimal("5.00"))
    # p4 out of district 1: 3 of 3 on time (100) and no overdue case (100).
    assert card.context["card"].total == Decimal("100.00")
    assert [e.pk for e in card.context["card"].exemptions] == [exemption.pk]
    assert f'id="exemption-{exemption.pk}"' in card.content.decode()
    lines = {line.code: line for line in other.context["card"].lines}
    assert (lines["on_time_closure"].score, lines["on_time_closure"].adjustment) == (
        Decimal("38.34"), Decimal("5.00"))
    assert [a.pk for a in other.context["card"].appeals] == [appeal.pk]
    assert Publication.objects.count() == 2
    listed = office.get(reverse("assessment:decisions")).content.decode()
    appeal_line = re.search(rf'<li id="appeal-{appeal.pk}">.*?</li>', listed, re.S).group(0)
    shown = other.content.decode()
    name = str(CATALOGUE[appeal.indicator_code].name)
    assert name in appeal_line and appeal.indicator_code not in appeal_line
    assert f"· {name} ·" in shown and f"· {appeal.indicator_code} ·" not in shown


WRITE_ROLES = ["leader", "region_officer", "department_officer", "enterprise", "inspector"]


@pytest.mark.parametrize("role", WRITE_ROLES)
def test_nobody_but_the_office_may_send_the_forms_and_a_refusal_changes_nothing(
        year_of_work, role):
    city = year_of_work.city
    version = adopted_version(city, [LINEAR_ON_TIME, OVERDUE_CASES])
    with on(date(YEAR + 1, 1, 10)):
        publication = services.publish_results(version, acting_user=city.supervisor)
    draft = services.create_version(version.scheme, acting_user=city.supervisor)
    exemption = services.record_exemption(
        acting_user=city.supervisor, year=YEAR, unit=city.districts[0], ground="force_majeure",
        reason="Flood", problem=year_of_work.district_one[3])
    appeal = services.file_appeal(acting_user=city.supervisor, unit=city.districts[0],
                                  indicator_code="on_time_closure", reason="x",
                                  publication=publication)
    scope = {"region_officer": {"region": city.districts[0]},
             "department_officer": {"department": city.departments[0]},
             "enterprise": {"enterprise": city.enterprises[0]},
             "inspector": {"region": city.districts[0]}}.get(role, {})
    client = _client(make_user(role, **scope))
    before = (Event.objects.count(), Scheme.objects.count(), SchemeVersion.objects.count(),
              Publication.objects.count(), _rules(draft), Exemption.objects.get().status,
              Appeal.objects.get().status)

    with on(date(YEAR + 1, 1, 20)):
        statuses = [
            client.post(reverse("assessment:scheme-create"),
                        {"year": YEAR + 1, "name": "x"}).status_code,
            client.post(reverse("assessment:version-create",
                                args=[version.scheme_id])).status_code,
            client.post(reverse("assessment:version-detail", args=[draft.pk]),
                        _indicators([ON_TIME])).status_code,
            client.post(reverse("assessment:version-adopt", args=[draft.pk])).status_code,
            client.get(reverse("assessment:version-publish", args=[version.pk])).status_code,
            client.post(reverse("assessment:version-publish", args=[version.pk]),
                        {"confirm": "on"}).status_code,
            client.post(reverse("assessment:exemption-create"), {}).status_code,
            client.post(reverse("assessment:exemption-decide", args=[exemption.pk]),
                        {"approve": "yes"}).status_code,
            client.post(reverse("assessment:appeal-create"), {}).status_code,
            client.post(reverse("assessment:appeal-decide", args=[appeal.pk]),
                        {"uphold": "no"}).status_code,
        ]
    reads = [client.get(reverse(name, args=args)).status_code for name, args in (
        ("assessment:scheme-list", []), ("assessment:version-detail", [version.pk]),
        ("assessment:decisions", []))]

    assert statuses == [403] * 10
    assert reads == ([200, 200, 200] if role == "leader" else [403, 403, 403])
    assert (Event.objects.count(), Scheme.objects.count(), SchemeVersion.objects.count(),
            Publication.objects.count(), _rules(draft), Exemption.objects.get().status,
            Appeal.objects.get().status) == before


def test_leaders_read_the_management_pages_without_forms(city):
    version = adopted_version(city, [LINEAR_ON_TIME])
    services.create_version(version.scheme, acting_user=city.supervisor)
    leader = _client(make_user(Role.LEADER))

    schemes = leader.get(reverse("assessment:scheme-list"))
    detail = leader.get(reverse("assessment:version-detail", args=[version.pk]))
    decisions = leader.get(reverse("assessment:decisions"))

    assert schemes.context["scheme_form"] is None and "<form" not in _main(schemes)
    assert detail.context["formset"] is None and "0 points at 50%" in _main(detail)
    assert decisions.context["exemption_form"] is None and "<form" not in _main(decisions)
    assert "Version 2" in _main(schemes)


def _main(response) -> str:
    """The page's own content, without the header's language and logout forms."""
    html = response.content.decode()
    return html[html.index('<main id="content">'):]


def test_anonymous_users_are_sent_to_log_in_and_nothing_is_written(city):
    version = adopted_version(city, [LINEAR_ON_TIME])
    client = Client()
    before = Event.objects.count()

    responses = [
        client.get(reverse("assessment:scheme-list")),
        client.get(reverse("assessment:decisions")),
        client.post(reverse("assessment:scheme-create"), {"year": YEAR + 1, "name": "x"}),
        client.post(reverse("assessment:version-adopt", args=[version.pk])),
        client.post(reverse("assessment:version-publish", args=[version.pk]), {"confirm": "on"}),
    ]

    for response in responses:
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert Event.objects.count() == before
