"""The steps of a synthetic problem's life, each one call of a real ledger service.

A step runs under the frozen clock of its moment, so every service stamps
its rows and audit event with the step's time. Steps read the case's rows
(``case.problem`` …) when they run, not when they are planned: the rows only
exist once the earlier steps have run. The public's complaints go through the
intake services, as from the complaint page.
"""

from __future__ import annotations

import io
import itertools
import random
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from ecoledger.demo import texts, voices
from ecoledger.demo.cases import Case
from ecoledger.demo.photos import evidence_photo
from ecoledger.intake import services as intake
from ecoledger.intake.choices import Channel
from ecoledger.intake.models import Complaint
from ecoledger.ledger import services
from ecoledger.ledger.choices import (
    AcceptanceMethod,
    EvidenceStage,
    FollowUpFinding,
    FollowUpStatus,
    Origin,
    Status,
    TicketKind,
)
from ecoledger.ledger.followup_plan import eligible_inspectors
from ecoledger.ledger.models import Category, FollowUp, Problem
from ecoledger.ledger.services import MeasureInput, TicketInput, UnitAssignment
from ecoledger.lib import clock
from ecoledger.notifications.services import mark_read
from ecoledger.org.models import User

if TYPE_CHECKING:
    from ecoledger.demo.city import DemoCity


# Complaints that come through an Open311 client (such as a 12345 platform); with a photo.
OPEN311_SHARE = 0.2
COMPLAINT_PHOTO_SHARE = 0.3


class Runtime:
    """What steps draw on while they run: the city's actors, photo dice, upstream numbers."""

    def __init__(self, city: DemoCity, rng: random.Random) -> None:
        self.city = city
        self.rng = rng
        self._serials = itertools.count(1)
        self._senders = itertools.count(1)

    def serial(self) -> int:
        return next(self._serials)

    def photo(self, case: Case, stage: str) -> io.BytesIO:
        return self.snapshot(stage, case.latitude, case.longitude)

    def snapshot(self, stage: str, latitude: float, longitude: float) -> io.BytesIO:
        return io.BytesIO(evidence_photo(
            self.rng, stage=stage, taken_at=clock.now(), latitude=latitude, longitude=longitude,
        ))

    def sender(self) -> intake.Sender:
        """An address of its own for each complaint (IPv6 documentation range): many people file.

        The abuse limits count complaints by address; a year of a city's
        complaints from one address would be refused, as it should be.
        """
        channel = Channel.OPEN311 if self.rng.random() < OPEN311_SHARE else Channel.WEB
        return intake.Sender(f"2001:db8::{next(self._senders):x}", channel)


def _problem(case: Case) -> Problem:
    assert case.problem is not None, "a step ran before its problem was registered"
    return case.problem


def _ticket(runtime: Runtime, kind: str) -> TicketInput:
    """An upstream ticket as its source system would number it."""
    today, serial = clock.today(), runtime.serial()
    if kind == TicketKind.INSPECTION_ASSIGNMENT:
        return TicketInput(kind, f"DCJB-{today:%Y}-{serial:04d}", texts.INSPECTION_CHANNEL,
                           clock.now() - timedelta(hours=runtime.rng.randint(2, 30)),
                           today + timedelta(days=30))
    if kind == TicketKind.HOTLINE_12345:
        return TicketInput(kind, f"GD{today:%Y%m%d}{serial:04d}", texts.HOTLINE_CHANNEL,
                           reply_deadline=today + timedelta(days=15))
    if kind == TicketKind.ALERT:
        return TicketInput(kind, f"YJ{today:%Y%m%d}{serial:04d}", texts.ALERT_CHANNEL)
    return TicketInput(kind, f"XC{today:%Y%m%d}{serial:04d}", texts.PATROL_CHANNEL)


# A problem of origin complaint gets its ticket from the complaint it is opened for.
ORIGIN_TICKETS = {
    Origin.INSPECTION: TicketKind.INSPECTION_ASSIGNMENT,
    Origin.MONITORING: TicketKind.ALERT,
    Origin.PATROL: TicketKind.PATROL_RECORD,
}


def register(case: Case, runtime: Runtime) -> None:
    kind = ORIGIN_TICKETS.get(Origin(case.origin))
    case.problem = services.register_problem(
        acting_user=case.reporter, title=case.title, description=case.description,
        domain=case.category.domain, origin=case.origin, region=case.town,
        severity=case.severity, category=case.category, latitude=case.latitude,
        longitude=case.longitude, address=case.address, water_body=case.water_body,
        source=case.source, enterprise=case.enterprise,
        responsible_person=case.responsible_person,
        tickets=[_ticket(runtime, kind)] if kind else [],
    )


def complain(
    runtime: Runtime, *, text: str, category: Category, latitude: float, longitude: float,
    address: str,
) -> Complaint:
    """File a complaint as the public does: some leave a name and phone, some send a photo."""
    name, phone = voices.contact(runtime.rng)
    photos = []
    if runtime.rng.random() < COMPLAINT_PHOTO_SHARE:
        taken = timezone.localtime(clock.now())
        photos.append(intake.PhotoUpload(
            runtime.snapshot(EvidenceStage.BEFORE, latitude, longitude),
            f"IMG_{taken:%Y%m%d_%H%M%S}.jpg"))
    return intake.file_complaint(
        sender=runtime.sender(), description=text, category=category, latitude=latitude,
        longitude=longitude, address=address, name=name, phone=phone, photos=photos,
    )


