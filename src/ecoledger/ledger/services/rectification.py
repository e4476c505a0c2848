"""Rectification work: starting, the plan and its measures, progress, evidence, submission."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from ecoledger.ledger import integrity, workflow
from ecoledger.ledger.choices import Action, EvidenceStage, ExtensionStatus
from ecoledger.ledger.models import (
    Acceptance,
    Evidence,
    FollowUp,
    Measure,
    Problem,
    ProgressReport,
    RectificationPlan,
)
from ecoledger.ledger.schedule import schedule_due_on
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput
from ecoledger.lib.imagehash import hash_file
from ecoledger.lib.uploads import inspect_upload
from ecoledger.org.models import User


@dataclass(frozen=True)
class MeasureInput:
    description: str
    owner: str
    due_on: date
    done: bool = False
    id: int | None = None


@transaction.atomic
def start_rectification(problem: Problem, *, acting_user: User) -> Problem:
    row = workflow.authorize(problem, Action.START, acting_user, {})
    return workflow.apply(problem, row, acting_user)


def schedule_fields(problem: Problem, plan: RectificationPlan | None) -> dict[str, Any]:
    """Measure counts and the behind-schedule date, recomputed from the plan."""
    measures = list(plan.measures.all()) if plan else []
    total = len(measures)
    done = sum(1 for measure in measures if measure.done_at is not None)
    return {
        "measures_total": total,
        "measures_done": done,
        "schedule_due_on": schedule_due_on(problem.started_on, problem.deadline, total, done),
    }


def measure_errors(
    measures: Sequence[MeasureInput], deadline: date | None, *, existing: Collection[int]
) -> None:
    """Refuse a plan's measures that lack a description or owner, fall due after the
    deadline, or name a measure the plan (``existing``) does not have."""
    errors: dict[str, str] = {}
    for index, item in enumerate(measures):
        if not item.description.strip():
            errors[f"measures.{index}.description"] = _("Describe the measure.")
        if not item.owner.strip():
            errors[f"measures.{index}.owner"] = _("Name who carries it out.")
        if deadline is not None and item.due_on > deadline:
            errors[f"measures.{index}.due_on"] = _(
                "Due on %(due)s, after the problem's deadline %(deadline)s."
            ) % {"due": item.due_on, "deadline": deadline}
        if item.id is not None and item.id not in existing:
            errors[f"measures.{index}.id"] = _("No such measure in this plan.")
    if errors:
        raise InvalidInput(_("The plan is not valid."), fields=errors)


def write_measures(
    plan: RectificationPlan, measures: Sequence[MeasureInput], actor: User,
    deadline: date | None,
) -> None:
    """Replace the plan's measures by the given list, keeping done marks of kept ones."""
    existing = {measure.pk: measure for measure in plan.measures.all()}
    measure_errors(measures, deadline, existing=existing)
    kept = {item.id for item in measures if item.id is not None}
    plan.measures.exclude(pk__in=kept).delete()
    now = clock.now()
    for position, item in enumerate(measures):
        measure = existing.get(item.id) if item.id is not None else None
        measure = measure or Measure(plan=plan)
        measure.position = position
        measure.description = item.description.strip()
        measure.owner = item.owner.strip()
        measure.due_on = item.due_on
        if item.done and measure.done_at is None:
            measure.done_at, measure.done_by = now, actor
        elif not item.done:
            measure.done_at, measure.done_by = None, None
        measure.save()


@transaction.atomic
def save_plan(
    problem: Problem,
    *,
    acting_user: User,
    goal: str,
    measures: Sequence[MeasureInput],
    summary: str = "",
) -> RectificationPlan:
    """Write the problem's plan (整改方案): its goal and its measures with owners and due dates."""
    row = workflow.authorize(problem, Action.EDIT_PLAN, acting_user, {"goal": goal.strip()})
    plan, created = RectificationPlan.objects.get_or_create(
        problem=problem,
        defaults={"goal": goal.strip(), "summary": summary.strip(), "updated_by": acting_user,
                  "updated_at": clock.now()},
    )
    before = {"goal": None if created else plan.goal, "measures": problem.measures_total}
    plan.goal, plan.summary = goal.strip(), summary.strip()
    plan.updated_by, plan.updated_at = acting_user, clock.now()
    plan.save()
    write_measures(plan, measures, acting_user, problem.deadline)
    fields = schedule_fields(problem, plan)
    workflow.apply(
        problem, row, acting_user, fields=fields, target=plan,
        effects=lambda: {"goal": [before["goal"], plan.goal]} if before["goal"] != plan.goal
        else {},
    )
    return plan


@transaction.atomic
def set_measure_done(measure: Measure, *, acting_user: User, done: bool = True) -> Measure:
    problem = measure.plan.problem
    if problem is None:
        from ecoledger.ledger.services.source_plans import set_source_measure_done

        return set_source_measure_done(measure, acting_user=acting_user, done=done)
    row = workflow.authorize(problem, Action.EDIT_PLAN, acting_user, {"goal": measure.plan.goal})
    before = measure.done_at is not None
    if done and measure.done_at is None:
        measure.done_at, measure.done_by = clock.now(), acting_user
    elif not done:
        measure.done_at, measure.done_by = None, None
    measure.save(update_fields=["done_at", "done_by"])
    workflow.apply(
        problem, row, acting_user, fields=schedule_fields(problem, measure.plan), target=measure,
        effects=lambda: {"done": [before, done]},
    )
    return measure


