"""Split packets are reassembled by (MN, CN, DataTime, PNUM), in any order, in bounded memory."""

from __future__ import annotations

from decimal import Decimal
from itertools import permutations

import pytest

from ecoledger.monitoring.hj212 import (
    Packet,
    SplitPacketAssembler,
    build_packet,
    parse_packet,
)
from ecoledger.monitoring.hj212.reassembly import AbandonReason

MN = "010000A8900016F000169DC0"
FACTORS = ["w00000", "w01018", "w21003"]


def part(pno: int, *, pnum: int = 3, data_time: str = "20240601080000", mn: str = MN) -> Packet:
    factor = FACTORS[(pno - 1) % len(FACTORS)]
    cp = f"DataTime={data_time};{factor}-Avg={pno}.5,{factor}-Flag=N"
    return parse_packet(
        build_packet(st="32", cn="2061", pw="123456", mn=mn, qn=f"2024060109000000{pno}",
                     flag=7, pnum=pnum, pno=pno, cp=cp)
    )  # fmt: skip


def test_parts_in_order_give_one_packet_when_the_last_arrives() -> None:
    assembler = SplitPacketAssembler()
    parts = [part(1), part(2), part(3)]

    results = [assembler.add(p, now=0.0) for p in parts]

    assert [r.packet for r in results[:2]] == [None, None]
    combined = results[2].packet
    assert combined is not None
    assert [r.code for r in combined.cp.readings] == FACTORS
    assert combined.cp.readings[1].values == {"Avg": Decimal("2.5")}
    assert combined.cp.data_time is not None
    assert (combined.pnum, combined.pno, combined.is_split, combined.needs_answer) == (
        None,
        None,
        False,
        True,
    )
    assert combined.qn == parts[0].qn
    assert combined.parts == tuple(parts)
    assert combined.raw == b"".join(p.raw for p in parts)
    assert assembler.pending_groups == 0


@pytest.mark.parametrize("order", list(permutations([1, 2, 3])))
def test_parts_out_of_order_give_the_same_packet(order: tuple[int, ...]) -> None:
    assembler = SplitPacketAssembler()

    results = [assembler.add(part(pno), now=0.0) for pno in order]

    combined = results[-1].packet
    assert combined is not None
    assert [r.code for r in combined.cp.readings] == FACTORS
    assert [p.pno for p in combined.parts] == [1, 2, 3]


def test_a_repeated_part_replaces_the_earlier_copy() -> None:
    assembler = SplitPacketAssembler()

    assembler.add(part(1), now=0.0)
    assert assembler.add(part(1), now=1.0).packet is None
    assembler.add(part(2), now=2.0)
    combined = assembler.add(part(3), now=3.0).packet

    assert combined is not None
    assert len(combined.parts) == 3


def test_parts_of_different_data_times_or_devices_do_not_mix() -> None:
    assembler = SplitPacketAssembler()

    assembler.add(part(1, pnum=2), now=0.0)
    other_hour = assembler.add(part(2, pnum=2, data_time="20240601090000"), now=0.0)
    other_device = assembler.add(part(2, pnum=2, mn="010000A8900016F000169DC1"), now=0.0)

    assert (other_hour.packet, other_device.packet) == (None, None)
    assert assembler.pending_groups == 3


def test_an_unsplit_packet_passes_straight_through() -> None:
    assembler = SplitPacketAssembler()
    packet = parse_packet(
        build_packet(st="32", cn="2061", pw="123456", mn=MN, qn="20240601090000001", flag=5, cp="")
    )

    assert assembler.add(packet, now=0.0).packet is packet


def test_a_group_older_than_the_maximum_age_is_given_up_and_returned() -> None:
    assembler = SplitPacketAssembler(max_age=60.0)
    assembler.add(part(2), now=0.0)

    assert assembler.expire(now=59.0) == ()
    [abandoned] = assembler.expire(now=60.0)

    assert abandoned.reason is AbandonReason.EXPIRED
    assert [p.pno for p in abandoned.parts] == [2]
    assert assembler.pending_groups == 0


def test_adding_a_part_expires_old_groups_first() -> None:
    assembler = SplitPacketAssembler(max_age=60.0)
    assembler.add(part(1), now=0.0)

    result = assembler.add(part(2), now=61.0)

    assert result.packet is None
    assert [a.reason for a in result.abandoned] == [AbandonReason.EXPIRED]
    assert assembler.pending_groups == 1


def test_the_oldest_group_is_evicted_when_too_many_wait() -> None:
    assembler = SplitPacketAssembler(max_groups=2)
    assembler.add(part(1, data_time="20240601080000"), now=0.0)
    assembler.add(part(1, data_time="20240601090000"), now=1.0)

    result = assembler.add(part(1, data_time="20240601100000"), now=2.0)

    [evicted] = result.abandoned
    assert evicted.reason is AbandonReason.EVICTED
    assert evicted.key[2] is not None and evicted.key[2].hour == 8
    assert assembler.pending_groups == 2


def test_the_oldest_group_is_evicted_when_too_many_parts_wait() -> None:
    assembler = SplitPacketAssembler(max_parts=3)
    assembler.add(part(1, pnum=5, data_time="20240601080000"), now=0.0)
    assembler.add(part(2, pnum=5, data_time="20240601080000"), now=0.0)
    assembler.add(part(1, pnum=5, data_time="20240601090000"), now=1.0)

    result = assembler.add(part(2, pnum=5, data_time="20240601090000"), now=2.0)

    assert [len(a.parts) for a in result.abandoned] == [2]
    assert assembler.pending_parts == 2


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError):
        SplitPacketAssembler(max_groups=0)
