"""HJ 212 receiver throughput and memory: readings durably stored per second, RSS when idle.

    .venv/bin/python bench/receiver_throughput.py                        # SQLite and PostgreSQL
    .venv/bin/python bench/receiver_throughput.py --databases sqlite --seconds 20 --profile

For each database (SQLite in a temporary data dir; PostgreSQL ``ecoledger_bench`` on
127.0.0.1, created and dropped here) the schema is migrated and 5,000 simulated air
stations are registered (``register_simulated_points``) through ``ecoledger shell``. Then:

(a) throughput: ``ecoledger hj212 serve`` runs as its own process; ``--devices`` simulated
    devices run in this process (one event loop, one core), each on its own loopback TCP
    connection, sending 10-factor minute packets (CN 2051, Flag=5) as fast as the answers
    come (``rate=inf``, compressed time), ``--window`` unanswered packets at most each.
    Only answered (9014) readings count, and the receiver answers only after the batch is
    committed. The steady rate is taken between ``--warmup`` and the end; after a drain the
    Reading table must hold exactly the acknowledged readings, which is checked. CPU used by
    each process over the window shows which side was the bottleneck. With ``--profile``,
    py-spy samples the receiver over the window and its hot lines are printed.
(b) memory: a fresh receiver's RSS (VmRSS of /proc/<pid>/status) with no connection, with
    ``--idle`` connections open and silent, and with as many simulated devices connected
    that have each sent their minute's packet and wait for the next minute.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shlex
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from ecoledger.monitoring.choices import PointKind
from ecoledger.monitoring.simulator import (
    QUIET,
    SimulatedDevice,
    Simulation,
    SimulationSettings,
    simulated_devices,
)

ROOT = Path(__file__).resolve().parent.parent
ECOLEDGER = [sys.executable, "-m", "ecoledger.cli"]
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "ecoledger_bench"
TIME_ZONE = "Asia/Shanghai"
TARGET_READINGS = 50_000
TARGET_IDLE_MIB = 300
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
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
    simulator_cpu: float
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
def receiver(env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[bytes], int, int]]:
    """``ecoledger hj212 serve`` on free ports, stopped with SIGTERM (a graceful drain)."""
    port, metrics_port = free_port(), free_port()
    process = subprocess.Popen(
        [*ECOLEDGER, "hj212", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--metrics-port", str(metrics_port)],
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


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def measure_throughput(
    devices: list[SimulatedDevice], pid: int, port: int, args: argparse.Namespace
) -> tuple[Simulation, float, tuple[float, ...]]:
    """Run the fleet: the steady rate, and the CPU share over the window of this process,
    the receiver and PostgreSQL (whose servers idle on a SQLite run)."""
    simulation = Simulation(
        SimulationSettings(
            rate=math.inf, port=port, window=args.window, behaviour=QUIET, ack_timeout=30,
            drain_seconds=120, progress_seconds=0, time_zone=TIME_ZONE,
        ),
        devices,
    )  # fmt: skip
    running = asyncio.create_task(simulation.run())
    await asyncio.sleep(args.warmup)
    stats = simulation.stats
    start = (stats.acked_readings, time.perf_counter(), time.process_time(), cpu_seconds(pid),
             postgres_cpu_seconds())  # fmt: skip
    await asyncio.sleep(args.seconds)
    end = (stats.acked_readings, time.perf_counter(), time.process_time(), cpu_seconds(pid),
           postgres_cpu_seconds())  # fmt: skip
    simulation.stop()
    await running
    wall = end[1] - start[1]
    rate = (end[0] - start[0]) / wall
    shares = tuple((end[index] - start[index]) / wall for index in (2, 3, 4))
    return simulation, rate, shares


def throughput(env: dict[str, str], args: argparse.Namespace) -> Throughput:
    devices = simulated_devices(args.devices, kinds=[PointKind.AIR_STATION])
    with receiver(env) as (process, port, metrics_port):
        profiler = None
        if args.profile:
            profiler = subprocess.Popen(
                [str(Path(sys.executable).with_name("py-spy")), "record", "--pid",
                 str(process.pid), "--duration", str(int(args.warmup + args.seconds)),
                 "--rate", "200", "--format", "raw", "--idle", "--nonblocking", "--output",
                 str(args.profile_output)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        simulation, rate, (simulator_cpu, receiver_cpu, postgres_cpu) = asyncio.run(
            measure_throughput(devices, process.pid, port, args)
        )
        counters = metrics(metrics_port)
        if profiler is not None:
            profiler.wait()
    counted = ecoledger("shell", "-c", COUNT_READINGS, env=env).strip().splitlines()[-1]
    stored, quarantined = map(int, counted.split())
    stats = simulation.stats
    if stats.unacked:
        print(f"  warning: {stats.unacked} packets were never answered")
    return Throughput(
        rate, stats.acked_readings, stored, quarantined, stats.retransmitted, simulator_cpu,
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


async def memory_scenario(pid: int, port: int, count: int) -> list[tuple[str, float]]:
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
          f"simulator {100 * result.simulator_cpu:.0f}, PostgreSQL "
          f"{100 * result.postgres_cpu:.0f}; {result.batches:.0f} batches, "
          f"{result.batch_seconds:.1f} s in the database thread")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--window", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--idle", type=int, default=5000)
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
                    verdict = "" if mib < TARGET_IDLE_MIB else f" (target < {TARGET_IDLE_MIB})"
                    print(f"  receiver RSS {mib:6.1f} MiB: {label}{verdict}")


if __name__ == "__main__":
    main()
