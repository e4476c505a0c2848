"""The batch import makes exactly what the single services make, row for row, event for event."""

from __future__ import annotations

import io
import shutil
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.forms.models import model_to_dict

from ecoledger.audit.services import timeline, verify_chain
from ecoledger.ledger import services, tallies
from ecoledger.ledger.choices import AcceptanceMethod, EvidenceStage, Status
from ecoledger.ledger.models import CodeSequence, Problem, ProblemWeekTally
from ecoledger.ledger.services import MeasureInput, imports
from ecoledger.ledger.services.imports import FOUND_AT, HANDED_IN_AT, PROGRESS_AT, moment
from ecoledger.ledger.signals import problem_closed
from ecoledger.lib import clock
from ecoledger.org.choices import Role
from ecoledger.org.models import User
from ecoledger.reports.ledger_import.checking import check_rows, read_ledger
from ecoledger.reports.ledger_import.record import row_record
from ecoledger.reports.ledger_import.rows import HANDED_IN, STARTED, LedgerRow
from ecoledger.reports.ledger_import.service import _key_rows
from ecoledger.reports.ledger_import.steps import _source, problem_import
from ecoledger.reports.models import ImportedRow, LedgerImport
from tests.factories import make_problem, make_user
from tests.reports.factories import upload, workbook

pytestmark = pytest.mark.django_db

HEADER = ["问题编号", "问题描述", "所属区县", "所属乡镇", "问题类型", "严重程度", "问题来源",
          "责任单位", "配合单位", "整改时限", "整改目标", "整改措施", "整改进展", "完成情况",
          "验收情况", "发现时间", "销号时间", "备注"]


def make_problem_row_by_row(row: LedgerRow, *, acting_user: User,
                            ledger_import: LedgerImport) -> Problem:
    """The reference: the row's problem made through the single services, one call per step,
    as the import did before the batch service (each under the clock of the step's moment)."""
    source = _source(row, ledger_import)
    with clock.frozen_at(moment(row.reported_on, FOUND_AT)):
        problem = services.register_problem(acting_user=acting_user, code=row.code or None,
                                            **row.facts)
        ImportedRow.objects.create(
            key=row.record.key, problem=problem, ledger_import=ledger_import,
            sheet=row.record.sheet[:31], row_number=row.record.number, note=row.note,
        )
        if row.status == Status.DISMISSED:
            services.dismiss_problem(problem, acting_user=acting_user, reason=row.note or source)
    if row.status in (Status.REPORTED, Status.DISMISSED):
        return problem
    with clock.frozen_at(moment(row.reported_on, FOUND_AT, 1)):
        services.verify_problem(problem, acting_user=acting_user, units=row.units,
                                deadline=row.deadline, note=source)
    if row.status in STARTED:
        with clock.frozen_at(moment(row.reported_on, FOUND_AT, 2)):
            services.start_rectification(problem, acting_user=acting_user)
    if row.goal and row.status not in HANDED_IN:
        with clock.frozen_at(moment(row.reported_on, FOUND_AT, 3)):
            _plan(problem, row, acting_user)
    for step, line in enumerate(row.progress):
        with clock.frozen_at(moment(line.on, PROGRESS_AT, step)):
            services.report_progress(problem, acting_user=acting_user, text=line.text)
    if row.status in HANDED_IN:
        day = row.ended_on
        if row.goal:
            with clock.frozen_at(moment(day, HANDED_IN_AT)):
                _plan(problem, row, acting_user)
        with clock.frozen_at(moment(day, HANDED_IN_AT, 1)):
            services.add_evidence(problem, acting_user=acting_user,
                                  upload=io.BytesIO(row_record(source, row.record.shown)),
                                  name=f"ledger-row-{row.record.number}.xlsx",
                                  stage=EvidenceStage.DOCUMENT, description=source[:255])
        with clock.frozen_at(moment(day, HANDED_IN_AT, 2)):
            services.submit_for_acceptance(problem, acting_user=acting_user, summary=source)
        if row.status == Status.CLOSED:
            with clock.frozen_at(moment(day, HANDED_IN_AT, 3)):
                services.record_imported_acceptance(problem, acting_user=acting_user,
                                                    opinion=row.acceptance,
                                                    method=AcceptanceMethod.DOCUMENTS)
    return problem


def _plan(problem: Problem, row: LedgerRow, user: User) -> None:
    services.save_plan(problem, acting_user=user, goal=row.goal, measures=[
        MeasureInput(line.description, line.owner, line.due_on, done=bool(line.done))
        for line in row.measures
    ])


