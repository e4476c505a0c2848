"""Simulated HJ 212 devices: their packets, their history, and delivery exactly once."""

from __future__ import annotations

import asyncio
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from statistics import mean
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from ecoledger.monitoring.choices import DATA_TYPE_OF_COMMAND, PointKind
from ecoledger.monitoring.hj212 import Packet, parse_packet
from ecoledger.monitoring.models import MonitoringPoint, Reading
from ecoledger.monitoring.receiver.server import Receiver, ReceiverSettings
from ecoledger.monitoring.simulator import (
    PROFILES,
    QUIET,
    Behaviour,
    ReadingKey,
    SimulatedDevice,
    Simulation,
    SimulationSettings,
    device_password,
    devices_from_database,
    register_simulated_points,
    simulated_devices,
)
from ecoledger.monitoring.simulator.model import DeviceModel, Episode
from ecoledger.monitoring.simulator.packets import (
    HOURLY_DATA,
    MINUTE_DATA,
    REALTIME_DATA,
    hourly_values,
    upload_packet,
)
from ecoledger.monitoring.simulator.schedule import Schedule
from tests.factories import make_region
from tests.monitoring.factories import make_point
from tests.processes import free_port, process_env, wait_for

MN = "010000A8900016F000169DC0"
START = datetime(2026, 3, 2)
COMMAND_OF_DATA_TYPE = {data_type: cn for cn, data_type in DATA_TYPE_OF_COMMAND.items()}
EVENTFUL = Behaviour(exceedance=0.02, outage=0.01, flat_line=0.01, maintenance=0.01,
                     calibration=0.02, outage_minutes=(2, 6))  # fmt: skip


def _history(kind: str, minutes: int, behaviour: Behaviour = QUIET, seed: int = 7):
    model = DeviceModel(PROFILES[kind], random.Random(seed), behaviour)
    for minute in range(minutes):
        moment = START + timedelta(minutes=minute)
        yield moment, model.minute(moment), model.episode


def _packets(kind: str, minutes: int, behaviour: Behaviour = QUIET) -> list[Packet]:
    packets = []
    for moment, values, _ in _history(kind, minutes, behaviour):
        if values is None:
            continue
        for cn in (MINUTE_DATA, REALTIME_DATA):
            raw = upload_packet(
                PROFILES[kind],
                values,
                cn=cn,
                mn=MN,
                pw="123456",
                qn="20260302000000000",
                data_time=moment,
            )
            packets.append(parse_packet(raw))  # strict: the codec's default
    return packets


def _column(packets: list[Packet], cn: str, code: str, suffix: str) -> list[float]:
    return [float(p.cp.reading(code).values[suffix]) for p in packets if p.cn == cn]


@pytest.mark.parametrize("kind", [PointKind.AIR_STATION, PointKind.STACK, PointKind.WASTEWATER])
def test_every_packet_parses_strictly_with_an_answer_wanted_and_one_reading_per_factor(kind):
    packets = _packets(kind, 2 * 1440, EVENTFUL)

    assert len(packets) > 1440
    profile = PROFILES[kind]
    for packet in packets:
        assert (packet.st, packet.flag, packet.needs_answer, packet.quirks) == (
            profile.st,
            5,
            True,
            frozenset(),
        )
        assert [reading.code for reading in packet.cp.readings] == list(profile.codes)
        for reading in packet.cp.readings:
            values = reading.values
            if packet.cn == MINUTE_DATA:
                assert values["Min"] <= values["Avg"] <= values["Max"]
            else:
                assert "Rtd" in values
            assert reading.flag in {"N", "M", "C"}


