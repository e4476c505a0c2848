from __future__ import annotations

from datetime import timedelta

import pytest

from ecoledger.ledger import services, tallies
from ecoledger.ledger.choices import Status
from ecoledger.ledger.services import UnitAssignment
from ecoledger.lib import clock
from tests.factories import make_problem

pytestmark = pytest.mark.django_db


def test_maintained_tallies_equal_a_recount_after_every_kind_of_change(city):
    units = UnitAssignment(lead=city.districts[0], responsible=[city.departments[0]])
    for status in Status:
        make_problem(city, status=status, units=units)
    contested = make_problem(city, status=Status.CONTESTED, units=units)
    services.arbitrate_contest(contested, acting_user=city.supervisor, decision="reassign",
                               reason="Theirs", units=UnitAssignment(lead=city.departments[1]))
    services.rebound_problem(make_problem(city, status=Status.CLOSED, units=units),
                             acting_user=city.supervisor, reason="Back",
                             deadline=clock.today() + timedelta(days=9))
    moved = make_problem(city)
    services.update_problem(moved, acting_user=city.supervisor, region=city.towns[1][1],
                            domain="water")

    assert tallies.stored() == tallies.counted()


def test_rebuild_restores_tallies_from_the_problems(city):
    make_problem(city, status=Status.RECTIFYING)
    expected = tallies.counted()

    tallies.rebuild()

    assert tallies.stored() == expected