def file_complaint(case: Case, runtime: Runtime, *, text: str, spread: float = 0.0) -> None:
    """Someone reports the case's problem, from within ``spread`` degrees of it; it waits."""
    rng = runtime.rng
    case.waiting.append(complain(
        runtime, text=text, category=case.category,
        latitude=round(case.latitude + rng.uniform(-spread, spread), 6),
        longitude=round(case.longitude + rng.uniform(-spread, spread), 6), address=case.address,
    ))


def read_notices(supervisor: User) -> None:
    """A supervisor comes to triage from the notices of new complaints, and has read them."""
    mark_read(None, acting_user=supervisor)


def open_problem(case: Case, runtime: Runtime) -> None:
    """The supervisor takes up the complaint as a new problem, then adds what the public can't know.

    The complaint gives the place and the words; the responsible person, the
    source, the enterprise and the water are the office's own knowledge.
    """
    read_notices(case.reporter)
    problem = intake.open_problem_for(
        case.waiting.pop(0), acting_user=case.reporter, region=case.town, title=case.title,
        severity=case.severity,
    )
    facts = {"water_body": case.water_body, "source": case.source, "enterprise": case.enterprise}
    case.problem = services.update_problem(
        problem, acting_user=case.reporter, responsible_person=case.responsible_person,
        **{name: value for name, value in facts.items() if value is not None},
    )


def merge_complaint(case: Case, runtime: Runtime) -> None:
    """A later complaint about the same place joins the problem; it is answered on closing."""
    supervisor = runtime.city.supervisors[1]
    read_notices(supervisor)
    intake.merge_complaint(case.waiting.pop(0), acting_user=supervisor, problem=_problem(case))


def photo(case: Case, runtime: Runtime, *, user: User, stage: str, label: str) -> None:
    problem = _problem(case)
    services.add_evidence(
        problem, acting_user=user, upload=runtime.photo(case, stage),
        name=f"{problem.code}-{label}.jpg", stage=stage, description=label,
    )


def dismiss(case: Case, runtime: Runtime, *, reason: str) -> None:
    services.dismiss_problem(_problem(case), acting_user=runtime.city.supervisors[0],
                             reason=reason)


def verify(case: Case, runtime: Runtime, *, deadline: int, note: str) -> None:
    services.verify_problem(
        _problem(case), acting_user=runtime.city.supervisors[0], units=case.units,
        deadline=case.on(deadline), note=note,
    )


def contest(case: Case, runtime: Runtime, *, user: User, reason: str) -> None:
    services.contest_problem(_problem(case), acting_user=user, reason=reason)


def arbitrate(
    case: Case, runtime: Runtime, *, decision: str, reason: str,
    units: UnitAssignment | None = None, deadline: int | None = None,
) -> None:
    services.arbitrate_contest(
        _problem(case), acting_user=runtime.city.supervisors[1], decision=decision,
        reason=reason, units=units, deadline=case.on(deadline) if deadline is not None else None,
    )


def start(case: Case, runtime: Runtime, *, user: User) -> None:
    services.start_rectification(_problem(case), acting_user=user)


def save_plan(
    case: Case, runtime: Runtime, *, user: User, goal: str,
    measures: Sequence[tuple[str, str, int]],
) -> None:
    """Write the plan; measures already in it are kept with their done marks (rebounds add one)."""
    kept = [MeasureInput(m.description, m.owner, m.due_on, done=m.done_at is not None, id=m.pk)
            for m in case.measures]
    added = [MeasureInput(text, owner, case.on(due)) for text, owner, due in measures]
    plan = services.save_plan(_problem(case), acting_user=user, goal=goal,
                              measures=[*kept, *added])
    case.measures = list(plan.measures.all())


def progress(
    case: Case, runtime: Runtime, *, user: User, text: str, with_photo: bool = False
) -> None:
    problem = _problem(case)
    report = services.report_progress(problem, acting_user=user, text=text)
    if with_photo:
        services.add_evidence(
            problem, acting_user=user, upload=runtime.photo(case, EvidenceStage.DURING),
            name=f"{problem.code}-整改中.jpg", stage=EvidenceStage.DURING,
            description=text[:60], progress_report=report,
        )


def finish_measure(
    case: Case, runtime: Runtime, *, user: User, position: int, report: str = "",
    with_photo: bool = False,
) -> None:
    """Mark a measure done, and report it when ``report`` says something."""
    measure = services.set_measure_done(case.measures[position], acting_user=user)
    # The service moved the problem through the measure's plan; carry on with that copy.
    case.problem = measure.plan.problem
    if report:
        progress(case, runtime, user=user, text=report, with_photo=with_photo)


