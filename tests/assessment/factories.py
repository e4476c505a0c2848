"""Assessment test data: problems due, submitted and closed on given days of a past year."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from ecoledger.assessment import services
from ecoledger.assessment.models import SchemeVersion
from ecoledger.assessment.services import IndicatorInput
from ecoledger.ledger import services as ledger
from ecoledger.ledger.choices import EvidenceStage, Status
from ecoledger.ledger.models import Problem
from ecoledger.ledger.services import UnitAssignment
from ecoledger.lib import clock
from ecoledger.org.models import Department
from tests.factories import City, jpeg_bytes, make_problem

YEAR = 2025
SHANGHAI = ZoneInfo("Asia/Shanghai")


@contextmanager
def on(day: date, hour: int = 10) -> Iterator[None]:
    """The platform's clock at ``hour`` o'clock local time on ``day``."""
    with clock.frozen_at(datetime.combine(day, time(hour), tzinfo=SHANGHAI)):
        yield


def due_problem(city: City, *, district: int, deadline: date,
                responsible: Sequence[Department] = (), cooperating: Sequence[Department] = (),
                registered: date = date(YEAR, 3, 1)) -> Problem:
    """A problem of district ``district`` (0 or 1), rectifying since ``registered``."""
    units = UnitAssignment(lead=city.districts[district], responsible=list(responsible),
                           cooperating=list(cooperating))
    with on(registered):
        return make_problem(city, status=Status.RECTIFYING, region=city.towns[district][0],
                            units=units, deadline=deadline)


def submit(city: City, problem: Problem, day: date, hour: int = 10) -> None:
    with on(day, hour):
        ledger.add_evidence(problem, acting_user=city.supervisor,
                            upload=io.BytesIO(jpeg_bytes(seed=problem.pk * 1000 + day.toordinal())),
                            name="after.jpg", stage=EvidenceStage.AFTER)
        ledger.submit_for_acceptance(problem, acting_user=city.supervisor, summary="Done")
    problem.refresh_from_db()


def accept(city: City, problem: Problem, day: date, hour: int = 15) -> None:
    with on(day, hour):
        ledger.accept_problem(problem, acting_user=city.second_supervisor, opinion="Checked")
    problem.refresh_from_db()


def reject(city: City, problem: Problem, day: date) -> None:
    with on(day, hour=15):
        ledger.reject_problem(problem, acting_user=city.second_supervisor, reason="Not yet")
    problem.refresh_from_db()


def close(city: City, problem: Problem, *, submitted: date, closed: date | None = None) -> None:
    submit(city, problem, submitted)
    accept(city, problem, closed or submitted)


def adopted_version(city: City, indicators: Sequence[IndicatorInput],
                    year: int = YEAR) -> SchemeVersion:
    scheme = services.create_scheme(acting_user=city.supervisor, year=year, name="Annual",
                                    indicators=indicators)
    version = scheme.versions.get()
    return services.adopt_version(version, acting_user=city.supervisor)


LINEAR_ON_TIME = IndicatorInput(
    "on_time_closure", 60, {"kind": "linear", "direction": "higher", "floor": 50, "target": 100})
OVERDUE_CASES = IndicatorInput("overdue_count", 40, {"kind": "deduction", "per_case": 10,
                                                     "cap": 50})
