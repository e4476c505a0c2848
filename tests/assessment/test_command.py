"""``ecoledger assessment compute``: the ranking on the command line, and publishing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ecoledger.assessment.models import Publication
from tests.assessment.factories import LINEAR_ON_TIME, OVERDUE_CASES, YEAR, adopted_version, on

pytestmark = pytest.mark.django_db


def test_compute_prints_the_ranking_and_publish_freezes_it(year_of_work):
    adopted_version(year_of_work.city, [LINEAR_ON_TIME, OVERDUE_CASES])
    shown, published = io.StringIO(), io.StringIO()

    with on(date(YEAR + 1, 1, 15)):
        call_command("assessment", "compute", "--year", str(YEAR), stdout=shown)
        call_command("assessment", "compute", "--year", str(YEAR), "--publish",
                     stdout=published)

    lines = shown.getvalue().splitlines()
    assert "   1   66.00  district 1" in lines
    assert "   2   56.00  district 2" in lines
    publication = Publication.objects.get()
    assert publication.inputs_sha256 in published.getvalue()
    assert publication.inputs_sha256 in lines[0]


def test_compute_without_a_scheme_says_so(city):
    with pytest.raises(CommandError, match="no scheme version for 2031"):
        call_command("assessment", "compute", "--year", "2031")


def test_compute_takes_a_version_number(year_of_work):
    adopted_version(year_of_work.city, [LINEAR_ON_TIME])
    with pytest.raises(CommandError, match="no scheme version for 2025"):
        call_command("assessment", "compute", "--year", str(YEAR), "--version", "7")
