"""Weekly tallies: reports and closures per week, kept by the services and recountable."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ecoledger.ledger import selectors, services, weekly
from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import ProblemWeekTally
from ecoledger.lib import clock
from tests.factories import make_problem

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _stored() -> set[tuple]:
    return set(ProblemWeekTally.objects.values_list(
        "scope_kind", "scope_id", "week", "reported", "closed", "closed_on_time"))


def test_registering_and_accepting_count_in_their_weeks_and_on_time(city):
    monday = datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)
    with clock.frozen_at(monday):
        make_problem(city, status=Status.CLOSED)  # closed the same day, long before its deadline
    with clock.frozen_at(monday - timedelta(days=60)):
        late = make_problem(city, status=Status.PENDING_ACCEPTANCE,
                            deadline=(monday - timedelta(days=30)).date())
    with clock.frozen_at(monday + timedelta(days=2)):
        services.accept_problem(late, acting_user=city.second_supervisor, opinion="OK")

    weeks, districts = selectors.weekly_flow(city.supervisor, [monday.date()])
    assert weeks[monday.date()] == {"reported": 1, "closed": 2, "closed_on_time": 1}
    assert districts[city.districts[0].pk] == {"reported": 0, "closed": 2, "closed_on_time": 1}


def test_rebuild_recounts_what_the_services_kept(city):
    make_problem(city, status=Status.CLOSED)
    make_problem(city, status=Status.RECTIFYING, region=city.towns[1][0])
    kept = _stored()

    weekly.rebuild()

    assert _stored() == kept
