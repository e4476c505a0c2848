from __future__ import annotations

import pytest

from ecoledger.audit.models import Event
from ecoledger.ledger import services
from ecoledger.ledger.choices import Status
from ecoledger.lib.errors import ActionRefused, InvalidInput
from ecoledger.lib.geo import wgs84_to_gcj02
from ecoledger.org.choices import Role
from tests.factories import category, make_problem, make_user

pytestmark = pytest.mark.django_db


def test_it_registers_a_reported_problem_with_a_code_and_an_event(city):
    problem = make_problem(city, title="Black, smelly creek")

    assert problem.status == Status.REPORTED
    assert problem.code.startswith("ZG-") and problem.code.endswith("-000001")
    assert problem.district == city.districts[0]
    event = Event.objects.get(action="ledger.problem.registered")
    assert event.subject_id == str(problem.pk)
    assert event.changes["title"] == [None, "Black, smelly creek"]


def test_it_numbers_problems_one_after_another(city):
    codes = [make_problem(city).code for _ in range(3)]

    assert [code[-6:] for code in codes] == ["000001", "000002", "000003"]


def test_it_converts_gcj02_input_to_wgs84(city):
    lon, lat = wgs84_to_gcj02(118.7969, 32.0603)

    problem = make_problem(city, latitude=lat, longitude=lon, coordinate_system="gcj02")

    assert problem.latitude == pytest.approx(32.0603, abs=1e-6)
    assert problem.longitude == pytest.approx(118.7969, abs=1e-6)


def test_it_refuses_half_a_location(city):
    with pytest.raises(InvalidInput) as error:
        make_problem(city, latitude=32.0)

    assert error.value.fields == {"longitude": ["Give both latitude and longitude, or neither."]}


def test_it_refuses_a_category_of_another_domain(city):
    with pytest.raises(InvalidInput) as error:
        make_problem(city, domain="water", category=category("air"))

    assert "category" in error.value.fields


def test_it_refuses_registration_outside_the_inspectors_region(city):
    inspector = make_user(Role.INSPECTOR, region=city.districts[0])

    with pytest.raises(ActionRefused):
        make_problem(city, reporter=inspector, region=city.towns[1][0])

    assert Event.objects.count() == 0


def test_it_refuses_registration_by_a_leader(city):
    leader = make_user(Role.LEADER)

    with pytest.raises(ActionRefused):
        make_problem(city, reporter=leader)


def test_a_department_officers_self_check_proposes_their_department_as_lead(city):
    officer = make_user(Role.DEPARTMENT_OFFICER, department=city.departments[0])

    problem = make_problem(city, reporter=officer, origin="self_check")

    assert [u.department for u in problem.units.all()] == [city.departments[0]]


def test_the_source_brings_its_enterprise(city):
    source = city.sources[0]

    problem = make_problem(city, source=source)

    assert problem.enterprise == source.enterprise


def test_a_ticket_can_belong_to_one_problem_only(city):
    ticket = services.TicketInput(kind="hotline_12345", upstream_id="GD-2026-1")
    first = make_problem(city, tickets=[ticket])

    with pytest.raises(InvalidInput) as error:
        make_problem(city, tickets=[ticket])

    assert first.code in error.value.fields["tickets.upstream_id"][0]


def test_the_reporter_may_edit_a_reported_problem_and_the_change_is_recorded(city):
    inspector = make_user(Role.INSPECTOR, region=city.districts[0])
    problem = make_problem(city, reporter=inspector)

    services.update_problem(problem, acting_user=inspector, title="Uncovered pile, 300 m2")

    problem.refresh_from_db()
    assert problem.title == "Uncovered pile, 300 m2"
    event = Event.objects.filter(action="ledger.problem.edited").get()
    assert event.changes == {"title": ["Dust from an uncovered pile", "Uncovered pile, 300 m2"]}


OUTLINE = {"type": "Polygon", "coordinates": [[[118.7, 32.0], [118.8, 32.0], [118.8, 32.1],
                                               [118.7, 32.1], [118.7, 32.0]]]}


@pytest.mark.parametrize(("longitude", "refused"), [(118.75, False), (118.805, False),
                                                    (119.1, True)])
def test_a_point_well_outside_its_region_is_refused_with_the_distance(city, longitude, refused):
    town = city.towns[0][0]
    town.boundary = OUTLINE
    town.save()

    if not refused:
        assert make_problem(city, region=town, latitude=32.05, longitude=longitude).pk
        return
    with pytest.raises(InvalidInput) as error:
        make_problem(city, region=town, latitude=32.05, longitude=longitude)
    assert error.value.fields == {"latitude": [
        f"This point lies 28.3 km outside {town}: check the coordinates and their coordinate "
        "system, or choose the region where the problem is."]}


def test_an_edit_that_leaves_the_place_alone_is_not_held_up_by_an_old_point(city):
    problem = make_problem(city, latitude=32.05, longitude=119.1)
    town = problem.region
    town.boundary = OUTLINE
    town.save()

    services.update_problem(problem, acting_user=city.supervisor, title="Renamed")
    with pytest.raises(InvalidInput):
        services.update_problem(problem, acting_user=city.supervisor, latitude=32.06)

    problem.refresh_from_db()
    assert (problem.title, problem.latitude) == ("Renamed", 32.05)
