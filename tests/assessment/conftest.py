from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from ecoledger.ledger.models import Problem
from tests.assessment.factories import YEAR, close, due_problem
from tests.factories import City


@dataclass
class YearOfWork:
    """Seven problems due in the year: what the hand computations in the tests count."""

    city: City
    district_one: list[Problem]
    district_two: list[Problem]


@pytest.fixture
def year_of_work(city: City) -> YearOfWork:
    first, second = city.departments
    p1 = due_problem(city, district=0, deadline=date(YEAR, 4, 30), responsible=[first])
    close(city, p1, submitted=date(YEAR, 4, 18), closed=date(YEAR, 4, 20))
    p2 = due_problem(city, district=0, deadline=date(YEAR, 5, 31))
    close(city, p2, submitted=date(YEAR, 5, 10))
    p3 = due_problem(city, district=0, deadline=date(YEAR, 6, 30))
    close(city, p3, submitted=date(YEAR, 6, 28))
    # Still rectifying, 92 days past its deadline at the year's end; the second
    # department only cooperates, which the assessment does not count.
    p4 = due_problem(city, district=0, deadline=date(YEAR, 9, 30), responsible=[first],
                     cooperating=[second])
    q1 = due_problem(city, district=1, deadline=date(YEAR, 4, 30), responsible=[second])
    close(city, q1, submitted=date(YEAR, 4, 25))
    # Submitted ten days late, accepted two days after that.
    q2 = due_problem(city, district=1, deadline=date(YEAR, 5, 31), responsible=[second])
    close(city, q2, submitted=date(YEAR, 6, 10), closed=date(YEAR, 6, 12))
    q3 = due_problem(city, district=1, deadline=date(YEAR, 6, 30), responsible=[second])
    close(city, q3, submitted=date(YEAR, 6, 1))
    return YearOfWork(city, [p1, p2, p3, p4], [q1, q2, q3])
