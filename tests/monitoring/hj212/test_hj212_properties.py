"""Properties: build then parse gives back what was built; no input makes the codec crash."""

from __future__ import annotations

import contextlib
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from hypothesis import assume, given
from hypothesis import strategies as st

from ecoledger.monitoring.hj212 import (
    LENIENT,
    PARAMETERS,
    STRICT,
    SYSTEMS,
    DataArea,
    FacilityReading,
    FactorReading,
    HJ212Error,
    build_packet,
    encode_data_area,
    frame_segment,
    lookup_parameter,
    parse_packet,
)
from ecoledger.monitoring.hj212.cp import NUMERIC_SUFFIXES

EXAMPLES = [
    line + b"\r\n" for line in Path(__file__).with_name("examples.txt").read_bytes().splitlines()
]

digits = st.text("0123456789", min_size=1, max_size=6)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda moment: moment.replace(microsecond=0)
)
decimals = st.decimals(
    allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9), max_value=10**9
)
codes = st.sampled_from(sorted(PARAMETERS)) | st.from_regex(r"[aw][0-9]{5}", fullmatch=True)
info_texts = st.text(
    st.sampled_from(list("ab Z09;,.=:-_/清洗管路故障报警维护")), max_size=24
).filter(lambda text: "//;" not in text and "//," not in text)


@st.composite
def readings(draw: st.DrawFn, code: str) -> FactorReading:
    kinds = draw(
        st.lists(st.sampled_from(sorted(NUMERIC_SUFFIXES)), min_size=1, max_size=4, unique=True)
    )
    return FactorReading(
        code=code,
        canonical_parameter=lookup_parameter(code),
        values={kind: draw(decimals) for kind in kinds},
        flag=draw(st.none() | st.sampled_from(list("NFMSDCTB"))),
        eflag=draw(st.none() | st.from_regex(r"[A-Z0-9]{1,4}", fullmatch=True)),
        sample_time=draw(st.none() | moments),
        info=draw(st.none() | info_texts),
        sn=draw(st.none() | st.from_regex(r"[0-9A-F]{24}", fullmatch=True)),
        extra=draw(st.sampled_from([{}, {"ResultType": "1"}])),
    )


@st.composite
def data_areas(draw: st.DrawFn) -> DataArea:
    fields: dict[str, object] = {}
    if draw(st.booleans()):
        fields["DataTime"] = draw(moments)
    if draw(st.booleans()):
        fields["QnRtn"] = draw(st.integers(0, 999))
    if draw(st.booleans()):
        fields["PolId"] = draw(codes)
    factor_codes = draw(st.lists(codes, max_size=5, unique=True))
    facilities = [
        FacilityReading(
            f"SB{number}", draw(st.none() | st.integers(0, 5)), draw(st.none() | decimals)
        )
        for number in draw(st.lists(st.integers(1, 99), max_size=3, unique=True))
    ]
    return DataArea(
        fields,  # type: ignore[arg-type]
        tuple(draw(readings(code)) for code in factor_codes),
        tuple(f for f in facilities if f.state is not None or f.running_hours is not None),
    )


@st.composite
def headers(draw: st.DrawFn) -> dict[str, object]:
    version_bits = draw(st.sampled_from([4, 8]))
    split = draw(st.booleans())
    pnum = draw(st.integers(1, 9999)) if split else None
    return {
        "qn": draw(st.from_regex(r"[0-9]{17}", fullmatch=True)),
        "st": draw(st.sampled_from(sorted(SYSTEMS))),
        "cn": draw(st.from_regex(r"[0-9]{4}", fullmatch=True)),
        "pw": draw(st.from_regex(r"[0-9A-Za-z]{6}", fullmatch=True)),
        "mn": draw(st.from_regex(r"[0-9A-F]{24}", fullmatch=True)),
        "flag": version_bits | (2 if split else 0) | draw(st.sampled_from([0, 1])),
        "pnum": pnum,
        "pno": None if pnum is None else draw(st.integers(1, pnum)),
    }


@given(headers(), data_areas())
def test_a_built_packet_parses_back_to_what_was_built(
    header: dict[str, object], area: DataArea
) -> None:
    cp = encode_data_area(area)
    try:
        data = build_packet(cp=cp, **header)  # type: ignore[arg-type]
    except ValueError:
        assume(False)
        raise

    packet = parse_packet(data)

    assert packet.cp == area
    assert (packet.qn, packet.st, packet.cn, packet.pw, packet.mn) == (
        header["qn"], header["st"], header["cn"], header["pw"], header["mn"],
    )  # fmt: skip
    assert (packet.flag, packet.pnum, packet.pno) == (header["flag"], header["pnum"], header["pno"])
    assert packet.quirks == frozenset()
    assert packet.raw == data


@given(st.binary(max_size=1200))
def test_random_bytes_raise_nothing_but_hj212_error(data: bytes) -> None:
    for compat in (STRICT, LENIENT):
        with contextlib.suppress(HJ212Error):
            parse_packet(data, compat=compat)


def _mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    mutable = bytearray(data)
    for action, position, value in edits:
        index = position % (len(mutable) + 1)
        if action == 0 and index < len(mutable):
            mutable[index] = value
        elif action == 1:
            mutable.insert(index, value)
        elif index < len(mutable):
            del mutable[index]
    return bytes(mutable)


edit_lists = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 2000), st.integers(0, 255)), min_size=1, max_size=6
)
special_bytes = st.sampled_from([*b"#;,=&/-\r\n0123456789ABCDEFabcdef", 0x80, 0xE6, 0xFF])


@given(st.sampled_from(EXAMPLES), edit_lists)
def test_mutated_packets_raise_nothing_but_hj212_error(
    packet: bytes, edits: list[tuple[int, int, int]]
) -> None:
    mutated = _mutate(packet, edits)
    for compat in (STRICT, LENIENT):
        with contextlib.suppress(HJ212Error):
            parse_packet(mutated, compat=compat)


@given(
    st.sampled_from(EXAMPLES),
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 2000), special_bytes), min_size=1, max_size=4
    ),
)
def test_mutated_segments_with_a_valid_crc_raise_nothing_but_hj212_error(
    packet: bytes, edits: list[tuple[int, int, int]]
) -> None:
    """Re-framing the mutated segment gets past the CRC, so the header and CP parsers are hit."""
    mutated = frame_segment(_mutate(packet[6:-6], edits))
    for compat in (STRICT, LENIENT):
        try:
            parse_packet(mutated, compat=compat)
        except HJ212Error as error:
            assert 0 <= error.offset <= len(mutated)


@given(decimals)
def test_a_decimal_keeps_its_exact_value_through_a_packet(value: Decimal) -> None:
    packet = build_packet(
        st="32", cn="2011", pw="123456", mn="010000A8900016F000169DC0", qn="20240601085857223",
        flag=4, cp=f"w01018-Rtd={format(value, 'f')}",
    )  # fmt: skip

    reading = parse_packet(packet).cp.readings[0]

    assert reading.values["Rtd"] == value
