"""The ledger import's actions: upload, map headers, check (the dry run), import.

Each takes the acting user and writes its audit event. Only supervisors
(city-wide) and region officers (their region's rows) import; an import is
carried on by whoever uploaded it. Rows become problems through the
ledger's batch import (``ledger.services.imports``), which makes each as
the single services would, with the same checks: the dry run asks those
checks too, so its verdict is the import's. The import itself is not one
transaction: rows are made in batches that commit; a row the ledger refuses
is reported and the rest of its batch made; an import that stops half-way
(a batch that fails as a whole, say on a code taken meanwhile) resumes where
it stopped, as made rows are keyed and not made again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import IO

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from ecoledger.audit.services import record
from ecoledger.jobs.services import enqueue
from ecoledger.ledger.models import Problem
from ecoledger.ledger.services import ProblemImport, check_problem_imports, import_problems
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, DomainError, InvalidInput, StateConflict
from ecoledger.org.models import User
from ecoledger.reports.ledger_columns import BY_KEY
from ecoledger.reports.ledger_import.checking import (
    Reading,
    Verdict,
    check_rows,
    read_ledger,
    summarise,
)
from ecoledger.reports.ledger_import.headers import Mapped
from ecoledger.reports.ledger_import.reading import inspect_ledger_file
from ecoledger.reports.ledger_import.records import RowError
from ecoledger.reports.ledger_import.rows import LedgerRow
from ecoledger.reports.ledger_import.steps import problem_import
from ecoledger.reports.models import (
    IMPORT_ROLES,
    HeaderMapping,
    ImportedRow,
    ImportStatus,
    LedgerImport,
)

IMPORT_JOB = "reports.import_ledger"
ROWS_PER_BATCH = 500
# The service inputs that a refusal may name, and the ledger column each comes from.
FIELD_COLUMNS = {
    "code": "code", "title": "title", "description": "description", "domain": "domain",
    "origin": "origin", "severity": "severity", "category": "category", "region": "district",
    "latitude": "latitude", "longitude": "longitude", "address": "address",
    "responsible_person": "responsible_person", "deadline": "deadline",
    "lead_unit": "responsible_units", "responsible_units": "responsible_units",
    "cooperating_units": "cooperating_units", "goal": "goal", "measures": "measures",
    "text": "progress", "opinion": "acceptance", "reason": "note",
}


def came_from_import(problems: Sequence[Problem]) -> set[int]:
    """The pks of the problems a ledger row made (the workflow asks, for imported acceptances).

    A batch of the import asks once for all its closed rows.
    """
    pks = [problem.pk for problem in problems]
    found: set[int] = set()
    for start in range(0, len(pks), ROWS_PER_BATCH):
        found.update(ImportedRow.objects.filter(problem_id__in=pks[start:start + ROWS_PER_BATCH])
                     .values_list("problem_id", flat=True))
    return found


def may_import(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in IMPORT_ROLES)


def _ensure_may_import(user: User) -> None:
    if not may_import(user):
        raise ActionRefused(_("Only supervisors and region officers import ledgers."),
                            code="refused_role")


def _ensure_uploader(ledger_import: LedgerImport, user: User) -> None:
    _ensure_may_import(user)
    if ledger_import.uploaded_by_id != user.pk:
        raise ActionRefused(_("Only the person who uploaded a ledger carries its import on."),
                            code="refused_rule")


@transaction.atomic
def upload_ledger(*, acting_user: User, upload: IO[bytes], name: str) -> LedgerImport:
    """Keep an uploaded ledger (checked for size and type) for its check and import."""
    _ensure_may_import(acting_user)
    facts = inspect_ledger_file(upload, name)
    ledger_import = LedgerImport(
        original_name=name[:200], sha256=facts.sha256, size=facts.size,
        uploaded_by=acting_user, uploaded_at=clock.now(),
    )
    upload.seek(0)
    ledger_import.file.save(name, File(upload), save=False)
    ledger_import.save()
    record("reports.ledger_import.uploaded", actor=acting_user, target=ledger_import,
           changes={"file": [None, f"{name} sha256:{facts.sha256}"]})
    return ledger_import


def headers_of(ledger_import: LedgerImport) -> list[Mapped]:
    """Every header of the file and its column so far (None: not recognised, not chosen)."""
    return read_ledger(ledger_import).mapped()


@transaction.atomic
def save_mapping(
    ledger_import: LedgerImport, *, acting_user: User, choices: Mapping[str, str]
) -> LedgerImport:
    """Map headers to columns ("" leaves one aside), remembered for the layouts that have them.

    ``choices`` is keyed by the headers as the file writes them.
    """
    _ensure_uploader(ledger_import, acting_user)
    reading = read_ledger(ledger_import)
    mapped = reading.mapped()
    by_text = {item.header.text: item.header.name for item in mapped}
    errors: dict[str, str] = {}
    chosen: dict[str, str] = {}
    for text, key in choices.items():
        if text not in by_text:
            errors[text] = _("The file has no header %(header)s.") % {"header": text}
        elif key and key not in BY_KEY:
            errors[text] = _("There is no ledger column %(key)s.") % {"key": key}
        else:
            chosen[by_text[text]] = key
    final = Counter(key for item in mapped if (key := chosen.get(item.header.name, item.key)))
    for text, key in choices.items():
        if key and final[key] > 1:
            errors[text] = _("%(column)s is chosen for more than one header.") % {
                "column": BY_KEY[key].header}
    if errors:
        raise InvalidInput(_("The mapping is not valid."), fields=errors)
    ledger_import.mapping = {**ledger_import.mapping, **chosen}
    ledger_import.save(update_fields=["mapping"])
    now = clock.now()
    for _sheet, layout, _mapped in reading.sheets:
        names = {header.name for header in layout.headers}
        HeaderMapping.objects.update_or_create(
            signature=layout.signature,
            defaults={"headers": [header.text for header in layout.headers],
                      "mapping": {name: key for name, key in ledger_import.mapping.items()
                                  if name in names},
                      "saved_by": acting_user, "saved_at": now},
        )
    record("reports.ledger_import.mapped", actor=acting_user, target=ledger_import,
           changes={"mapping": [None, chosen]})
    return ledger_import


def _read(ledger_import: LedgerImport) -> Reading | None:
    """The file read, or None with the import marked failed and the reason kept."""
    try:
        return read_ledger(ledger_import)
    except InvalidInput as error:
        ledger_import.status, ledger_import.failure = ImportStatus.FAILED, error.message
        ledger_import.save(update_fields=["status", "failure"])
        return None


def _keep_verdict(ledger_import: LedgerImport, reading: Reading, verdict: Verdict,
                  failures: list[RowError]) -> None:
    """The counts and the refusals, the ledger's (``failures``) among them, row by row."""
    failed = {(error.sheet, error.row) for error in failures}
    verdict.rows = [row for row in verdict.rows
                    if (row.record.sheet, row.record.number) not in failed]
    order = {sheet.name: index for index, (sheet, _layout, _mapped) in enumerate(reading.sheets)}
    verdict.errors = sorted([*verdict.errors, *failures],
                            key=lambda error: (order.get(error.sheet, 0), error.row))
    ledger_import.rows_total = verdict.total
    ledger_import.rows_valid = len(verdict.rows) + verdict.existing
    ledger_import.rows_existing = verdict.existing
    ledger_import.row_errors = [error.as_dict() for error in verdict.errors]
    ledger_import.summary = summarise(reading, verdict)
    ledger_import.failure = ""


