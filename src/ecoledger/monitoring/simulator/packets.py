"""A simulated minute as HJ 212 uploads: 2051 minute data and 2011 real-time data.

Only the data area is assembled here, as (key, value) pairs in the order of the standard's
examples; ``format_data_area`` and ``build_packet`` of the codec do the encoding, length and
CRC. Every upload asks for an answer (Flag=5: HJ 212-2017, A=1), which is what makes the
device retransmit until the platform has stored it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from ecoledger.monitoring.hj212 import REQUEST_FLAG, build_packet, format_data_area
from ecoledger.monitoring.hj212.builder import Pair
from ecoledger.monitoring.simulator.model import FactorMinute
from ecoledger.monitoring.simulator.profiles import KindProfile

MINUTE_DATA = "2051"
REALTIME_DATA = "2011"
UPLOAD_COMMANDS = frozenset({MINUTE_DATA, REALTIME_DATA})
AMOUNT_DECIMALS = 5
"""Per-minute amounts are small (kilograms of a pollutant, m³ of water); keep them visible."""


def upload_packet(
    profile: KindProfile,
    values: Mapping[str, FactorMinute],
    *,
    cn: str,
    mn: str,
    pw: str,
    qn: str,
    data_time: datetime,
) -> bytes:
    """One upload of ``values`` as minute data (2051) or real-time data (2011)."""
    items: list[list[Pair]] = [[("DataTime", data_time)]]
    for factor in profile.factors:
        minute = values[factor.code]
        code, decimals = factor.code, factor.decimals
        if cn == MINUTE_DATA:
            item = _minute_pairs(code, decimals, minute)
        elif cn == REALTIME_DATA:
            item = [(f"{code}-Rtd", f"{minute.average:.{decimals}f}")]
            if minute.converted is not None:
                item.append((f"{code}-ZsRtd", f"{minute.converted[1]:.{decimals}f}"))
        else:
            raise ValueError(f"cn must be one of {sorted(UPLOAD_COMMANDS)}, not {cn!r}")
        item.append((f"{code}-Flag", minute.flag))
        items.append(item)
    return build_packet(
        st=profile.st,
        cn=cn,
        pw=pw,
        mn=mn,
        qn=qn,
        flag=REQUEST_FLAG,
        cp=format_data_area(items),
    )


def _minute_pairs(code: str, decimals: int, minute: FactorMinute) -> list[Pair]:
    pairs: list[Pair] = []
    if minute.amount is not None:
        pairs.append((f"{code}-Cou", f"{minute.amount:.{AMOUNT_DECIMALS}f}"))
    pairs += [
        (f"{code}-Min", f"{minute.minimum:.{decimals}f}"),
        (f"{code}-Avg", f"{minute.average:.{decimals}f}"),
        (f"{code}-Max", f"{minute.maximum:.{decimals}f}"),
    ]
    if minute.converted is not None:
        low, average, high = minute.converted
        pairs += [
            (f"{code}-ZsMin", f"{low:.{decimals}f}"),
            (f"{code}-ZsAvg", f"{average:.{decimals}f}"),
            (f"{code}-ZsMax", f"{high:.{decimals}f}"),
        ]
    return pairs
