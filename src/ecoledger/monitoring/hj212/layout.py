"""Layouts of ordinary data areas, learnt from the packets and kept for the fast path.

A device sends the same keys in the same order with every upload of a command; only the
values change. The fast path therefore checks a packet's keys once per *layout* — one
code per item, known suffixes, no code or suffix twice, the flag last — and keeps what
it found: pickers that take the numbers and the flags out of the values in the order
sent, the codes, their catalogue entries, and how the values group into items.

A layout seen again is compiled, and the device (its ``ST``, ``CN``, ``PW`` and ``MN``)
is remembered with it: into one regular expression over the whole packet, with the keys
as literal text and a group per value, which checks the device's next packet and cuts
out its values in a single match; and into two functions, generated from the layout,
that build the readings (or the scanned factors) in straight-line code — dictionary and
tuple displays instead of loops, which is most of what building costs. The generated
source holds only indices and the suffixes of ``NUMERIC_SUFFIXES``; the codes a device
sent are passed in as data, never written into code.

Compiling costs about a millisecond, so it is rationed: each packet read without a
compiled match earns a credit, each compile spends many, and however many layouts
arrive — hostile input included — compiling takes a bounded share of the time spent
parsing. What is remembered is bounded too (layouts, compiled layouts, devices), the
oldest forgotten first, so that no input grows the memory without limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Context, InvalidOperation
from functools import partial
from itertools import islice, repeat
from operator import itemgetter
from typing import Any

from ecoledger.monitoring.hj212.catalogue import Parameter, lookup_parameter
from ecoledger.monitoring.hj212.cp import NUMERIC_SUFFIXES, FactorReading
from ecoledger.monitoring.hj212.values import MAX_DECIMAL_CHARS

HEAD = (
    r"##([0-9]{4})"
    r"QN=([0-9]{17});ST=([0-9A-Z]{2});CN=([0-9]{4});PW=([0-9A-Za-z]{6});"
    r"MN=([0-9A-F]{24});Flag=([0-9]{1,3});(?:PNUM=([0-9]{1,4});PNO=([0-9]{1,4});)?"
    r"()CP=&&DataTime=([0-9]{14})"
)
"""Frame and header up to DataTime; the empty group marks where CP starts."""
TAIL = r"&&([0-9A-F]{4})\r\n"
ITEM_START = ";"
PAIR_START = ","
NUMBER = r"[+-]?(?:[0-9]{1,20}\.?[0-9]{0,10}|\.[0-9]{1,20})"
"""A number the fast path takes: the careful parser's syntax within its 32 characters
(20 digits, a point and 10 decimals at most; other numbers are left to it)."""
LETTER = r"[A-Za-z]"
FLAG = "Flag"
_CODE = re.compile(r"[A-Za-z0-9_.]+")

Picker = Callable[[Sequence[str]], Sequence[Any]]
"""Takes some of a packet's values, in the order sent (None where an item has no flag)."""
Readings = tuple[FactorReading, ...]
Factors = dict[str, dict[str, str]]

_SIGHTINGS_BEFORE_COMPILING = 2
COMPILE_COST = 100
"""Packets read without a compiled match per compile: a compile costs less than a
hundred such packets do, so even a stream of new layouts adds less than that again."""
_COMPILE_BURST = 32
MAX_LAYOUTS = 1024
"""Layouts remembered (about 8 KB each): a fleet has a few per kind of device and command."""
MAX_COMPILED = 256
"""Layouts compiled at once (about 22 KB each); the oldest compiled is dropped back to
the uncompiled reading when another is compiled, and may earn its compile again."""
MAX_DEVICES = 32768
"""Devices remembered with their last layout: a province's worth (about 8,000)."""

to_decimal = Context(prec=2 * MAX_DECIMAL_CHARS, traps=[InvalidOperation]).create_decimal
"""Exact (the precision exceeds any digit count allowed) whatever the thread's decimal
context says; and cheaper than ``Decimal()``, which looks that context up for every value."""

_new_tuple = tuple.__new__
"""``FactorReading._make`` without its Python-level length check (the fast path builds
every reading from nine values), so that a reading costs one C call."""


