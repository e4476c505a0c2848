"""HJ 633 breakpoint tables, reporting rules and AQI levels as data (standards.md §1).

Two rule sets: HJ 633-2012 (data before 2026-03-01) and HJ 633-2026 (from then on). Each
says which indicators a daily or a real-time report scores, on which breakpoint column,
and what a value above the column's last breakpoint gives. ``aqi`` turns these rows into
arrays; a new rule is a new row here, never a new branch there.

Units: µg/m³, except CO in mg/m³.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final

IAQI_STEPS: Final = (0, 50, 100, 150, 200, 300, 400, 500)
"""IAQI at each breakpoint row of HJ 633 Table 1 (2012) / Table 3 (2026)."""

BreakpointColumn = tuple[int, ...]
"""Concentrations at IAQI_STEPS[0], IAQI_STEPS[1], …; shorter where the table prints "—"."""

COLUMNS_2012: Final[Mapping[str, BreakpointColumn]] = MappingProxyType(
    {
        "so2_24h": (0, 50, 150, 475, 800, 1600, 2100, 2620),
        "so2_1h": (0, 150, 500, 650, 800),
        "no2_24h": (0, 40, 80, 180, 280, 565, 750, 940),
        "no2_1h": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
        "pm10_24h": (0, 50, 150, 250, 350, 420, 500, 600),
        "co_24h": (0, 2, 4, 14, 24, 36, 48, 60),
        "co_1h": (0, 5, 10, 35, 60, 90, 120, 150),
        "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
        "o3_8h": (0, 100, 160, 215, 265, 800),
        "pm25_24h": (0, 35, 75, 115, 150, 250, 350, 500),
    }
)

COLUMNS_2026: Final[Mapping[str, BreakpointColumn]] = MappingProxyType(
    {
        **COLUMNS_2012,
        # Only the PM columns changed: their IAQI 100 rows are the GB 3095-2026
        # transitional grade-II 24 h limits.
        "pm10_24h": (0, 50, 120, 250, 350, 420, 500, 600),
        "pm25_24h": (0, 35, 60, 115, 150, 250, 350, 500),
    }
)


@dataclass(frozen=True)
class Indicator:
    """One sub-index of a report: which input it reads and which column scores it.

    Above the column's last breakpoint the sub-index is ``over_top`` (500 by the usual
    practice where the column reaches 500; a fixed value where HJ 633-2026 sets one), or
    the sub-index of ``fallback`` when the standard substitutes another average, or no
    sub-index at all when ``over_top`` is None and there is no fallback (HJ 633-2012:
    O3 8 h above 800 is not scored; the O3 1 h indicator of the same report stands in).
    """

    key: str
    column: str
    over_top: int | None = 500
    fallback: Indicator | None = None


@dataclass(frozen=True)
class RuleSet:
    """One version of HJ 633: its breakpoints and how each report is scored."""

    name: str
    standard: str
    in_force_from: date
    columns: Mapping[str, BreakpointColumn]
    daily: tuple[Indicator, ...]
    real_time: tuple[Indicator, ...]
    decimals: Mapping[str, int]
    """GB/T 8170 rounding of each input before scoring (2026 §4.2.2); empty in 2012."""
    reports_exceeding: bool
    """Whether the rule set defines 超标污染物 (IAQI > 100); HJ 633-2026 deleted it."""
    incomplete_publish_above: int | None
    """HJ 633-2026 §5.3: with a pollutant missing, the AQI is published only above this."""

    def indicators(self, *, daily: bool) -> tuple[Indicator, ...]:
        return self.daily if daily else self.real_time


# The 2012 real-time SO2 above 800 µg/m³ is reported from the 24 h (moving) average.
_SO2_24H_FOR_REAL_TIME: Final = Indicator("so2_24h", "so2_24h")

HJ633_2012: Final = RuleSet(
    name="2012",
    standard="HJ 633-2012",
    in_force_from=date.min,
    columns=COLUMNS_2012,
    daily=(
        Indicator("so2", "so2_24h"),
        Indicator("no2", "no2_24h"),
        Indicator("pm10", "pm10_24h"),
        Indicator("co", "co_24h"),
        Indicator("o3", "o3_1h"),
        Indicator("o3_8h", "o3_8h", over_top=None),
        Indicator("pm25", "pm25_24h"),
    ),
    # PM is scored from its 24 h moving average (Table 4 lists PM 1 h without a sub-index).
    real_time=(
        Indicator("so2", "so2_1h", over_top=None, fallback=_SO2_24H_FOR_REAL_TIME),
        Indicator("no2", "no2_1h"),
        Indicator("pm10", "pm10_24h"),
        Indicator("co", "co_1h"),
        Indicator("o3", "o3_1h"),
        Indicator("o3_8h", "o3_8h", over_top=None),
        Indicator("pm25", "pm25_24h"),
    ),
    decimals=MappingProxyType({}),
    reports_exceeding=True,
    incomplete_publish_above=None,
)

HJ633_2026: Final = RuleSet(
    name="2026",
    standard="HJ 633-2026",
    in_force_from=date(2026, 3, 1),
    columns=COLUMNS_2026,
    daily=(
        Indicator("so2", "so2_24h"),
        Indicator("no2", "no2_24h"),
        Indicator("pm10", "pm10_24h"),
        Indicator("co", "co_24h"),
        Indicator("o3_8h", "o3_8h", over_top=300),
        Indicator("pm25", "pm25_24h"),
    ),
    # All six are 1 h means; PM 1 h means are scored on the daily PM columns (§4.2.4).
    real_time=(
        Indicator("so2", "so2_1h", over_top=200),
        Indicator("no2", "no2_1h"),
        Indicator("pm10", "pm10_24h"),
        Indicator("co", "co_1h"),
        Indicator("o3", "o3_1h"),
        Indicator("pm25", "pm25_24h"),
    ),
    decimals=MappingProxyType(
        {"so2": 0, "so2_24h": 0, "no2": 0, "pm10": 0, "co": 1, "o3": 0, "o3_8h": 0, "pm25": 0}
    ),
    reports_exceeding=False,
    incomplete_publish_above=100,
)

RULE_SETS: Final[Mapping[str, RuleSet]] = MappingProxyType(
    {rules.name: rules for rules in (HJ633_2012, HJ633_2026)}
)

INPUT_KEYS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "pm25": "PM2.5: 24 h mean (daily); 24 h moving mean (2012 real-time); 1 h mean (2026)",
        "pm10": "PM10: 24 h mean (daily); 24 h moving mean (2012 real-time); 1 h mean (2026)",
        "so2": "SO2: 24 h mean (daily) or 1 h mean (real-time)",
        "so2_24h": "SO2 24 h moving mean: 2012 real-time score when SO2 1 h is above 800",
        "no2": "NO2: 24 h mean (daily) or 1 h mean (real-time)",
        "co": "CO in mg/m³: 24 h mean (daily) or 1 h mean (real-time)",
        "o3_8h": "O3: daily max 8 h mean (daily) or 8 h moving mean (2012 real-time)",
        "o3": "O3 1 h: daily max 1 h (2012 daily) or 1 h mean (real-time)",
    }
)
"""Every concentration key the AQI functions accept, with what it means in each report."""


@dataclass(frozen=True)
class AqiLevel:
    """One row of HJ 633 Table 2 and Annex A (identical in 2012 and 2026)."""

    number: int
    upper: int | None
    name: str
    category: str
    category_en: str
    colour: str
    colour_en: str
    rgb: tuple[int, int, int]
    hex: str
    cmyk: tuple[int, int, int, int]


AQI_LEVELS: Final = (
    AqiLevel(1, 50, "一级", "优", "Excellent", "绿", "green", (0, 228, 0), "#00E400",
             (40, 0, 100, 0)),
    AqiLevel(2, 100, "二级", "良", "Good", "黄", "yellow", (255, 255, 0), "#FFFF00",
             (0, 0, 100, 0)),
    AqiLevel(3, 150, "三级", "轻度污染", "Lightly polluted", "橙", "orange", (255, 126, 0),
             "#FF7E00", (0, 52, 100, 0)),
    AqiLevel(4, 200, "四级", "中度污染", "Moderately polluted", "红", "red", (255, 0, 0),
             "#FF0000", (0, 100, 100, 0)),
    AqiLevel(5, 300, "五级", "重度污染", "Heavily polluted", "紫", "purple", (153, 0, 76),
             "#99004C", (10, 100, 40, 30)),
    AqiLevel(6, None, "六级", "严重污染", "Severely polluted", "褐红", "maroon", (126, 0, 35),
             "#7E0023", (30, 100, 100, 30)),
)  # fmt: skip
