"""Daily AQI throughput: our vectorised kernel, a per-value loop, and the aqi-hub library.

    .venv/bin/python bench/aqi_throughput.py                      # 2026 rules, 1,000,000 days
    .venv/bin/python bench/aqi_throughput.py --rule-set 2012      # needs aqi-hub 0.2.1
    .venv/bin/python bench/aqi_throughput.py --library-sample 100000

Station-days are drawn with a fixed seed from log-normal distributions resembling a
northern Chinese city, as daily means with one decimal (CO: two decimals, mg/m³), the
precision of a mean of hourly values before any rounding.

Printed:
(a) ``aqi_arrays`` over all days, best of three runs;
(b) a straightforward per-value loop over the same tables in exact decimal arithmetic
    (``tests/monitoring/standards/reference.py``) over all days, and whether (a) == (b)
    for every sub-index and AQI;
(c) aqi-hub's daily ``cal_aqi_cn``, called per station-day (it has no array API), with the
    version whose tables match the rule set: 0.2.1 for 2012, 0.3.x for 2026. Skipped with
    a message when it is not installed. Every disagreement with (a) is counted and put in
    a class that the standard explains.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import math
import shlex
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

# The per-value loop lives with the tests, which check the kernel against it too.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecoledger.monitoring.standards import AqiArrays, aqi_arrays, aqi_level
from ecoledger.monitoring.standards.aqi_tables import RULE_SETS
from tests.monitoring.standards.reference import reference_aqi, reference_sub_index

_T = TypeVar("_T")

LIBRARY_VERSION_FOR = {"2012": "0.2.1", "2026": "0.3."}
"""aqi-hub 0.2.1 carries the 2012 PM tables, 0.3.x the 2026 ones."""

LIBRARY_NAMES = {"pm25": "PM2.5", "pm10": "PM10", "so2": "SO2", "no2": "NO2", "co": "CO",
                 "o3_8h": "O3"}  # fmt: skip
"""Our daily input keys, in the library's argument order, and its names for them."""

LIBRARY_SO2_24H = (0, 150, 500, 650, 800, 1600, 2100, 2620)
"""aqi-hub's SO2 24 h column: the 1 h column's 150/500/650 where HJ 633 has 50/150/475."""

TARGET_SPEED_UP = 20.0

SO2_TABLE = "SO2 24 h: the library scores it on the 1 h breakpoints (150/500/650, not 50/150/475)"
ROUNDING = "2026 §4.2.2: we round the concentration by GB/T 8170 first; the library does not"
FLOAT_TRAP = "float trap: the library's binary formula lands just above an integer; ceil adds 1"
O3_ONE_HOUR = "2012 daily O3 1 h max: an HJ 633-2012 daily indicator the library's daily omits"


def station_days(size: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    pm25 = rng.lognormal(np.log(38), 0.7, size)
    o3_8h = rng.lognormal(np.log(95), 0.45, size)
    days = {
        "pm25": pm25,
        "pm10": pm25 * rng.uniform(1.3, 2.3, size),
        "so2": rng.lognormal(np.log(10), 0.7, size),
        "no2": rng.lognormal(np.log(32), 0.45, size),
        "co": rng.lognormal(np.log(0.8), 0.45, size),
        "o3_8h": o3_8h,
        "o3": o3_8h * rng.uniform(1.05, 1.5, size),
    }
    return {key: np.round(values, 2 if key == "co" else 1) for key, values in days.items()}


def timed(function: Callable[[], _T], repeat: int = 1) -> tuple[_T, float]:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - start)
    return result, min(seconds)


def per_value_loop(days: dict[str, np.ndarray], rule_set: str) -> tuple[np.ndarray, np.ndarray]:
    rules = RULE_SETS[rule_set]
    columns = {key: values.tolist() for key, values in days.items()}
    rows = [
        reference_aqi(dict(zip(columns, sample, strict=True)), rules, daily=True)
        for sample in zip(*columns.values(), strict=True)
    ]
    return np.array([aqi for aqi, _ in rows]), np.array([iaqi for _, iaqi in rows])


