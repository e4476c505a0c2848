"""GB/T 8170 rounding (数值修约): round half to even on the decimal a value was written as.

The standards round written numbers, not binary fractions. ``2.45`` is stored as the double
2.45000000000000017763…, so rounding that double gives 2.5, while GB/T 8170 (四舍六入五成双)
gives 2.4. Both functions here round the shortest decimal that reads back as the double
(Python's ``repr``), which is the number a station or a person wrote.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

_EXACT_INTEGER_LIMIT: Final = 2.0**52
"""Above this a scaled value no longer has a fractional part a double can hold."""


def round_half_even(value: float | int | str | Decimal, decimals: int = 0) -> Decimal:
    """Round ``value`` to ``decimals`` places by GB/T 8170 and return the exact decimal.

    Floats are read as their shortest decimal (``repr``); strings and Decimals as written.
    """
    _check_decimals(decimals)
    # float.__repr__ also reads a numpy float64 (a float subclass) as its plain decimal.
    number = Decimal(float.__repr__(value)) if isinstance(value, float) else Decimal(value)
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)


def round_half_even_array(values: ArrayLike, decimals: int = 0) -> NDArray[np.float64]:
    """Vectorised :func:`round_half_even`: the double nearest to each rounded decimal.

    NaN and infinities pass through. The result equals ``float(round_half_even(x, d))``
    for every element.

    How it stays exact without decimal arithmetic: ``k``, the value in units of one more
    place, is 10·q + r. With r ≠ 5 the value is clearly on one side of the half-way
    point q + ½ (one unit of k away at worst). With r = 5 the value lies near it, and the
    half-way decimal ``k / 10**(d+1)`` is compared with the value as doubles: IEEE division
    rounds that decimal correctly, and comparing doubles orders the decimals they were
    read from. Equal means a tie, which goes to the even q.
    """
    _check_decimals(decimals)
    x = np.asarray(values, dtype=np.float64)
    scale = 10.0**decimals
    finer = scale * 10.0
    with np.errstate(invalid="ignore"):  # NaN and infinities are put back below
        k = np.rint(x * finer)
        q = np.floor(k / 10.0)
        r = k - 10.0 * q
        half_way = k / finer
        up = (r > 5.0) | (
            (r == 5.0) & ((x > half_way) | ((x == half_way) & (np.fmod(q, 2.0) != 0.0)))
        )
        rounded = (q + up) / scale
    rounded = np.where(np.isfinite(x), rounded, x)
    huge = np.isfinite(x) & (np.abs(x) * finer >= _EXACT_INTEGER_LIMIT)
    if huge.any():
        rounded[huge] = [float(round_half_even(float(v), decimals)) for v in x[huge]]
    return rounded


def _check_decimals(decimals: int) -> None:
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, got {decimals}")
