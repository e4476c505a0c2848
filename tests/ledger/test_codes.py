"""Problem codes stay unique and gap-free when many people register at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from ecoledger.ledger.models import Problem
from ecoledger.ledger.services import register_problem
from tests.factories import make_city

WRITERS = 8
EACH = 5


@pytest.mark.slow
def test_concurrent_registrations_get_distinct_consecutive_codes(committed_db):
    city = make_city()
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def register_some() -> None:
        try:
            barrier.wait()
            for _ in range(EACH):
                register_problem(
                    acting_user=city.supervisor, title="Smoke", description="Black smoke",
                    domain="air", origin="complaint", region=city.towns[0][0],
                )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register_some) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(int(code[-6:]) for code in Problem.objects.values_list("code", flat=True))
    assert numbers == list(range(1, WRITERS * EACH + 1))
