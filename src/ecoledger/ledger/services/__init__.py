"""Every business action on the ledger: functions that take the acting user and run atomically.

Pages, API, CLI and import call these and nothing else to change a problem.
"""

from ecoledger.ledger.services.acceptance import (
    accept_problem,
    rebound_problem,
    record_imported_acceptance,
    reject_problem,
)
from ecoledger.ledger.services.assignment import (
    arbitrate_contest,
    contest_problem,
    dismiss_problem,
    verify_problem,
)
from ecoledger.ledger.services.deadlines import decide_extension, extend_deadline, request_extension
from ecoledger.ledger.services.followups import (
    assign_followup,
    record_followup,
    schedule_followups,
)
from ecoledger.ledger.services.imports import (
    Document,
    ImportOutcome,
    ProblemImport,
    ProgressInput,
    check_problem_imports,
    import_problems,
)
from ecoledger.ledger.services.links import link_problems, related_problems
from ecoledger.ledger.services.rebounds import (
    confirm_suspicion,
    detect_rebounds,
    dismiss_suspicion,
)
from ecoledger.ledger.services.rectification import (
    MeasureInput,
    add_evidence,
    report_progress,
    save_plan,
    set_measure_done,
    start_rectification,
    submit_for_acceptance,
)
from ecoledger.ledger.services.registration import (
    TicketInput,
    add_ticket,
    register_problem,
    update_problem,
)
from ecoledger.ledger.services.source_plans import save_source_plan, set_source_measure_done
from ecoledger.ledger.services.units import UnitAssignment

__all__ = [
    "Document",
    "ImportOutcome",
    "MeasureInput",
    "ProblemImport",
    "ProgressInput",
    "TicketInput",
    "UnitAssignment",
    "accept_problem",
    "add_evidence",
    "add_ticket",
    "arbitrate_contest",
    "assign_followup",
    "check_problem_imports",
    "confirm_suspicion",
    "contest_problem",
    "decide_extension",
    "detect_rebounds",
    "dismiss_problem",
    "dismiss_suspicion",
    "extend_deadline",
    "import_problems",
    "link_problems",
    "rebound_problem",
    "record_followup",
    "record_imported_acceptance",
    "register_problem",
    "reject_problem",
    "related_problems",
    "report_progress",
    "request_extension",
    "save_plan",
    "save_source_plan",
    "schedule_followups",
    "set_measure_done",
    "set_source_measure_done",
    "start_rectification",
    "submit_for_acceptance",
    "update_problem",
    "verify_problem",
]