def test_air_station_values_are_those_of_a_city_with_rush_hours_and_afternoon_ozone():
    packets = _packets(PointKind.AIR_STATION, 4 * 1440)
    minute = [p for p in packets if p.cn == MINUTE_DATA]

    def hourly(code: str, hours: range) -> float:
        return mean(
            float(p.cp.reading(code).values["Avg"]) for p in minute if p.cp.data_time.hour in hours
        )

    pm25 = _column(packets, MINUTE_DATA, "a34004", "Avg")
    pm10 = _column(packets, MINUTE_DATA, "a34002", "Avg")
    assert 15 < mean(pm25) < 60 and all(0 <= value < 500 for value in pm25)
    assert all(coarse >= fine for coarse, fine in zip(pm10, pm25, strict=True))
    assert 0.2 < mean(_column(packets, MINUTE_DATA, "a21005", "Avg")) < 2  # CO in mg/m³
    assert all(5 <= v <= 100 for v in _column(packets, MINUTE_DATA, "a01002", "Avg"))
    assert all(0 <= v < 360 for v in _column(packets, MINUTE_DATA, "a01008", "Avg"))
    assert hourly("a05024", range(13, 17)) > 1.8 * hourly("a05024", range(0, 5))
    assert hourly("a21004", range(17, 20)) > 1.3 * hourly("a21004", range(2, 5))


def test_stack_values_are_converted_to_reference_oxygen_and_carry_emitted_amounts():
    packets = [p for p in _packets(PointKind.STACK, 2 * 1440) if p.cn == MINUTE_DATA]

    for packet in packets:
        oxygen = float(packet.cp.reading("a19001").values["Avg"])
        flow = float(packet.cp.reading("a00000").values["Avg"])
        assert 3 <= oxygen <= 20.5 and 50 < flow < 300
        for code in ("a21026", "a21002", "a34013"):
            values = packet.cp.reading(code).values
            expected = float(values["Avg"]) * (21 - 6) / (21 - oxygen)
            assert float(values["ZsAvg"]) == pytest.approx(expected, rel=0.01, abs=0.01)
            kilograms = float(values["Avg"]) * flow * 60 / 1e6
            assert float(values["Cou"]) == pytest.approx(kilograms, rel=0.01, abs=1e-4)
    so2 = [float(p.cp.reading("a21026").values["ZsAvg"]) for p in packets]
    assert 8 < mean(so2) < 25 and max(so2) < 35  # compliant when nothing goes wrong


def test_wastewater_flows_less_at_night_and_stays_within_ph_limits():
    packets = [p for p in _packets(PointKind.WASTEWATER, 3 * 1440) if p.cn == MINUTE_DATA]

    def flow(hours: range) -> float:
        return mean(
            float(p.cp.reading("w00000").values["Avg"])
            for p in packets
            if p.cp.data_time.hour in hours
        )

    assert flow(range(9, 12)) > 1.5 * flow(range(1, 5))
    assert all(5.5 <= v <= 9.5 for v in _column(packets, MINUTE_DATA, "w01001", "Avg"))
    assert 15 < mean(_column(packets, MINUTE_DATA, "w01018", "Avg")) < 40


def test_episodes_show_as_bursts_silences_stuck_values_and_flags():
    history = list(_history(PointKind.STACK, 5 * 1440, EVENTFUL))
    by_episode: dict[Episode | None, list] = {}
    for _moment, values, episode in history:
        by_episode.setdefault(episode, []).append(values)

    assert all(values is None for values in by_episode[Episode.OUTAGE])
    assert all(v["a21026"].flag == "M" for v in by_episode[Episode.MAINTENANCE])
    assert any(v[code].flag == "C" for v in by_episode[Episode.CALIBRATION] for code in v)
    assert any(
        v[code].converted[1] > limit
        for v in by_episode[Episode.EXCEEDANCE]
        for code, limit in (("a21026", 35), ("a21002", 50), ("a34013", 10))
    )
    assert all(values is not None for values in by_episode[None])
    stuck = [
        next(m.average for m in v.values() if m.minimum == m.maximum)
        for v in by_episode[Episode.FLAT_LINE]
    ]
    assert Counter(stuck).most_common(1)[0][1] >= 10  # one sensor repeating one value


def test_a_behaviour_that_would_switch_a_device_off_for_ever_is_refused():
    with pytest.raises(ValueError):
        Behaviour(outage=1.0)
    with pytest.raises(ValueError):
        Behaviour(exceedance=0.6, calibration=0.6)


