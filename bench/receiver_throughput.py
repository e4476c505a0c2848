"""HJ 212 receiver throughput and memory: readings durably stored per second, RSS when idle.

    .venv/bin/python bench/receiver_throughput.py                        # SQLite and PostgreSQL
    .venv/bin/python bench/receiver_throughput.py --databases sqlite --seconds 20 --profile

For each database (SQLite in a temporary data dir; PostgreSQL ``ecoledger_bench`` on
127.0.0.1, created and dropped here) the schema is migrated and 5,000 simulated air
stations are registered (``register_simulated_points``) through ``ecoledger shell``. Then:

(a) throughput: ``ecoledger hj212 serve`` runs as its own process; ``--devices`` simulated
    devices run in this process (one event loop, one core), each on its own loopback TCP
    connection, sending 10-factor minute packets (CN 2051, Flag=5) as fast as the answers
    come, ``--window`` unanswered packets at most each. ``--client replay`` (the default)
    builds every device's packets before the run — the simulator's values and the codec's
    builder, consecutive minutes, one QN each — and only sends them and matches answers,
    so that on a small machine the client's CPU does not come out of the receiver's share;
    ``--client simulator`` runs the full device simulator live (``rate=inf``, compressed
    time, retransmission), which costs several times the CPU per packet.
    Only answered (9014) readings count, and the receiver answers only after the batch is
    committed. The steady rate is taken between ``--warmup`` and the end; after a drain the
    Reading table must hold exactly the acknowledged readings, which is checked. CPU used by
    each process over the window shows which side was the bottleneck, and the receiver's
    CPU per reading is its cost independent of what else the machine runs. With
    ``--profile``, py-spy samples the receiver over the window and its hot lines are printed.
(b) memory: a fresh receiver's RSS (VmRSS of /proc/<pid>/status, with its anonymous and
    mapped-file parts) with no connection, with
    ``--idle`` connections open and silent, and with as many simulated devices connected
    that have each sent their minute's packet and wait for the next minute.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import psycopg

from ecoledger.monitoring.choices import PointKind
from ecoledger.monitoring.hj212 import REQUEST_FLAG, build_packet
from ecoledger.monitoring.simulator import (
    PROFILES,
    QUIET,
    SimulatedDevice,
    Simulation,
    SimulationSettings,
    simulated_devices,
)
from ecoledger.monitoring.simulator.model import DeviceModel
from ecoledger.monitoring.simulator.packets import MINUTE_DATA, upload_packet

ROOT = Path(__file__).resolve().parent.parent
ECOLEDGER = [sys.executable, "-m", "ecoledger.cli"]
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "ecoledger_bench"
TIME_ZONE = "Asia/Shanghai"
TARGET_READINGS = 50_000
TARGET_IDLE_MIB = 300
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
REPLAY_START = datetime(2026, 3, 2)
REGISTER = (
    "from ecoledger.monitoring.simulator import register_simulated_points\n"
    "from ecoledger.org.models import Region\n"
    "region = Region.objects.create(code='320100', name='bench city', level='city')\n"
    "register_simulated_points({count}, region=region, kinds=['air_station'])\n"
)
COUNT_READINGS = (
    "from ecoledger.monitoring.models import Quarantine, Reading\n"
    "print(Reading.objects.count(), Quarantine.objects.count())\n"
)


@dataclass(frozen=True)
class Throughput:
    readings_per_second: float
    acked_readings: int
    stored_readings: int
    quarantined: int
    retransmitted: int
    client_cpu: float
    receiver_cpu: float
    postgres_cpu: float
    batches: float
    batch_seconds: float


def ecoledger(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([*ECOLEDGER, *args], env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"ecoledger {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


@contextmanager
def database(kind: str) -> Iterator[dict[str, str]]:
    """A migrated, empty database with the simulated points; dropped afterwards."""
    with tempfile.TemporaryDirectory(prefix="ecoledger-bench-") as data_dir:
        if kind == "sqlite":
            url = f"sqlite:///{data_dir}/bench.sqlite3"
        else:
            _postgres(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
            _postgres(f"CREATE DATABASE {POSTGRES_DATABASE}")
            url = f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}"
        env = dict(os.environ, ECOLEDGER_DATABASE_URL=url, ECOLEDGER_DATA_DIR=data_dir,
                   ECOLEDGER_SECRET_KEY="bench-only-secret", ECOLEDGER_LOG_LEVEL="WARNING",
                   ECOLEDGER_TIME_ZONE=TIME_ZONE)  # fmt: skip
        env.pop("DJANGO_SETTINGS_MODULE", None)
        try:
            ecoledger("migrate", "--verbosity", "0", env=env)
            yield env
        finally:
            if kind == "postgres":
                _postgres(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")


def _postgres(statement: str) -> None:
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def receiver(
    env: dict[str, str], workers: int = 1
) -> Iterator[tuple[subprocess.Popen[bytes], int, int]]:
    """``ecoledger hj212 serve`` on free ports, stopped with SIGTERM (a graceful drain)."""
    port, metrics_port = free_port(), free_port()
    process = subprocess.Popen(
        [*ECOLEDGER, "hj212", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--metrics-port", str(metrics_port), "--workers", str(workers)],
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                metrics(metrics_port)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield process, port, metrics_port
    finally:
        process.terminate()
        process.wait(timeout=120)


def metrics(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        lines = response.read().decode().splitlines()
    return {
        name: float(value)
        for name, _, value in (line.rpartition(" ") for line in lines if not line.startswith("#"))
    }


def cpu_seconds(pid: int) -> float:
    """User+system CPU of a process and, for ``--receiver-workers``, of its children."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    spawned = [int(c) for c in children.read_text().split()] if children.exists() else []
    return _own_cpu_seconds(pid) + sum(_own_cpu_seconds(child) for child in spawned)


