"""A unit's indicator result in words: the figures, the rule, exemptions and appeals.

Built at read time from the frozen figures, so a published scorecard reads in
the reader's language and still says exactly what was published.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ecoledger.assessment.catalogue import CATALOGUE
from ecoledger.assessment.choices import WhenMissing
from ecoledger.assessment.rules import describe


class Scored(Protocol):
    """A computed (``compute.IndicatorOutcome``) or published (``IndicatorResult``) result."""

    code: str
    value: Decimal | None
    score: Decimal | None
    adjustment: Decimal
    details: dict[str, Any]


def explanation(result: Scored) -> str:
    entry = CATALOGUE[result.code]
    details = result.details
    parts = [entry.explain(details["figures"]) if details["figures"]
             else _("No data in the period.")]
    if result.value is None:
        parts.append(_("Without a value: %(policy)s.") % {
            "policy": WhenMissing(details["when_missing"]).label})
    else:
        parts.append(describe(details["rule"], str(entry.unit)))
    exempted = len(details.get("exempted_items", []))
    if exempted:
        parts.append(ngettext("%(count)s item left out by exemption.",
                              "%(count)s items left out by exemption.", exempted)
                     % {"count": exempted})
    if result.adjustment:
        parts.append(_("%(base)s points by the rule, %(adjustment)+.2f by appeal.") % {
            "base": details["base_score"], "adjustment": result.adjustment})
    return " ".join(parts)