def _ledger(today: date) -> bytes:
    """Rows in every state the import takes, with and without codes, in towns and districts,
    with cooperating units, risky and low-risk domains (so that sampling and inspectors count)."""
    def day(days_ago: int) -> str:
        return (today - timedelta(days=days_ago)).isoformat()

    def row(code: str | None, description: str, status: str, **cells: Any) -> list[Any]:
        values = {"问题编号": code, "问题描述": description, "所属区县": "district 1",
                  "问题类型": "大气", "问题来源": "巡查", "完成情况": status,
                  "发现时间": day(200), **cells}
        return [values.get(name) for name in HEADER]

    work = {"责任单位": "district 1、department 1", "配合单位": "department 2",
            "整改时限": day(20), "整改目标": "彻底整改",
            "整改措施": f"1. 覆盖（工地，{day(60)}）\n2. 洒水（街道，{day(30)}）"}
    rows = [HEADER, row("IMP-1", "待核实的问题", "待核实", 所属乡镇="district 1 town 1")]
    rows.append(row(None, "撤销的问题", "已撤销", 备注="重复登记"))
    rows.append(row(None, "已交办的问题", "已交办", 所属区县="district 2", 问题类型="水",
                    责任单位="district 2", 整改时限=day(10)))
    rows.append(row("IMP-2", "整改中的问题", "整改中", **work,
                    整改进展=f"{day(150)} 已覆盖一半\n{day(90)} 已全部覆盖"))
    rows.append(row(None, "待验收的问题", "待验收", 所属乡镇="district 1 town 2", **work,
                    整改进展=f"{day(150)} 已覆盖", 销号时间=None))
    for number, (domain, severity) in enumerate(
            [("水", None), ("大气", None), ("大气", "较大"), ("噪声", None), ("土壤", None),
             ("大气", None), ("固体废物", None), ("大气", None)], 1):
        town = "district 1 town 1" if number % 2 else None
        rows.append(row(f"ZG-2026-{900 + number:06d}" if number == 3 else
                        (f"IMP-C{number}" if number % 3 else None),
                        f"已销号的问题 {number}", "已销号", 问题类型=domain, 严重程度=severity,
                        所属乡镇=town, **{**work, "责任单位": "district 1" if number % 2
                                         else "department 1、district 1"},
                        整改进展=f"{day(120)} 已完成", 验收情况="现场核查合格",
                        销号时间=day(100 - number)))
    rows.append(row(None, "区县的已销号问题", "已销号", 所属区县="district 2", 问题类型="水",
                    责任单位="district 2", 配合单位="department 1", 整改时限=day(20),
                    销号时间=day(30)))
    return workbook(rows)


def _checked(city, today: date) -> tuple[LedgerImport, list[LedgerRow]]:
    ledger_import = upload(city.supervisor, _ledger(today), "台账.xlsx")
    assert ledger_import.row_errors == []
    verdict = check_rows(read_ledger(ledger_import), city.supervisor)
    return ledger_import, verdict.rows


def _snapshot() -> dict[str, Any]:
    """Everything an import writes, keyed by ledger row, as a user (or an auditor) would read it.

    Database ids are left out: PostgreSQL's sequences do not roll back with the
    savepoint between the two paths, so the same rows get other ids.
    """
    problems = {}
    for problem in Problem.objects.order_by("pk"):
        row = ImportedRow.objects.filter(problem=problem).first()
        if row is None:
            continue
        plan = getattr(problem, "plan", None)
        problems[row.row_number] = {
            "problem": model_to_dict(problem, exclude=["id"]) | {
                name: getattr(problem, name) for name in (
                    "code", "status", "reported_at", "reported_by_id", "assigned_at",
                    "started_on", "submitted_at", "submitted_by_id", "closed_at", "district_id",
                    "rebound_count", "measures_total", "measures_done", "schedule_due_on",
                    "updated_at")},
            "row": (row.key, row.sheet, row.note),
            "units": list(problem.units.order_by("pk").values_list(
                "role", "region_id", "department_id")),
            "plan": plan and (plan.goal, plan.summary, plan.updated_by_id, plan.updated_at),
            "measures": list(plan.measures.values_list(
                "position", "description", "owner", "due_on", "done_at", "done_by_id"))
            if plan else [],
            "progress": list(problem.progress_reports.values_list("author_id", "text",
                                                                  "created_at")),
            "evidence": [model_to_dict(item, exclude=["id", "problem"]) | {
                "file": item.file.name.replace(f"/{problem.pk}/", "/<problem>/"),
                "content": item.file.read()}
                for item in problem.evidence.all()],
            "acceptances": [model_to_dict(item, exclude=["id", "problem"])
                            for item in problem.acceptances.all()],
            "followups": list(problem.followups.order_by("pk").values_list(
                "round", "offset_days", "due_on", "risk", "sampled", "inspector_id", "status",
                "scheduled_at")),
            "events": [(event.action, event.actor_id, event.actor_name, event.target_type,
                        event.target_repr, event.subject_type,
                        event.subject_id == str(problem.pk), event.changes,
                        event.message, event.occurred_at) for event in timeline(problem)],
        }
    return {
        "problems": problems,
        "tallies": tallies.stored(),
        "weeks": set(ProblemWeekTally.objects.exclude(reported=0, closed=0).values_list(
            "scope_kind", "scope_id", "week", "reported", "closed", "closed_on_time")),
        "codes": set(CodeSequence.objects.values_list("prefix", "year", "last_number")),
    }


