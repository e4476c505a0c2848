"""Surface water: GB 3838-2002 classes and urban black-odorous grades (standards.md §3).

Classes are numbered 1–5 for I–V and 6 for 劣V (worse than V); 0 marks no value. Every
function takes arrays of samples (NaN = not measured) and returns arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

WORSE_THAN_V: Final = 6
CLASS_NAMES: Final = ("", "I", "II", "III", "IV", "V", "劣V")
CLASS_WORDING: Final = ("", "优", "优", "良好", "轻度污染", "中度污染", "重度污染")
"""Qualitative wording of a section's class (地表水环境质量评价办法, 2011)."""

WaterBody = Literal["river", "lake"]


@dataclass(frozen=True)
class WaterItem:
    """One item of GB 3838-2002 Table 1 (mg/L unless ``unit`` says otherwise).

    ``direction`` "max": the value must be ≤ the limit; "min": ≥ the limit (dissolved
    oxygen); "range": inside ``limits[0]`` … ``limits[1]`` for every class (pH).
    ``routine`` items make a section's class; the others are classified but reported
    apart (fecal coliform; TN, which only lakes and reservoirs assess, separately).
    """

    name: str
    direction: Literal["max", "min", "range"]
    limits: tuple[float, ...]
    unit: str = "mg/L"
    routine: bool = True


WATER_ITEMS: Final[Mapping[str, WaterItem]] = MappingProxyType(
    {
        "ph": WaterItem("pH", "range", (6, 9), unit=""),
        "do": WaterItem("Dissolved oxygen", "min", (7.5, 6, 5, 3, 2)),
        "codmn": WaterItem("Permanganate index", "max", (2, 4, 6, 10, 15)),
        "cod": WaterItem("COD", "max", (15, 15, 20, 30, 40)),
        "bod5": WaterItem("BOD5", "max", (3, 3, 4, 6, 10)),
        "nh3n": WaterItem("NH3-N", "max", (0.15, 0.5, 1.0, 1.5, 2.0)),
        "tp": WaterItem("TP", "max", (0.02, 0.1, 0.2, 0.3, 0.4)),
        "cu": WaterItem("Cu", "max", (0.01, 1.0, 1.0, 1.0, 1.0)),
        "zn": WaterItem("Zn", "max", (0.05, 1.0, 1.0, 2.0, 2.0)),
        "fluoride": WaterItem("Fluoride", "max", (1.0, 1.0, 1.0, 1.5, 1.5)),
        "se": WaterItem("Se", "max", (0.01, 0.01, 0.01, 0.02, 0.02)),
        "as": WaterItem("As", "max", (0.05, 0.05, 0.05, 0.1, 0.1)),
        "hg": WaterItem("Hg", "max", (0.00005, 0.00005, 0.0001, 0.001, 0.001)),
        "cd": WaterItem("Cd", "max", (0.001, 0.005, 0.005, 0.005, 0.01)),
        "cr6": WaterItem("Cr(VI)", "max", (0.01, 0.05, 0.05, 0.05, 0.1)),
        "pb": WaterItem("Pb", "max", (0.01, 0.01, 0.05, 0.05, 0.1)),
        "cyanide": WaterItem("Cyanide", "max", (0.005, 0.05, 0.2, 0.2, 0.2)),
        "volatile_phenol": WaterItem("Volatile phenol", "max", (0.002, 0.002, 0.005, 0.01, 0.1)),
        "petroleum": WaterItem("Petroleum", "max", (0.05, 0.05, 0.05, 0.5, 1.0)),
        "las": WaterItem("Anionic surfactant", "max", (0.2, 0.2, 0.2, 0.3, 0.3)),
        "sulfide": WaterItem("Sulfide", "max", (0.05, 0.1, 0.2, 0.5, 1.0)),
        "tn": WaterItem("TN", "max", (0.2, 0.5, 1.0, 1.5, 2.0), routine=False),
        "fecal_coliform": WaterItem(
            "Fecal coliform", "max", (200, 2000, 10000, 20000, 40000), unit="个/L", routine=False
        ),
    }
)

