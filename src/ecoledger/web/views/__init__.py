"""Pages of the workspace. Reads go through the same scoped querysets as the API; writes
through the same services."""

from ecoledger.web.views.followups import (
    followup_assign,
    followup_list,
    followup_record,
    suspicion_decide,
    suspicion_list,
)
from ecoledger.web.views.ledger import problem_list
from ecoledger.web.views.pages import evidence_file, health, my_work
from ecoledger.web.views.problem import measure_done, problem_action, problem_detail
from ecoledger.web.views.register import problem_create, problem_edit

__all__ = [
    "evidence_file",
    "followup_assign",
    "followup_list",
    "followup_record",
    "health",
    "measure_done",
    "my_work",
    "problem_action",
    "problem_create",
    "problem_detail",
    "problem_edit",
    "problem_list",
    "suspicion_decide",
    "suspicion_list",
]