@pytest.fixture
def inspectors(city) -> list[User]:
    """Inspectors in each district and at the city, one of them already busy with a check."""
    made = [make_user(Role.INSPECTOR, region=region)
            for region in (city.towns[0][0], city.districts[1], city.city, city.towns[1][1])]
    make_problem(city, status=Status.CLOSED, domain="water", region=city.towns[1][0])
    return made


def test_a_batch_makes_what_the_single_services_make_row_for_row(city, inspectors):
    ledger_import, rows = _checked(city, clock.today())
    assert {row.status for row in rows} == {
        Status.REPORTED, Status.DISMISSED, Status.ASSIGNED, Status.RECTIFYING,
        Status.PENDING_ACCEPTANCE, Status.CLOSED}
    before = transaction.savepoint()
    for row in rows:
        make_problem_row_by_row(row, acting_user=city.supervisor, ledger_import=ledger_import)
    one_by_one = _snapshot()
    transaction.savepoint_rollback(before)
    shutil.rmtree(settings.MEDIA_ROOT / "evidence")  # the files, which no rollback removes

    outcome = services.import_problems(
        [problem_import(row, ledger_import) for row in rows], acting_user=city.supervisor,
        keep=lambda made: _key_rows(made, ledger_import))
    batch = _snapshot()

    assert (len(outcome.made), outcome.refused) == (len(rows), [])
    assert sorted(batch["problems"]) == sorted(one_by_one["problems"])
    for number, made in one_by_one["problems"].items():
        for part, value in made.items():
            assert batch["problems"][number][part] == value, (number, part)
    closed = [made for made in batch["problems"].values()
              if made["problem"]["status"] == Status.CLOSED]
    assert {made["followups"][0][5] for made in closed if made["followups"]} >= {
        inspectors[1].pk, inspectors[2].pk}  # the checks are spread, not all on one inspector
    assert any(not made["followups"] for made in closed)  # a low-risk one not drawn
    assert (batch["tallies"], batch["weeks"], batch["codes"]) == (
        one_by_one["tallies"], one_by_one["weeks"], one_by_one["codes"])
    assert batch["tallies"] == tallies.counted()
    assert verify_chain()[1] is None


def test_a_refused_history_is_reported_and_the_others_made(city):
    ledger_import, rows = _checked(city, clock.today())
    items = [problem_import(row, ledger_import) for row in rows]
    items[3].progress = [imports.ProgressInput("   ", items[3].progress[0].on)]
    items[5].code = "IMP-1"  # the code of an earlier row of the batch

    dry_run = services.check_problem_imports(items, acting_user=city.supervisor)
    outcome = services.import_problems(items, acting_user=city.supervisor,
                                       keep=lambda made: _key_rows(made, ledger_import))

    assert [(item.reference, error.fields) for item, error in outcome.refused] == [
        (rows[3], {"text": ["This is required to report progress."]}),
        (rows[5], {"code": ["The code IMP-1 is already another problem's."]}),
    ] == [(item.reference, error.fields) for item, error in dry_run]
    assert len(outcome.made) == Problem.objects.count() == len(rows) - 2
    assert verify_chain()[1] is None


def test_a_region_officer_gets_the_refusals_of_the_services(city):
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    ledger_import, rows = _checked(city, clock.today())
    items = [problem_import(row, ledger_import) for row in rows[:3]]

    refused = services.check_problem_imports(items, acting_user=officer)

    assert [(item.reference, error.message) for item, error in refused] == [
        (rows[1], "Your role may not dismiss."),
        (rows[2], "district 2 is outside your region."),
    ]


def test_an_uncovered_receiver_of_closings_stops_the_batch(city):
    def receiver(sender, **kwargs):
        """A receiver the batch would not know to stand in for."""

    problem_closed.connect(receiver, dispatch_uid="tests.unknown")
    try:
        with pytest.raises(RuntimeError, match=r"tests\.unknown"):
            services.import_problems([], acting_user=city.supervisor)
    finally:
        problem_closed.disconnect(dispatch_uid="tests.unknown")
