"""Importing many problems at once (an Excel ledger), each made as the single services make it.

A ledger row is a problem's history: registered (``register_problem``),
dismissed, or verified, started, planned, reported on, handed in with its
document and accepted (``verify_problem`` … ``record_imported_acceptance``),
each step on the day the ledger gives. Calling those services row by row
costs some 120 SQL statements per closed row; ``import_problems`` makes a
batch of histories in one transaction and a few statements per table:

1. each history is checked with the single services' own checks, in the
   order they run them: ``checked_facts`` (role, scope, location, facts),
   the code's shape and uniqueness, the workflow table (scope, role, state,
   duty, required inputs: ``_authorize``), ``check_deadline``,
   ``validate_units``, the plan's measures, the document's upload checks,
   the acceptance method. A refused history gets the refusal the first
   refusing service would have given and the others go on;
2. each step is laid out on the unsaved problem as ``workflow.apply`` does
   it: the same fields and the same audit entry (action, actor, target,
   subject, changes, message, moment), and the code comes from ``CodeBatch``
   in the order ``next_code``/``claim_code`` would have given it;
3. everything is written in bulk: problems in their final state, the
   caller's keys (``keep``), units, plans, measures, progress reports,
   documents, acceptances, follow-ups, tallies and week tallies summed over
   the batch, then the audit entries in the order the services write them.

Guards of the workflow that read stored rows (only the imported-acceptance
row's: the problem came from a ledger, which ``keep`` records) are asked
once the rows are stored, still inside the transaction, once for the batch.

``problem_closed`` is not sent for these closings. Its receivers are the
ledger's follow-up scheduling, done here by ``plan_followups`` with the same
rule, and intake's answers to complaints, of which a problem made in this
batch has none (no complaint can point at a problem not yet made); any other
receiver stops the import (``_check_closing_receivers``) until it is covered.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoledger.audit.services import Entry, changes_between, record_many
from ecoledger.ledger import integrity, tallies, weekly, workflow
from ecoledger.ledger.choices import (
    DUTY_ROLES,
    AcceptanceMethod,
    Action,
    EvidenceStage,
    Status,
    UnitRole,
)
from ecoledger.ledger.codes import CodeBatch
from ecoledger.ledger.followup_plan import InspectorPool
from ecoledger.ledger.models import (
    Acceptance,
    Evidence,
    FollowUp,
    Measure,
    Problem,
    ProblemUnit,
    ProgressReport,
    RectificationPlan,
)
from ecoledger.ledger.schedule import schedule_due_on
from ecoledger.ledger.services.acceptance import check_method
from ecoledger.ledger.services.assignment import check_deadline
from ecoledger.ledger.services.followups import plan_followups
from ecoledger.ledger.services.rectification import MeasureInput, measure_errors
from ecoledger.ledger.services.registration import (
    check_code_shape,
    checked_facts,
    code_taken,
    registration_changes,
)
from ecoledger.ledger.services.units import (
    Unit,
    UnitAssignment,
    describe_rows,
    validate_units,
)
from ecoledger.ledger.signals import problem_closed
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, DomainError, InvalidInput
from ecoledger.lib.imagehash import hash_file
from ecoledger.lib.uploads import inspect_upload
from ecoledger.org.choices import Role
from ecoledger.org.models import Department, Region, User

# The moments of a history's days: found (registered, verified, started, planned one minute
# apart), progress reported, handed in (planned, document, submitted, accepted).
FOUND_AT = time(8, 0)
PROGRESS_AT = time(12, 0)
HANDED_IN_AT = time(17, 0)
HANDED_IN = frozenset({Status.PENDING_ACCEPTANCE, Status.CLOSED})
STARTED = frozenset({Status.RECTIFYING, *HANDED_IN})
ASSIGNED = frozenset({Status.ASSIGNED, *STARTED})
# The receivers of ``problem_closed`` whose effects a batch makes itself (see the docstring).
COVERED_CLOSING_RECEIVERS = frozenset({"ledger.schedule_followups", "intake.answer_on_close"})


def moment(day: date, at: time, step: int = 0) -> datetime:
    """A local moment of the day, ``step`` minutes on, so that one day's steps keep their order."""
    local = datetime.combine(day, at) + timedelta(minutes=step)
    return timezone.make_aware(local, timezone.get_default_timezone())


