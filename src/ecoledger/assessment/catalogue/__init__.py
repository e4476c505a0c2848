"""The indicator catalogue: every indicator a scheme may use, by code.

Each computes its value for all units of a kind at once and lists the rows
behind one unit's value (``catalogue.base``). A scheme version names
indicators by code; a code that leaves the catalogue would leave published
results unexplained, so codes are never reused or removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from django.utils.translation import gettext as _

from ecoledger.assessment.catalogue.base import (
    Column,
    Context,
    DrillDown,
    Indicator,
    Measure,
    Period,
)
from ecoledger.assessment.catalogue.complaints import ComplaintResponseTime, ComplaintSatisfaction
from ecoledger.assessment.catalogue.environment import (
    DataCompleteness,
    GoodAirChange,
    GoodAirShare,
    Pm25Change,
    WaterTargets,
)
from ecoledger.assessment.catalogue.ledger import (
    FirstPassAcceptance,
    FollowUpCompletion,
    OnTimeClosure,
    OverdueCount,
    OverdueDays,
    ReboundRate,
)
from ecoledger.lib.errors import InvalidInput

CATALOGUE: Mapping[str, Indicator] = MappingProxyType({
    indicator.code: indicator
    for indicator in (
        OnTimeClosure(), OverdueCount(), OverdueDays(), ReboundRate(), FirstPassAcceptance(),
        ComplaintResponseTime(), ComplaintSatisfaction(), FollowUpCompletion(),
        GoodAirShare(), GoodAirChange(), Pm25Change(), WaterTargets(), DataCompleteness(),
    )
})


def indicator(code: str) -> Indicator:
    try:
        return CATALOGUE[code]
    except KeyError:
        raise InvalidInput.field("code", _("There is no indicator %(code)s; known: %(known)s.") % {
            "code": code, "known": ", ".join(CATALOGUE)}) from None


__all__ = [
    "CATALOGUE",
    "Column",
    "Context",
    "DrillDown",
    "Indicator",
    "Measure",
    "Period",
    "indicator",
]
