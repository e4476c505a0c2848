"""Every business action on assessments: functions that take the acting user.

Pages, API, CLI and admin call these and nothing else to change a scheme,
publish results or decide an exemption or an appeal.
"""

from ecoledger.assessment.services.decisions import (
    decide_appeal,
    decide_exemption,
    file_appeal,
    record_exemption,
)
from ecoledger.assessment.services.results import (
    PublicationCheck,
    check_publication,
    preview_results,
    publish_results,
)
from ecoledger.assessment.services.schemes import (
    IndicatorInput,
    adopt_version,
    create_scheme,
    create_version,
    default_indicators,
    update_version,
)

__all__ = [
    "IndicatorInput",
    "PublicationCheck",
    "adopt_version",
    "check_publication",
    "create_scheme",
    "create_version",
    "decide_appeal",
    "decide_exemption",
    "default_indicators",
    "file_appeal",
    "preview_results",
    "publish_results",
    "record_exemption",
    "update_version",
]