@dataclass(frozen=True)
class ProgressInput:
    text: str
    on: date


@dataclass(frozen=True)
class Document:
    """The file a handed-in history is submitted with (a ledger row: its line of the ledger)."""

    name: str
    content: bytes
    description: str = ""


@dataclass
class ProblemImport:
    """One problem's history: its facts and how far it went, on which days.

    ``facts`` are ``register_problem``'s keywords. By ``status``: a dismissed
    problem is dismissed with ``reason``; an assigned one (and beyond) is
    verified with ``units``, ``deadline`` and ``note``; a rectifying one is
    also started; one with a ``goal`` gets its plan the day it was found, or,
    when handed in, that day; ``progress`` is reported on its days; a handed-in
    one is submitted on ``handed_in_on`` with ``summary`` and ``document``,
    and a closed one accepted then with ``opinion``. ``reference`` is the
    caller's (a ledger row), returned with the problem or the refusal.
    """

    facts: dict[str, Any]
    status: str
    reported_on: date
    code: str = ""
    reason: str = ""
    units: UnitAssignment | None = None
    deadline: date | None = None
    note: str = ""
    goal: str = ""
    measures: Sequence[MeasureInput] = ()
    progress: Sequence[ProgressInput] = ()
    handed_in_on: date | None = None
    summary: str = ""
    document: Document | None = None
    opinion: str = ""
    method: str = AcceptanceMethod.DOCUMENTS
    reference: Any = None


Refusal = tuple[ProblemImport, DomainError]


@dataclass
class ImportOutcome:
    made: list[tuple[ProblemImport, Problem]] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def check_problem_imports(items: Sequence[ProblemImport], *, acting_user: User) -> list[Refusal]:
    """The refusals ``import_problems`` would give these histories, writing nothing (a dry run)."""
    return _Batch(items, acting_user, CodeBatch(dry_run=True), pool=None).refused


@transaction.atomic
def import_problems(
    items: Sequence[ProblemImport],
    *,
    acting_user: User,
    keep: Callable[[list[tuple[ProblemImport, Problem]]], None] | None = None,
) -> ImportOutcome:
    """Make the problem of every history that the services would take, and refuse the others.

    ``keep`` is called with the problems just stored, before anything else of
    theirs: the importer keys them (which the imported-acceptance guard asks).
    """
    _check_closing_receivers()
    batch = _Batch(items, acting_user, CodeBatch(), pool=InspectorPool())
    if batch.laid:
        batch.write(keep)
    return ImportOutcome([(laid.item, laid.problem) for laid in batch.laid], batch.refused)


def _check_closing_receivers() -> None:
    connected = {key[0][0] if isinstance(key[0], tuple) else key[0]
                 for key in problem_closed.receivers}
    uncovered = connected - COVERED_CLOSING_RECEIVERS
    if uncovered:
        raise RuntimeError(
            f"problem_closed has receivers that a batch import does not cover: "
            f"{', '.join(sorted(map(str, uncovered)))}; cover them in ledger.services.imports."
        )


def _visible(problem: Problem, units: list[tuple[str, Unit]], user: User) -> bool:
    """``Problem.objects.allows`` for a problem not stored yet, its units in hand."""
    if user.role == Role.DEPARTMENT_OFFICER:
        return any(isinstance(unit, Department) and unit.pk == user.department_id
                   for _role, unit in units)
    return Problem.objects.allows(user, problem)


def _held(units: list[tuple[str, Unit]], user: User) -> set[str]:
    """``workflow.unit_roles_of`` over the units in hand."""
    if user.role == Role.DEPARTMENT_OFFICER:
        return {role for role, unit in units
                if isinstance(unit, Department) and unit.pk == user.department_id}
    return {role for role, unit in units
            if isinstance(unit, Region) and user.region.contains(unit)}


def _authorize(problem: Problem, units: list[tuple[str, Unit]], action: Action, user: User,
               inputs: Mapping[str, Any], *, visible: bool) -> workflow.Transition:
    """``workflow.authorize`` for a problem not stored yet, its units in hand.

    The same table check and messages; a guard (which reads stored rows) is
    asked after the batch is stored (``_Batch.write``).
    """
    if not visible:
        raise ActionRefused(_("This problem is outside your scope."), code="refused_scope")
    row, refusal, reason = workflow.check_table(problem.status, action, user,
                                                lambda: _held(units, user))
    if row is None:
        raise workflow.refusal_error(refusal, reason)
    workflow.check_inputs(row, inputs)
    return row


