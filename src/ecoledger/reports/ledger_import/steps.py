"""What a checked row asks of the ledger: its problem's history, for the ledger's batch import.

``ledger.services.imports`` makes it as the single services would, step by
step at the ledger's dates, so the timeline, the audit events, the weekly
tallies and the clock of the deadline read as they would have: registered,
verified and started the day it was found; progress on its dates; handed in
(with the ledger row as its document) and accepted on 销号时间. The plan is
written once: the day it was found for work still open, else the day the
work was handed in, with the measures the ledger marks done (a ledger does
not say when each was done, and a second writing would double the plan's
cost on the rows most ledgers are made of).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ecoledger.ledger.services import Document, MeasureInput, ProblemImport, ProgressInput
from ecoledger.reports.ledger_import.record import row_record
from ecoledger.reports.ledger_import.rows import HANDED_IN, LedgerRow
from ecoledger.reports.models import LedgerImport


def problem_import(row: LedgerRow, ledger_import: LedgerImport) -> ProblemImport:
    """The row's history; the row itself rides along as its ``reference``."""
    source = _source(row, ledger_import)
    handed_in = row.status in HANDED_IN
    document = Document(
        f"ledger-row-{row.record.number}.xlsx", row_record(source, row.record.shown), source[:255]
    ) if handed_in else None
    return ProblemImport(
        facts=row.facts, status=row.status, reported_on=row.reported_on, code=row.code,
        reason=row.note or source, units=row.units, deadline=row.deadline, note=source,
        goal=row.goal,
        measures=[MeasureInput(line.description, line.owner, line.due_on,  # type: ignore[arg-type]
                               done=bool(line.done)) for line in row.measures],
        progress=[ProgressInput(line.text, line.on)  # type: ignore[arg-type]
                  for line in row.progress],
        handed_in_on=row.ended_on if handed_in else None, summary=source, document=document,
        opinion=row.acceptance, reference=row,
    )


def _source(row: LedgerRow, ledger_import: LedgerImport) -> str:
    where = {"row": row.record.number, "sheet": row.record.sheet,
             "file": ledger_import.original_name}
    if row.record.sheet:
        return _("Row %(row)s of sheet %(sheet)s of the imported ledger %(file)s") % where
    return _("Row %(row)s of the imported ledger %(file)s") % where
