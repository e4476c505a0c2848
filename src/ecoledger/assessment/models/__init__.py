"""Assessment models, cut by sub-domain; import them from here."""

from ecoledger.assessment.models.decisions import Appeal, Exemption
from ecoledger.assessment.models.results import IndicatorResult, Publication, UnitResult
from ecoledger.assessment.models.scheme import Scheme, SchemeIndicator, SchemeVersion
from ecoledger.assessment.models.units import UnitRecord, unit_fields

__all__ = [
    "Appeal",
    "Exemption",
    "IndicatorResult",
    "Publication",
    "Scheme",
    "SchemeIndicator",
    "SchemeVersion",
    "UnitRecord",
    "UnitResult",
    "unit_fields",
]
