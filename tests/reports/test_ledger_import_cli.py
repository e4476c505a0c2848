"""``ecoledger import ledger FILE``: the same check and import from the command line."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ecoledger.ledger.models import Problem
from ecoledger.reports.models import ImportStatus, LedgerImport
from tests.reports.factories import workbook

pytestmark = pytest.mark.django_db

ROWS = [
    ["整治内容", "所属区县", "问题类型", "问题来源", "完成情况", "整改时限", "发现时间"],
    ["油烟扰民", "district 1", "大气", "巡查", "整改中", "2026-09-30", "2026-03-01"],
    ["露天焚烧", "新城区", "大气", "巡查", "整改中", "2026-09-30", "2026-03-01"],
]


def _run(*args: str) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("import", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_a_dry_run_prints_every_refused_row_and_fails(city, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook(ROWS))

    output, error = _run("ledger", str(path), "--dry-run", "--user", "supervisor",
                         "--mapping", "整治内容=问题描述")

    assert error is not None and error.returncode == 1
    assert "       3  所属区县          Unknown district or county '新城区'." in output
    assert "Would create 1 problems (Rectifying 1)" in output
    assert Problem.objects.count() == 0
    assert LedgerImport.objects.get().status == ImportStatus.CHECKED


def test_an_import_makes_the_valid_rows_and_remembers_the_mapping(city, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook(ROWS[:2]))
    _run("ledger", str(path), "--dry-run", "--user", "supervisor", "--mapping",
         "整治内容=description")

    output, error = _run("ledger", str(path), "--user", "supervisor")

    assert error is None, output
    assert "1 problems created" in output
    assert list(Problem.objects.values_list("description", "reported_by__username")) == [
        ("油烟扰民", "supervisor")]


def test_unrecognised_headers_are_named_and_left_aside(city, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("备用列,问题描述,所属区县,问题类型,问题来源\n,噪声,district 1,噪声,投诉\n",
                    encoding="utf-8-sig")

    output, error = _run("ledger", str(path), "--dry-run", "--user", "supervisor")

    assert error is None
    assert "Columns left aside: 备用列" in output


@pytest.mark.parametrize(("args", "message"), [
    (["--user", "nobody"], "No active user nobody."),
    (["--user", "supervisor", "--mapping", "整治内容"], "Write a mapping as HEADER=COLUMN"),
    (["--user", "supervisor", "--mapping", "整治内容=nonsense"], "No ledger column nonsense"),
])
def test_bad_arguments_say_what_is_wrong(city, tmp_path, args, message):
    path = tmp_path / "a.xlsx"
    path.write_bytes(workbook(ROWS))

    _output, error = _run("ledger", str(path), *args)

    assert error is not None and message in str(error)
    assert LedgerImport.objects.count() == 0


def test_without_user_a_single_supervisor_is_needed(city, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(workbook(ROWS))

    _output, error = _run("ledger", str(path), "--dry-run")

    assert error is not None and "--user" in str(error)  # the city has two supervisors
