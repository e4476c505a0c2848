"""A city built from a seed whose place names run out before its sources do.

Kept apart from test_city.py, whose module-wide seeded city would already
hold the same region codes.
"""

from __future__ import annotations

import random

import pytest

from ecoledger.demo.city import build_city
from ecoledger.org.models import PollutionSource


@pytest.mark.django_db
def test_a_seed_whose_names_run_out_still_builds_a_city():
    city = build_city(random.Random(1), password="pw-for-tests-1")

    assert PollutionSource.objects.count() == len(city.sources) > 300
