"""The framer gives the same frames and errors however the stream is chunked."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecoledger.monitoring.hj212 import (
    LENIENT,
    STRICT,
    Compat,
    Frame,
    Framer,
    FramingError,
    Quirk,
    Reason,
    parse_packet,
)
from ecoledger.monitoring.hj212.framer import FramerEvent

EXAMPLES = [
    line + b"\r\n" for line in Path(__file__).with_name("examples.txt").read_bytes().splitlines()
]
GARBAGE = b"\x00\xffjunk#"
STREAM = b"".join(EXAMPLES[:3]) + GARBAGE + b"".join(EXAMPLES[3:])


def feed_all(chunks: list[bytes], compat: Compat = STRICT) -> list[FramerEvent]:
    framer = Framer(compat=compat)
    events: list[FramerEvent] = []
    for chunk in chunks:
        events.extend(framer.feed(chunk))
    return events + framer.close()


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    bounds = [0, *sorted(cuts), len(data)]
    return [data[start:end] for start, end in pairwise(bounds)]


def single_error(events: list[FramerEvent]) -> FramingError:
    [event] = events
    assert isinstance(event, FramingError)
    return event


def offsets_of(packets: list[bytes], start: int = 0) -> list[int]:
    offsets, position = [], start
    for packet in packets:
        offsets.append(position)
        position += len(packet)
    return offsets


def test_several_packets_in_one_chunk_come_out_as_separate_frames() -> None:
    events = Framer().feed(b"".join(EXAMPLES))

    assert events == [
        Frame(packet, offset) for packet, offset in zip(EXAMPLES, offsets_of(EXAMPLES), strict=True)
    ]


def test_a_packet_split_over_many_chunks_comes_out_once_complete() -> None:
    framer = Framer()
    packet = EXAMPLES[1]

    assert framer.feed(packet[:100]) == []
    assert framer.feed(packet[100:-1]) == []
    assert framer.pending == len(packet) - 1
    assert framer.feed(packet[-1:]) == [Frame(packet, 0)]
    assert framer.pending == 0


def test_garbage_between_packets_is_reported_with_its_offset_and_the_next_packet_parses() -> None:
    events = feed_all([STREAM])

    garbage_offset = sum(len(p) for p in EXAMPLES[:3])
    errors = [event for event in events if isinstance(event, FramingError)]
    assert [(e.reason, e.offset, e.length) for e in errors] == [
        (Reason.GARBAGE, garbage_offset, len(GARBAGE))
    ]
    assert f"from byte {garbage_offset}" in errors[0].message
    frames = [event for event in events if isinstance(event, Frame)]
    assert [frame.data for frame in frames] == EXAMPLES
    assert frames[3].offset == garbage_offset + len(GARBAGE)
    assert parse_packet(frames[3].data).cn == "2061"


def test_every_split_into_two_chunks_gives_the_same_events() -> None:
    expected = feed_all([STREAM])

    for cut in range(len(STREAM) + 1):
        assert feed_all(chunked(STREAM, [cut])) == expected, cut


def test_every_split_into_three_chunks_of_a_short_stream_gives_the_same_events() -> None:
    stream = EXAMPLES[2] + b"x#" + EXAMPLES[6]
    expected = feed_all([stream])

    for first in range(len(stream) + 1):
        for second in range(first, len(stream) + 1):
            assert feed_all(chunked(stream, [first, second])) == expected


def test_one_byte_at_a_time_gives_the_same_events() -> None:
    one_by_one = [STREAM[index : index + 1] for index in range(len(STREAM))]

    assert feed_all(one_by_one) == feed_all([STREAM])


def test_leading_garbage_without_any_packet_is_reported_at_close() -> None:
    framer = Framer()

    assert framer.feed(b"hello") == []
    assert framer.pending == 0
    assert framer.close() == [
        FramingError(
            Reason.GARBAGE,
            "5 bytes skipped from byte 0: not part of any packet (starts 'hello')",
            0,
            5,
            b"hello",
        )
    ]


def test_a_lone_hash_at_the_end_of_the_stream_is_reported_as_garbage() -> None:
    framer = Framer()

    assert framer.feed(EXAMPLES[0] + b"#") == [Frame(EXAMPLES[0], 0)]
    error = single_error(framer.close())

    assert (error.reason, error.offset, error.length) == (Reason.GARBAGE, len(EXAMPLES[0]), 1)


def test_a_stream_ending_inside_a_packet_is_reported_as_truncated() -> None:
    framer = Framer()
    framer.feed(EXAMPLES[0][:50])

    error = single_error(framer.close())

    assert (error.reason, error.offset, error.length) == (Reason.TRUNCATED, 0, 50)


def test_a_bad_length_field_is_skipped_and_the_next_packet_still_frames() -> None:
    events = feed_all([b"##01X1QN=1;CP=&&&&\r\n" + EXAMPLES[0]])

    assert isinstance(events[0], FramingError)
    assert (events[0].reason, events[0].offset, events[0].length) == (Reason.BAD_LENGTH, 0, 20)
    assert events[1] == Frame(EXAMPLES[0], 20)


def test_a_declared_length_that_misses_the_trailer_is_refused_in_strict_mode() -> None:
    wrong = b"##0100" + EXAMPLES[0][6:]
    events = feed_all([wrong + EXAMPLES[2]])

    assert isinstance(events[0], FramingError)
    assert events[0].reason == Reason.BAD_TRAILER
    assert events[1] == Frame(EXAMPLES[2], len(wrong))


def test_an_oversize_declared_length_is_refused_without_waiting_for_the_bytes() -> None:
    framer = Framer()

    events = framer.feed(b"##1500QN=")

    assert events == []
    assert framer.pending == 0
    assert single_error(framer.close()).reason == Reason.SEGMENT_TOO_LONG


def test_a_smaller_maximum_frame_size_refuses_larger_packets() -> None:
    framer = Framer(max_frame_size=200)

    events = framer.feed(EXAMPLES[1] + EXAMPLES[0])

    assert isinstance(events[0], FramingError)
    assert events[0].reason == Reason.SEGMENT_TOO_LONG
    assert events[1] == Frame(EXAMPLES[0], len(EXAMPLES[1]))


def test_a_maximum_frame_size_must_leave_room_for_a_packet() -> None:
    with pytest.raises(ValueError, match="max_frame_size"):
        Framer(max_frame_size=12)


def test_a_stream_with_a_stray_hash_before_a_packet_frames_the_packet() -> None:
    events = feed_all([b"#" + EXAMPLES[0]])

    assert events[-1] == Frame(EXAMPLES[0], 1)


def test_with_wrong_length_allowed_the_packet_ends_at_cr_lf() -> None:
    wrong = b"##0100" + EXAMPLES[0][6:]
    compat = Compat.only(Quirk.WRONG_LENGTH)

    events = feed_all([wrong + EXAMPLES[2]], compat)

    assert events == [Frame(wrong, 0), Frame(EXAMPLES[2], len(wrong))]
    assert parse_packet(wrong, compat=compat).quirks == {Quirk.WRONG_LENGTH}


def test_with_wrong_length_allowed_a_packet_without_cr_lf_before_the_next_is_refused() -> None:
    events = feed_all([EXAMPLES[0][:-2] + EXAMPLES[2]], Compat.only(Quirk.WRONG_LENGTH))

    assert isinstance(events[0], FramingError)
    assert events[0].reason == Reason.BAD_TRAILER
    assert events[1] == Frame(EXAMPLES[2], len(EXAMPLES[0]) - 2)


def test_with_wrong_length_allowed_a_frame_without_an_end_is_refused_at_the_maximum() -> None:
    framer = Framer(compat=Compat.only(Quirk.WRONG_LENGTH), max_frame_size=300)

    events = framer.feed(b"##0100" + b"x" * 400)

    assert events == []
    error = single_error(framer.close())
    assert (error.reason, error.offset, error.length) == (Reason.FRAME_TOO_LARGE, 0, 406)


def test_with_missing_trailer_allowed_packets_without_cr_lf_are_framed() -> None:
    bare = [packet[:-2] for packet in EXAMPLES[:3]]

    events = feed_all([b"".join(bare)], Compat.only(Quirk.MISSING_TRAILER))

    assert events == [
        Frame(packet, offset) for packet, offset in zip(bare, offsets_of(bare), strict=True)
    ]


def test_with_missing_trailer_allowed_a_lone_cr_or_lf_ends_a_packet() -> None:
    with_cr = EXAMPLES[0][:-1]
    with_lf = EXAMPLES[2][:-2] + b"\n"

    events = feed_all([with_cr + with_lf], Compat.only(Quirk.MISSING_TRAILER))

    assert events == [Frame(with_cr, 0), Frame(with_lf, len(with_cr))]


def test_flush_releases_a_packet_waiting_without_trailer() -> None:
    framer = Framer(compat=Compat.only(Quirk.MISSING_TRAILER))
    bare = EXAMPLES[1][:-2]

    assert framer.feed(bare) == []
    assert framer.flush() == [Frame(bare, 0)]
    assert parse_packet(bare, compat=LENIENT).quirks == {Quirk.MISSING_TRAILER}


def test_flush_in_strict_mode_keeps_an_unfinished_packet() -> None:
    framer = Framer()
    framer.feed(EXAMPLES[1][:-2])

    assert framer.flush() == []
    assert framer.feed(b"\r\n") == [Frame(EXAMPLES[1], 0)]


def test_with_both_length_switches_a_packet_ends_at_line_feed_or_next_packet() -> None:
    wrong_and_bare = b"##0100" + EXAMPLES[0][6:-2]
    lf_only = b"##0001" + EXAMPLES[2][6:-2] + b"\n"
    compat = Compat.only(Quirk.WRONG_LENGTH, Quirk.MISSING_TRAILER)

    events = feed_all([wrong_and_bare + lf_only + EXAMPLES[6]], compat)

    assert events == [
        Frame(wrong_and_bare, 0),
        Frame(lf_only, len(wrong_and_bare)),
        Frame(EXAMPLES[6], len(wrong_and_bare) + len(lf_only)),
    ]


COMPATS = [
    Compat(),
    Compat.only(Quirk.WRONG_LENGTH),
    Compat.only(Quirk.MISSING_TRAILER),
    LENIENT,
]
PIECES = (
    st.sampled_from(EXAMPLES)
    | st.sampled_from([packet[:-2] for packet in EXAMPLES])
    | st.sampled_from([packet[:-1] for packet in EXAMPLES])
    | st.sampled_from([b"#", b"##", b"\r", b"\n", b"\r\n", b"##0100", b"##12", GARBAGE])
    | st.binary(max_size=8)
)


@pytest.mark.parametrize(
    "compat", COMPATS, ids=["strict", "wrong_length", "missing_trailer", "lenient"]
)
@given(pieces=st.lists(PIECES, max_size=10), cuts=st.lists(st.integers(0, 4000), max_size=8))
def test_every_mode_gives_the_same_events_for_any_chunking(
    compat: Compat, pieces: list[bytes], cuts: list[int]
) -> None:
    stream = b"".join(pieces)
    cuts = [cut % (len(stream) + 1) for cut in cuts]

    assert feed_all(chunked(stream, cuts), compat) == feed_all([stream], compat)


@pytest.mark.parametrize(
    "compat", COMPATS, ids=["strict", "wrong_length", "missing_trailer", "lenient"]
)
@given(chunks=st.lists(st.binary(max_size=64) | st.sampled_from(EXAMPLES), max_size=12))
def test_feed_never_raises_and_never_holds_more_than_a_frame(
    compat: Compat, chunks: list[bytes]
) -> None:
    framer = Framer(compat=compat, max_frame_size=600)
    accounted = 0

    for chunk in chunks:
        for event in framer.feed(chunk):
            accounted += len(event.data) if isinstance(event, Frame) else event.length
        assert framer.pending <= framer.max_frame_size
    for event in framer.close():
        accounted += len(event.data) if isinstance(event, Frame) else event.length

    assert accounted == sum(len(chunk) for chunk in chunks)
