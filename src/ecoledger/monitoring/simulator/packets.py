"""A simulated minute as HJ 212 uploads: 2051 minute, 2011 real-time and 2061 hourly data.

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
HOURLY_DATA = "2061"
UPLOAD_COMMANDS = frozenset({MINUTE_DATA, REALTIME_DATA, HOURLY_DATA})
ABNORMAL_SHARE = 0.25
"""An hour whose minutes are more than a quarter abnormal carries their flag (HJ 212-2017
notes to 表C.16–C.18: flue gas is normal when at least 75 % of its values are)."""
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
    """One upload of ``values`` as minute (2051), hourly (2061) or real-time data (2011)."""
    items: list[list[Pair]] = [[("DataTime", data_time)]]
    for factor in profile.factors:
        minute = values[factor.code]
        code, decimals = factor.code, factor.decimals
        if cn in (MINUTE_DATA, HOURLY_DATA):
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


def hourly_values(minutes: list[Mapping[str, FactorMinute]]) -> dict[str, FactorMinute]:
    """The hour a device reports (2061) from the minutes it measured in that hour."""
    hour: dict[str, FactorMinute] = {}
    for code in minutes[0]:
        values = [minute[code] for minute in minutes]
        flags = [value.flag for value in values if value.flag != "N"]
        converted = [value.converted for value in values if value.converted is not None]
        amounts = [value.amount for value in values if value.amount is not None]
        hour[code] = FactorMinute(
            average=sum(value.average for value in values) / len(values),
            minimum=min(value.minimum for value in values),
            maximum=max(value.maximum for value in values),
            flag=max(set(flags), key=flags.count)
            if len(flags) > ABNORMAL_SHARE * len(values) else "N",
            amount=sum(amounts) if amounts else None,
            converted=(
                min(c[0] for c in converted),
                sum(c[1] for c in converted) / len(converted),
                max(c[2] for c in converted),
            ) if converted else None,
        )
    return hour
