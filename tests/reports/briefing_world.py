"""A small city with a few weeks of ledger history, for briefings: what each test stands on.

The briefed week is Monday 2026-11-30 to Sunday 2026-12-06; the tests stand on
Wednesday 2026-12-02 (``NOW``), so the dashboard's current week is the week briefed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from docx import Document
from docx.table import Table

from ecoledger.ledger import services
from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import Problem
from ecoledger.ledger.services import UnitAssignment
from ecoledger.lib import clock
from tests.factories import City, make_problem

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 11, 30)
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)
DISTRICT_NAMES = ("玄武区", "秦淮区")
DEPARTMENT_NAMES = ("市住建局", "市水务局")


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def name_in_chinese(city: City) -> None:
    """Chinese names, as a real city's: the charts must draw them in a CJK font."""
    city.city.name = "南京市"
    city.city.save()
    for district, name in zip(city.districts, DISTRICT_NAMES, strict=True):
        district.name = name
        district.save()
    for department, name in zip(city.departments, DEPARTMENT_NAMES, strict=True):
        department.name = name
        department.save()


@dataclass
class Ledger:
    overdue: Problem
    closed_earlier: Problem
    rebounded: Problem
    last_week: Problem
    new: Problem
    pending: Problem
    closed: Problem
    closed_late: Problem


def ledger_history(city: City) -> Ledger:
    """Problems registered, closed, overdue and rebounded over the last four weeks."""
    name_in_chinese(city)
    sup = city.supervisor
    with clock.frozen_at(at(MONDAY - timedelta(days=28))):
        overdue = make_problem(city, status=Status.RECTIFYING,
                               deadline=MONDAY - timedelta(days=10), title="河道排污口整治")
        closed_earlier = make_problem(city, status=Status.CLOSED, region=city.towns[1][0])
        rebounded = make_problem(city, status=Status.CLOSED, title="工地扬尘")
        closed_late = make_problem(city, status=Status.PENDING_ACCEPTANCE, region=city.towns[1][1],
                                   deadline=MONDAY - timedelta(days=2), origin="inspection")
    with clock.frozen_at(at(MONDAY - timedelta(days=5))):
        last_week = make_problem(city, status=Status.ASSIGNED, region=city.towns[1][1],
                                 origin="complaint")
    with clock.frozen_at(at(MONDAY)):
        new = make_problem(city, origin="complaint")
        units = UnitAssignment(lead=city.districts[0], responsible=[city.departments[0]])
        pending = make_problem(city, status=Status.PENDING_ACCEPTANCE, origin="inspection",
                               units=units)
        closed = make_problem(city, status=Status.CLOSED, region=city.towns[1][0],
                              origin="monitoring")
        services.rebound_problem(rebounded, acting_user=sup, reason="夜间施工扬尘再次出现",
                                 deadline=MONDAY + timedelta(days=30))
    with clock.frozen_at(at(MONDAY + timedelta(days=1))):
        services.accept_problem(closed_late, acting_user=city.second_supervisor,
                                opinion="现场核查")
    return Ledger(*(Problem.objects.get(pk=p.pk) for p in (
        overdue, closed_earlier, rebounded, last_week, new, pending, closed, closed_late)))


def read_docx(content: bytes) -> Document:
    return Document(io.BytesIO(content))


def table_after(document: Document, header: str) -> Table:
    """The table whose first header cell reads ``header``."""
    for table in document.tables:
        if table.rows[0].cells[0].text == header:
            return table
    raise AssertionError(f"no table headed {header!r}")


def rows_of(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows[1:]]


def text_of(document: Document) -> str:
    return "\n".join(paragraph.text for paragraph in document.paragraphs)
