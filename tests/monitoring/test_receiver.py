"""The receiver end to end on 127.0.0.1 with real sockets and real commits."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys

import pytest

from ecoledger.monitoring.hj212 import build_packet
from ecoledger.monitoring.ingest.directory import PointDirectory
from ecoledger.monitoring.models import Quarantine, Reading
from ecoledger.monitoring.receiver.server import Receiver, ReceiverSettings
from tests.factories import make_city
from tests.monitoring.factories import EXAMPLE_MN, EXAMPLES, make_point
from tests.processes import free_port, free_port_pair, process_env, wait_for

pytestmark = pytest.mark.slow
REALTIME, ANSWER, HOURLY, SPLIT_PART = EXAMPLES[1], EXAMPLES[2], EXAMPLES[3], EXAMPLES[4]


@pytest.fixture
def city(committed_db):
    return make_city()


@pytest.fixture
def point(city):
    return make_point(city.towns[0][0])


def _settings(**overrides) -> ReceiverSettings:
    values = {"host": "127.0.0.1", "port": 0, "metrics_port": 0, "linger_seconds": 0.005}
    return ReceiverSettings(**(values | overrides))


def _minute_packet(minute: int, *, flag: int = 5) -> bytes:
    return build_packet(
        st="31", cn="2051", pw="123456", mn=EXAMPLE_MN, qn=f"2024060109{minute:02d}00000",
        flag=flag, cp=f"DataTime=2024060109{minute:02d}00;a21026-Avg={10 + minute}.5,a21026-Flag=N",
    )


async def _read_answer(reader: asyncio.StreamReader) -> bytes:
    return await asyncio.wait_for(reader.readuntil(b"\r\n"), timeout=10)


async def _metrics(port: int) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /metrics HTTP/1.0\r\n\r\n")
    body = (await reader.read()).decode()
    writer.close()
    return body


def test_it_answers_only_what_it_has_stored_however_the_bytes_arrive(point):
    async def scenario():
        receiver = Receiver(_settings())
        await receiver.start()
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        for byte in REALTIME:
            writer.write(bytes([byte]))
            await writer.drain()
        first = await _read_answer(reader)
        stored_when_answered = await asyncio.to_thread(Reading.objects.count)
        writer.write(HOURLY + SPLIT_PART)
        more = [await _read_answer(reader), await _read_answer(reader)]
        metrics = await _metrics(receiver.metrics_port)
        writer.close()
        await receiver.stop()
        return first, stored_when_answered, more, metrics

    first, stored_when_answered, more, metrics = asyncio.run(scenario())

    assert first == ANSWER
    assert stored_when_answered == 6
    assert len(more) == 2
    assert Reading.objects.count() == 6 + 3 + 1
    assert "ecoledger_receiver_readings_inserted_total 10" in metrics
    assert "ecoledger_receiver_packets_total 3" in metrics


def test_a_retransmitted_packet_is_answered_again_but_stored_once(point):
    async def scenario():
        receiver = Receiver(_settings())
        await receiver.start()
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        answers = []
        for _ in range(3):
            writer.write(REALTIME)
            answers.append(await _read_answer(reader))
        writer.close()
        await receiver.stop()
        return answers

    assert asyncio.run(scenario()) == [ANSWER] * 3
    assert Reading.objects.count() == 6


def test_garbage_between_packets_is_quarantined_and_the_next_packet_still_counts(point):
    async def scenario():
        receiver = Receiver(_settings())
        await receiver.start()
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        writer.write(b"AT+CSQ\r\nGARBAGE" + REALTIME)
        answer = await _read_answer(reader)
        writer.close()
        await receiver.stop()
        return answer

    assert asyncio.run(scenario()) == ANSWER
    kept = Quarantine.objects.get()
    assert (kept.reason, bytes(kept.raw)) == ("garbage", b"AT+CSQ\r\nGARBAGE")
    assert kept.peer.startswith("127.0.0.1:")


def test_a_connection_that_only_sends_garbage_is_closed(point):
    async def scenario():
        receiver = Receiver(_settings(malformed_budget=3))
        await receiver.start()
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        for _ in range(10):
            writer.write(b"##9999XXXX\r\n")
        closed = await asyncio.wait_for(reader.read(), timeout=10)
        await receiver.stop()
        return closed

    assert asyncio.run(scenario()) == b""
    assert Quarantine.objects.count() >= 3


def test_an_idle_connection_is_closed(point):
    async def scenario():
        receiver = Receiver(_settings(idle_timeout=1.0))
        await receiver.start()
        reader, _writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        closed = await asyncio.wait_for(reader.read(), timeout=10)
        counts = dict(receiver.metrics.counts)
        await receiver.stop()
        return closed, counts

    closed, counts = asyncio.run(scenario())
    assert closed == b""
    assert counts["idle_closed"] == 1


def test_backpressure_pauses_reading_but_loses_nothing(point):
    packets = [_minute_packet(minute, flag=4) for minute in range(60)]

    async def scenario():
        receiver = Receiver(_settings(queue_limit=4, batch_size=3))
        await receiver.start()
        _reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        writer.write(b"".join(packets))
        await writer.drain()
        for _ in range(100):
            if await asyncio.to_thread(Reading.objects.count) == 60:
                break
            await asyncio.sleep(0.1)
        writer.close()
        await receiver.stop()

    asyncio.run(scenario())
    assert Reading.objects.count() == 60


def test_stopping_stores_and_answers_what_was_received(point):
    packets = [_minute_packet(minute) for minute in range(20)]

    async def scenario():
        receiver = Receiver(_settings(linger_seconds=0.5))
        await receiver.start()
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        writer.write(b"".join(packets))
        await writer.drain()
        await asyncio.sleep(0.1)  # received, still lingering in the writer's batch
        stopping = asyncio.create_task(receiver.stop())
        answers = [await _read_answer(reader) for _ in range(20)]
        await stopping
        return answers

    assert len(asyncio.run(scenario())) == 20
    assert Reading.objects.count() == 20


def test_a_device_registered_while_the_receiver_runs_is_taken_at_once(city):
    async def scenario():
        receiver = Receiver(_settings(), PointDirectory(unknown_retry_seconds=0))
        await receiver.start()
        await asyncio.to_thread(make_point, city.towns[0][0])
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        writer.write(REALTIME)
        answer = await _read_answer(reader)
        writer.close()
        await receiver.stop()
        return answer

    assert asyncio.run(scenario()) == ANSWER
    assert Reading.objects.count() == 6
    assert not Quarantine.objects.exists()


def test_answers_to_one_device_keep_the_order_of_its_packets(point):
    packets = [_minute_packet(minute) for minute in range(40)]

    async def scenario():
        receiver = Receiver(_settings(batch_size=7))
        await receiver.start()
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        writer.write(b"".join(packets))
        answers = [await _read_answer(reader) for _ in packets]
        writer.close()
        await receiver.stop()
        return answers

    answers = asyncio.run(scenario())
    assert [answer[9:26] for answer in answers] == [packet[9:26] for packet in packets]
    assert Reading.objects.count() == 40


def test_several_worker_processes_share_the_port_and_stop_together(point, tmp_path):
    port, metrics = free_port(), free_port_pair()
    server = subprocess.Popen(
        [sys.executable, "-m", "ecoledger.cli", "hj212", "serve", "--host", "127.0.0.1",
         "--port", str(port), "--metrics-port", str(metrics), "--workers", "2"],
        env=process_env(tmp_path),
    )
    try:
        wait_for(f"http://127.0.0.1:{metrics}/metrics")
        wait_for(f"http://127.0.0.1:{metrics + 1}/metrics")

        async def send_from_many_connections():
            answers = []
            for minute in range(12):
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(_minute_packet(minute))
                answers.append(await _read_answer(reader))
                writer.close()
            return answers

        answers = asyncio.run(send_from_many_connections())
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)

    assert len(answers) == 12 and code == 0
    assert Reading.objects.count() == 12
