"""Emission limits of GB 13223-2011, GB 16297-1996 and GB 18918-2002 as rows (standards.md §6).

Each row: standard, source type, HJ 212 factor code, condition, and the limit by tier.
Parameters are HJ 212-2017 factor codes; conditions and tiers are the standard's own
splits. Units and averaging are per standard (``STANDARD_BASIS``); the reference O2 is per
source type (``REFERENCE_OXYGEN``).

GB 13223-2011 (thermal power, mg/m³, dry, standard state, at reference O2). Tiers:
"general" (Table 1), "special" (Table 2, key regions), "ultra_low" (超低排放, coal only).
Conditions: "new" / "existing" units; "southwest" variants for Guangxi, Chongqing,
Sichuan and Guizhou; "w_flame_cfb_pre2004" for W-flame boilers, existing CFB boilers and
boilers built or EIA-approved before 2004-01-01; "natural_gas" / "other_gas".

GB 16297-1996 (integrated air emission standard, mg/m³, dry, standard state, any 1 h).
Tiers: "new" (Table 2, from 1997-01-01) and "existing" (Table 1). Source types are the
processes the standard distinguishes.

GB 18918-2002 (municipal WWTP effluent, Table 1, daily mean, mg/L). Tiers "1A", "1B", "2".
Conditions: NH3-N "above_12c" / "at_or_below_12c" water temperature; TP
"built_before_2006" / "built_from_2006".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

GB13223: Final = "GB 13223-2011"
GB16297: Final = "GB 16297-1996"
GB18918: Final = "GB 18918-2002"

PARTICULATE: Final = "a34013"
SO2: Final = "a21026"
NOX: Final = "a21002"
MERCURY: Final = "a20057"
COD: Final = "w01018"
BOD5: Final = "w01017"
SUSPENDED_SOLIDS: Final = "w01012"
PETROLEUM: Final = "w22001"
TOTAL_NITROGEN: Final = "w21001"
AMMONIA_NITROGEN: Final = "w21003"
TOTAL_PHOSPHORUS: Final = "w21011"
PH: Final = "w01001"
OXYGEN: Final = "a19001"


@dataclass(frozen=True)
class StandardBasis:
    unit: str
    averaging: str


STANDARD_BASIS: Final[Mapping[str, StandardBasis]] = MappingProxyType(
    {
        # GB 13223 states no averaging in its tables; CEMS data are judged as hourly means.
        GB13223: StandardBasis("mg/m³", "1h"),
        GB16297: StandardBasis("mg/m³", "1h"),
        GB18918: StandardBasis("mg/L", "24h"),
    }
)

REFERENCE_OXYGEN: Final[Mapping[tuple[str, str], float]] = MappingProxyType(
    {
        (GB13223, "coal_boiler"): 6.0,
        (GB13223, "oil_boiler"): 3.0,
        (GB13223, "gas_boiler"): 3.0,
        (GB13223, "oil_turbine"): 15.0,
        (GB13223, "gas_turbine"): 15.0,
    }
)
"""Percent O2, dry. GB 16297 and GB 18918 have none."""

PH_RANGE: Final = (6.0, 9.0)
"""GB 18918 pH, every class: a range, not a maximum; its rows hold the upper end."""

ALL: Final = "all"
"""Condition of a row that the standard does not split."""


@dataclass(frozen=True)
class EmissionLimitRow:
    standard: str
    source: str
    parameter: str
    condition: str
    limits: Mapping[str, float]
    """Limit by tier."""


def _rows(*rows: tuple[str, str, str, str, dict[str, float]]) -> tuple[EmissionLimitRow, ...]:
    return tuple(
        EmissionLimitRow(standard, source, parameter, condition, MappingProxyType(limits))
        for standard, source, parameter, condition, limits in rows
    )


# GB 18918 items whose HJ 212 code is not in hj212.md (animal/vegetable oil, LAS, colour,
# fecal coliform) are left out rather than given a guessed code.
EMISSION_LIMIT_ROWS: Final = _rows(
    (GB13223, "coal_boiler", PARTICULATE, ALL, {"general": 30, "special": 20, "ultra_low": 10}),
    (GB13223, "coal_boiler", SO2, "new", {"general": 100, "special": 50, "ultra_low": 35}),
    (GB13223, "coal_boiler", SO2, "existing", {"general": 200, "special": 50, "ultra_low": 35}),
    (GB13223, "coal_boiler", SO2, "new_southwest",
     {"general": 200, "special": 50, "ultra_low": 35}),
    (GB13223, "coal_boiler", SO2, "existing_southwest",
     {"general": 400, "special": 50, "ultra_low": 35}),
    (GB13223, "coal_boiler", NOX, ALL, {"general": 100, "special": 100, "ultra_low": 50}),
    (GB13223, "coal_boiler", NOX, "w_flame_cfb_pre2004",
     {"general": 200, "special": 100, "ultra_low": 50}),
    (GB13223, "coal_boiler", MERCURY, ALL, {"general": 0.03, "special": 0.03}),
    (GB13223, "oil_boiler", PARTICULATE, ALL, {"general": 30, "special": 20}),
    (GB13223, "oil_turbine", PARTICULATE, ALL, {"general": 30, "special": 20}),
    (GB13223, "oil_boiler", SO2, "new", {"general": 100, "special": 50}),
    (GB13223, "oil_boiler", SO2, "existing", {"general": 200, "special": 50}),
    (GB13223, "oil_turbine", SO2, "new", {"general": 100, "special": 50}),
    (GB13223, "oil_turbine", SO2, "existing", {"general": 200, "special": 50}),
    (GB13223, "oil_boiler", NOX, "new", {"general": 100, "special": 100}),
    (GB13223, "oil_boiler", NOX, "existing", {"general": 200, "special": 100}),
    (GB13223, "oil_turbine", NOX, ALL, {"general": 120, "special": 120}),
    (GB13223, "gas_boiler", PARTICULATE, "natural_gas", {"general": 5, "special": 5}),
    (GB13223, "gas_boiler", PARTICULATE, "other_gas", {"general": 10, "special": 5}),
    (GB13223, "gas_turbine", PARTICULATE, "natural_gas", {"general": 5, "special": 5}),
    (GB13223, "gas_turbine", PARTICULATE, "other_gas", {"general": 10, "special": 5}),
    (GB13223, "gas_boiler", SO2, "natural_gas", {"general": 35, "special": 35}),
    (GB13223, "gas_boiler", SO2, "other_gas", {"general": 100, "special": 35}),
    (GB13223, "gas_turbine", SO2, "natural_gas", {"general": 35, "special": 35}),
    (GB13223, "gas_turbine", SO2, "other_gas", {"general": 100, "special": 35}),
    (GB13223, "gas_boiler", NOX, "natural_gas", {"general": 100, "special": 100}),
    (GB13223, "gas_boiler", NOX, "other_gas", {"general": 200, "special": 100}),
    (GB13223, "gas_turbine", NOX, "natural_gas", {"general": 50, "special": 50}),
    (GB13223, "gas_turbine", NOX, "other_gas", {"general": 120, "special": 50}),
    (GB16297, "sulfur_production", SO2, ALL, {"new": 960, "existing": 1200}),
    (GB16297, "other", SO2, ALL, {"new": 550, "existing": 700}),
    (GB16297, "nitric_acid_production", NOX, ALL, {"new": 1400, "existing": 1700}),
    (GB16297, "other", NOX, ALL, {"new": 240, "existing": 420}),
    (GB16297, "carbon_black", PARTICULATE, ALL, {"new": 18, "existing": 22}),
    (GB16297, "mineral_wool", PARTICULATE, ALL, {"new": 60, "existing": 80}),
    (GB16297, "other", PARTICULATE, ALL, {"new": 120, "existing": 150}),
    (GB18918, "municipal_wwtp", COD, ALL, {"1A": 50, "1B": 60, "2": 100}),
    (GB18918, "municipal_wwtp", BOD5, ALL, {"1A": 10, "1B": 20, "2": 30}),
    (GB18918, "municipal_wwtp", SUSPENDED_SOLIDS, ALL, {"1A": 10, "1B": 20, "2": 30}),
    (GB18918, "municipal_wwtp", PETROLEUM, ALL, {"1A": 1, "1B": 3, "2": 5}),
    (GB18918, "municipal_wwtp", TOTAL_NITROGEN, ALL, {"1A": 15, "1B": 20}),
    (GB18918, "municipal_wwtp", AMMONIA_NITROGEN, "above_12c", {"1A": 5, "1B": 8, "2": 25}),
    (GB18918, "municipal_wwtp", AMMONIA_NITROGEN, "at_or_below_12c",
     {"1A": 8, "1B": 15, "2": 30}),
    (GB18918, "municipal_wwtp", TOTAL_PHOSPHORUS, "built_before_2006",
     {"1A": 1, "1B": 1.5, "2": 3}),
    (GB18918, "municipal_wwtp", TOTAL_PHOSPHORUS, "built_from_2006",
     {"1A": 0.5, "1B": 1, "2": 3}),
    (GB18918, "municipal_wwtp", PH, ALL, dict.fromkeys(("1A", "1B", "2"), PH_RANGE[1])),
)  # fmt: skip