@transaction.atomic
def check_ledger(ledger_import: LedgerImport, *, acting_user: User) -> LedgerImport:
    """The dry run: read every row and report each refused one; make nothing."""
    _ensure_uploader(ledger_import, acting_user)
    if ledger_import.status in (ImportStatus.QUEUED, ImportStatus.IMPORTED):
        raise StateConflict(_("This ledger is already imported or being imported."))
    reading = _read(ledger_import)
    if reading is None:
        return ledger_import
    verdict = check_rows(reading, acting_user)
    items = [problem_import(row, ledger_import) for row in verdict.rows]
    refused = check_problem_imports(items, acting_user=acting_user)
    _keep_verdict(ledger_import, reading, verdict,
                  [error for item, refusal in refused for error in _row_errors(item, refusal)])
    ledger_import.status = ImportStatus.CHECKED
    ledger_import.save()
    record("reports.ledger_import.checked", actor=acting_user, target=ledger_import,
           message=_describe(verdict))
    return ledger_import


@transaction.atomic
def queue_import(ledger_import: LedgerImport, *, acting_user: User) -> LedgerImport:
    """Hand a checked ledger to the worker, which imports it (``import_ledger``)."""
    _ensure_uploader(ledger_import, acting_user)
    if ledger_import.rows_valid - ledger_import.rows_existing <= 0:
        raise InvalidInput(_("No row of this ledger is left to import."))
    moved = LedgerImport.objects.filter(
        pk=ledger_import.pk, status__in=[ImportStatus.CHECKED, ImportStatus.FAILED]
    ).update(status=ImportStatus.QUEUED)
    if not moved:
        raise StateConflict(_("This ledger is already imported or being imported."))
    ledger_import.status = ImportStatus.QUEUED
    enqueue(IMPORT_JOB, {"ledger_import": ledger_import.pk})
    record("reports.ledger_import.queued", actor=acting_user, target=ledger_import)
    return ledger_import


