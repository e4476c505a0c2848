"""The ledger's periodic jobs, run by ``ecoledger worker``."""

from __future__ import annotations

from typing import Any

from ecoledger.jobs.registry import job
from ecoledger.ledger.services.rebounds import detect_rebounds


@job("ledger.detect_rebounds", every=3600)
def detect_rebounds_job() -> dict[str, Any]:
    """Idempotent: each suspicion is recorded once however often this runs."""
    return detect_rebounds()