def test_device_passwords_are_six_characters_derived_from_the_mn():
    devices = simulated_devices(6)

    assert [device.kind for device in devices[:3]] == [
        PointKind.AIR_STATION,
        PointKind.STACK,
        PointKind.WASTEWATER,
    ]
    assert all(len(device.mn) == 24 and int(device.mn, 16) >= 0 for device in devices)
    assert all(device.password == device_password(device.mn) for device in devices)
    assert all(len(d.password) == 6 and d.password.isalnum() for d in devices)
    assert len({device.password for device in devices}) == 6
    assert device_password(devices[0].mn) == device_password(devices[0].mn)


def test_registered_points_accept_their_simulated_password_and_others_are_not_played(db):
    region = make_region()
    make_point(region)  # a real device: the simulator cannot know its password

    points = register_simulated_points(4, region=region)
    again = register_simulated_points(4, region=region)

    assert [p.pk for p in points] == [p.pk for p in again]
    assert all(p.check_password(device_password(p.mn)) for p in points)
    assert [p.kind for p in points] == ["air_station", "stack", "wastewater", "air_station"]
    assert [d.mn for d in devices_from_database()] == sorted(p.mn for p in points)
    assert len(devices_from_database(limit=2)) == 2


def test_compressed_time_advances_a_minute_per_tick_but_never_past_the_wall_clock():
    zone = ZoneInfo("Asia/Shanghai")
    now = datetime.now(zone).replace(tzinfo=None, second=0, microsecond=0)
    schedule = Schedule.plan(
        rate=10, duration=0, zone=zone, loop_time=100.0, start=now - timedelta(minutes=5)
    )

    assert [schedule.data_time(k) for k in (0, 1, 7)] == [
        now - timedelta(minutes=5),
        now - timedelta(minutes=4),
        now + timedelta(minutes=2),
    ]
    assert schedule.due(4) == pytest.approx(100.4)  # the minute that ended: at its pace
    minute_over = (now + timedelta(minutes=1)).replace(tzinfo=zone).timestamp()
    assert schedule.due(5) == pytest.approx(100 + minute_over - time.time(), abs=0.5)


def test_live_time_sends_each_minute_once_it_is_over():
    zone = ZoneInfo("Asia/Shanghai")
    schedule = Schedule.plan(rate=1 / 300, duration=0, zone=zone, loop_time=0.0)

    assert schedule.step == timedelta(minutes=5)
    assert schedule.data_time(0).minute % 5 == 0
    assert schedule.due(0) <= 0.0 < schedule.due(1) <= 300.0


def _stored_keys() -> list[ReadingKey]:
    zone = ZoneInfo(settings.TIME_ZONE)
    rows = Reading.objects.values_list("point__mn", "data_type", "parameter__code", "observed_at")
    return [
        ReadingKey(
            mn,
            COMMAND_OF_DATA_TYPE[data_type],
            code,
            timezone.localtime(observed_at, zone).replace(tzinfo=None),
        )
        for mn, data_type, code, observed_at in rows
    ]


def _assert_stored_exactly_once(acked: set[ReadingKey]) -> None:
    stored = _stored_keys()
    assert acked
    assert Counter(stored).most_common(1)[0][1] == 1
    assert acked <= set(stored)


@pytest.mark.slow
def test_every_acknowledged_reading_is_stored_exactly_once(committed_db):
    register_simulated_points(9, region=make_region())
    devices = devices_from_database()

    async def scenario():
        receiver = Receiver(
            ReceiverSettings(host="127.0.0.1", port=0, metrics_port=None, linger_seconds=0.005)
        )
        await receiver.start()
        simulation = Simulation(
            SimulationSettings(
                rate=40,
                port=receiver.port,
                duration=3,
                window=2,
                seed=1,
                behaviour=EVENTFUL,
                commands=(MINUTE_DATA, REALTIME_DATA, HOURLY_DATA),
                record_keys=True,
                progress_seconds=0,
            ),
            devices,
        )
        stats = await simulation.run()
        await receiver.stop()
        return stats

    stats = asyncio.run(scenario())

    assert stats.unacked == 0 and stats.acked == stats.generated > 9 * 2 * 60
    assert Reading.objects.filter(data_type="hour").exists()
    assert stats.acked_readings == len(stats.acked_keys)
    assert stats.outages > 0 and stats.reconnects >= stats.outages
    _assert_stored_exactly_once(stats.acked_keys)
    assert len(_stored_keys()) == len(stats.acked_keys)


