"""The steps of a synthetic problem's life, each one call of a real ledger service.

A step runs under the frozen clock of its moment, so every service stamps
its rows and audit event with the step's time. Steps read the case's rows
(``case.problem`` …) when they run, not when they are planned: the rows only
exist once the earlier steps have run.
"""

from __future__ import annotations

import io
import itertools
import random
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from ecoledger.demo import texts
from ecoledger.demo.cases import Case
from ecoledger.demo.photos import evidence_photo
from ecoledger.ledger import services
from ecoledger.ledger.choices import AcceptanceMethod, EvidenceStage, Origin, TicketKind
from ecoledger.ledger.models import Problem
from ecoledger.ledger.services import MeasureInput, TicketInput, UnitAssignment
from ecoledger.lib import clock
from ecoledger.org.models import User

if TYPE_CHECKING:
    from ecoledger.demo.city import DemoCity


class Runtime:
    """What steps draw on while they run: the city's actors, photo dice, upstream numbers."""

    def __init__(self, city: DemoCity, rng: random.Random) -> None:
        self.city = city
        self.rng = rng
        self._serials = itertools.count(1)

    def serial(self) -> int:
        return next(self._serials)

    def photo(self, case: Case, stage: str) -> io.BytesIO:
        return io.BytesIO(evidence_photo(
            self.rng, stage=stage, taken_at=clock.now(), latitude=case.latitude,
            longitude=case.longitude,
        ))


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


ORIGIN_TICKETS = {
    Origin.INSPECTION: TicketKind.INSPECTION_ASSIGNMENT,
    Origin.COMPLAINT: TicketKind.HOTLINE_12345,
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
    services.accept_problem(_problem(case), acting_user=reviewer, opinion=opinion, method=method)


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


def rebound(case: Case, runtime: Runtime, *, reason: str, deadline: int) -> None:
    services.rebound_problem(_problem(case), acting_user=runtime.city.supervisors[0],
                             reason=reason, deadline=case.on(deadline))


def link(case: Case, runtime: Runtime, *, other: Case, user: User, kind: str) -> None:
    services.link_problems(_problem(case), _problem(other), acting_user=user, kind=kind,
                           note=texts.LINK_NOTES[kind])
