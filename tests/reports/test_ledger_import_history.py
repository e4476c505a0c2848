"""What an imported row becomes: its history through the services, its code, its acceptance."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.utils import timezone

from ecoledger.audit.services import timeline, verify_chain
from ecoledger.ledger import services, workflow
from ecoledger.ledger.choices import Action, Status
from ecoledger.ledger.codes import next_code
from ecoledger.ledger.models import Problem
from ecoledger.lib.errors import ActionRefused, InvalidInput
from tests.factories import make_problem
from tests.reports.factories import import_file, mark_imported, refusals, workbook

pytestmark = pytest.mark.django_db

HEADER = ["问题编号", "问题描述", "所属区县", "问题类型", "问题来源", "责任单位", "整改时限",
          "整改措施", "整改进展", "完成情况", "验收情况", "发现时间", "销号时间"]


def _row(code: str, status: str, **cells: object) -> list[object]:
    values = {"问题编号": code, "问题描述": f"problem {code}", "所属区县": "district 1",
              "问题类型": "大气", "问题来源": "巡查", "责任单位": "department 1",
              "整改时限": "2026-08-31", "整改措施": "1. 覆盖（工地，2026-06-30）",
              "整改进展": "2026-04-01 已覆盖一半", "完成情况": status, "验收情况": None,
              "发现时间": "2026-03-02", "销号时间": None, **cells}
    return [values[name] for name in HEADER]


def _reported(code: str) -> list[object]:
    return _row(code, "待核实", 责任单位=None, 整改时限=None, 整改措施=None, 整改进展=None)


def test_a_closed_row_replays_its_history_at_the_ledgers_dates(city):
    rows = [HEADER, _row("A-1", "已销号", 验收情况="现场核查合格", 销号时间="2026-06-03")]

    done = import_file(city.supervisor, workbook(rows), "台账.xlsx")

    problem = Problem.objects.get(code="A-1")
    events = [(event.action, timezone.localdate(event.occurred_at)) for event in timeline(problem)]
    assert done.row_errors == []
    assert events == [
        ("ledger.problem.registered", date(2026, 3, 2)),
        ("ledger.problem.verified", date(2026, 3, 2)),
        ("ledger.problem.started", date(2026, 3, 2)),
        ("ledger.problem.progress_reported", date(2026, 4, 1)),
        ("ledger.problem.plan_saved", date(2026, 6, 3)),
        ("ledger.problem.evidence_added", date(2026, 6, 3)),
        ("ledger.problem.submitted", date(2026, 6, 3)),
        ("ledger.problem.imported_acceptance_recorded", date(2026, 6, 3)),
        ("ledger.problem.followups_scheduled", date(2026, 6, 3)),
    ]
    review = problem.acceptances.get()
    assert (review.submitted_by, review.reviewer, review.opinion, review.passed) == (
        city.supervisor, city.supervisor, "现场核查合格", True)
    assert [m.done_at.date() for m in problem.plan.measures.all()] == [date(2026, 6, 3)]
    assert verify_chain()[1] is None


def test_the_submission_carries_the_ledger_row_as_its_document(city):
    rows = [HEADER, _row("A-2", "待验收")]

    import_file(city.supervisor, workbook(rows), "台账.xlsx")

    problem = Problem.objects.get(code="A-2")
    document = problem.evidence.get()
    sheet = openpyxl.load_workbook(io.BytesIO(document.file.read())).active
    cells = dict(sheet.iter_rows(min_row=2, values_only=True))
    assert (problem.status, document.stage) == (Status.PENDING_ACCEPTANCE, "document")
    assert sheet["A1"].value == "Row 2 of sheet 台账 of the imported ledger 台账.xlsx"
    assert cells["问题描述"] == "problem A-2"
    assert cells["完成情况"] == "待验收"


def test_the_four_eyes_rule_holds_for_what_is_accepted_on_the_platform(city):
    import_file(city.supervisor, workbook([HEADER, _row("A-3", "待验收")]))
    problem = Problem.objects.get(code="A-3")

    with pytest.raises(ActionRefused):
        services.accept_problem(problem, acting_user=city.supervisor, opinion="Fine")
    services.accept_problem(problem, acting_user=city.second_supervisor, opinion="Fine")

    assert Problem.objects.get(pk=problem.pk).status == Status.CLOSED


def test_an_earlier_acceptance_is_recorded_only_for_imported_problems_and_never_offered(city):
    by_hand = make_problem(city, status=Status.PENDING_ACCEPTANCE)
    import_file(city.supervisor, workbook([HEADER, _row("A-4", "待验收")]))
    imported = Problem.objects.get(code="A-4")

    with pytest.raises(ActionRefused) as refused:
        services.record_imported_acceptance(by_hand, acting_user=city.second_supervisor,
                                            opinion="Fine")

    assert "imported from a ledger" in refused.value.message
    assert Problem.objects.get(pk=by_hand.pk).status == Status.PENDING_ACCEPTANCE
    for problem in (by_hand, imported):
        for user in (city.supervisor, city.second_supervisor):
            assert Action.RECORD_IMPORTED_ACCEPTANCE not in workflow.available_actions(
                problem, user)
    mark_imported(by_hand)
    services.record_imported_acceptance(by_hand, acting_user=city.second_supervisor,
                                        opinion="Fine")
    assert Problem.objects.get(pk=by_hand.pk).status == Status.CLOSED


def test_the_ledgers_code_is_kept_and_the_platforms_own_codes_never_collide(city):
    rows = [HEADER, _reported("ZG-2026-000042"), _reported("台账-001"), _reported("X" * 33)]

    done = import_file(city.supervisor, workbook(rows))

    assert refusals(done) == [(3, "问题编号"), (4, "问题编号")]
    assert Problem.objects.filter(code="ZG-2026-000042").exists()
    assert next_code(2026) == "ZG-2026-000043"


def test_a_code_already_on_a_problem_made_by_hand_refuses_the_row(city):
    made = make_problem(city)

    done = import_file(city.supervisor, workbook([HEADER, _reported(made.code)]))

    assert refusals(done) == [(2, "问题编号")]
    assert Problem.objects.count() == 1


def test_register_problem_checks_a_given_code(city):
    with pytest.raises(InvalidInput) as refused:
        services.register_problem(acting_user=city.supervisor, title="t", description="d",
                                  domain="air", origin="patrol", region=city.towns[0][0],
                                  code="bad code")

    assert set(refused.value.fields) == {"code"}
