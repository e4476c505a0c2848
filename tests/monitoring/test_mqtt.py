"""MQTT readings: the payload rules, and the subscriber against the local Mosquitto broker."""

from __future__ import annotations

import asyncio
import json
import uuid

import paho.mqtt.client as mqtt
import pytest

from ecoledger.lib import clock
from ecoledger.monitoring.ingest.directory import PointDirectory
from ecoledger.monitoring.ingest.hj212_intake import Taken
from ecoledger.monitoring.ingest.mqtt_intake import MqttIntake
from ecoledger.monitoring.models import Quarantine, Reading
from ecoledger.monitoring.receiver.server import Receiver, ReceiverSettings
from tests.factories import make_city
from tests.monitoring.factories import EXAMPLE_MN, make_point

TOPIC = f"ecoledger/v1/devices/{EXAMPLE_MN}/readings"


def _payload(**overrides) -> bytes:
    message = {"pw": "123456", "type": "min", "time": "2026-05-01T08:00:00+08:00",
               "values": {"a34004": 35.2, "a34002": {"value": 61.0, "max": 70.2, "flag": "N"}}}
    return json.dumps(message | overrides).encode()


@pytest.fixture
def intake(city) -> MqttIntake:
    make_point(city.towns[0][0])
    directory = PointDirectory()
    directory.load()
    return MqttIntake(directory)


def _take(intake: MqttIntake, payload: bytes, topic: str = TOPIC) -> Taken:
    taken = Taken()
    intake.take(topic, payload, clock.now(), taken)
    return taken


@pytest.mark.django_db
def test_a_message_becomes_readings(intake):
    taken = _take(intake, _payload())

    assert sorted((r.value, r.maximum, r.data_type) for r in taken.readings) == [
        (35.2, None, "min"), (61.0, 70.2, "min")]
    assert taken.quarantined == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "topic", "reason", "detail"),
    [
        (b"{not json", TOPIC, "bad_json", "at byte 1"),
        (_payload(pw="000000"), TOPIC, "wrong_password", "does not match"),
        (_payload(), "ecoledger/v1/devices/UNKNOWN/readings", "unknown_mn", "UNKNOWN"),
        (_payload(), "somewhere/else", "bad_topic", "is not"),
        (_payload(time="yesterday"), TOPIC, "bad_field", "time: 'yesterday'"),
        (_payload(values={"a34004": "high"}), TOPIC, "bad_field", "values.a34004.value"),
        (_payload(type="weekly"), TOPIC, "bad_field", "type: 'weekly'"),
        (_payload(time="2099-01-01T00:00:00+08:00"), TOPIC, "time_in_future", "ahead"),
    ],
)
def test_bad_messages_are_quarantined_with_the_reason(intake, payload, topic, reason, detail):
    taken = _take(intake, payload, topic)

    assert taken.readings == []
    assert [q.reason for q in taken.quarantined] == [reason]
    assert detail in taken.quarantined[0].detail
    assert taken.quarantined[0].raw == payload


@pytest.mark.django_db
def test_unknown_factors_are_quarantined_and_the_rest_stored(intake):
    taken = _take(intake, _payload(values={"a34004": 35.2, "zz999": 1.0}))

    assert len(taken.readings) == 1
    assert [(q.reason, q.detail) for q in taken.quarantined] == [
        ("unknown_parameter", "factors without a known parameter: zz999")]


class BrokerProxy:
    """A TCP relay to the broker whose connections can be cut, to test reconnection."""

    def __init__(self) -> None:
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def _relay(self, reader, writer) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", 1883)
        self.writers += [writer, up_writer]

        async def pipe(source, sink):
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def cut(self) -> None:
        for writer in self.writers:
            writer.transport.abort()
        self.writers.clear()

    async def close(self) -> None:
        self.cut()
        self.server.close()


def _publish(payloads: list[bytes]) -> None:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"test-{uuid.uuid4().hex}")
    client.connect("127.0.0.1", 1883)
    client.loop_start()
    for payload in payloads:
        client.publish(TOPIC, payload, qos=1).wait_for_publish(timeout=10)
    client.disconnect()
    client.loop_stop()


async def _wait_for_readings(count: int) -> int:
    for _ in range(200):
        stored = await asyncio.to_thread(Reading.objects.count)
        if stored >= count:
            return stored
        await asyncio.sleep(0.05)
    return stored


@pytest.mark.slow
def test_the_subscriber_stores_messages_and_reconnects_by_itself(committed_db):
    make_point(make_city().towns[0][0])
    minutes = [f"2026-05-01T08:{m:02d}:00+08:00" for m in range(6)]

    async def scenario():
        proxy = BrokerProxy()
        port = await proxy.start()
        receiver = Receiver(ReceiverSettings(
            host="127.0.0.1", port=0, metrics_port=None, linger_seconds=0.005,
            mqtt_url=f"mqtt://127.0.0.1:{port}", mqtt_client_id=f"test-{uuid.uuid4().hex}"))
        await receiver.start()
        while not receiver.metrics.counts["mqtt_connects"]:
            await asyncio.sleep(0.05)
        await asyncio.to_thread(_publish, [_payload(time=t) for t in minutes[:3]])
        first = await _wait_for_readings(6)
        proxy.cut()
        await asyncio.to_thread(_publish, [_payload(time=t) for t in minutes[3:]])
        second = await _wait_for_readings(12)
        connects = receiver.metrics.counts["mqtt_connects"]
        await receiver.stop()
        await proxy.close()
        return first, second, connects

    first, second, connects = asyncio.run(scenario())
    assert (first, second) == (6, 12)
    assert connects >= 2
    assert not Quarantine.objects.exists()
