"""HJ 212 codec throughput on one core: parse, frame+parse, CRC and build.

    .venv/bin/python bench/hj212_codec.py                   # 20,000 packets, best of 3
    .venv/bin/python bench/hj212_codec.py --packets 5000 --profile-top 25

The packet is the typical one of the platform: an ambient air station's minute data (CN
2051, 10 factors with -Min/-Avg/-Max/-Flag, 736 bytes), as the simulator generates it —
every packet different (its own minute and values). What repeats is what a real station
repeats: its keys in the same order every minute, so after its first two packets the
fast path reads the station's packets through its compiled layout (``hj212.layout``);
row (e) prices a station whose layout is not compiled yet, and compiling one.

Printed, in packets per second (best of ``--repeat`` runs), timed by the CPU time of
the benchmark's thread — one core's work, which other processes taking the core away
do not lengthen (sharing its caches still slows it a little):
(a) ``parse_packet`` strict (the codec's default) and lenient (what the receiver uses),
    CRC check included;
(b) ``Framer.feed`` + ``parse_packet`` over the packets as one TCP byte stream, fed in
    4 KiB reads, as a device connection sees them;
(c) ``scan_fast``, the fast path's checks without ``Decimal`` values (what the receiver
    reads: it stores floats), the CRC alone and the framer alone, to place the cost;
(d) building the packets (``upload_packet`` → ``format_data_area`` → ``build_packet``);
(e) ``parse_packet`` while the layout is not compiled (a new device's first packets,
    or every packet once compiling is rationed away), and the time one compile takes.
Against the target of 50,000 parses a second; when it is missed, a cProfile of strict
parsing lists the hot spots by own time, with file and line.

For an instruction count, which other work on the machine does not skew, run it under
callgrind with ``--parse-only N`` (parse N packets once, after a warm-up, and stop),
subtract the same run with ``--parse-only 0`` and divide by N:

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python bench/hj212_codec.py --packets 3000 --parse-only 2000
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import shlex
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from ecoledger.monitoring.choices import PointKind
from ecoledger.monitoring.hj212 import (
    LENIENT,
    STRICT,
    Compat,
    Frame,
    Framer,
    crc16_hj212,
    fastpath,
    parse_packet,
)
from ecoledger.monitoring.hj212.fastpath import scan_fast
from ecoledger.monitoring.hj212.layout import Layouts
from ecoledger.monitoring.simulator import PROFILES, QUIET, simulated_devices
from ecoledger.monitoring.simulator.model import DeviceModel
from ecoledger.monitoring.simulator.packets import MINUTE_DATA, upload_packet

TARGET = 50_000
READ_SIZE = 4096
START = datetime(2026, 3, 2)
WARM_UP = 1000


def air_station_packets(count: int) -> tuple[list[bytes], Callable[[], list[bytes]]]:
    """``count`` consecutive minute packets of one station, and a function that rebuilds them."""
    device = simulated_devices(1, kinds=[PointKind.AIR_STATION])[0]
    profile = PROFILES[PointKind.AIR_STATION]
    model = DeviceModel(profile, random.Random(212), QUIET)
    minutes = []
    for index in range(count):
        moment = START + timedelta(minutes=index)
        values = model.minute(moment)
        assert values is not None
        minutes.append((moment, values))

    def build() -> list[bytes]:
        return [
            upload_packet(profile, values, cn=MINUTE_DATA, mn=device.mn, pw=device.password,
                          qn=f"{moment:%Y%m%d%H%M%S}000", data_time=moment)
            for moment, values in minutes
        ]  # fmt: skip

    return build(), build


@contextmanager
def layouts(compile_cost: int | None) -> Iterator[Layouts]:
    """The fast path with layouts of its own; with ``compile_cost`` None never compiled."""
    saved = fastpath.LAYOUTS
    fastpath.LAYOUTS = Layouts(compile_cost=compile_cost)
    try:
        yield fastpath.LAYOUTS
    finally:
        fastpath.LAYOUTS = saved


def compile_seconds(packet: bytes, repeat: int) -> float:
    """The best time of compiling the packet's layout, learnt afresh each time."""
    best = float("inf")
    for _ in range(repeat):
        with layouts(None) as learnt:
            parse_packet(packet)
            layout = learnt.of_device(packet[27:78])
            assert layout is not None and layout.pattern is None
            started = time.thread_time()
            layout.compile()
            best = min(best, time.thread_time() - started)
    return best