def _own_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def postgres_cpu_seconds() -> float:
    """CPU of every PostgreSQL server process (backends, WAL writer, checkpointer)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended while we looked
            continue
        if "(postgres)" in text:
            total += cpu_seconds(int(stat.parent.name))
    return total


class Resident(NamedTuple):
    """VmRSS and its two parts: anonymous memory (heap, stacks) and file pages mapped in —
    with SQLite mostly the database file under ``mmap_size``, which the kernel may drop."""

    total: float
    anon: float
    file: float


def rss_mib(pid: int) -> Resident:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile"):
            fields[key] = int(value.split()[0]) / 1024
    if "VmRSS" not in fields:
        raise RuntimeError(f"no VmRSS for process {pid}")
    return Resident(fields["VmRSS"], fields.get("RssAnon", 0.0), fields.get("RssFile", 0.0))


@dataclass
class ReplayStats:
    acked_readings: int = 0
    unacked: int = 0
    unexpected: int = 0
    exhausted: int = 0
    retransmitted: int = 0


class Replayed(NamedTuple):
    qn: bytes
    packet: bytes
    readings: int


def replay_packets(devices: list[SimulatedDevice], minutes: int) -> list[deque[Replayed]]:
    """Each device's minute packets, built now: the simulated station's values of each minute
    (one model, the same for every device: the receiver cannot tell) in every device's own
    packet, with its MN, password and QN, framed and checked by the codec's builder."""
    profile = PROFILES[PointKind.AIR_STATION]
    model = DeviceModel(profile, random.Random(212), QUIET)
    areas = []
    moment = REPLAY_START
    while len(areas) < minutes:
        values = model.minute(moment)
        if values is not None:
            packet = upload_packet(profile, values, cn=MINUTE_DATA, mn=devices[0].mn,
                                   pw=devices[0].password, qn="0" * 17, data_time=moment)
            areas.append((moment, packet[packet.index(b"CP=&&") + 5 : -8].decode()))
        moment += timedelta(minutes=1)
    readings = len(profile.factors)
    return [
        deque(
            Replayed(qn.encode(), build_packet(st=profile.st, cn=MINUTE_DATA, pw=device.password,
                                               mn=device.mn, qn=qn, flag=REQUEST_FLAG, cp=area),
                     readings)
            for moment, area in areas
            for qn in [f"{moment:%Y%m%d%H%M%S}000"]
        )
        for device in devices
    ]  # fmt: skip


