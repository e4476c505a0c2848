"""The Excel ledger: its layout, its scope, the report it is kept as, and the round trip."""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from ecoledger.audit.guards import install_guards, remove_guards
from ecoledger.audit.models import Event
from ecoledger.ledger.models import Problem
from ecoledger.org.choices import Role
from ecoledger.reports.ledger_columns import COLUMNS
from ecoledger.reports.models import Report, ReportKind
from tests.factories import category, make_city, make_user
from tests.reports.factories import import_file, ledger_problems, ledger_table

HEADERS = [column.header for column in COLUMNS]


def _client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _export(user, **params) -> bytes:
    response = _client(user).get(reverse("problem-export-xlsx"), params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return b"".join(response.streaming_content)


def _by_code(data: bytes) -> dict[str, dict[str, object]]:
    """Every row as header → value, by 问题编号; 序号 (the row number) aside."""
    header, rows = ledger_table(data)
    assert header == HEADERS
    table = {}
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        cells.pop("序号")
        table[cells["问题编号"]] = cells
    return table


@pytest.mark.django_db
def test_the_sheet_has_a_frozen_header_filters_widths_date_formats_and_lists(city):
    problems = ledger_problems(city)

    data = _export(city.supervisor)

    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["整改台账"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == f"A1:Z{len(problems) + 1}"
    assert sheet.column_dimensions["J"].width == 48  # 问题描述
    found = HEADERS.index("发现时间") + 1
    dates = [sheet.cell(row, found) for row in range(2, len(problems) + 2)]
    assert all(cell.is_date and cell.number_format == "yyyy-mm-dd" for cell in dates)
    lists = {str(validation.sqref).split(":")[0]: validation.formula1
             for validation in sheet.data_validations.dataValidation}
    # origin, district, domain, severity, status
    assert set(lists) == {"C2", "D2", "F2", "H2", "V2"}
    options = book["选项"]
    assert options.sheet_state == "hidden"
    status_words = [row[0] for row in options.iter_rows(min_row=2, values_only=True) if row[0]]
    assert lists["V2"] == "'选项'!$E$2:$E$8"
    assert [c.value for c in options["E"][1:8]] == [
        "待核实", "已交办", "有异议", "整改中", "待验收", "已销号", "已撤销"]
    assert status_words[:2] == ["督察交办", "群众投诉"]  # the first list is the origins


@pytest.mark.django_db
def test_cells_read_as_the_ledger_says(city):
    problems = ledger_problems(city)

    table = _by_code(_export(city.supervisor))

    closed = table[problems["closed"].code]
    assert closed["完成情况"] == "已销号"
    assert closed["所属区县"] == "district 1"
    assert closed["所属乡镇(街道)"] == "district 1 town 1"
    assert closed["问题类别"] == "air test"
    assert closed["责任单位"] == "district 1、department 1"
    assert closed["配合单位"] == "department 2"
    assert closed["整改措施"] == (
        "1. Cover the pile with netting（site office，2026-05-31，已完成）\n"
        "2. Water the road twice a day（street office，2026-08-31，已完成）")
    assert closed["整改进展"] == "2026-04-10 Netting half laid\n2026-05-20 Netting laid Road wet"
    assert closed["验收情况"] == "Checked on site: covered"
    assert closed["发现时间"] == datetime(2026, 3, 5)
    assert closed["整改时限"] == datetime(2026, 8, 31)
    assert closed["销号时间"] == datetime(2026, 6, 3)
    reported = table[problems["reported"].code]
    assert (reported["问题来源"], reported["严重程度"], reported["经度"], reported["纬度"]) == (
        "群众投诉", "较重", 118.7812345, 32.0512345)
    assert table[problems["pending"].code]["验收情况"] is None


@pytest.mark.django_db
def test_each_export_is_kept_as_a_report_of_what_the_file_shows(city):
    problems = ledger_problems(city)
    events = Event.objects.count()

    data = _export(city.supervisor, status="rectifying")

    report = Report.objects.get()
    assert report.kind == ReportKind.LEDGER_EXPORT
    assert report.generated_by == city.supervisor
    assert report.file_sha256 == hashlib.sha256(data).hexdigest()
    assert report.file.read() == data
    assert report.figures["rows"] == 2
    assert report.figures["by_status"] == {"rectifying": 2}
    assert report.figures["by_district"] == {"district 1": 1, "district 2": 1}
    assert report.figures["filter"] == "status=rectifying"
    assert len(report.figures["rows_sha256"]) == 64
    assert report.scope_key == "supervisor:city?status=rectifying"
    assert Event.objects.count() == events + 1
    assert set(_by_code(data)) == {problems["rectifying"].code, problems["elsewhere"].code}
    about = dict(openpyxl.load_workbook(io.BytesIO(data))["导出说明"].iter_rows(values_only=True))
    assert about["Rows"] == "2"
    assert about["SHA-256 of the rows"] == report.figures["rows_sha256"]


@pytest.mark.django_db
def test_the_same_rows_give_the_same_digest(city):
    ledger_problems(city)

    _export(city.supervisor, domain="air")
    _export(city.supervisor, domain="air")

    first, second = Report.objects.order_by("pk")
    assert first.figures["rows_sha256"] == second.figures["rows_sha256"]


@pytest.mark.django_db
def test_one_sheet_per_district_on_request(city):
    problems = ledger_problems(city)

    data = _export(city.supervisor, sheets="district")

    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["district 1", "district 2", "导出说明", "选项"]
    assert set(_by_code_in(data, "district 2")) == {problems["elsewhere"].code}
    assert len(_by_code_in(data, "district 1")) == len(problems) - 1


def _by_code_in(data: bytes, sheet: str) -> list[str]:
    _header, rows = ledger_table(data, sheet)
    return [row[1] for row in rows]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supervisor", "leader", "district_officer", "town_officer",
                                  "department_officer", "enterprise", "inspector"])
