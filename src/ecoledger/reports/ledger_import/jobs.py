"""The worker's job that imports a checked ledger (queued by ``service.queue_import``)."""

from __future__ import annotations

from typing import Any

from ecoledger.jobs.registry import job
from ecoledger.lib.errors import DomainError
from ecoledger.reports.ledger_import.service import IMPORT_JOB, import_ledger
from ecoledger.reports.models import ImportStatus, LedgerImport


# A large ledger takes a minute or more on a busy server; the lock must outlast it by far, or a
# second worker would take the job up beside the first (harmless, as rows are keyed, but wasted).
@job(IMPORT_JOB, timeout=6 * 3600)
def import_ledger_job(ledger_import: int) -> dict[str, Any]:
    """Import, as its uploader; a refusal (the uploader lost the right) ends it without retry.

    Anything else fails the job, which the worker retries: rows already made
    are keyed, so a retry carries on where the import stopped.
    """
    item = LedgerImport.objects.get(pk=ledger_import)
    try:
        done = import_ledger(item, acting_user=item.uploaded_by)
    except DomainError as error:
        LedgerImport.objects.filter(pk=item.pk).update(status=ImportStatus.FAILED,
                                                       failure=error.message)
        return {"refused": error.message}
    return {"status": done.status, "created": done.rows_created, "refused": len(done.row_errors)}
