"""Pages of the annual assessment: results for every reader in scope, management for the
office. Reads go through the selectors, writes through the services."""

from ecoledger.assessment.views.decisions import (
    appeal_create,
    appeal_decide,
    decision_list,
    exemption_create,
    exemption_decide,
)
from ecoledger.assessment.views.results import drilldown, ranking, scorecard
from ecoledger.assessment.views.schemes import (
    scheme_create,
    scheme_list,
    version_adopt,
    version_create,
    version_detail,
    version_publish,
)

__all__ = [
    "appeal_create",
    "appeal_decide",
    "decision_list",
    "drilldown",
    "exemption_create",
    "exemption_decide",
    "ranking",
    "scheme_create",
    "scheme_list",
    "scorecard",
    "version_adopt",
    "version_create",
    "version_detail",
    "version_publish",
]