def test_exports_hold_exactly_what_the_user_may_see(city, role):
    ledger_problems(city)
    users = {
        "supervisor": city.supervisor, "leader": make_user(Role.LEADER),
        "district_officer": make_user(Role.REGION_OFFICER, region=city.districts[1]),
        "town_officer": make_user(Role.REGION_OFFICER, region=city.towns[0][0]),
        "department_officer": make_user(Role.DEPARTMENT_OFFICER, department=city.departments[1]),
        "enterprise": make_user(Role.ENTERPRISE, enterprise=city.enterprises[0]),
        "inspector": make_user(Role.INSPECTOR, region=city.districts[0]),
    }
    user = users[role]
    visible = set(Problem.objects.visible_to(user).values_list("code", flat=True))

    exported = set(_by_code(_export(user)))
    sheets = _export(user, sheets="district")
    by_district = {code for sheet in openpyxl.load_workbook(io.BytesIO(sheets)).sheetnames[:-2]
                   for code in _by_code_in(sheets, sheet)}
    widened = set(_by_code(_export(user, region=city.districts[1].pk)))

    assert exported == visible
    assert by_district == visible
    assert widened <= visible


def test_anonymous_cannot_export(db):
    assert APIClient().get(reverse("problem-export-xlsx")).status_code in (401, 403)
    assert Report.objects.count() == 0


def test_an_exported_ledger_imported_into_an_empty_database_exports_the_same(committed_db):
    """Export a filtered ledger, import it into an emptied database with an organisation of
    the same names, export again: every row and column holds the same (序号 aside)."""
    city = make_city()
    problems = ledger_problems(city)
    first = _export(city.supervisor, region=city.districts[0].pk)
    remove_guards(connection)
    call_command("flush", interactive=False, verbosity=0)
    install_guards(connection)
    assert Problem.objects.count() == 0

    fresh = make_city()
    category("air")
    made = import_file(fresh.supervisor, first)
    second = _export(fresh.supervisor)

    assert made.row_errors == []
    assert made.rows_created == len(problems) - 1
    assert _by_code(second) == _by_code(first)
    assert Problem.objects.get(code=problems["closed"].code).closed_at.date() == date(2026, 6, 3)