class _Laid:
    """One history laid out: its unsaved problem and all that the services would write."""

    def __init__(self, item: ProblemImport, user: User) -> None:
        self.item, self.user = item, user
        self.problem: Problem
        self.units: list[tuple[str, Unit]] = []
        self.reported_departments: set[int] = set()
        self.plan: RectificationPlan | None = None
        self.measures: list[Measure] = []
        self.reports: list[ProgressReport] = []
        self.evidence: Evidence | None = None
        self.acceptance: Acceptance | None = None
        self.followups: list[FollowUp] = []
        self.entries: list[Entry] = []
        self.visible: bool | None = None

    def departments(self) -> set[int]:
        return {unit.pk for _role, unit in self.units if isinstance(unit, Department)}

    def authorize(self, action: Action, inputs: Mapping[str, Any]) -> workflow.Transition:
        # Only a department officer's view depends on the units; other roles see by the
        # problem's place, which its history never moves: asked once.
        if self.visible is None or self.user.role == Role.DEPARTMENT_OFFICER:
            self.visible = _visible(self.problem, self.units, self.user)
        return _authorize(self.problem, self.units, action, self.user, inputs,
                          visible=self.visible)

    def apply(self, row: workflow.Transition, now: datetime, *,
              fields: Mapping[str, Any] | None = None, extra: dict[str, list[Any]] | None = None,
              message: str = "", target: Any = None) -> None:
        """``workflow.apply`` on the unsaved problem: the fields set, the entry kept."""
        values = dict(fields or {})
        if row.target is not None:
            values["status"] = row.target
        before = {name: getattr(self.problem, name) for name in values}
        for name, value in values.items():
            setattr(self.problem, name, value)
        self.problem.updated_at = now
        self.entries.append(Entry(
            f"ledger.problem.{row.event}", self.user, target or self.problem, self.problem,
            {**changes_between(before, values), **(extra or {})}, message, now,
        ))

    def lay_out(self, taken: set[str]) -> None:
        """Every step of the history, checked as its service checks it, in the services' order."""
        item = self.item
        self.register(taken)
        if item.status == Status.DISMISSED:
            reason = item.reason.strip()
            row = self.authorize(Action.DISMISS, {"reason": reason})
            self.apply(row, self.problem.reported_at, message=reason)
        if item.status not in ASSIGNED:
            return
        self.verify(moment(item.reported_on, FOUND_AT, 1))
        if item.status in STARTED:
            self.apply(self.authorize(Action.START, {}), moment(item.reported_on, FOUND_AT, 2))
        if item.goal and item.status not in HANDED_IN:
            self.save_plan(moment(item.reported_on, FOUND_AT, 3))
        for step, line in enumerate(item.progress):
            now = moment(line.on, PROGRESS_AT, step)
            text = line.text.strip()
            row = self.authorize(Action.REPORT_PROGRESS, {"text": text})
            report = ProgressReport(problem=self.problem, author=self.user, text=text,
                                    created_at=now)
            self.reports.append(report)
            self.apply(row, now, target=report, message=report.text)
        if item.status in HANDED_IN:
            self.hand_in()

    def register(self, taken: set[str]) -> None:
        item, user = self.item, self.user
        facts = checked_facts(user, **item.facts)
        code = check_code_shape(item.code) if item.code else ""
        if code in taken:
            raise code_taken(code)
        now = moment(item.reported_on, FOUND_AT)
        self.problem = Problem(
            **facts, code=code, district_id=facts["region"].district_id, status=Status.REPORTED,
            reported_at=now, reported_by=user, updated_at=now,
        )
        if user.role == Role.DEPARTMENT_OFFICER:
            self.units = [(UnitRole.LEAD, user.department)]
        self.reported_departments = self.departments()
        self.entries.append(Entry("ledger.problem.registered", user, self.problem, None,
                                  registration_changes(facts), "", now))

    def verify(self, now: datetime) -> None:
        item, problem = self.item, self.problem
        units, deadline = item.units, item.deadline
        row = self.authorize(Action.VERIFY, {"lead_unit": units.lead if units else None,
                                             "deadline": deadline})
        assert units is not None and deadline is not None
        with clock.frozen_at(now):
            check_deadline(deadline)
        validate_units(problem, units)
        today = timezone.localdate(now)
        fields = {
            "deadline": deadline, "assigned_at": now, "started_on": today,
            "schedule_due_on": schedule_due_on(today, deadline, problem.measures_total,
                                               problem.measures_done),
        }
        before = describe_rows(self.units)
        self.units = list(units.rows())
        after = describe_rows(self.units)
        self.apply(row, now, fields=fields, message=item.note,
                   extra={"units": [before, after]} if before != after else {})

    def save_plan(self, now: datetime) -> None:
        item, problem, user = self.item, self.problem, self.user
        goal = item.goal.strip()
        row = self.authorize(Action.EDIT_PLAN, {"goal": goal})
        measure_errors(item.measures, problem.deadline, existing=())
        self.plan = RectificationPlan(problem=problem, goal=goal, summary="", updated_by=user,
                                      updated_at=now)
        self.measures = [
            Measure(plan=self.plan, position=position, description=line.description.strip(),
                    owner=line.owner.strip(), due_on=line.due_on,
                    done_at=now if line.done else None, done_by=user if line.done else None)
            for position, line in enumerate(item.measures)
        ]
        total, done = len(self.measures), sum(1 for m in self.measures if m.done_at is not None)
        fields = {"measures_total": total, "measures_done": done,
                  "schedule_due_on": schedule_due_on(problem.started_on, problem.deadline,
                                                     total, done)}
        self.apply(row, now, fields=fields, target=self.plan, extra={"goal": [None, goal]})

    def hand_in(self) -> None:
        item, user = self.item, self.user
        day = item.handed_in_on
        assert day is not None
        if item.goal:
            self.save_plan(moment(day, HANDED_IN_AT))
        if item.document is not None:
            self.add_document(item.document, moment(day, HANDED_IN_AT, 1))
        now = moment(day, HANDED_IN_AT, 2)
        summary = item.summary.strip()
        row = self.authorize(Action.SUBMIT, {"summary": summary})
        if self.evidence is None:
            raise InvalidInput.field(
                "evidence",
                _("Attach at least one after-rectification photo or supporting document first."),
            )
        self.acceptance = Acceptance(problem=self.problem, submitted_by=user, submitted_at=now,
                                     submission=summary)
        self.apply(row, now, fields={"submitted_at": now, "submitted_by_id": user.pk},
                   target=self.acceptance, message=summary)
        if item.status == Status.CLOSED:
            self.accept(moment(day, HANDED_IN_AT, 3))

    def add_document(self, document: Document, now: datetime) -> None:
        row = self.authorize(Action.ADD_EVIDENCE, {"file": document.name})
        description = document.description.strip()
        if len(description) > 255:
            raise InvalidInput.field("description",
                                     _("Keep the description within 255 characters."))
        upload = io.BytesIO(document.content)
        facts = inspect_upload(upload, document.name)
        photo = facts.photo
        perceptual_hash = (hash_file(upload) or "") if photo else ""
        self.evidence = Evidence(
            problem=self.problem, stage=EvidenceStage.DOCUMENT,
            original_name=document.name[:255], content_type=facts.content_type,
            size=facts.size, sha256=facts.sha256, description=description,
            uploaded_by=self.user, uploaded_at=now,
            taken_at=photo.taken_at if photo else None,
            photo_latitude=photo.latitude if photo else None,
            photo_longitude=photo.longitude if photo else None,
            camera=photo.camera[:100] if photo else "",
            width=photo.width if photo else None, height=photo.height if photo else None,
            perceptual_hash=perceptual_hash, **integrity.hash_bands(perceptual_hash),
        )
        self.apply(row, now, target=self.evidence, extra={
            "evidence": [None, f"{self.evidence.original_name} sha256:{facts.sha256}"]})

    def accept(self, now: datetime) -> None:
        opinion = self.item.opinion.strip()
        row = self.authorize(Action.RECORD_IMPORTED_ACCEPTANCE, {"opinion": opinion})
        check_method(self.item.method)
        review = self.acceptance
        assert review is not None
        review.reviewer, review.reviewed_at, review.passed = self.user, now, True
        review.method, review.opinion = self.item.method, opinion
        self.apply(row, now, fields={"closed_at": now}, target=review, message=opinion)

    def duty_regions(self) -> list[Region]:
        return [unit for role, unit in self.units
                if role in DUTY_ROLES and isinstance(unit, Region)]