def _serve(port: int, metrics_port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ecoledger.cli",
            "hj212",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--metrics-port",
            str(metrics_port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(f"http://127.0.0.1:{metrics_port}/metrics")
    return process


@pytest.mark.slow
def test_a_receiver_killed_mid_stream_loses_and_duplicates_nothing_acknowledged(
    committed_db, tmp_path
):
    register_simulated_points(12, region=make_region())
    devices = [SimulatedDevice(p.mn, p.kind) for p in MonitoringPoint.objects.all()]
    port, env = free_port(), process_env(tmp_path)
    receivers = [_serve(port, free_port(), env)]

    async def scenario():
        simulation = Simulation(
            SimulationSettings(
                rate=50,
                port=port,
                window=3,
                seed=2,
                behaviour=QUIET,
                ack_timeout=2,
                backoff=0.1,
                max_backoff=0.5,
                record_keys=True,
                progress_seconds=0,
            ),
            devices,
        )
        running = asyncio.create_task(simulation.run())
        while simulation.stats.acked < 200:
            await asyncio.sleep(0.05)
        receivers[0].send_signal(signal.SIGKILL)
        killed_at = (simulation.stats.acked, time.monotonic())
        await asyncio.sleep(1.5)
        receivers.append(await asyncio.to_thread(_serve, port, free_port(), env))
        while simulation.stats.acked < killed_at[0] + 400:
            await asyncio.sleep(0.05)
        simulation.stop()
        return await running

    try:
        stats = asyncio.run(scenario())
    finally:
        for receiver in receivers:
            receiver.send_signal(signal.SIGTERM)
            receiver.wait(timeout=30)

    assert stats.links_lost >= len(devices) and stats.reconnects >= len(devices)
    assert stats.connect_failures > 0 and stats.retransmitted > 0
    assert stats.unacked == 0 and stats.generated == stats.acked
    _assert_stored_exactly_once(stats.acked_keys)


@pytest.mark.slow
def test_the_simulate_command_plays_the_registered_points_and_stops_cleanly_on_sigint(
    committed_db, tmp_path
):
    register_simulated_points(3, region=make_region())
    port, env = free_port(), process_env(tmp_path)
    receiver = _serve(port, free_port(), env)
    try:
        simulator = subprocess.Popen(
            [sys.executable, "-m", "ecoledger.cli", "hj212", "simulate", "--devices", "5",
             "--rate", "20", "--port", str(port)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(6)
        simulator.send_signal(signal.SIGINT)
        _, report = simulator.communicate(timeout=60)
    finally:
        receiver.send_signal(signal.SIGTERM)
        receiver.wait(timeout=30)

    assert simulator.returncode == 0, report
    assert "simulating 3 devices" in report
    done = report.strip().splitlines()[-1]
    assert done.startswith("done: ") and "unacked 0," in done
    acked_readings = int(done.split(" readings)")[0].rpartition("(")[2])
    assert acked_readings > 0 and Reading.objects.count() == acked_readings


def test_an_hour_reports_the_mean_and_extremes_of_its_minutes_and_parses_strictly():
    device = simulated_devices(3, kinds=(PointKind.STACK,))[0]
    model = DeviceModel(device.profile, random.Random(5), QUIET)
    start = datetime(2026, 5, 1, 8, 0)
    minutes = [model.minute(start + timedelta(minutes=m)) for m in range(60)]

    hour = hourly_values(minutes)
    packet = parse_packet(upload_packet(device.profile, hour, cn=HOURLY_DATA, mn=device.mn,
                                        pw=device.password, qn="20260501090000000",
                                        data_time=start))

    so2 = [minute["a21026"] for minute in minutes]
    assert hour["a21026"].average == pytest.approx(mean(m.average for m in so2))
    assert hour["a21026"].maximum == max(m.maximum for m in so2)
    assert packet.cn == HOURLY_DATA and packet.cp.data_time == start
    assert float(packet.cp.reading("a21026").values["Avg"]) == pytest.approx(
        hour["a21026"].average, abs=0.01)
