"""What the problem page adds for follow-ups and for the acceptor: checks, the finding form,
and the integrity flags of the evidence photos."""

from __future__ import annotations

from typing import Any

from ecoledger.ledger.choices import Status
from ecoledger.ledger.integrity import flags_for
from ecoledger.ledger.models import Evidence, FollowUp, Problem
from ecoledger.lib import clock
from ecoledger.org.choices import Role
from ecoledger.web.forms.followups import FollowUpForm

FOLLOWUP_PREFIX = "followup"


def followup_panel(user: Any, problem: Problem, form: FollowUpForm | None = None
                   ) -> dict[str, Any]:
    """The problem's checks the user may see, and the finding form for the one due to them."""
    today = clock.today()
    checks = list(FollowUp.objects.visible_to(user).filter(problem=problem)
                  .select_related("inspector"))
    due = next((check for check in checks
                if check.inspector_id == user.pk and check.is_due(today)), None)
    if due is None or problem.status != Status.CLOSED:
        return {"followups": checks, "followup_due": None, "followup_form": None}
    return {"followups": checks, "followup_due": due,
            "followup_form": form or FollowUpForm(prefix=FOLLOWUP_PREFIX)}


def flag_photos(user: Any, problem: Problem, evidence: list[Evidence]) -> list[Evidence]:
    """Give each photo its ``integrity_flags`` for the acceptor (a supervisor); the flagged ones.

    Flags name other problems, which only the city office sees all of.
    """
    flags = flags_for(problem, evidence) if user.role == Role.SUPERVISOR else {}
    for item in evidence:
        item.integrity_flags = flags.get(item.pk, [])  # type: ignore[attr-defined]
    return [item for item in evidence if flags.get(item.pk)]