class _Batch:
    """The histories laid out in order, with their codes (and, to write, their follow-ups)."""

    def __init__(self, items: Sequence[ProblemImport], user: User, codes: CodeBatch,
                 pool: InspectorPool | None) -> None:
        self.user, self.codes = user, codes
        self.laid: list[_Laid] = []
        self.refused: list[Refusal] = []
        given = {item.code.strip() for item in items if item.code}
        taken = set(Problem.objects.filter(code__in=sorted(given)).values_list("code", flat=True))
        for item in items:
            laid = _Laid(item, user)
            try:
                laid.lay_out(taken)
            except DomainError as error:
                self.refused.append((item, error))
                continue
            problem = laid.problem
            if problem.code:
                codes.claim(problem.code)
            else:
                problem.code = codes.next(item.reported_on.year)
            taken.add(problem.code)
            if pool is not None and problem.status == Status.CLOSED:
                with clock.frozen_at(problem.closed_at):
                    laid.followups, entry = plan_followups(
                        problem, acting_user=user, pool=pool, duty_regions=laid.duty_regions())
                laid.entries.append(entry)
            self.laid.append(laid)

    def write(self, keep: Callable[[list[tuple[ProblemImport, Problem]]], None] | None) -> None:
        laid = self.laid
        self.codes.save()
        Problem.objects.bulk_create([item.problem for item in laid])
        if keep is not None:
            keep([(item.item, item.problem) for item in laid])
        self._ask_guards()
        ProblemUnit.objects.bulk_create([
            ProblemUnit(problem=item.problem, role=role,
                        region=unit if isinstance(unit, Region) else None,
                        department=unit if isinstance(unit, Department) else None)
            for item in laid for role, unit in item.units
        ])
        RectificationPlan.objects.bulk_create([item.plan for item in laid if item.plan])
        Measure.objects.bulk_create([m for item in laid for m in item.measures])
        ProgressReport.objects.bulk_create([r for item in laid for r in item.reports])
        evidence = [item for item in laid if item.evidence is not None]
        for item in evidence:
            document, stored = item.item.document, item.evidence
            assert document is not None and stored is not None
            stored.problem = item.problem  # its file's path is named after the stored problem
            stored.file.save(document.name, File(io.BytesIO(document.content)), save=False)
        Evidence.objects.bulk_create([item.evidence for item in evidence])  # type: ignore[misc]
        Acceptance.objects.bulk_create([item.acceptance for item in laid if item.acceptance])
        FollowUp.objects.bulk_create([f for item in laid for f in item.followups])
        self._count()
        record_many([entry for item in laid for entry in item.entries])
        for item in evidence:
            integrity.record_lookalikes(item.evidence)  # type: ignore[arg-type]

    def _ask_guards(self) -> None:
        """The workflow's guards that read stored rows, asked of the stored problems."""
        reason = workflow.imported_acceptance_refusal(
            [item.problem for item in self.laid if item.problem.status == Status.CLOSED])
        if reason:
            raise ActionRefused(reason, code="refused_rule")

    def _count(self) -> None:
        """The tallies (what every step moved adds up to the final keys) and the week tallies."""
        keys: Counter[tallies.Key] = Counter()
        weeks: dict[tuple[weekly.Scope, date], Counter[str]] = defaultdict(Counter)
        for item in self.laid:
            problem = item.problem
            departments = item.departments()
            keys.update(tallies.keys_for(problem, departments))
            for scope in weekly.scopes_for(problem, item.reported_departments):
                weeks[(scope, weekly.week_of(problem.reported_at))]["reported"] += 1
            if problem.status == Status.CLOSED:
                for scope in weekly.scopes_for(problem, departments):
                    weeks[(scope, weekly.week_of(problem.closed_at))].update(
                        weekly.closed_counts(problem))
        tallies.add_many(keys)
        weekly.add_counts(weeks)
