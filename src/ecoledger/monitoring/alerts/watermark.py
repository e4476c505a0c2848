"""Where the last evaluation stopped: a cursor row, advanced only after a whole run.

A run that fails halfway leaves the cursor where it was, so the next run reads
those readings again, which is harmless because an evaluation repeated over the
same readings changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from ecoledger.lib import clock
from ecoledger.monitoring.models import EvaluationCursor

EVALUATE_JOB: Final = "monitoring.evaluate_alerts"


def previous_watermark() -> datetime | None:
    """The time up to which the last complete evaluation read; None before the first."""
    return EvaluationCursor.objects.filter(name=EVALUATE_JOB).values_list(
        "position", flat=True
    ).first()


def advance_watermark(position: datetime) -> None:
    EvaluationCursor.objects.update_or_create(
        name=EVALUATE_JOB, defaults={"position": position, "updated_at": clock.now()}
    )
