"""The action forms of the problem page: for each workflow action, its form and its service call.

The page offers exactly ``workflow.available_actions(problem, user)``; each
form posts to one view that checks the action is allowed, validates the form
and calls the service named here. The services check role, scope and state
again; nothing here writes on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ecoledger.ledger import services
from ecoledger.ledger.choices import Action, ArbitrationDecision
from ecoledger.ledger.models import Evidence, Problem
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.models import User
from ecoledger.web import forms as f


@dataclass(frozen=True)
class Outcome:
    message: str
    data: dict[str, Any] = field(default_factory=dict)


Perform = Callable[[Problem, User, Any], Outcome]


@dataclass(frozen=True)
class ActionSpec:
    action: Action
    form: type[f.ActionForm]
    perform: Perform
    template: str = "web/ledger/actions/generic.html"
    uploads: bool = False
    caution: bool = False
    aliases: dict[str, str] = field(default_factory=dict)


def _verify(problem: Problem, user: User, form: f.VerifyForm) -> Outcome:
    data = form.cleaned_data
    services.verify_problem(
        problem, acting_user=user, units=form.units(), deadline=data["deadline"],
        severity=data["severity"], category=data["category"],
        responsible_person=data["responsible_person"], note=data["note"],
    )
    return Outcome(_("Verified and assigned; the deadline is %(date)s.") % {
        "date": data["deadline"]})


def _dismiss(problem: Problem, user: User, form: f.ReasonForm) -> Outcome:
    services.dismiss_problem(problem, acting_user=user, reason=form.cleaned_data["reason"])
    return Outcome(_("The problem was dismissed."))


def _contest(problem: Problem, user: User, form: f.ReasonForm) -> Outcome:
    services.contest_problem(problem, acting_user=user, reason=form.cleaned_data["reason"])
    return Outcome(_("The assignment was contested; a supervisor will arbitrate."))


def _arbitrate(problem: Problem, user: User, form: f.ArbitrateForm) -> Outcome:
    data = form.cleaned_data
    reassign = data["decision"] == ArbitrationDecision.REASSIGN
    services.arbitrate_contest(
        problem, acting_user=user, decision=data["decision"], reason=data["reason"],
        units=form.units() if reassign else None, deadline=data["deadline"],
    )
    return Outcome(_("The problem was reassigned.") if reassign
                   else _("The assignment was upheld."))


def _start(problem: Problem, user: User, form: f.ConfirmForm) -> Outcome:
    services.start_rectification(problem, acting_user=user)
    return Outcome(_("Rectification started."))


def _plan(problem: Problem, user: User, form: f.PlanForm) -> Outcome:
    data = form.cleaned_data
    services.save_plan(problem, acting_user=user, goal=data["goal"], summary=data["summary"],
                       measures=form.measure_inputs())
    return Outcome(_("The plan was saved."))


def _evidence_data(items: list[Evidence]) -> dict[str, Any]:
    return {"evidence": [
        {"id": item.pk, "name": item.original_name, "sha256": item.sha256, "size": item.size,
         "is_image": item.is_image, "url": reverse("web:evidence-file", args=[item.pk])}
        for item in items
    ]}


def _add_files(problem: Problem, user: User, form: f.ActionForm, report: Any = None) -> list:
    data = form.cleaned_data
    return [
        services.add_evidence(problem, acting_user=user, upload=upload, name=upload.name,
                              stage=data["stage"], description=data.get("description", ""),
                              progress_report=report)
        for upload in data["files"]
    ]


def _progress(problem: Problem, user: User, form: f.ProgressForm) -> Outcome:
    with transaction.atomic():  # the report and its files together, or neither
        report = services.report_progress(problem, acting_user=user,
                                          text=form.cleaned_data["text"])
        added = _add_files(problem, user, form, report)
    return Outcome(_("Progress reported."), _evidence_data(added))


def _evidence(problem: Problem, user: User, form: f.EvidenceForm) -> Outcome:
    with transaction.atomic():
        added = _add_files(problem, user, form)
    count = len(added)
    return Outcome(ngettext("%(count)d file added: %(names)s", "%(count)d files added: %(names)s",
                            count)
                   % {"count": count, "names": ", ".join(item.original_name for item in added)},
                   _evidence_data(added))


def _submit(problem: Problem, user: User, form: f.SubmitForm) -> Outcome:
    services.submit_for_acceptance(problem, acting_user=user,
                                   summary=form.cleaned_data["summary"])
    return Outcome(_("Submitted for acceptance."))


def _reject(problem: Problem, user: User, form: f.RejectForm) -> Outcome:
    data = form.cleaned_data
    services.reject_problem(problem, acting_user=user, reason=data["reason"],
                            deadline=data["deadline"])
    return Outcome(_("The submission was rejected; the problem is back in rectification."))


def _accept(problem: Problem, user: User, form: f.AcceptForm) -> Outcome:
    data = form.cleaned_data
    services.accept_problem(problem, acting_user=user, opinion=data["opinion"],
                            method=data["method"])
    return Outcome(_("Accepted; the problem is closed."))


def _rebound(problem: Problem, user: User, form: f.ReasonDeadlineForm) -> Outcome:
    data = form.cleaned_data
    services.rebound_problem(problem, acting_user=user, reason=data["reason"],
                             deadline=data["deadline"])
    return Outcome(_("The problem was reopened as a rebound."))


def _request_extension(problem: Problem, user: User, form: f.ReasonDeadlineForm) -> Outcome:
    data = form.cleaned_data
    services.request_extension(problem, acting_user=user, deadline=data["deadline"],
                               reason=data["reason"])
    return Outcome(_("The extension was requested; a supervisor will decide."))


def _decide_extension(problem: Problem, user: User, form: f.DecideExtensionForm) -> Outcome:
    approve = form.cleaned_data["approve"] == "approve"
    services.decide_extension(problem, acting_user=user, approve=approve,
                              note=form.cleaned_data["note"])
    return Outcome(_("The extension was approved.") if approve
                   else _("The extension was refused."))


def _extend_deadline(problem: Problem, user: User, form: f.ReasonDeadlineForm) -> Outcome:
    data = form.cleaned_data
    services.extend_deadline(problem, acting_user=user, deadline=data["deadline"],
                             reason=data["reason"])
    return Outcome(_("The deadline is now %(date)s.") % {"date": data["deadline"]})


def _add_ticket(problem: Problem, user: User, form: f.TicketForm) -> Outcome:
    services.add_ticket(problem, acting_user=user, ticket=form.ticket())
    return Outcome(_("The source ticket was added."))


def _link(problem: Problem, user: User, form: f.LinkForm) -> Outcome:
    data = form.cleaned_data
    code = data["other"].strip()
    other = Problem.objects.visible_to(user).filter(code__iexact=code).first()
    if other is None:
        raise InvalidInput.field("other", _("No problem %(code)s in your scope.") % {
            "code": code})
    services.link_problems(problem, other, acting_user=user, kind=data["kind"], note=data["note"])
    return Outcome(_("Linked to %(code)s.") % {"code": other.code})


ACTIONS: dict[str, ActionSpec] = {
    spec.action.value: spec for spec in (
        ActionSpec(Action.VERIFY, f.VerifyForm, _verify),
        ActionSpec(Action.DISMISS, f.ReasonForm, _dismiss, caution=True),
        ActionSpec(Action.CONTEST, f.ReasonForm, _contest, caution=True),
        ActionSpec(Action.ARBITRATE, f.ArbitrateForm, _arbitrate),
        ActionSpec(Action.START, f.ConfirmForm, _start),
        ActionSpec(Action.EDIT_PLAN, f.PlanForm, _plan, template="web/ledger/actions/plan.html"),
        ActionSpec(Action.REPORT_PROGRESS, f.ProgressForm, _progress, uploads=True,
                   aliases={"file": "files"}),
        ActionSpec(Action.ADD_EVIDENCE, f.EvidenceForm, _evidence, uploads=True,
                   template="web/ledger/actions/evidence.html", aliases={"file": "files"}),
        ActionSpec(Action.SUBMIT, f.SubmitForm, _submit),
        ActionSpec(Action.REJECT, f.RejectForm, _reject, caution=True),
        ActionSpec(Action.ACCEPT, f.AcceptForm, _accept),
        ActionSpec(Action.REBOUND, f.ReasonDeadlineForm, _rebound, caution=True),
        ActionSpec(Action.REQUEST_EXTENSION, f.ReasonDeadlineForm, _request_extension),
        ActionSpec(Action.DECIDE_EXTENSION, f.DecideExtensionForm, _decide_extension,
                   template="web/ledger/actions/decide_extension.html"),
        ActionSpec(Action.EXTEND_DEADLINE, f.ReasonDeadlineForm, _extend_deadline),
        ActionSpec(Action.ADD_TICKET, f.TicketForm, _add_ticket,
                   aliases={"tickets.kind": "kind", "tickets.upstream_id": "upstream_id"}),
        ActionSpec(Action.LINK, f.LinkForm, _link),
    )
}
