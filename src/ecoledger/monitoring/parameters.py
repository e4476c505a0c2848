"""The parameter table, filled from the HJ 212 catalogue (one row per canonical factor code)."""

from __future__ import annotations

from ecoledger.monitoring.hj212 import PARAMETERS
from ecoledger.monitoring.models import Parameter

# Ambient air stations (ST 22) report gases in µg/m³ (CO in mg/m³), not the
# flue-gas mg/m³ of the HJ 212 table; AQI and GB 3095 are written in these units.
AMBIENT_UNITS = {"a21026": "µg/m³", "a21004": "µg/m³", "a21002": "µg/m³", "a05024": "µg/m³",
                 "a21005": "mg/m³"}


def sync_parameters() -> int:
    """Create the parameters of the catalogue that the table lacks; returns how many."""
    known = set(Parameter.objects.values_list("code", flat=True))
    missing = [
        Parameter(code=p.code, name=p.name_en, name_zh=p.name_zh,
                  unit=p.concentration_unit or "")
        for p in PARAMETERS.values() if p.code not in known
    ]
    Parameter.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def parameter_ids() -> dict[str, int]:
    sync_parameters()
    return dict(Parameter.objects.values_list("code", "pk"))
