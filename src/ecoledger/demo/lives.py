"""Planning one problem's whole life as steps on days counted from its report.

The plan follows the workflow table exactly (who may act, in which state,
within which window), so that every step succeeds when it runs: a refusal
while seeding is a bug in this plan, and it stops the seeding loudly. The
life is planned whole, and only later placed in the calendar so that the
history's end (``today``) falls where the problem's fate says it should be.

Follow-up checks (回头看) are planned on the days they fall due after each
closing; whether the problem got them (low-risk problems only when drawn in
a sample) and who was assigned is known only when the step runs.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings

from ecoledger.demo import steps, texts, voices
from ecoledger.demo.cases import Case, is_field_role
from ecoledger.ledger.choices import (
    ArbitrationDecision,
    EvidenceStage,
    Origin,
    Severity,
    Status,
    TicketKind,
)
from ecoledger.ledger.followup_plan import offsets_for
from ecoledger.ledger.services import UnitAssignment
from ecoledger.org.models import Department, Region, User

if TYPE_CHECKING:
    from ecoledger.demo.city import DemoCity

# Days from verification to the deadline, by severity (a bigger problem needs more work).
SPANS = {Severity.GENERAL: (30, 90), Severity.SERIOUS: (45, 120), Severity.MAJOR: (60, 120)}
DUPLICATE_COMPLAINT_SHARE = 0.05
# Not every finished measure gets its own progress report; some reports carry a photo.
REPORTED_MEASURE_SHARE = 0.6
# Complaints filed the evening before the supervisor opens a problem for them.
OVERNIGHT_COMPLAINT_SHARE = 0.4
# Problems that one more member of the public complains about while they are being fixed.
MERGED_COMPLAINT_SHARE = 0.12
NEARBY = 0.0008  # degrees: a complaint about the same place is pinned a few dozen metres off
# A supervisor gives some checks to another inspector; some are recorded weeks late.
REASSIGNED_CHECK_SHARE = 0.1
LATE_CHECK_SHARE = 0.15
REBOUND_WITHIN = 100  # days after closing within which a rebound shows


@dataclass(frozen=True)
class Fate:
    """Where the problem stands when the history ends, and what happened on the way."""

    target: Status
    contest: bool = False
    reject: bool = False
    laggard: bool = False  # measures behind schedule, often past the deadline
    rebound: bool = False


@dataclass
class Beat:
    day: int
    run: Callable[[], None]
    state: Status | None = None  # the state the step moves the problem to


class LifePlanner:
    """Lays out the beats of one case; ``deadline`` tracks the deadline as steps move it."""

    def __init__(self, case: Case, fate: Fate, rng: random.Random, runtime: steps.Runtime):
        self.case, self.fate, self.rng, self.runtime = case, fate, rng, runtime
        self.city: DemoCity = runtime.city
        self.beats: list[Beat] = []
        self.deadline = 0
        self.closed = 0

    def add(self, day: int, step: Callable[..., None], state: Status | None = None,
            **kwargs: Any) -> None:
        self.beats.append(Beat(day, partial(step, self.case, self.runtime, **kwargs), state))

    def plan(self) -> list[Beat]:
        """Report, then dismissal or the whole road to closure (and back, for a rebound)."""
        case, rng = self.case, self.rng
        if case.origin == Origin.COMPLAINT:
            filed = -1 if rng.random() < OVERNIGHT_COMPLAINT_SHARE else 0
            self.add(filed, steps.file_complaint, text=case.description)
            self.add(0, steps.open_problem, Status.REPORTED)
        else:
            self.add(0, steps.register, Status.REPORTED)
        field_reporter = is_field_role(case.reporter)
        self.add(0, steps.photo, stage=EvidenceStage.BEFORE, label="整改前",
                 user=case.reporter if field_reporter else self.city.inspector_of(case.district))
        if self.fate.target == Status.DISMISSED:
            self.add(rng.randint(1, 5), steps.dismiss, Status.DISMISSED,
                     reason=rng.choice(texts.DISMISS_REASONS))
            return self.beats
        if rng.random() < DUPLICATE_COMPLAINT_SHARE:
            self.add(rng.randint(1, 20), steps.add_ticket, kind=TicketKind.HOTLINE_12345)
        verified = rng.randint(1, 6)
        self.deadline = verified + rng.randint(*SPANS[Severity(case.severity)])
        self.add(verified, steps.verify, Status.ASSIGNED, deadline=self.deadline,
                 note=texts.VERIFY_NOTE.format(lead=case.lead))
        resumed, worker = verified, case.worker
        if self.fate.contest:
            resumed, worker = self._contest(verified)
        self._rectify(verified, resumed, worker)
        if rng.random() < MERGED_COMPLAINT_SHARE and self.closed - verified > 8:
            self._complaint_joins(verified)
        if self.fate.rebound:
            self._rebound(worker)
        else:
            self._followups(self.closed, 0)
        self.beats.sort(key=lambda beat: beat.day)  # stable: same-day beats keep their order
        return self.beats

    def _contest(self, verified: int) -> tuple[int, User]:
        """The lead returns the problem within the window; a supervisor upholds or reassigns."""
        case, rng = self.case, self.rng
        claimed = self._claimed_department()
        contested = verified + rng.randint(1, 2)
        self.add(contested, steps.contest, Status.CONTESTED, user=self.city.officer_of(case.lead),
                 reason=texts.CONTEST_REASON.format(other=claimed.name))
        decided = contested + rng.randint(1, 4)
        if rng.random() < 0.6:
            self.add(decided, steps.arbitrate, Status.ASSIGNED,
                     decision=ArbitrationDecision.UPHOLD, reason=texts.UPHOLD_REASON)
            return decided, case.worker
        # Reassigned: the new lead gets back the days the contest took.
        self.deadline += decided - verified
        units = UnitAssignment(lead=claimed, responsible=[case.district])
        self.add(decided, steps.arbitrate, Status.ASSIGNED, decision=ArbitrationDecision.REASSIGN,
                 reason=texts.REASSIGN_REASON.format(lead=claimed.name, district=case.district),
                 units=units, deadline=self.deadline)
        return decided, self.city.officer_of(claimed)

    def _claimed_department(self) -> Department:
        """The department the contesting unit says the problem belongs to."""
        units = self.case.units
        holding: set[Region | Department] = {units.lead, *units.responsible, *units.cooperating}
        departments = self.city.departments
        partners = [departments[slug] for slug in self.case.spec.partners]
        choices = [d for d in partners if d not in holding] or [
            d for d in departments.values() if d not in holding
        ]
        return self.rng.choice(choices)

    def _rectify(self, verified: int, resumed: int, worker: User) -> None:
        """Start, plan, measures done with progress reports, extension, submission, review."""
        case, rng = self.case, self.rng
        # Late units are often late to start as well.
        stalled = rng.random() < (0.4 if self.fate.laggard else 0.1)
        started = resumed + (rng.randint(10, 50) if stalled else rng.randint(1, 7))
        self.add(started, steps.start, Status.RECTIFYING, user=worker)
        planned = started + rng.randint(0, 2)
        span = self.deadline - verified
        chosen = rng.sample(case.spec.measures, rng.randint(2, min(4, len(case.spec.measures))))
        count = len(chosen)
        dues = [min(self.deadline, max(verified + round(span * k / count), planned + k))
                for k in range(1, count + 1)]
        self.add(planned, steps.save_plan, user=worker, goal=case.spec.goal,
                 measures=[(text, owner, due) for (text, owner), due in zip(chosen, dues,
                                                                           strict=True)])
        # Pace: the share of the period each measure takes; diligent units stay ahead of it.
        pace = rng.uniform(1.3, 2.0) if self.fate.laggard else rng.uniform(0.45, 0.85)
        done: list[int] = []
        previous = planned
        for k in range(1, count + 1):
            previous = max(verified + math.ceil(span * k / count * pace), previous + 1)
            done.append(previous)
        for position, ((text, _owner), day) in enumerate(zip(chosen, done, strict=True)):
            reported = rng.random() < REPORTED_MEASURE_SHARE
            report = texts.PROGRESS_DONE.format(measure=text) + rng.choice(texts.PROGRESS_TAILS)
            self.add(day, steps.finish_measure, user=worker, position=position,
                     report=report if reported else "",
                     with_photo=reported and rng.random() < 0.5)
        last = done[-1]
        if last - planned >= 2:
            if rng.random() < 0.5:
                self.add(rng.randint(planned + 1, last - 1), steps.progress, user=worker,
                         text=rng.choice(texts.PROGRESS_INTERIM).format(pct=rng.randint(3, 9) * 10))
            company = self.city.enterprise_user(case.enterprise) if case.enterprise else None
            if company is not None:
                self.add(rng.randint(planned + 1, last - 1), steps.progress, user=company,
                         text=texts.ENTERPRISE_PROGRESS.format(n=rng.randint(5, 300)),
                         with_photo=True)
        submitted = last + rng.randint(1, 5)
        self._extension(planned, submitted, worker)
        self.add(submitted, steps.photo, user=worker, stage=EvidenceStage.AFTER, label="整改后")
        self.add(submitted, steps.submit, Status.PENDING_ACCEPTANCE, user=worker,
                 summary=texts.SUBMIT_SUMMARY.format(count=count))
        self._review(submitted, worker)

    def _extension(self, planned: int, submitted: int, worker: User) -> None:
        """A late unit asks for more time before its deadline; or a supervisor extends it."""
        rng = self.rng
        if self.fate.laggard and rng.random() < 0.35:
            asked = self.deadline - rng.randint(3, 10)
            if planned < asked and asked + 3 < submitted:
                wanted = self.deadline + rng.randint(15, 45)
                self.add(asked, steps.request_extension, user=worker, deadline=wanted,
                         reason=rng.choice(texts.EXTENSION_REASONS))
                approve = rng.random() < 0.7
                self.add(asked + rng.randint(1, 3), steps.decide_extension, approve=approve,
                         note=texts.EXTENSION_APPROVED if approve else texts.EXTENSION_REFUSED)
                if approve:
                    self.deadline = wanted
        elif rng.random() < 0.03 and submitted - planned >= 2:
            self.deadline += rng.randint(10, 30)
            self.add(rng.randint(planned + 1, submitted - 1), steps.extend_deadline,
                     deadline=self.deadline, reason=texts.DIRECT_EXTENSION_REASON)

    def _review(self, submitted: int, worker: User) -> None:
        """Acceptance by a supervisor (never the submitter), after a rejection for some."""
        case, rng = self.case, self.rng
        reviewed = submitted + rng.randint(2, 10)
        if rng.random() < 0.25:
            self.add(reviewed, steps.photo, user=self.city.inspector_of(case.district),
                     stage=EvidenceStage.AFTER, label="验收复核")
        if self.fate.reject:
            new_deadline = None
            if self.deadline < reviewed + 10:
                self.deadline = new_deadline = reviewed + rng.randint(15, 30)
            self.add(reviewed, steps.reject, Status.RECTIFYING,
                     reviewer=rng.choice(self.city.supervisors),
                     reason=rng.choice(texts.REJECT_REASONS), deadline=new_deadline)
            self.add(reviewed + rng.randint(1, 4), steps.progress, user=worker,
                     text=rng.choice(texts.PROGRESS_INTERIM).format(pct=90))
            reviewed += rng.randint(5, 15)
            self.add(reviewed, steps.photo, user=worker, stage=EvidenceStage.AFTER,
                     label="补充整改后")
            self.add(reviewed, steps.submit, Status.PENDING_ACCEPTANCE, user=worker,
                     summary=texts.RESUBMIT_SUMMARY)
            reviewed += rng.randint(2, 7)
        self.add(reviewed, steps.accept, Status.CLOSED, reviewer=rng.choice(self.city.supervisors))
        self.closed = reviewed

    def _complaint_joins(self, verified: int) -> None:
        """Someone else complains of the same place while it is being fixed; merged days later."""
        case, rng = self.case, self.rng
        filed = rng.randint(verified, min(verified + 30, self.closed - 5))
        self.add(filed, steps.file_complaint, spread=NEARBY,
                 text=voices.complaint_text(case.spec.code, rng, place=case.place))
        self.add(filed + rng.randint(1, 4), steps.merge_complaint)

    def _followups(self, closed: int, round_: int, until: int | None = None) -> None:
        """The checks after the ``round_``-th closing, on day ``closed``, due before ``until``.

        Each is recorded within days of falling due, a few of them weeks late;
        a supervisor first hands some to another inspector.
        """
        rng = self.rng
        for offset in offsets_for(self.case.category.domain):
            if until is not None and closed + offset >= until:
                continue
            if offset > 2 and rng.random() < REASSIGNED_CHECK_SHARE:
                self.add(closed + rng.randint(1, offset - 1), steps.reassign_followup,
                         round_=round_, offset=offset)
            delay = rng.randint(8, 35) if rng.random() < LATE_CHECK_SHARE else rng.randint(0, 5)
            self.add(closed + offset + delay, steps.check_followup, round_=round_, offset=offset,
                     note=rng.choice(texts.FOLLOWUP_STABLE))

    def _rebound(self, worker: User) -> None:
        """Found by a follow-up check, or by a new complaint: reopened, one more measure, closed.

        The rebound shows on the day of one of the first checks; the checks
        due before it find the problem stable.
        """
        case, rng = self.case, self.rng
        offsets = offsets_for(case.category.domain)
        offset = rng.choice([days for days in offsets if days <= REBOUND_WITHIN] or offsets[:1])
        self._followups(self.closed, 0, until=self.closed + offset)
        bounced = self.closed + offset + rng.randint(0, 4)
        span = settings.REBOUND_DEADLINE_DAYS
        self.deadline = bounced + span
        self.add(bounced, steps.complain_again, round_=0, offset=offset,
                 text=voices.complaint_text(case.spec.code, rng, place=case.place, again=True))
        self.add(bounced, steps.rebound, Status.RECTIFYING, round_=0, offset=offset,
                 note=rng.choice(texts.FOLLOWUP_REBOUND), deadline=self.deadline)
        replanned = bounced + rng.randint(1, 3)
        text, owner = texts.REBOUND_MEASURE
        self.add(replanned, steps.save_plan, user=worker, goal=self.case.spec.goal,
                 measures=[(text, owner, self.deadline - rng.randint(0, 5))])
        finished = replanned + rng.randint(3, max(3, span - 5))
        self.add(finished, steps.finish_measure, user=worker, position=-1,
                 report=texts.PROGRESS_DONE.format(measure=text), with_photo=True)
        resubmitted = finished + rng.randint(1, 4)
        self.add(resubmitted, steps.photo, user=worker, stage=EvidenceStage.AFTER,
                 label="反弹整改后")
        self.add(resubmitted, steps.submit, Status.PENDING_ACCEPTANCE, user=worker,
                 summary=texts.RESUBMIT_SUMMARY)
        closed = resubmitted + rng.randint(2, 7)
        self.add(closed, steps.accept, Status.CLOSED, reviewer=rng.choice(self.city.supervisors))
        self._followups(closed, 1)


def window(beats: list[Beat], target: Status, max_age: int) -> tuple[int, int] | None:
    """The ages (days since the report) at which the problem is in ``target``, last time round.

    A beat on day d has run once the age exceeds d; the problem is in the
    target state from the day after the beat that entered it up to and
    including the day of the beat that leaves it. ``None`` if that never
    happens within ``max_age`` days.
    """
    moves = [(beat.day, beat.state) for beat in beats if beat.state is not None]
    entered = [i for i, (_day, state) in enumerate(moves) if state == target]
    if not entered:
        return None
    last = entered[-1]
    first_age = moves[last][0] + 1
    last_age = moves[last + 1][0] if last + 1 < len(moves) else max_age
    last_age = min(last_age, max_age)
    return (first_age, last_age) if first_age <= last_age else None