LAKE_TP: Final = WaterItem("TP (lakes and reservoirs)", "max", (0.01, 0.025, 0.05, 0.1, 0.2))
DO_SATURATION_CLASS_I: Final = 90.0
"""Class I dissolved oxygen is 7.5 mg/L "or saturation 90 %"."""

NO_EXCEEDANCE_MULTIPLE: Final = frozenset({"ph", "do"})
CLASS_III: Final = 3


def water_item(key: str, water_body: WaterBody) -> WaterItem:
    """The Table 1 row of ``key`` for a river or a lake/reservoir."""
    if key == "tp" and water_body == "lake":
        return LAKE_TP
    if key == "tn" and water_body == "river":
        raise ValueError("GB 3838 assesses TN for lakes and reservoirs only, not rivers")
    try:
        return WATER_ITEMS[key]
    except KeyError:
        raise ValueError(f"unknown GB 3838 item {key!r}; known: {sorted(WATER_ITEMS)}") from None


def item_class(
    values: ArrayLike,
    key: str,
    *,
    water_body: WaterBody = "river",
    do_saturation: ArrayLike | None = None,
) -> NDArray[np.int8]:
    """Class 1–5 of each value of one item (the best class whose limit it meets), 6 for
    劣V, 0 where the value is NaN. ``do_saturation`` (%) may lift DO to class I.
    """
    item = water_item(key, water_body)
    x = np.asarray(values, dtype=np.float64)
    limits = np.asarray(item.limits, dtype=np.float64)
    if item.direction == "max":
        classes = np.searchsorted(limits, x, side="left") + 1
    elif item.direction == "min":
        classes = np.searchsorted(-limits, -x, side="left") + 1
    else:
        classes = np.where((x >= limits[0]) & (x <= limits[1]), 1, WORSE_THAN_V)
    if key == "do" and do_saturation is not None:
        classes = np.where(np.asarray(do_saturation) >= DO_SATURATION_CLASS_I, 1, classes)
    return np.where(np.isnan(x), 0, classes).astype(np.int8)


def exceedance_multiple(
    values: ArrayLike, key: str, *, water_body: WaterBody = "river"
) -> NDArray[np.float64]:
    """(C − class III limit) / class III limit where positive, else 0; NaN where missing.

    Not defined for pH and DO.
    """
    if key in NO_EXCEEDANCE_MULTIPLE:
        raise ValueError(f"no exceedance multiple is computed for {key!r}")
    limit = water_item(key, water_body).limits[CLASS_III - 1]
    x = np.asarray(values, dtype=np.float64)
    return np.where(np.isnan(x), np.nan, np.maximum(x - limit, 0.0) / limit)


@dataclass(frozen=True)
class SectionClasses:
    """Classes of n samples: per item, and the section class from the routine items."""

    items: Mapping[str, NDArray[np.int8]]
    section: NDArray[np.int8]

    def worst_items(self, index: int) -> tuple[str, ...]:
        """Routine items at the section class of sample ``index`` (the deciding items)."""
        worst = self.section[index]
        return tuple(
            key
            for key, classes in self.items.items()
            if WATER_ITEMS[key].routine and worst > 0 and classes[index] == worst
        )

    def wording(self) -> NDArray[np.str_]:
        return np.asarray(CLASS_WORDING)[self.section]


def classify_samples(
    samples: Mapping[str, ArrayLike],
    *,
    water_body: WaterBody = "river",
    do_saturation: ArrayLike | None = None,
) -> SectionClasses:
    """Single-factor evaluation: each sample's class is its worst routine item's class."""
    items = {
        key: item_class(values, key, water_body=water_body, do_saturation=do_saturation)
        for key, values in samples.items()
    }
    routine = [classes for key, classes in items.items() if WATER_ITEMS[key].routine]
    if not routine:
        raise ValueError("no routine GB 3838 item given; a section class needs at least one")
    return SectionClasses(items=items, section=np.maximum.reduce(np.broadcast_arrays(*routine)))


