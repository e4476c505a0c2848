"""Importing ledgers: messy sheets and CSV files, row by row verdicts, idempotency, scope."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ecoledger.audit.models import Event
from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import Problem
from ecoledger.ledger.services import imports
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.choices import Role
from ecoledger.reports.ledger_import import service
from ecoledger.reports.models import HeaderMapping, ImportedRow, ImportStatus
from tests.factories import make_user
from tests.reports.factories import import_file, refusals, upload, workbook

pytestmark = pytest.mark.django_db


def serial(day: date) -> int:
    """The day as Excel stores it: days since 1899-12-30."""
    return (day - date(1899, 12, 30)).days


HEAD = ["序号", "编号", "区县", "街道", "问题类型", "问题来源", "问题描述", "责任部门", "整改情况",
        None, None, None, "发现日期"]
SUBHEAD = [None] * 8 + ["完成时限", "整改进展", "完成情况", "销号日期", None]
FIRST = [1, None, "district 1", "district 1 town 1", "大气", "巡查", "工地扬尘未覆盖",
         "department 1", serial(date(2026, 7, 1)), "2026-4-1 已覆盖一半", "整改中", None,
         "2026-3-1"]


def messy_ledger() -> bytes:
    """A title, a note, a header merged over two rows, blank rows, dates as text, numbers and
    dates, an unknown district, a duplicated row and code, a bad date, an unknown status word,
    a district merged over two rows."""
    rows = [
        ["2026年某市生态环境问题整改台账"],
        ["填报单位：市整改办", *[None] * 11, "填报日期：2026年3月"],
        HEAD,
        SUBHEAD,
        FIRST,
        [],
        [2, None, "district 2", None, "水", "信访", "河道漂浮物", "district 2",
         datetime(2026, 6, 30), "已清理", "已完成", "20260410", "2026年3月2日"],
        [3, None, "新城区", None, "大气", "巡查", "露天焚烧", None, "2026/08/01", None, "整改中",
         None, "2026-03-03"],
        [4, *FIRST[1:]],
        [5, "TZ-2026-001", "district 1", None, "噪声", "投诉", "夜间施工噪声", None, None, None,
         "待核实", None, serial(date(2026, 3, 5))],
        [6, "TZ-2026-001", "district 1", None, "噪声", "投诉", "另一处噪声", None, None, None,
         "待核实", None, "2026-03-05"],
        [7, None, "district 1", None, "土壤", "督察", "疑似污染地块", "department 2", "长期坚持",
         None, "整改中", None, "2026-03-06"],
        [8, None, "district 1", None, "大气", "巡查", "餐饮油烟", None, "2026-09-30", None, "搁置",
         None, "2026-03-07"],
        [None] * 13,
        [9, None, "district 2", "district 2 town 2", "固废", "自查", "建筑垃圾乱堆", "district 2",
         "2026-10-31", None, "已交办", None, "2026-03-08"],
        [10, None, None, "district 2 town 1", "固废", "自查", "生活垃圾堆放", "district 2",
         "2026-10-31", None, "已交办", None, "2026-03-09"],
    ]
    merges = ["A1:M1", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:F4", "G3:G4", "H3:H4",
              "I3:L3", "M3:M4", "C15:C16"]
    return workbook(rows, merges=merges)


def test_a_messy_spreadsheet_imports_what_is_valid_and_reports_the_rest_row_by_row(city):
    checked = upload(city.supervisor, messy_ledger(), "台账.xlsx")

    assert checked.status == ImportStatus.CHECKED
    assert checked.summary["sheets"] == [{"name": "台账", "header_rows": [3, 4], "rows": 10}]
    assert refusals(checked) == [(8, "区县"), (9, ""), (11, "编号"), (12, "完成时限"),
                                 (13, "完成情况")]
    reasons = {error["row"]: error["reason"] for error in checked.row_errors}
    assert reasons[8] == "Unknown district or county '新城区'."
    assert reasons[9] == "The same row as row 5."
    assert reasons[11] == "The code TZ-2026-001 is already on row 10."
    assert reasons[12] == "'长期坚持' is not a date (write it as 2025-03-01)."
    assert reasons[13].startswith("'搁置' is not one of: 待核实、已交办")
    assert checked.summary["new"] == 5
    assert Problem.objects.count() == 0  # the dry run made nothing

    done = service.import_ledger(checked, acting_user=city.supervisor)

    assert done.status == ImportStatus.IMPORTED
    assert done.rows_created == 5
    assert refusals(done) == refusals(checked)
    made = {p.description: p for p in Problem.objects.select_related("region", "district")}
    assert set(made) == {
        "工地扬尘未覆盖", "河道漂浮物", "夜间施工噪声", "建筑垃圾乱堆", "生活垃圾堆放"}
    dust = made["工地扬尘未覆盖"]
    assert (dust.status, dust.deadline, dust.region.name) == (
        Status.RECTIFYING, date(2026, 7, 1), "district 1 town 1")
    assert dust.reported_at.date() == date(2026, 3, 1)
    assert [(r.text, r.created_at.date()) for r in dust.progress_reports.all()] == [
        ("已覆盖一半", date(2026, 4, 1))]
    river = made["河道漂浮物"]
    assert (river.status, river.origin, river.deadline) == (
        Status.CLOSED, "complaint", date(2026, 6, 30))
    assert river.closed_at.date() == date(2026, 4, 10)
    noise = made["夜间施工噪声"]
    assert (noise.code, noise.status, noise.reported_at.date()) == (
        "TZ-2026-001", Status.REPORTED, date(2026, 3, 5))
    assert made["生活垃圾堆放"].district.name == "district 2"  # from the merged cell above


def test_a_row_of_column_numbers_under_the_header_is_not_a_problem(city):
    rows = [["序号", "问题描述", "所属区县", "问题类型", "问题来源"], [1, 2, 3, 4, 5],
            [1, "油烟扰民", "district 1", "大气", "巡查"]]

    checked = upload(city.supervisor, workbook(rows))

    assert (checked.rows_total, checked.summary["new"], checked.row_errors) == (1, 1, [])


def test_a_gbk_csv_is_read_and_its_bad_rows_reported(city):
    text = (
        "问题编号,所属区县,所属乡镇（街道）,问题类型,问题来源,问题描述,完成情况,整改时限,发现时间,责任单位\n"
        "GBK-001,district 1,district 1 town 2,大气,日常巡查,道路扬尘,整改中,2026/09/30,2026/03/05,"
        "department 1\n"
        "GBK-002,district 1,南湖街道,水,群众投诉,排污口,整改中,2026/09/30,2026/03/05,department 1\n"
        ",,,,,,,,,\n"
        "GBK-003,district 2,,噪声,群众投诉,噪声扰民,待核实,,2026年3月6日,\n"
    )

    done = import_file(city.supervisor, text.encode("gbk"), "台账.csv")

    assert refusals(done) == [(3, "所属乡镇（街道）")]
    assert done.row_errors[0]["reason"] == "Unknown town or street '南湖街道'."
    assert sorted(Problem.objects.values_list("code", "status")) == [
        ("GBK-001", Status.RECTIFYING), ("GBK-003", Status.REPORTED)]
    assert Problem.objects.get(code="GBK-001").units.get(role="lead").department \
        == city.departments[0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_files_in_every_usual_encoding_read_the_same(city, encoding):
    text = "问题描述,所属区县,问题类型,问题来源\n夜间施工噪声,district 1,噪声,群众投诉\n"

    checked = upload(city.supervisor, text.encode(encoding), "ledger.csv")

    assert (checked.summary["new"], checked.row_errors) == (1, [])


def test_importing_the_same_file_twice_creates_nothing_new(city):
    first = import_file(city.supervisor, messy_ledger())
    problems = Problem.objects.count()
    ledger_events = Event.objects.filter(action__startswith="ledger.").count()

    second = import_file(city.supervisor, messy_ledger())

    assert (first.rows_created, second.rows_created) == (5, 0)
    assert second.rows_existing == 5
    assert refusals(second) == refusals(first)
    assert Problem.objects.count() == problems
    assert Event.objects.filter(action__startswith="ledger.").count() == ledger_events
    assert ImportedRow.objects.filter(ledger_import=second).count() == 0


def test_a_district_officer_imports_only_rows_of_their_district(city):
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    rows = [
        ["问题描述", "所属区县", "问题类型", "问题来源", "完成情况", "整改时限", "发现时间"],
        ["district 1 smoke", "district 1", "大气", "巡查", "待核实", None, "2026-03-01"],
        ["district 2 smoke", "district 2", "大气", "巡查", "待核实", None, "2026-03-01"],
        ["district 1 dust", "district 1", "大气", "巡查", "整改中", "2026-09-30", "2026-03-01"],
    ]

    done = import_file(officer, workbook(rows))

    assert refusals(done) == [(3, "所属区县"), (4, "完成情况")]
    assert done.row_errors[0]["reason"] == "district 2 is outside your region (district 1)."
    assert "a supervisor imports such rows" in done.row_errors[1]["reason"]
    assert list(Problem.objects.values_list("title", "reported_by")) == [
        ("district 1 smoke", officer.pk)]


def test_a_row_the_ledger_refuses_is_reported_alone_by_the_dry_run_and_the_import(
        city, monkeypatch):
    rows = [
        ["问题描述", "所属区县", "问题类型", "问题来源", "完成情况", "整改时限", "整改进展",
         "发现时间"],
        ["first", "district 1", "大气", "巡查", "整改中", "2026-09-30", "fine", "2026-03-01"],
        ["second", "district 1", "大气", "巡查", "整改中", "2026-10-31", "fine", "2026-03-01"],
        ["third", "district 1", "大气", "巡查", "整改中", "2026-09-30", "fine", "2026-03-01"],
    ]

    def refusing(deadline, *, field="deadline"):
        if deadline == date(2026, 10, 31):
            raise InvalidInput.field(field, "Not today.")

    monkeypatch.setattr(imports, "check_deadline", refusing)

    checked = upload(city.supervisor, workbook(rows))
    checked_refusals = refusals(checked)
    done = service.import_ledger(checked, acting_user=city.supervisor)

    assert checked_refusals == refusals(done) == [(3, "整改时限")]
    assert done.row_errors[0]["reason"] == "Not today."
    assert (checked.summary["new"], done.rows_created) == (2, 2)
    assert sorted(Problem.objects.values_list("description", flat=True)) == ["first", "third"]
    assert ImportedRow.objects.count() == 2
    assert not Event.objects.filter(target_repr__contains="second").exists()


def test_unrecognised_headers_are_mapped_once_and_remembered(city):
    rows = [["整治内容", "行政区划", "问题类型", "问题来源", "发现时间"],
            ["油烟扰民", "district 1", "大气", "巡查", "2026-03-01"]]
    first = service.upload_ledger(acting_user=city.supervisor, upload=_bytes(workbook(rows)),
                                  name="a.xlsx")
    unknown = [item.header.text for item in service.headers_of(first) if item.key is None]

    service.save_mapping(first, acting_user=city.supervisor,
                         choices={"整治内容": "description", "行政区划": "district"})
    second = service.upload_ledger(acting_user=city.supervisor, upload=_bytes(workbook(rows)),
                                   name="b.xlsx")
    checked = service.check_ledger(second, acting_user=city.supervisor)

    assert unknown == ["整治内容", "行政区划"]
    assert HeaderMapping.objects.count() == 1
    assert [item.key for item in service.headers_of(second)] == [
        "description", "district", "domain", "origin", "reported_on"]
    assert (checked.summary["new"], checked.row_errors) == (1, [])


def test_one_column_cannot_be_chosen_for_two_headers(city):
    rows = [["整治内容", "行政区划", "问题描述", "问题类型", "问题来源"]]
    ledger_import = service.upload_ledger(acting_user=city.supervisor,
                                          upload=_bytes(workbook(rows)), name="a.xlsx")

    with pytest.raises(InvalidInput) as refused:
        service.save_mapping(ledger_import, acting_user=city.supervisor,
                             choices={"整治内容": "description", "行政区划": "district"})

    assert set(refused.value.fields) == {"整治内容"}
    assert HeaderMapping.objects.count() == 0


def test_a_file_without_a_ledger_header_is_refused_with_the_reason(city):
    checked = upload(city.supervisor, workbook([["a", "b"], [1, 2]]))

    assert checked.status == ImportStatus.FAILED
    assert "header row naming at least three ledger columns" in checked.failure


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("ledger.xls", b"\xd0\xcf\x11\xe0old", "save it as .xlsx"),
    ("ledger.xlsx", b"not a workbook", "not an accepted file type"),
    ("ledger.csv", b"\xff\xfe\x00\x00\x00", "not text in UTF-8, UTF-16 or GBK"),
    ("ledger.txt", b"text", "neither an Excel workbook"),
])
def test_uploads_other_than_workbooks_and_csv_are_refused(city, name, content, reason):
    with pytest.raises(InvalidInput) as refused:
        service.upload_ledger(acting_user=city.supervisor, upload=_bytes(content), name=name)

    assert reason in refused.value.fields["file"][0]


def _bytes(data: bytes):
    import io

    return io.BytesIO(data)
