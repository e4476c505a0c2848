"""Ledger models, cut by sub-domain; import them from here."""

from ecoledger.ledger.models.category import Category
from ecoledger.ledger.models.decisions import Acceptance, Contest, DeadlineExtension
from ecoledger.ledger.models.evidence import Evidence, EvidenceLookalike
from ecoledger.ledger.models.followup import FollowUp
from ecoledger.ledger.models.plan import Measure, ProgressReport, RectificationPlan
from ecoledger.ledger.models.problem import Problem, ProblemQuerySet
from ecoledger.ledger.models.rebound import SuspectedRebound
from ecoledger.ledger.models.relations import ProblemLink, ProblemUnit, SourceTicket
from ecoledger.ledger.models.tally import CodeSequence, ProblemTally, ProblemWeekTally

__all__ = [
    "Acceptance",
    "Category",
    "CodeSequence",
    "Contest",
    "DeadlineExtension",
    "Evidence",
    "EvidenceLookalike",
    "FollowUp",
    "Measure",
    "Problem",
    "ProblemLink",
    "ProblemQuerySet",
    "ProblemTally",
    "ProblemUnit",
    "ProblemWeekTally",
    "ProgressReport",
    "RectificationPlan",
    "SourceTicket",
    "SuspectedRebound",
]