class ReplayDevice(asyncio.Protocol):
    """Sends its packets, ``window`` unanswered at most; an answer counts its packet's
    readings when it is a 9014 to this device with the QN of a packet in flight."""

    def __init__(self, mn: str, packets: deque[Replayed], window: int, stats: ReplayStats):
        self.answer_mark = b";CN=9014;PW=", f";MN={mn};".encode()
        self.packets, self.window, self.stats = packets, window, stats
        self.in_flight: dict[bytes, Replayed] = {}
        self.buffer = b""
        self.sending = True
        self.drained = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._fill()

    def data_received(self, data: bytes) -> None:
        *answers, self.buffer = (self.buffer + data).split(b"\r\n")
        cn, mn = self.answer_mark
        for answer in answers:
            sent = self.in_flight.pop(answer[9:26], None)
            if sent is None or cn not in answer or mn not in answer:
                self.stats.unexpected += 1
                continue
            self.stats.acked_readings += sent.readings
        self._fill()

    def _fill(self) -> None:
        assert self.transport is not None
        while self.sending and len(self.in_flight) < self.window:
            if not self.packets:
                self.stats.exhausted += 1
                self.sending = False
                break
            sent = self.packets.popleft()
            self.in_flight[sent.qn] = sent
            self.transport.write(sent.packet)
        if not self.in_flight and not self.drained.done():
            self.drained.set_result(None)

    def stop(self) -> None:
        self.sending = False
        self._fill()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.drained.done():
            self.drained.set_result(None)


async def run_replay(devices: list[SimulatedDevice], port: int, args: argparse.Namespace,
                     started: asyncio.Future[ReplayStats], stopping: asyncio.Event) -> None:
    """Connect every device, replay until ``stopping``, then wait for the answers in flight."""
    packets = replay_packets(devices, args.replay_minutes)
    stats = ReplayStats()
    loop = asyncio.get_running_loop()
    fleet: list[ReplayDevice] = []
    for device, queue in zip(devices, packets, strict=True):
        _, protocol = await loop.create_connection(
            lambda mn=device.mn, queue=queue: ReplayDevice(mn, queue, args.window, stats),
            "127.0.0.1", port)  # fmt: skip
        fleet.append(protocol)
    started.set_result(stats)
    await stopping.wait()
    for protocol in fleet:
        protocol.stop()
    await asyncio.wait_for(asyncio.gather(*(p.drained for p in fleet)), timeout=120)
    stats.unacked = sum(len(p.in_flight) for p in fleet)
    for protocol in fleet:
        assert protocol.transport is not None
        protocol.transport.close()
    if stats.exhausted:
        print(f"  warning: {stats.exhausted} devices ran out of packets before the end; "
              "raise --replay-minutes")  # fmt: skip


async def measure_throughput(
    devices: list[SimulatedDevice], pid: int, port: int, args: argparse.Namespace
) -> tuple[Simulation | ReplayStats, float, tuple[float, ...]]:
    """Run the fleet: the steady rate, and the CPU share over the window of this process,
    the receiver and PostgreSQL (whose servers idle on a SQLite run)."""
    stats: Simulation | ReplayStats
    if args.client == "replay":
        ready: asyncio.Future[ReplayStats] = asyncio.get_running_loop().create_future()
        stopping = asyncio.Event()
        running = asyncio.create_task(run_replay(devices, port, args, ready, stopping))
        stats = counter = await ready
        stop = stopping.set
    else:
        stats = Simulation(
            SimulationSettings(
                rate=math.inf, port=port, window=args.window, behaviour=QUIET, ack_timeout=30,
                drain_seconds=120, progress_seconds=0, time_zone=TIME_ZONE,
            ),
            devices,
        )  # fmt: skip
        running = asyncio.create_task(stats.run())
        counter, stop = stats.stats, stats.stop
    await asyncio.sleep(args.warmup)
    start = (counter.acked_readings, time.perf_counter(), time.process_time(), cpu_seconds(pid),
             postgres_cpu_seconds())  # fmt: skip
    await asyncio.sleep(args.seconds)
    end = (counter.acked_readings, time.perf_counter(), time.process_time(), cpu_seconds(pid),
           postgres_cpu_seconds())  # fmt: skip
    stop()
    await running
    wall = end[1] - start[1]
    rate = (end[0] - start[0]) / wall
    shares = tuple((end[index] - start[index]) / wall for index in (2, 3, 4))
    return stats, rate, shares


