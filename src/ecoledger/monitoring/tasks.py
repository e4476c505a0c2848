"""Monitoring's periodic jobs, run by ``ecoledger worker``.

Both are idempotent: a run repeated over the same readings, or after a crash, changes
nothing more. ``evaluate_alerts`` goes on from the cursor its last complete run left.
"""

from __future__ import annotations

from typing import Any

from ecoledger.jobs.registry import job
from ecoledger.monitoring import alerts
from ecoledger.monitoring.alerts.watermark import EVALUATE_JOB


@job(EVALUATE_JOB, every=60)
def evaluate_alerts() -> dict[str, Any]:
    return alerts.evaluate_alerts()


@job("monitoring.check_missing_data", every=300)
def check_missing_data() -> dict[str, Any]:
    return alerts.check_missing_data()
