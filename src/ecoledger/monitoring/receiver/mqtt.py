"""The MQTT side of the receiver: subscribe, hand messages to the writer, acknowledge after commit.

QoS 1 with manual acknowledgement and a persistent session: the broker keeps
a message until the receiver has stored it, also across a receiver restart,
so an acknowledged MQTT reading is as safe as an answered HJ 212 packet.
paho runs its network loop in its own thread and reconnects by itself
(1 s, growing to 30 s); messages cross into the event loop thread-safely.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt

from ecoledger.monitoring.ingest.mqtt_intake import TOPIC_FILTER
from ecoledger.monitoring.receiver.connection import Arrival

if TYPE_CHECKING:
    from ecoledger.monitoring.receiver.server import Receiver

log = logging.getLogger(__name__)


class BrokerMessage:
    """An MQTT message as a source: delivering its answer acknowledges it to the broker."""

    __slots__ = ("client", "mid", "peer", "qos")

    def __init__(self, client: mqtt.Client, mid: int, qos: int, topic: str) -> None:
        self.client, self.mid, self.qos = client, mid, qos
        self.peer = f"mqtt:{topic}"

    def deliver(self, answer: bytes) -> None:
        if self.qos > 0:
            self.client.ack(self.mid, self.qos)


class MqttSubscriber:
    def __init__(self, url: str, receiver: Receiver, loop: asyncio.AbstractEventLoop, *,
                 client_id: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "tcp"):
            raise ValueError(f"MQTT URL {url!r}: use mqtt://[user:password@]host[:port]")
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 1883
        self.receiver, self.loop = receiver, loop
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False,
            manual_ack=True,
        )
        if parts.username:
            self.client.username_pw_set(parts.username, parts.password)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._connected
        self.client.on_disconnect = self._disconnected
        self.client.on_message = self._message
        self.accepting = True

    def start(self) -> None:
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()

    def pause(self) -> None:
        """Stop taking new messages; unacknowledged ones stay with the broker."""
        self.accepting = False

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def _connected(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any,
                   properties: Any) -> None:
        if getattr(reason, "is_failure", False):
            log.warning("MQTT broker %s:%s refused the connection: %s", self.host, self.port,
                        reason)
            return
        client.subscribe(TOPIC_FILTER, qos=1)
        self.loop.call_soon_threadsafe(self.receiver.metrics.counts.update, ["mqtt_connects"])
        log.info("subscribed to %s on %s:%s", TOPIC_FILTER, self.host, self.port)

    def _disconnected(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any,
                      properties: Any) -> None:
        self.loop.call_soon_threadsafe(self.receiver.metrics.counts.update, ["mqtt_disconnects"])

    def _message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        if not self.accepting:
            return
        source = BrokerMessage(client, message.mid, message.qos, message.topic)
        arrival = Arrival(source, bytes(message.payload), topic=message.topic)
        self.loop.call_soon_threadsafe(self.receiver.submit, arrival)
