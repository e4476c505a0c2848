"""Repairs of derived monitoring tables, for operators and bulk loads."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from ecoledger.monitoring.models import LatestReading, Reading


@transaction.atomic
def rebuild_latest_readings() -> int:
    """Recompute the newest value per point, parameter and data type from the readings."""
    newest = (
        Reading.objects.values("point_id", "parameter_id", "data_type")
        .annotate(last=Max("observed_at"))
        .order_by()
    )
    LatestReading.objects.all().delete()
    rows = []
    for key in newest:
        reading = Reading.objects.filter(
            point_id=key["point_id"], parameter_id=key["parameter_id"],
            data_type=key["data_type"], observed_at=key["last"],
        ).only("value", "flag", "received_at").get()
        rows.append(LatestReading(
            point_id=key["point_id"], parameter_id=key["parameter_id"],
            data_type=key["data_type"], observed_at=key["last"], value=reading.value,
            flag=reading.flag, received_at=reading.received_at,
        ))
    LatestReading.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


