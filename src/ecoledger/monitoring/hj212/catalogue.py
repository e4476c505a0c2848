"""Lookups over the HJ 212 code tables.

One parameter catalogue serves both generations of factor codes: a 2005 short code (``011``)
and its 2017 code (``w01018``) resolve to the same ``Parameter``, whose canonical code is the
2017 one, so readings from old and new loggers land in the same series.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ecoledger.monitoring.hj212.flags import ProtocolVersion
from ecoledger.monitoring.hj212.tables import (
    COMMAND_ROWS,
    DATA_FLAG_ROWS,
    EXECUTION_RETURN_ROWS,
    FACILITY_STATE_ROWS,
    PARAMETER_ROWS,
    REQUEST_RETURN_ROWS,
    SYSTEM_ROWS,
)


@dataclass(frozen=True, slots=True)
class Parameter:
    """A monitored quantity; ``code`` is its HJ 212-2017 factor code.

    ``concentration_unit`` is the unit of -Rtd/-Min/-Avg/-Max values (None when
    dimensionless), ``amount_unit`` that of -Cou (None when the factor has no amount).
    """

    code: str
    code_2005: str | None
    name_en: str
    name_zh: str
    concentration_unit: str | None
    amount_unit: str | None


@dataclass(frozen=True, slots=True)
class CodeEntry:
    code: str
    name_en: str
    name_zh: str


@dataclass(frozen=True, slots=True)
class Command:
    code: str
    name_en: str
    name_zh: str
    since: ProtocolVersion


@dataclass(frozen=True, slots=True)
class ReturnCode:
    value: int
    name_en: str
    name_zh: str


PARAMETERS: Mapping[str, Parameter] = MappingProxyType(
    {row[0]: Parameter(*row) for row in PARAMETER_ROWS}
)
"""Parameters by canonical (2017) code."""

_PARAMETERS_BY_ANY_CODE: Mapping[str, Parameter] = MappingProxyType(
    {
        **{p.code_2005: p for p in PARAMETERS.values() if p.code_2005 is not None},
        **PARAMETERS,
    }
)

SYSTEMS: Mapping[str, CodeEntry] = MappingProxyType(
    {row[0]: CodeEntry(*row) for row in SYSTEM_ROWS}
)
COMMANDS: Mapping[str, Command] = MappingProxyType(
    {cn: Command(cn, en, zh, ProtocolVersion(since)) for cn, en, zh, since in COMMAND_ROWS}
)
REQUEST_RETURNS: Mapping[int, ReturnCode] = MappingProxyType(
    {row[0]: ReturnCode(*row) for row in REQUEST_RETURN_ROWS}
)
"""QnRtn values (表7)."""
EXECUTION_RETURNS: Mapping[int, ReturnCode] = MappingProxyType(
    {row[0]: ReturnCode(*row) for row in EXECUTION_RETURN_ROWS}
)
"""ExeRtn values (表6)."""
DATA_FLAGS: Mapping[str, CodeEntry] = MappingProxyType(
    {row[0]: CodeEntry(*row) for row in DATA_FLAG_ROWS}
)
"""-Flag values (表8)."""
FACILITY_STATES: Mapping[int, ReturnCode] = MappingProxyType(
    {row[0]: ReturnCode(*row) for row in FACILITY_STATE_ROWS}
)
"""SBxxx-RS values."""


lookup_parameter: Callable[[str], Parameter | None] = _PARAMETERS_BY_ANY_CODE.get
"""The parameter for a 2017 or 2005 factor code; None for codes outside the catalogue.

The mapping's own ``get`` rather than a function around it: the fast path calls it once
per factor of every packet, and a Python call costs more than the lookup."""
