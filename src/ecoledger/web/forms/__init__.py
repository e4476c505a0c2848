"""Forms of the ledger pages: they shape the input of the services and never change state.

Every action form is named after the inputs its service takes (``reason``,
``deadline``, ``lead_unit`` …), so an ``InvalidInput`` from a service lands
next to the field it names. Field names are prefixed by the action on the
problem page, where several forms live side by side.
"""

from ecoledger.web.forms.actions import (
    AcceptForm,
    ActionForm,
    ArbitrateForm,
    ConfirmForm,
    DecideExtensionForm,
    EvidenceForm,
    LinkForm,
    MeasureForm,
    MeasureFormSet,
    PlanForm,
    ProgressForm,
    ReasonDeadlineForm,
    ReasonForm,
    RejectForm,
    SubmitForm,
    TicketForm,
    UnitsForm,
    VerifyForm,
)
from ecoledger.web.forms.fields import (
    AccessibleForm,
    DateInput,
    filter_regions_for,
    regions_for,
)
from ecoledger.web.forms.followups import (
    AssignFollowUpForm,
    ConfirmSuspicionForm,
    DismissSuspicionForm,
    FollowUpForm,
)
from ecoledger.web.forms.problem import TICKET_ALIASES, ProblemEditForm, ProblemForm

__all__ = [
    "TICKET_ALIASES",
    "AcceptForm",
    "AccessibleForm",
    "ActionForm",
    "ArbitrateForm",
    "AssignFollowUpForm",
    "ConfirmForm",
    "ConfirmSuspicionForm",
    "DateInput",
    "DecideExtensionForm",
    "DismissSuspicionForm",
    "EvidenceForm",
    "FollowUpForm",
    "LinkForm",
    "MeasureForm",
    "MeasureFormSet",
    "PlanForm",
    "ProblemEditForm",
    "ProblemForm",
    "ProgressForm",
    "ReasonDeadlineForm",
    "ReasonForm",
    "RejectForm",
    "SubmitForm",
    "TicketForm",
    "UnitsForm",
    "VerifyForm",
    "filter_regions_for",
    "regions_for",
]