NOT_BLACK_ODOROUS: Final = 0
LIGHT: Final = 1
HEAVY: Final = 2
BLACK_ODOROUS_NAMES: Final = ("不黑臭", "轻度黑臭", "重度黑臭")


@dataclass(frozen=True)
class BlackOdorousIndicator:
    """Thresholds of one indicator (城市黑臭水体整治工作指南, 2015).

    The light range includes both ends; beyond ``light`` towards the clean side is not
    black-odorous, beyond ``heavy`` on the other side is heavy. ``higher_is_better`` is True
    for transparency, DO and ORP, False for NH3-N.
    """

    light: float
    heavy: float
    higher_is_better: bool


BLACK_ODOROUS_INDICATORS: Final[Mapping[str, BlackOdorousIndicator]] = MappingProxyType(
    {
        "transparency": BlackOdorousIndicator(light=25, heavy=10, higher_is_better=True),
        "do": BlackOdorousIndicator(light=2.0, heavy=0.2, higher_is_better=True),
        "orp": BlackOdorousIndicator(light=50, heavy=-200, higher_is_better=True),
        "nh3n": BlackOdorousIndicator(light=8.0, heavy=15, higher_is_better=False),
    }
)
SHALLOW_DEPTH_CM: Final = 25.0
SHALLOW_HEAVY_SHARE_OF_DEPTH: Final = 0.4


def black_odorous_grades(
    values: ArrayLike, indicator: str, *, depth_cm: ArrayLike | None = None
) -> NDArray[np.int8]:
    """Grade 0 (not), 1 (light) or 2 (heavy) per value of one indicator; −1 where NaN.

    Transparency in water shallower than 25 cm: the heavy threshold becomes 40 % of the
    depth, and transparency reaching the bottom (≥ depth) is not black-odorous.
    """
    try:
        row = BLACK_ODOROUS_INDICATORS[indicator]
    except KeyError:
        raise ValueError(
            f"unknown black-odorous indicator {indicator!r}; known: "
            f"{sorted(BLACK_ODOROUS_INDICATORS)}"
        ) from None
    x = np.asarray(values, dtype=np.float64)
    sign = 1.0 if row.higher_is_better else -1.0
    light = np.full(x.shape, row.light)
    heavy = np.full(x.shape, row.heavy)
    if indicator == "transparency" and depth_cm is not None:
        depth = np.broadcast_to(np.asarray(depth_cm, dtype=np.float64), x.shape)
        shallow = depth < SHALLOW_DEPTH_CM
        light = np.where(shallow, depth, light)
        heavy = np.where(shallow, SHALLOW_HEAVY_SHARE_OF_DEPTH * depth, heavy)
        not_black = np.where(shallow, x >= light, x > light)
    else:
        not_black = sign * x > sign * light
    grades = np.where(not_black, NOT_BLACK_ODOROUS, np.where(sign * x < sign * heavy, HEAVY, LIGHT))
    return np.where(np.isnan(x), -1, grades).astype(np.int8)


def black_odorous_sample_grades(
    samples: Mapping[str, ArrayLike], *, depth_cm: ArrayLike | None = None
) -> NDArray[np.int8]:
    """Each sample's grade: its worst measured indicator; −1 where nothing was measured.

    ORP may be left out, as later national practice does.
    """
    grades = [
        black_odorous_grades(values, indicator, depth_cm=depth_cm)
        for indicator, values in samples.items()
    ]
    if not grades:
        raise ValueError("no black-odorous indicator given")
    worst: NDArray[np.int8] = np.maximum.reduce(np.broadcast_arrays(*grades))
    return worst