def best_rate(count: int, repeat: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.thread_time()
        run()
        best = min(best, time.thread_time() - started)
    return count / best


def frame_and_parse(stream: bytes, *, parse: bool) -> int:
    framer = Framer()
    frames = 0
    for offset in range(0, len(stream), READ_SIZE):
        for event in framer.feed(stream[offset : offset + READ_SIZE]):
            assert isinstance(event, Frame)
            if parse:
                parse_packet(event.data)
            frames += 1
    return frames


def profile(packets: list[bytes], top: int, compat: Compat, label: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for packet in packets:
        parse_packet(packet, compat=compat)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)  # type: ignore[attr-defined]
    root = str(Path(__file__).resolve().parent.parent) + "/"
    print(f"\nhot spots of {label} parse_packet (cProfile, {len(packets)} packets, own time;")
    print("  * µs under the profiler, whose overhead inflates them: compare the shares)")
    print(f"  {'own %':>6} {'µs/pkt*':>10} {'calls/pkt':>9}  function (file:line)")
    for (filename, line, name), (_calls, ncalls, tottime, _cumtime, _callers) in rows[:top]:
        where = filename.replace(root, "").replace(sys.prefix + "/", "")
        print(f"  {100 * tottime / total:6.1f} {1e6 * tottime / len(packets):10.2f} "
              f"{ncalls / len(packets):9.1f}  {name} ({where}:{line})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packets", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile-top", type=int, default=20)
    parser.add_argument("--parse-only", type=int, metavar="N",
                        help=f"build --packets packets, parse the first {WARM_UP:,}, then N "
                             "more, and stop (for callgrind; N=0 is the baseline)")  # fmt: skip
    args = parser.parse_args()
    if args.parse_only is not None:
        if args.packets < WARM_UP + args.parse_only:
            parser.error(f"--parse-only N needs --packets of at least {WARM_UP:,} + N")
        packets, _ = air_station_packets(args.packets)
        for packet in packets[: WARM_UP + args.parse_only]:
            parse_packet(packet)
        return
    print("$", shlex.join([Path(sys.executable).name, *sys.argv]))
    print(f"load average {os.getloadavg()[0]:.2f} at the start (other work skews the figures)")

    packets, rebuild = air_station_packets(args.packets)
    stream = b"".join(packets)
    segments = [packet[6:-6] for packet in packets]
    count = len(packets)
    print(f"{count} air-station minute packets (CN 2051, 10 factors), "
          f"{len(stream) / count:.0f} bytes each on average")  # fmt: skip
    assert frame_and_parse(stream, parse=True) == count

    def parse_all(compat: Compat = STRICT) -> None:
        for packet in packets:
            parse_packet(packet, compat=compat)

    def scan_all() -> None:
        for packet in packets:
            scan_fast(packet)

    def crc_all() -> None:
        for segment in segments:
            crc16_hj212(segment)

    rates = {
        "parse_packet, strict (CRC included)": best_rate(count, args.repeat, parse_all),
        "parse_packet, lenient (the receiver's)": best_rate(
            count, args.repeat, lambda: parse_all(LENIENT)
        ),
        "Framer.feed + parse_packet, 4 KiB reads": best_rate(
            count, args.repeat, lambda: frame_and_parse(stream, parse=True)
        ),
        "scan_fast (the receiver's read, no Decimal)": best_rate(count, args.repeat, scan_all),
        "Framer.feed alone": best_rate(
            count, args.repeat, lambda: frame_and_parse(stream, parse=False)
        ),
        "crc16_hj212 alone": best_rate(count, args.repeat, crc_all),
        "building (upload_packet)": best_rate(count, args.repeat, rebuild),
    }
    with layouts(None):
        rates["parse_packet, strict, layout not compiled"] = best_rate(
            count, args.repeat, parse_all
        )
    for label, rate in rates.items():
        print(f"  {label:44} {rate:>10,.0f} packets/s  ({1e6 / rate:7.1f} µs each)")
    compiling = compile_seconds(packets[0], args.repeat)
    print(f"  {'compiling one layout':44} {1e3 * compiling:10.2f} ms")
    strict = rates["parse_packet, strict (CRC included)"]
    verdict = "met" if strict >= TARGET else f"MISSED by a factor of {TARGET / strict:.1f}"
    print(f"target {TARGET:,} parses/s on one core: {verdict}")
    if strict < TARGET:
        sample = packets[: min(count, 5000)]
        profile(sample, args.profile_top, STRICT, "strict")
        profile(sample, args.profile_top // 2, LENIENT, "lenient")


if __name__ == "__main__":
    main()
