"""The ledger's own answers to moments of a problem's life (see ``signals``).

Connected in ``LedgerConfig.ready``; they run inside the workflow step's
transaction, so a closing never commits without its follow-ups.
"""

from __future__ import annotations

from typing import Any

from ecoledger.ledger.models import Problem
from ecoledger.ledger.notices import tell_units_of_rebound
from ecoledger.ledger.services.followups import close_open_checks, schedule_followups
from ecoledger.ledger.signals import problem_closed, problem_rebounded


def _schedule(sender: Any, *, problem: Problem, acting_user: Any, **kwargs: Any) -> None:
    schedule_followups(problem, acting_user=acting_user)


def _after_rebound(sender: Any, *, problem: Problem, reason: str, **kwargs: Any) -> None:
    close_open_checks(problem)
    tell_units_of_rebound(problem, reason)


def connect() -> None:
    problem_closed.connect(_schedule, dispatch_uid="ledger.schedule_followups")
    problem_rebounded.connect(_after_rebound, dispatch_uid="ledger.after_rebound")