@transaction.atomic
def report_progress(problem: Problem, *, acting_user: User, text: str) -> ProgressReport:
    row = workflow.authorize(problem, Action.REPORT_PROGRESS, acting_user, {"text": text.strip()})
    report = ProgressReport.objects.create(
        problem=problem, author=acting_user, text=text.strip(), created_at=clock.now()
    )
    workflow.apply(problem, row, acting_user, target=report, message=report.text)
    return report


@transaction.atomic
def add_evidence(
    problem: Problem,
    *,
    acting_user: User,
    upload: IO[bytes],
    name: str,
    stage: str,
    description: str = "",
    progress_report: ProgressReport | None = None,
    follow_up: FollowUp | None = None,
) -> Evidence:
    """Attach a file after checking its size and real type; keep its digests and photo facts.

    A photo also gets its perceptual hash, which finds it again when the same
    picture, re-saved or resized, turns up on another problem: it is paired
    here, once, with the photos on other problems that are or look the same.
    """
    row = workflow.authorize(problem, Action.ADD_EVIDENCE, acting_user, {"file": name})
    if stage not in EvidenceStage.values:
        raise InvalidInput.field("stage", _("Choose one of: %(values)s.") % {
            "values": ", ".join(EvidenceStage.values)})
    if (stage == EvidenceStage.FOLLOW_UP) != (follow_up is not None):
        raise InvalidInput.field("stage", _("Follow-up photos come with a follow-up's finding."))
    if progress_report is not None and progress_report.problem_id != problem.pk:
        raise InvalidInput.field("progress_report", _("That report belongs to another problem."))
    if len(description.strip()) > 255:
        raise InvalidInput.field("description", _("Keep the description within 255 characters."))
    facts = inspect_upload(upload, name)
    duplicate = problem.evidence.filter(sha256=facts.sha256).first()
    if duplicate is not None:
        raise InvalidInput.field(
            "file", _("This file is already attached as %(name)s.") % {"name": duplicate}
        )
    photo = facts.photo
    perceptual_hash = (hash_file(upload) or "") if photo else ""
    evidence = Evidence(
        problem=problem,
        progress_report=progress_report,
        follow_up=follow_up,
        stage=stage,
        original_name=name[:255],
        content_type=facts.content_type,
        size=facts.size,
        sha256=facts.sha256,
        description=description.strip(),
        uploaded_by=acting_user,
        uploaded_at=clock.now(),
        taken_at=photo.taken_at if photo else None,
        photo_latitude=photo.latitude if photo else None,
        photo_longitude=photo.longitude if photo else None,
        camera=photo.camera[:100] if photo else "",
        width=photo.width if photo else None,
        height=photo.height if photo else None,
        perceptual_hash=perceptual_hash,
        **integrity.hash_bands(perceptual_hash),
    )
    evidence.file.save(name, File(upload), save=False)
    evidence.save()
    workflow.apply(
        problem, row, acting_user, target=evidence,
        effects=lambda: {"evidence": [None, f"{evidence.original_name} sha256:{facts.sha256}"]},
    )
    # After the audit event: its chain head stays locked until commit, which
    # orders this search after any look-alike stored at the same moment.
    integrity.record_lookalikes(evidence)
    return evidence


@transaction.atomic
def submit_for_acceptance(problem: Problem, *, acting_user: User, summary: str) -> Acceptance:
    """Declare the work done and ask for acceptance; the submission carries its evidence."""
    row = workflow.authorize(problem, Action.SUBMIT, acting_user, {"summary": summary.strip()})
    results = problem.evidence.filter(stage__in=[EvidenceStage.AFTER, EvidenceStage.DOCUMENT])
    if not results.exists():
        raise InvalidInput.field(
            "evidence",
            _("Attach at least one after-rectification photo or supporting document first."),
        )
    if problem.rebound_count and problem.started_on is not None and not results.filter(
        uploaded_at__date__gte=problem.started_on
    ).exists():
        # The earlier round's results did not hold: this round needs its own.
        raise InvalidInput.field("evidence", _(
            "The problem came back: attach a photo or document of this round's result, taken "
            "since rectification restarted on %(day)s.") % {"day": problem.started_on})
    now = clock.now()
    # A request for more time is moot once the work is handed in.
    problem.extensions.filter(status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.WITHDRAWN, decided_at=now
    )
    acceptance = Acceptance.objects.create(
        problem=problem, submitted_by=acting_user, submitted_at=now, submission=summary.strip()
    )
    workflow.apply(
        problem, row, acting_user,
        fields={"submitted_at": now, "submitted_by_id": acting_user.pk},
        target=acceptance, message=summary.strip(),
    )
    return acceptance