def throughput(env: dict[str, str], args: argparse.Namespace) -> Throughput:
    devices = simulated_devices(args.devices, kinds=[PointKind.AIR_STATION])
    with receiver(env, args.receiver_workers) as (process, port, metrics_port):
        profiler = None
        if args.profile:
            profiler = subprocess.Popen(
                [str(Path(sys.executable).with_name("py-spy")), "record", "--pid",
                 str(process.pid), "--duration", str(int(args.warmup + args.seconds)),
                 "--rate", "200", "--format", "raw", "--idle", "--nonblocking", "--output",
                 str(args.profile_output)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        run, rate, (client_cpu, receiver_cpu, postgres_cpu) = asyncio.run(
            measure_throughput(devices, process.pid, port, args)
        )
        counters = metrics(metrics_port)
        if profiler is not None:
            profiler.wait()
    counted = ecoledger("shell", "-c", COUNT_READINGS, env=env).strip().splitlines()[-1]
    stored, quarantined = map(int, counted.split())
    stats = run.stats if isinstance(run, Simulation) else run
    if stats.unacked:
        print(f"  warning: {stats.unacked} packets were never answered")
    return Throughput(
        rate, stats.acked_readings, stored, quarantined, stats.retransmitted, client_cpu,
        receiver_cpu, postgres_cpu, counters.get("ecoledger_receiver_batch_seconds_count", 0),
        counters.get("ecoledger_receiver_batch_seconds_sum", 0),
    )  # fmt: skip


async def idle_connections(port: int, count: int) -> list[asyncio.Transport]:
    loop = asyncio.get_running_loop()
    transports: list[asyncio.Transport] = []
    for start in range(0, count, 500):
        opened = await asyncio.gather(*(
            loop.create_connection(asyncio.Protocol, "127.0.0.1", port)
            for _ in range(start, min(start + 500, count))
        ))  # fmt: skip
        transports.extend(transport for transport, _ in opened)
    return transports


async def memory_scenario(pid: int, port: int, count: int) -> list[tuple[str, Resident]]:
    figures = [("no connection", rss_mib(pid))]
    transports = await idle_connections(port, count)
    await asyncio.sleep(2)
    figures.append((f"{count} idle connections, nothing sent", rss_mib(pid)))
    for transport in transports:
        transport.close()
    await asyncio.sleep(2)
    # Live time: each device sends the minute that just ended, then waits for the next.
    simulation = Simulation(
        SimulationSettings(rate=1 / 60, port=port, behaviour=QUIET, progress_seconds=0,
                           time_zone=TIME_ZONE, ack_timeout=30),
        simulated_devices(count, kinds=[PointKind.AIR_STATION]),
    )  # fmt: skip
    running = asyncio.create_task(simulation.run())
    deadline = time.monotonic() + 90
    while simulation.stats.acked < count and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    await asyncio.sleep(1)
    figures.append((f"{count} devices connected, {simulation.stats.acked} minute packets "
                    "answered, waiting for the next minute", rss_mib(pid)))  # fmt: skip
    simulation.stop()
    await running
    return figures


def hot_spots(raw: Path, top: int) -> None:
    """py-spy's raw stacks → the receiver's lines by own samples, and functions inclusive.

    Idle samples are included (the event loop waiting in ``select``, the database thread
    waiting for PostgreSQL) so that waiting shows as clearly as computing; per thread, the
    percentages are of all samples of all threads.
    """
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        frames = stack.split(";")[1:]  # the first is the thread
        count = int(samples)
        total += count
        if frames:
            own[_short(frames[-1])] += count
        for frame in dict.fromkeys(_short(frame).rpartition(":")[0] for frame in frames):
            if "ecoledger" in frame:
                inclusive[frame] += count
    print(f"  py-spy, {total} samples of the receiver; own time by line:")
    for frame, count in own.most_common(top):
        print(f"    {100 * count / total:5.1f} %  {frame}")
    print("  inclusive time of EcoLedger functions:")
    for frame, count in inclusive.most_common(top):
        print(f"    {100 * count / total:5.1f} %  {frame}")


def _short(frame: str) -> str:
    for prefix in (str(ROOT / "src") + "/", sys.prefix + "/lib/", sys.base_prefix + "/lib/"):
        frame = frame.replace(prefix, "")
    return frame


def report(kind: str, result: Throughput, args: argparse.Namespace) -> None:
    verdict = "met" if result.readings_per_second >= TARGET_READINGS else "MISSED"
    check = "equal" if result.stored_readings == result.acked_readings else "DIFFERENT"
    print(f"  {result.readings_per_second:,.0f} readings/s acknowledged (steady, "
          f"{args.seconds:g} s after {args.warmup:g} s warm-up); target "
          f"{TARGET_READINGS:,}: {verdict}")  # fmt: skip
    print(f"  acknowledged {result.acked_readings:,} readings, Reading table holds "
          f"{result.stored_readings:,} ({check}), quarantined {result.quarantined}, "
          f"retransmitted {result.retransmitted}")  # fmt: skip
    print(f"  CPU over the window, in % of one core: receiver {100 * result.receiver_cpu:.0f}, "
          f"client ({args.client}) {100 * result.client_cpu:.0f}, PostgreSQL "
          f"{100 * result.postgres_cpu:.0f}; {result.batches:.0f} batches, "
          f"{result.batch_seconds:.1f} s in the database thread")  # fmt: skip
    if result.readings_per_second:
        per_reading = 1e6 / result.readings_per_second
        print(f"  CPU per reading: receiver {result.receiver_cpu * per_reading:.1f} µs, "
              f"PostgreSQL {result.postgres_cpu * per_reading:.1f} µs, client "
              f"{result.client_cpu * per_reading:.1f} µs")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--window", type=int, default=16)
    parser.add_argument("--client", choices=("replay", "simulator"), default="replay")
    parser.add_argument("--replay-minutes", type=int, default=600,
                        help="packets built per device for --client replay")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--idle", type=int, default=5000)
    parser.add_argument("--receiver-workers", type=int, default=1,
                        help="receiver processes sharing the port (ecoledger hj212 serve "
                             "--workers); the memory figures use one")
    parser.add_argument("--profile", action="store_true", help="py-spy the receiver")
    parser.add_argument("--profile-top", type=int, default=25)
    args = parser.parse_args()
    print("$", shlex.join([Path(sys.executable).name, *sys.argv]))
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start")
    for kind in args.databases.split(","):
        print(f"\n{kind}:")
        with database(kind) as env:
            ecoledger("shell", "-c", REGISTER.format(count=max(args.devices, args.idle)), env=env)
            args.profile_output = Path(env["ECOLEDGER_DATA_DIR"]) / "receiver.pyspy"
            report(kind, throughput(env, args), args)
            if args.profile:
                hot_spots(args.profile_output, args.profile_top)
            with receiver(env) as (process, port, _):
                for label, mib in asyncio.run(memory_scenario(process.pid, port, args.idle)):
                    # The target is for idle connections; the other figures are context.
                    met = "met" if mib.total < TARGET_IDLE_MIB else "MISSED"
                    verdict = (f"; target < {TARGET_IDLE_MIB}: {met}"
                               if label.endswith("nothing sent") else "")
                    print(f"  receiver RSS {mib.total:6.1f} MiB (anonymous {mib.anon:.1f}, "
                          f"mapped files {mib.file:.1f}): {label}{verdict}")


if __name__ == "__main__":
    main()