def request_extension(
    case: Case, runtime: Runtime, *, user: User, deadline: int, reason: str
) -> None:
    services.request_extension(_problem(case), acting_user=user, deadline=case.on(deadline),
                               reason=reason)


def decide_extension(case: Case, runtime: Runtime, *, approve: bool, note: str) -> None:
    services.decide_extension(_problem(case), acting_user=runtime.city.supervisors[0],
                              approve=approve, note=note)


def extend_deadline(case: Case, runtime: Runtime, *, deadline: int, reason: str) -> None:
    services.extend_deadline(_problem(case), acting_user=runtime.city.supervisors[0],
                             deadline=case.on(deadline), reason=reason)


def submit(case: Case, runtime: Runtime, *, user: User, summary: str) -> None:
    services.submit_for_acceptance(_problem(case), acting_user=user, summary=summary)


def accept(case: Case, runtime: Runtime, *, reviewer: User) -> None:
    if case.origin == Origin.MONITORING:
        opinion, method = texts.MONITORING_ACCEPT_OPINION, AcceptanceMethod.MONITORING
    else:
        opinion = runtime.rng.choice(texts.ACCEPT_OPINIONS)
        method = runtime.rng.choice([AcceptanceMethod.ON_SITE] * 3 + [AcceptanceMethod.DOCUMENTS])
    problem = _problem(case)
    services.accept_problem(problem, acting_user=reviewer, opinion=opinion, method=method)
    # The checks the closing scheduled, held for the steps that carry them out; the
    # services keep these copies current (assignment, finding), and the problem is the case's.
    for check in problem.followups.filter(round=problem.rebound_count).select_related(
            "inspector"):
        check.problem = problem
        case.checks[(check.round, check.offset_days)] = check


def reject(
    case: Case, runtime: Runtime, *, reviewer: User, reason: str, deadline: int | None
) -> None:
    services.reject_problem(
        _problem(case), acting_user=reviewer, reason=reason,
        deadline=case.on(deadline) if deadline is not None else None,
    )


def add_ticket(case: Case, runtime: Runtime, *, kind: str) -> None:
    services.add_ticket(_problem(case), acting_user=runtime.city.supervisors[0],
                        ticket=_ticket(runtime, kind))


def _pending_check(case: Case, round_: int, offset: int) -> FollowUp | None:
    """The check of that closing and offset, if the closing got one and it still waits.

    Low-risk problems get checks only when drawn in a sample, so a planned
    check may not exist; and the checks of a closing are moot once the
    problem has reopened (the rebound cancelled them).
    """
    problem = _problem(case)
    check = case.checks.get((round_, offset))
    if (check is None or check.status != FollowUpStatus.PENDING or check.inspector is None
            or problem.status != Status.CLOSED or problem.rebound_count != round_):
        return None
    return check


def reassign_followup(case: Case, runtime: Runtime, *, round_: int, offset: int) -> None:
    """A supervisor hands a waiting check to another inspector who may do it."""
    check = _pending_check(case, round_, offset)
    if check is None:
        return
    others = list(eligible_inspectors(check.problem).exclude(pk=check.inspector_id)
                  .order_by("pk"))
    if others:
        services.assign_followup(check, acting_user=runtime.city.supervisors[0],
                                 inspector=runtime.rng.choice(others))


def _record_check(case: Case, runtime: Runtime, check: FollowUp, finding: str,
                  note: str) -> None:
    assert check.inspector is not None
    services.record_followup(
        check, acting_user=check.inspector, finding=finding, note=note,
        photos=[(runtime.photo(case, EvidenceStage.FOLLOW_UP), f"{check.problem.code}-回头看.jpg")],
    )


def check_followup(case: Case, runtime: Runtime, *, round_: int, offset: int, note: str) -> None:
    """The assigned inspector records a due check as stable, with a photo from the site."""
    check = _pending_check(case, round_, offset)
    if check is not None:
        _record_check(case, runtime, check, FollowUpFinding.STABLE, note)


def complain_again(case: Case, runtime: Runtime, *, round_: int, offset: int, text: str) -> None:
    """Without a check to find it, a problem that came back is reported by the public."""
    if _pending_check(case, round_, offset) is None:
        file_complaint(case, runtime, text=text, spread=0.0005)


def rebound(
    case: Case, runtime: Runtime, *, round_: int, offset: int, note: str, deadline: int
) -> None:
    """The problem came back: the due check finds it, or else the supervisor acts on the complaint.

    A check's finding of rebound reopens the problem itself, with the
    configured deadline; ``deadline`` is planned to the same day.
    """
    check = _pending_check(case, round_, offset)
    if check is not None:
        _record_check(case, runtime, check, FollowUpFinding.REBOUND, note)
        return
    services.rebound_problem(_problem(case), acting_user=runtime.city.supervisors[0],
                             reason=texts.COMPLAINT_REBOUND_REASON, deadline=case.on(deadline))
    merge_complaint(case, runtime)


def link(case: Case, runtime: Runtime, *, other: Case, user: User, kind: str) -> None:
    services.link_problems(_problem(case), _problem(other), acting_user=user, kind=kind,
                           note=texts.LINK_NOTES[kind])
