"""Emission limits, CEMS conversions and permit judgement (standards.md §6).

Limits apply to dry flue gas at standard state (273.15 K, 101.325 kPa), corrected to the
reference O2 of the applicable standard (折算浓度). The conversions here are vectorised;
a reading that cannot be converted (O2 at or above 21 %, a stack breathing ambient air)
becomes NaN and is reported as not judged rather than as compliant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecoledger.monitoring.standards.emission_tables import (
    ALL,
    EMISSION_LIMIT_ROWS,
    OXYGEN,
    PH,
    PH_RANGE,
    REFERENCE_OXYGEN,
    STANDARD_BASIS,
)

AIR_OXYGEN_PERCENT: Final = 21.0
STANDARD_TEMPERATURE_K: Final = 273.15
STANDARD_PRESSURE_KPA: Final = 101.325

PPM_TO_MG_M3: Final[Mapping[str, float]] = MappingProxyType(
    {"a21026": 2.86, "a21003": 1.34, "a21004": 2.05, "a21005": 1.25}
)
"""M/22.4 at standard state, by HJ 212 code: SO2, NO, NO2, CO."""

NO_AS_NO2: Final = 1.53
"""NO (mg/m³) × 46/30, printed as 1.53, gives its mass as NO2 in NOx."""


@dataclass(frozen=True)
class PermitLimit:
    """One limit of a discharge permit or an emission standard.

    ``minimum`` is set for a range (pH 6–9): a value must lie within minimum … limit.
    ``reference_o2`` (percent, dry) means readings are judged after oxygen correction.
    """

    parameter: str
    limit: float
    unit: str
    averaging: str
    reference_o2: float | None = None
    minimum: float | None = None


_ROWS_BY_KEY: Final = MappingProxyType(
    {(r.standard, r.source, r.parameter, r.condition): r for r in EMISSION_LIMIT_ROWS}
)


def emission_limit(
    standard: str, source: str, parameter: str, *, tier: str, condition: str = ALL
) -> PermitLimit:
    """The limit of ``parameter`` (HJ 212 code) in ``standard`` for a source type and tier."""
    row = _ROWS_BY_KEY.get((standard, source, parameter, condition))
    if row is None:
        known = sorted(key[1:] for key in _ROWS_BY_KEY if key[0] == standard)
        raise ValueError(
            f"no {standard} limit for source {source!r}, parameter {parameter!r}, condition "
            f"{condition!r}; known (source, parameter, condition): {known}"
        )
    if tier not in row.limits:
        raise ValueError(
            f"{standard} {source} {parameter}: no tier {tier!r}, only {list(row.limits)}"
        )
    basis = STANDARD_BASIS[standard]
    return PermitLimit(
        parameter=parameter,
        limit=row.limits[tier],
        unit="" if parameter == PH else basis.unit,
        averaging=basis.averaging,
        reference_o2=REFERENCE_OXYGEN.get((standard, source)),
        minimum=PH_RANGE[0] if parameter == PH else None,
    )


def wet_to_dry(concentration: ArrayLike, moisture_fraction: ArrayLike) -> NDArray[np.float64]:
    """C_dry = C_wet / (1 − X_sw), with X_sw the moisture volume fraction (0–1)."""
    return _array(concentration) / (1.0 - _array(moisture_fraction))


def to_standard_state(
    concentration: ArrayLike,
    *,
    flue_temperature_c: ArrayLike,
    barometric_kpa: ArrayLike,
    static_kpa: ArrayLike,
) -> NDArray[np.float64]:
    """C_std = C_act × (273.15 + t_s)/273.15 × 101.325/(B_a + P_s)."""
    temperature = (STANDARD_TEMPERATURE_K + _array(flue_temperature_c)) / STANDARD_TEMPERATURE_K
    pressure = STANDARD_PRESSURE_KPA / (_array(barometric_kpa) + _array(static_kpa))
    return _array(concentration) * temperature * pressure


def ppm_to_mg_m3(ppm: ArrayLike, parameter: str) -> NDArray[np.float64]:
    """Volume ppm to mg/m³ at standard state for SO2, NO, NO2 or CO (HJ 212 codes)."""
    try:
        factor = PPM_TO_MG_M3[parameter]
    except KeyError:
        raise ValueError(
            f"no ppm factor for {parameter!r}; known: {sorted(PPM_TO_MG_M3)}"
        ) from None
    return _array(ppm) * factor


def nox_as_no2(no_mg_m3: ArrayLike, no2_mg_m3: ArrayLike) -> NDArray[np.float64]:
    """NOx reported as NO2: NO × 1.53 + NO2, all in mg/m³."""
    return _array(no_mg_m3) * NO_AS_NO2 + _array(no2_mg_m3)


def at_reference_oxygen(
    concentration: ArrayLike, measured_o2: ArrayLike, reference_o2: float
) -> NDArray[np.float64]:
    """折算浓度: C × (21 − O2_ref)/(21 − O2_meas); NaN where the measured O2 is ≥ 21 %."""
    measured = _array(measured_o2)
    with np.errstate(divide="ignore", invalid="ignore"):
        corrected = (
            _array(concentration)
            * (AIR_OXYGEN_PERCENT - reference_o2)
            / (AIR_OXYGEN_PERCENT - measured)
        )
    return np.where(measured < AIR_OXYGEN_PERCENT, corrected, np.nan)


@dataclass(frozen=True)
class PermitJudgement:
    """Readings judged against one limit.

    ``values`` are the values compared (oxygen-corrected where the limit has a reference
    O2); NaN where the reading, or the O2 it needs, is missing, and ``judged`` is False
    there. ``exceeds`` is True only for judged values outside the limit.
    """

    limit: PermitLimit
    values: NDArray[np.float64]
    judged: NDArray[np.bool_]
    exceeds: NDArray[np.bool_]


def judge_readings(
    readings: Mapping[str, ArrayLike], limits: Sequence[PermitLimit]
) -> tuple[PermitJudgement, ...]:
    """Judge aligned arrays of readings (keyed by HJ 212 code) against each limit.

    The measured O2 is the ``a19001`` reading. A limit whose parameter has no readings is
    judged nowhere, not skipped, so the caller sees it.
    """
    if not readings:
        raise ValueError("no readings given")
    arrays = dict(
        zip(readings, np.broadcast_arrays(*(_array(v) for v in readings.values())), strict=True)
    )
    missing = np.full(next(iter(arrays.values())).shape, np.nan)
    judgements = []
    for limit in limits:
        values = arrays.get(limit.parameter, missing)
        if limit.reference_o2 is not None:
            values = at_reference_oxygen(values, arrays.get(OXYGEN, missing), limit.reference_o2)
        judged = ~np.isnan(values)
        exceeds = values > limit.limit
        if limit.minimum is not None:
            exceeds |= values < limit.minimum
        judgements.append(PermitJudgement(limit, values, judged, exceeds))
    return tuple(judgements)


def _array(values: ArrayLike) -> NDArray[np.float64]:
    return np.asarray(values, dtype=np.float64)
