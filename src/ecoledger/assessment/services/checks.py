"""Refusals shared by the assessment's services."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ecoledger.assessment.access import may_manage, may_read_all
from ecoledger.lib.errors import ActionRefused
from ecoledger.org.models import User


def check_may_manage(user: User) -> None:
    """Schemes, exemptions, appeals and publishing are the rectification office's."""
    if not may_manage(user):
        raise ActionRefused(_("Only the rectification office (supervisors) manages "
                              "assessments."), code="refused_role")


def check_may_preview(user: User) -> None:
    """What-if results of drafts are for the office and the city's leaders."""
    if not may_read_all(user):
        raise ActionRefused(_("Only supervisors and leaders see results before they are "
                              "published."), code="refused_role")
