"""Follow-ups (回头看): scheduled when a problem closes, carried out by an inspector elsewhere.

A finding of rebound reopens the problem through the workflow's rebound
transition, with a deadline ``REBOUND_DEADLINE_DAYS`` ahead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoledger.audit.services import Entry, record
from ecoledger.ledger import workflow
from ecoledger.ledger.choices import (
    Action,
    EvidenceStage,
    FollowUpFinding,
    FollowUpStatus,
    Status,
    SuspicionStatus,
)
from ecoledger.ledger.followup_plan import (
    InspectorPool,
    choose_inspector,
    drawn_in_sample,
    eligible_inspectors,
    offsets_for,
    risk_of,
)
from ecoledger.ledger.models import Evidence, FollowUp, Problem
from ecoledger.ledger.services.acceptance import reopen_as_rebound
from ecoledger.ledger.services.rectification import add_evidence
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput, StateConflict
from ecoledger.org.choices import Role
from ecoledger.org.models import Region, User

Upload = tuple[IO[bytes], str]


@transaction.atomic
def schedule_followups(problem: Problem, *, acting_user: User) -> list[FollowUp]:
    """Plan the checks of a problem that has just closed.

    Steps: weigh the risk; a problem without risk gets checks only when drawn
    in the sample; one check per offset of its domain, each to the eligible
    inspector with the fewest pending checks; one audit event that says what
    was decided and why. A second call for the same closing changes nothing.
    """
    existing = list(problem.followups.filter(round=problem.rebound_count))
    if existing:
        return existing
    made, entry = _plan(problem, acting_user, lambda: choose_inspector(problem), save=True)
    record(entry.action, actor=acting_user, target=problem, changes=entry.changes,
           message=entry.message)
    return made


def plan_followups(
    problem: Problem, *, acting_user: User, pool: InspectorPool, duty_regions: Sequence[Region]
) -> tuple[list[FollowUp], Entry]:
    """``schedule_followups`` for a problem closed in a batch, without writing.

    The same risk, sample, offsets and inspector rule, the inspector chosen
    from ``pool`` (read once per batch) given the problem's lead and
    responsible regions; returns the unsaved follow-ups and the audit entry,
    for the batch to create and record with the rest. Only for a closing that
    has no follow-ups yet, which a problem made by the batch is.
    """
    return _plan(problem, acting_user, lambda: pool.choose(duty_regions), save=False)


def _plan(problem: Problem, acting_user: User, choose: Callable[[], User | None], *,
          save: bool) -> tuple[list[FollowUp], Entry]:
    risk = risk_of(problem)
    sampled = risk.low and drawn_in_sample(problem.code, settings.FOLLOWUP_SAMPLE_PERCENT)
    closed_on = timezone.localdate(problem.closed_at or clock.now())
    made = []
    if not risk.low or sampled:
        for days in offsets_for(problem.domain):
            followup = FollowUp(
                problem=problem, round=problem.rebound_count, offset_days=days,
                due_on=closed_on + timedelta(days=days), risk=risk.score, sampled=sampled,
                inspector=choose(), scheduled_at=clock.now(),
            )
            if save:
                followup.save()
            made.append(followup)
    entry = Entry("ledger.problem.followups_scheduled", acting_user, problem,
                  changes={"followups": [None, ", ".join(_describe(f) for f in made) or "—"]},
                  message=_why(risk.reasons, risk.low, sampled), occurred_at=clock.now())
    return made, entry


def _describe(followup: FollowUp) -> str:
    who = str(followup.inspector) if followup.inspector else _("unassigned")
    return f"{followup.due_on:%Y-%m-%d} ({who})"


def _why(reasons: list[str], low: bool, sampled: bool) -> str:
    if not low:
        return _("Risk from %(reasons)s.") % {"reasons": ", ".join(reasons)}
    if sampled:
        return _("Low risk; drawn in the %(percent)s%% sample.") % {
            "percent": settings.FOLLOWUP_SAMPLE_PERCENT}
    return _("Low risk; not drawn in the %(percent)s%% sample, so no follow-up.") % {
        "percent": settings.FOLLOWUP_SAMPLE_PERCENT}


def check_may_assign(user: User) -> None:
    if user.role != Role.SUPERVISOR:
        raise ActionRefused(_("Only a supervisor assigns follow-ups."), code="refused_role")


@transaction.atomic
def assign_followup(followup: FollowUp, *, acting_user: User, inspector: User) -> FollowUp:
    """Give a pending check to another inspector (a supervisor's decision)."""
    check_may_assign(acting_user)
    if not eligible_inspectors(followup.problem).filter(pk=inspector.pk).exists():
        raise InvalidInput.field("inspector", _(
            "%(name)s is not an active inspector outside the units that rectified the problem."
        ) % {"name": inspector})
    before = str(followup.inspector or "—")
    moved = FollowUp.objects.filter(pk=followup.pk, status=FollowUpStatus.PENDING).update(
        inspector=inspector)
    if not moved:
        raise StateConflict(_("This follow-up was already recorded or cancelled."))
    followup.inspector = inspector
    record("ledger.problem.followup_assigned", actor=acting_user, target=followup,
           subject=followup.problem, changes={"inspector": [before, str(inspector)]})
    return followup


def check_may_record(followup: FollowUp, user: User) -> None:
    """Refuse unless the user is the assigned inspector and the check is pending and due."""
    if followup.inspector_id != user.pk:
        raise ActionRefused(_("This follow-up is assigned to someone else."),
                            code="refused_role")
    if followup.status != FollowUpStatus.PENDING:
        raise StateConflict(_("This follow-up was already recorded or cancelled."),
                            code="refused_state")
    if followup.due_on > clock.today():
        raise ActionRefused(_("This follow-up is not due until %(date)s.") % {
            "date": followup.due_on}, code="refused_rule")
    if followup.problem.status != Status.CLOSED:
        raise StateConflict(_("The problem is no longer closed."), code="refused_state")


@transaction.atomic
def record_followup(
    followup: FollowUp,
    *,
    acting_user: User,
    finding: str,
    note: str,
    photos: Sequence[Upload],
) -> FollowUp:
    """Record what the inspector found on site, with photos; a rebound reopens the problem.

    Steps: the inspector's right and the check's state; the finding and its
    photos (at least one photo, through the ledger's evidence checks); the
    record, compare-and-set on the pending status; its audit event; for a
    rebound, the workflow's rebound transition with a fresh deadline.
    """
    check_may_record(followup, acting_user)
    note = note.strip()
    if finding not in FollowUpFinding.values:
        raise InvalidInput.field("finding", _("Choose one of: %(values)s.") % {
            "values": ", ".join(FollowUpFinding.values)})
    if finding == FollowUpFinding.REBOUND and not note:
        raise InvalidInput.field("note", _("Say what came back."))
    if not photos:
        raise InvalidInput.field("files", _("Attach at least one photo taken on site."))
    now = clock.now()
    moved = FollowUp.objects.filter(pk=followup.pk, status=FollowUpStatus.PENDING).update(
        status=finding, note=note, recorded_at=now)
    if not moved:
        raise StateConflict(_("This follow-up was already recorded a moment ago."))
    followup.status, followup.note, followup.recorded_at = finding, note, now
    problem = followup.problem
    attached = [_attach(problem, followup, acting_user, upload, name) for upload, name in photos]
    if not any(item.is_image for item in attached):
        raise InvalidInput.field("files", _("At least one of the files must be a photo."))
    record("ledger.problem.followup_recorded", actor=acting_user, target=followup,
           subject=problem, changes={"finding": [None, finding]}, message=note)
    if finding == FollowUpFinding.REBOUND:
        row = workflow.rows_for(Action.REBOUND)[0]
        # The check's own rule (assigned inspector, due, photos) stands in for the row's
        # roles: the move, its compare-and-set, count and audit event are the workflow's.
        reopen_as_rebound(
            problem, row, acting_user=acting_user,
            reason=_("Follow-up found a rebound: %(note)s") % {"note": note},
            deadline=clock.today() + timedelta(days=settings.REBOUND_DEADLINE_DAYS),
        )
    return followup


def _attach(problem: Problem, followup: FollowUp, user: User, upload: IO[bytes],
            name: str) -> Evidence:
    try:
        return add_evidence(problem, acting_user=user, upload=upload, name=name,
                            stage=EvidenceStage.FOLLOW_UP, follow_up=followup)
    except InvalidInput as error:
        reasons = [reason for messages in error.fields.values() for reason in messages]
        raise InvalidInput(error.message, fields={"files": reasons or [error.message]}) from None


def close_open_checks(problem: Problem) -> None:
    """A reopened problem needs no more checks of its last closing, nor the suspicions about it."""
    problem.followups.filter(status=FollowUpStatus.PENDING).update(
        status=FollowUpStatus.CANCELLED)
    problem.suspicions.filter(status=SuspicionStatus.OPEN).update(
        status=SuspicionStatus.SUPERSEDED, decided_at=clock.now())
