"""Ledgers for the export and import tests: problems with a history, spreadsheets built by hand."""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

import openpyxl
from django.core.files.base import ContentFile
from django.utils import timezone

from ecoledger.ledger import services
from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import Problem
from ecoledger.ledger.services import MeasureInput, UnitAssignment
from ecoledger.lib import clock
from ecoledger.org.models import User
from ecoledger.reports.ledger_import import service
from ecoledger.reports.models import ImportedRow, LedgerImport
from tests.factories import City, category, jpeg_bytes, make_problem

_keys = itertools.count(1)


def on(day: date, hour: int = 10) -> Any:
    """Frozen at a local hour of a day, for a history with believable dates."""
    return clock.frozen_at(timezone.make_aware(datetime.combine(day, time(hour))))


def mark_imported(problem: Problem, user: User | None = None) -> ImportedRow:
    """Key a problem as a ledger row's, as an import does right after registering it."""
    ledger_import = LedgerImport.objects.create(
        file=ContentFile(b"x", name="ledger.csv"), original_name="ledger.csv", sha256="0" * 64,
        size=1, uploaded_by=user or problem.reported_by, uploaded_at=clock.now(),
    )
    return ImportedRow.objects.create(key=f"test:{next(_keys)}", problem=problem,
                                      ledger_import=ledger_import, row_number=2)


def ledger_problems(city: City) -> dict[str, Problem]:
    """District 1 has a problem in each state, with plans, progress and an acceptance;
    district 2 one rectifying problem."""
    sup, town = city.supervisor, city.towns[0][0]
    units = UnitAssignment(lead=city.districts[0], responsible=[city.departments[0]],
                           cooperating=[city.departments[1]])
    made: dict[str, Problem] = {}
    with on(date(2026, 3, 2)):
        made["reported"] = make_problem(
            city, region=town, title="Smoke at night", origin="complaint", severity="serious",
            latitude=32.0512345, longitude=118.7812345, address="12 River Road")
        made["dismissed"] = make_problem(city, status=Status.DISMISSED, title="Not a problem")
        made["assigned"] = make_problem(
            city, status=Status.ASSIGNED, region=town, units=units, title="Oil in the ditch",
            domain="water", origin="inspection", responsible_person="Wang Wei",
            deadline=date(2026, 9, 30))
    for name, status, day in (("rectifying", Status.RECTIFYING, date(2026, 3, 3)),
                              ("pending", Status.RECTIFYING, date(2026, 3, 4)),
                              ("closed", Status.RECTIFYING, date(2026, 3, 5))):
        with on(day):
            made[name] = make_problem(
                city, status=status, region=town, units=units, title=f"Dust ({name})",
                category=category("air"), responsible_person="Li Na",
                deadline=date(2026, 8, 31))
            services.save_plan(made[name], acting_user=sup, goal="No bare earth", measures=[
                MeasureInput("Cover the pile with netting", "site office", date(2026, 5, 31)),
                MeasureInput("Water the road twice a day", "street office", date(2026, 8, 31)),
            ])
        with on(date(2026, 4, 10)):
            services.report_progress(made[name], acting_user=sup, text="Netting half laid")
        with on(date(2026, 5, 20)):
            services.report_progress(made[name], acting_user=sup, text="Netting laid\nRoad wet")
    with on(date(2026, 6, 1)):
        plan = made["closed"].plan
        for measure in plan.measures.all():
            services.set_measure_done(measure, acting_user=sup)
        for name in ("pending", "closed"):
            services.add_evidence(made[name], acting_user=sup,
                                  upload=io.BytesIO(jpeg_bytes(seed=next(_keys))),
                                  name="after.jpg", stage="after")
            services.submit_for_acceptance(made[name], acting_user=sup, summary="Done")
    with on(date(2026, 6, 3)):
        services.accept_problem(made["closed"], acting_user=city.second_supervisor,
                                opinion="Checked on site: covered")
    with on(date(2026, 3, 6)):
        made["elsewhere"] = make_problem(city, status=Status.RECTIFYING, region=city.towns[1][0],
                                         title="Dust in district 2",
                                         deadline=date(2026, 8, 31))
    return {name: Problem.objects.get(pk=problem.pk) for name, problem in made.items()}


def workbook(rows: Sequence[Sequence[Any]], *, merges: Sequence[str] = (),
             title: str = "台账") -> bytes:
    """An .xlsx with these rows from A1, these ranges merged (their first cell keeps the value)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for ref in merges:
        sheet.merge_cells(ref)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ledger_table(data: bytes, sheet: int | str = 0) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows of a ledger sheet as openpyxl reads them."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    worksheet = book.worksheets[sheet] if isinstance(sheet, int) else book[sheet]
    rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def upload(user: User, data: bytes, name: str = "ledger.xlsx",
           mapping: dict[str, str] | None = None) -> LedgerImport:
    """Upload and check (the dry run)."""
    ledger_import = service.upload_ledger(acting_user=user, upload=io.BytesIO(data), name=name)
    if mapping:
        service.save_mapping(ledger_import, acting_user=user, choices=mapping)
    return service.check_ledger(ledger_import, acting_user=user)


def import_file(user: User, data: bytes, name: str = "ledger.xlsx",
                mapping: dict[str, str] | None = None) -> LedgerImport:
    """Upload, check and import."""
    return service.import_ledger(upload(user, data, name, mapping), acting_user=user)


def refusals(ledger_import: LedgerImport) -> list[tuple[int, str]]:
    """The refused rows as (row, column), in the order reported."""
    return [(error["row"], error["column"]) for error in ledger_import.row_errors]