class Layout:
    """What every packet with the same keys in the same order has in common.

    ``numbers`` takes a packet's numeric values (item after item), ``flags`` its flags,
    ``item_flags`` each item's flag or None. ``readings`` and ``factors`` build from the
    values what ``parse_fast`` and ``scan_fast`` return. ``pattern`` is the compiled
    match, once the layout has earned it, and the builders are then generated ones.
    """

    __slots__ = ("codes", "counts", "factors", "flags", "item_flags", "keys", "numbers",
                 "parameters", "pattern", "readings", "sent", "sightings", "sizes",
                 "suffixes")  # fmt: skip

    def __init__(self, sent: Sequence[str], items: Sequence[tuple[str, Sequence[str]]]) -> None:
        numbers: list[int | None] = []
        flags: list[int | None] = []
        for index, key in enumerate(sent):
            (flags if key.endswith("-" + FLAG) else numbers).append(index)
        ends = [len(suffixes) for _, suffixes in items]
        for position in range(1, len(ends)):
            ends[position] += ends[position - 1]
        self.sent = tuple(sent)
        self.numbers = _picker(numbers)
        self.flags = _picker(flags)
        self.item_flags = _picker([
            end - 1 if suffixes[-1] == FLAG else None
            for end, (_, suffixes) in zip(ends, items, strict=True)
        ])  # fmt: skip
        self.codes = tuple(code for code, _ in items)
        self.parameters: tuple[Parameter | None, ...] = tuple(map(lookup_parameter, self.codes))
        self.suffixes = tuple(s for _, suffixes in items for s in suffixes if s != FLAG)
        self.counts = tuple(len(suffixes) - (suffixes[-1] == FLAG) for _, suffixes in items)
        self.keys = tuple(s for _, suffixes in items for s in suffixes)
        self.sizes = tuple(len(suffixes) for _, suffixes in items)
        self.pattern: re.Pattern[str] | None = None
        self.readings: Callable[[Sequence[str]], Readings] = partial(_readings, self)
        self.factors: Callable[[Sequence[str]], Factors] = partial(_factors, self)
        self.sightings = 0

    def uncompile(self) -> None:
        """Back to the uncompiled reading, which gives the same results."""
        self.pattern = None
        self.readings = partial(_readings, self)
        self.factors = partial(_factors, self)
        self.sightings = 0

    def compile(self) -> None:
        """Make the whole-packet match and the generated builders."""
        self.pattern = re.compile(HEAD + "".join(
            f"{re.escape(key)}=({LETTER if key.endswith('-' + FLAG) else NUMBER})"
            for key in self.sent
        ) + TAIL)  # fmt: skip
        readings, factors = [], []
        value = number = 0
        for index, size in enumerate(self.sizes):
            numbers, texts, flag = [], [], "None"
            for suffix in self.keys[value : value + size]:
                texts.append(f"{suffix!r}: v[{value}]")
                if suffix == FLAG:
                    flag = f"v[{value}]"
                else:
                    numbers.append(f"{suffix!r}: d[{number}]")
                    number += 1
                value += 1
            readings.append(f"new(R, (C[{index}], P[{index}], {{{', '.join(numbers)}}}, "
                            f"{flag}, None, None, None, None, {{}})),")  # fmt: skip
            factors.append(f"C[{index}]: {{{', '.join(texts)}}},")
        source = "\n".join([
            "def readings(v):",
            "    d = list(map(D, N(v)))",
            "    return (", *readings, ")",
            "def factors(v):",
            "    return {", *factors, "}",
        ])  # fmt: skip
        namespace: dict[str, Any] = {
            "new": _new_tuple, "R": FactorReading, "D": to_decimal, "N": self.numbers,
            "C": self.codes, "P": self.parameters,
        }  # fmt: skip
        exec(compile(source, "<HJ 212 layout>", "exec"), namespace)
        self.readings, self.factors = namespace["readings"], namespace["factors"]


def layout_of(keys: Sequence[str]) -> Layout | None:
    """The layout of an ordinary area's keys, each led by its separator; None otherwise.

    An item is one code's numbers, each suffix once, perhaps followed by its flag; a
    code heads one item only (a factor split over several, which the careful parser
    merges, is left to it).
    """
    items: list[tuple[str, list[str]]] = []
    for key in keys:
        separator, name = key[:1], key[1:]
        code, hyphen, suffix = name.partition("-")
        if not hyphen or _CODE.fullmatch(code) is None:
            return None
        if separator == ITEM_START:
            if any(code == other for other, _ in items):
                return None
            items.append((code, []))
        elif separator != PAIR_START or not items or items[-1][0] != code:
            return None
        suffixes = items[-1][1]
        known = suffix in NUMERIC_SUFFIXES or (suffix == FLAG and bool(suffixes))
        if not known or suffix in suffixes or FLAG in suffixes:
            return None
        suffixes.append(suffix)
    return Layout(keys, items)


