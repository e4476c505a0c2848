"""The demo's assessment scheme: this year's, adopted, so the ranking shows its live preview."""

from __future__ import annotations

from ecoledger.assessment.models import Scheme
from ecoledger.assessment.services import adopt_version, create_scheme
from ecoledger.lib import clock
from ecoledger.org.models import User


def seed_assessment(supervisor: User) -> Scheme:
    """The catalogue's default indicators and rules, adopted by the rectification office."""
    year = clock.today().year
    scheme = create_scheme(acting_user=supervisor, year=year,
                           name=f"{year}年度生态环境问题整改工作考核方案")
    adopt_version(scheme.versions.get(number=1), acting_user=supervisor)
    return scheme