def library_daily(days: dict[str, np.ndarray], sample: np.ndarray) -> list[tuple[Any, Any]]:
    from aqi_hub.aqi_cn import cal_aqi_cn

    rows = list(zip(*(days[key][sample].tolist() for key in LIBRARY_NAMES), strict=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 0.2.1 warns for each O3 8 h above 800
        return [cal_aqi_cn(*row, data_type="daily") for row in rows]


def classify(key: str, value: float, theirs: float, rule_set: str) -> str:
    """Why the library's sub-index of ``value`` differs from ours, by the standard."""
    rules = RULE_SETS[rule_set]
    column = rules.columns[next(i.column for i in rules.daily if i.key == key)]
    written = Decimal(repr(value))
    if key == "so2" and _ceiling(reference_sub_index(LIBRARY_SO2_24H, written)) == theirs:
        return SO2_TABLE
    unrounded = reference_sub_index(column, written)
    if rule_set == "2026" and _ceiling(unrounded) == theirs:
        return ROUNDING
    if unrounded is not None and unrounded == unrounded.to_integral_value() and (
        theirs == unrounded + 1
    ):  # fmt: skip
        return FLOAT_TRAP
    return f"unexplained ({key} {value} → {theirs})"


def _ceiling(sub_index: Decimal | None) -> float:
    return math.nan if sub_index is None else math.ceil(sub_index)


def compare(
    arrays: AqiArrays,
    days: dict[str, np.ndarray],
    sample: np.ndarray,
    results: list[tuple[Any, Any]],
    rule_set: str,
) -> tuple[Counter[str], Counter[str], int]:
    """Sub-index and AQI disagreements by class, and how many change the AQI level."""
    sub_index_classes: Counter[str] = Counter()
    aqi_classes: Counter[str] = Counter()
    level_changes = 0
    for position, (their_aqi, their_iaqi) in zip(sample.tolist(), results, strict=True):
        ours = {key: float(arrays.iaqi_of(key)[position]) for key in arrays.indicators}
        theirs = {
            key: math.nan if their_iaqi[name] is None else float(their_iaqi[name])
            for key, name in LIBRARY_NAMES.items()
        }
        differing = {}
        for key, their_value in theirs.items():
            if their_value != ours[key] and not (math.isnan(their_value) and math.isnan(ours[key])):
                differing[key] = classify(key, float(days[key][position]), their_value, rule_set)
                sub_index_classes[differing[key]] += 1
        our_aqi = float(arrays.aqi[position])
        if their_aqi == our_aqi:
            continue
        deciding = {key for key, v in ours.items() if v == our_aqi}
        deciding |= {key for key, v in theirs.items() if v == their_aqi}
        causes = {differing[key] for key in deciding if key in differing}
        if {key for key, v in ours.items() if v == our_aqi} == {"o3"}:
            causes.add(O3_ONE_HOUR)
        aqi_classes[" + ".join(sorted(causes)) or "unexplained"] += 1
        level_changes += aqi_level(int(our_aqi)).number != aqi_level(int(their_aqi)).number
    return sub_index_classes, aqi_classes, level_changes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rule-set", choices=sorted(RULE_SETS), default="2026")
    parser.add_argument("--days", type=int, default=1_000_000)
    parser.add_argument(
        "--library-sample",
        type=int,
        default=1_000_000,
        help="station-days given to aqi-hub, a random sample when fewer than --days",
    )
    parser.add_argument("--seed", type=int, default=20260301)
    args = parser.parse_args()
    print("Command:", shlex.join([sys.executable, *sys.argv]))
    print(f"HJ 633-{args.rule_set} daily AQI over {args.days:,} station-days (seed {args.seed})")

    days = station_days(args.days, args.seed)
    _, first_s = timed(lambda: aqi_arrays(days, rule_set=args.rule_set, daily=True))
    arrays, vector_s = timed(lambda: aqi_arrays(days, rule_set=args.rule_set, daily=True), 3)
    vector_rate = args.days / vector_s
    print(
        f"(a) vectorised         {vector_rate:13,.0f} station-days/s  ({vector_s:.3f} s, best of"
        f" 3; the first call, which builds the lookup tables, took {first_s:.3f} s)"
    )

    (loop_aqi, loop_iaqi), loop_s = timed(lambda: per_value_loop(days, args.rule_set))
    print(
        f"(b) per-value loop     {args.days / loop_s:13,.0f} station-days/s  ({loop_s:.1f} s);"
        f" (a) is {loop_s / vector_s:,.0f}x faster"
    )
    same = np.array_equal(arrays.aqi, loop_aqi) and np.array_equal(
        arrays.iaqi, loop_iaqi, equal_nan=True
    )
    print(f"    (a) == (b) on every AQI and sub-index: {same}")
    if not same:
        raise SystemExit("the vectorised kernel disagrees with the per-value loop")

    wanted = LIBRARY_VERSION_FOR[args.rule_set]
    try:
        version = importlib.metadata.version("aqi-hub")
    except importlib.metadata.PackageNotFoundError:
        print(f"(c) aqi-hub is not installed: library comparison skipped (needs {wanted}x)")
        return
    if not version.startswith(wanted):
        print(f"(c) aqi-hub {version} has the other rule set's tables: comparison skipped "
              f"(HJ 633-{args.rule_set} needs {wanted}x)")  # fmt: skip
        return
    size = min(args.library_sample, args.days)
    rng = np.random.default_rng(args.seed + 1)
    sample = np.sort(rng.choice(args.days, size, replace=False))
    results, library_s = timed(lambda: library_daily(days, sample))
    library_rate = size / library_s
    scope = "all" if size == args.days else "a random sample of"
    print(
        f"(c) aqi-hub {version}   {library_rate:13,.0f} station-days/s  ({library_s:.1f} s,"
        f" cal_aqi_cn daily per station-day, on {scope} {size:,} days)"
    )
    verdict = "meets" if vector_rate / library_rate >= TARGET_SPEED_UP else "misses"
    print(f"    (a) is {vector_rate / library_rate:,.0f}x the library "
          f"({verdict} the {TARGET_SPEED_UP:.0f}x target)")  # fmt: skip

    sub_index_classes, aqi_classes, level_changes = compare(
        arrays, days, sample, results, args.rule_set
    )
    print(f"    sub-indices that differ: {sum(sub_index_classes.values()):,}")
    for cause, count in sub_index_classes.most_common():
        print(f"      {count:9,}  {cause}")
    differing_days = sum(aqi_classes.values())
    print(
        f"    AQI differs on {differing_days:,} of {size:,} days "
        f"({100 * differing_days / size:.2f} %); the level changes on {level_changes:,}"
    )
    for cause, count in aqi_classes.most_common():
        print(f"      {count:9,}  {cause}")


if __name__ == "__main__":
    main()