class Layouts:
    """The layouts learnt, by their keys and by the device that last sent each one.

    ``compile_cost`` packets read without a compiled match earn one compile; None never
    compiles (for benchmarks that price the fast path without it).
    """

    def __init__(
        self,
        *,
        compile_cost: int | None = COMPILE_COST,
        max_layouts: int = MAX_LAYOUTS,
        max_compiled: int = MAX_COMPILED,
        max_devices: int = MAX_DEVICES,
    ) -> None:
        self._compile_cost = compile_cost
        self._credit = 0 if compile_cost is None else compile_cost * _COMPILE_BURST
        self._max_layouts = max_layouts
        self._max_compiled = max_compiled
        self._max_devices = max_devices
        self._by_keys: dict[str, Layout | None] = {}
        self._compiled: dict[Layout, None] = {}
        self._by_device: dict[bytes, Layout] = {}

    def of_device(self, device: bytes) -> Layout | None:
        """The layout the device sent last, if any; its pattern decides whether it fits."""
        return self._by_device.get(device)

    def learn(self, keys: list[str], device: bytes) -> Layout | None:
        """The layout of ``keys`` (None if not ordinary), remembered for the device.

        The keys joined by '=', which no key holds, name the layout unambiguously.
        """
        signature = "=".join(keys)
        try:
            layout = self._by_keys[signature]
        except KeyError:
            layout = layout_of(keys)
            _bounded_put(self._by_keys, signature, layout, self._max_layouts)
        if layout is None:
            return None
        layout.sightings += 1
        if self._compile_cost is not None:
            self._credit = min(self._credit + 1, self._compile_cost * _COMPILE_BURST)
            if (
                layout.pattern is None
                and layout.sightings >= _SIGHTINGS_BEFORE_COMPILING
                and self._credit >= self._compile_cost
            ):
                self._credit -= self._compile_cost
                self._compile(layout)
        _bounded_put(self._by_device, device, layout, self._max_devices)
        return layout

    def _compile(self, layout: Layout) -> None:
        """Compile the layout, first dropping the oldest compiled one if there are many."""
        if len(self._compiled) >= self._max_compiled:
            oldest = next(iter(self._compiled), None)
            if oldest is not None:
                self._compiled.pop(oldest, None)
                oldest.uncompile()
        layout.compile()
        self._compiled[layout] = None


def _readings(layout: Layout, values: Sequence[str]) -> Readings:
    """The readings of a layout not compiled (yet): the same result, built by loops."""
    decimals = map(to_decimal, layout.numbers(values))
    pairs = zip(layout.suffixes, decimals, strict=True)
    grouped = map(dict, map(islice, repeat(pairs), layout.counts))
    return tuple([
        _new_tuple(FactorReading, (code, parameter, numbers, flag, None, None, None, None, {}))
        for code, parameter, numbers, flag
        in zip(layout.codes, layout.parameters, grouped, layout.item_flags(values), strict=True)
    ])  # fmt: skip


def _factors(layout: Layout, values: Sequence[str]) -> Factors:
    """The scanned factors of a layout not compiled (yet), built by loops."""
    texts = map(dict, map(islice, repeat(zip(layout.keys, values, strict=True)), layout.sizes))
    return dict(zip(layout.codes, texts, strict=True))


def _bounded_put(mapping: dict[Any, Any], key: Any, value: Any, limit: int) -> None:
    """Store, forgetting the oldest entry when full, so that no input grows the cache."""
    if key not in mapping and len(mapping) >= limit:
        mapping.pop(next(iter(mapping), None), None)
    mapping[key] = value


def _picker(indices: list[int | None]) -> Picker:
    """The values at ``indices`` (None where an index is None), always as a sequence."""
    if len(indices) >= 2 and None not in indices:
        return itemgetter(*indices)
    return partial(_pick, tuple(indices))


def _pick(indices: tuple[int | None, ...], values: Sequence[str]) -> tuple[str | None, ...]:
    return tuple(None if index is None else values[index] for index in indices)