def import_ledger(ledger_import: LedgerImport, *, acting_user: User) -> LedgerImport:
    """Make the problem of every valid row not yet imported, through the ledger's batch import.

    Steps: read and check the file again (the ledger may have changed since
    the dry run); make the rows' problems a batch at a time, each batch one
    transaction that also keys its rows and counts them; keep the refusals
    of the check and of the ledger; record the event.
    """
    _ensure_uploader(ledger_import, acting_user)
    reading = _read(ledger_import)
    if reading is None:
        return ledger_import
    verdict = check_rows(reading, acting_user)
    failures: list[RowError] = []
    created = 0
    try:
        for start in range(0, len(verdict.rows), ROWS_PER_BATCH):
            items = [problem_import(row, ledger_import)
                     for row in verdict.rows[start:start + ROWS_PER_BATCH]]
            with transaction.atomic():
                outcome = import_problems(
                    items, acting_user=acting_user,
                    keep=lambda made: _key_rows(made, ledger_import))
                failures.extend(error for item, refusal in outcome.refused
                                for error in _row_errors(item, refusal))
                created += len(outcome.made)
                LedgerImport.objects.filter(pk=ledger_import.pk).update(
                    rows_created=created, status=ImportStatus.QUEUED)
    except Exception as error:
        LedgerImport.objects.filter(pk=ledger_import.pk).update(
            status=ImportStatus.FAILED, rows_created=created,
            failure=_("The import stopped after %(n)s problems: %(error)s") % {
                "n": created, "error": error})
        raise
    with transaction.atomic():
        _keep_verdict(ledger_import, reading, verdict, failures)
        ledger_import.rows_created = created
        ledger_import.status, ledger_import.imported_at = ImportStatus.IMPORTED, clock.now()
        ledger_import.save()
        record("reports.ledger_import.imported", actor=acting_user, target=ledger_import,
               changes={"problems": [None, created]}, message=_describe(verdict))
    return ledger_import


def _key_rows(made: list[tuple[ProblemImport, Problem]], ledger_import: LedgerImport) -> None:
    """Key each made problem's row, so that importing it again makes nothing new."""
    rows: list[LedgerRow] = [item.reference for item, _problem in made]
    ImportedRow.objects.bulk_create([
        ImportedRow(key=row.record.key, problem=problem, ledger_import=ledger_import,
                    sheet=row.record.sheet[:31], row_number=row.record.number, note=row.note)
        for row, (_item, problem) in zip(rows, made, strict=True)
    ])


def _row_errors(item: ProblemImport, error: DomainError) -> list[RowError]:
    """Why the ledger refused a row, by the columns its inputs came from."""
    row: LedgerRow = item.reference
    if not error.fields:
        return [row.record.error("", error.message)]
    return [row.record.error(_field_column(name), " ".join(messages))
            for name, messages in error.fields.items()]


def _field_column(name: str) -> str:
    return FIELD_COLUMNS.get(name.split(".")[0], "")


def _describe(verdict: Verdict) -> str:
    return _("%(total)s rows: %(new)s new, %(existing)s already imported, %(refused)s refused.") % {
        "total": verdict.total, "new": len(verdict.rows), "existing": verdict.existing,
        "refused": verdict.refused}
