"""Receiver counters, served in the Prometheus text format at /metrics."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Metrics:
    counts: Counter[str] = field(default_factory=Counter)
    connections: int = 0
    queue_depth: int = 0
    batches: int = 0
    batch_seconds_total: float = 0.0
    batch_seconds_max: float = 0.0

    def observe_batch(self, seconds: float) -> None:
        self.batches += 1
        self.batch_seconds_total += seconds
        self.batch_seconds_max = max(self.batch_seconds_max, seconds)

    def render(self) -> str:
        lines = [
            "# TYPE ecoledger_receiver_connections gauge",
            f"ecoledger_receiver_connections {self.connections}",
            "# TYPE ecoledger_receiver_queue_depth gauge",
            f"ecoledger_receiver_queue_depth {self.queue_depth}",
            "# TYPE ecoledger_receiver_batch_seconds summary",
            f"ecoledger_receiver_batch_seconds_count {self.batches}",
            f"ecoledger_receiver_batch_seconds_sum {self.batch_seconds_total:.6f}",
            f"ecoledger_receiver_batch_seconds_max {self.batch_seconds_max:.6f}",
        ]
        families: dict[str, list[str]] = {}
        for key, value in sorted(self.counts.items()):
            name, _, label = key.partition(":")
            metric = {"error": "errors", "quirk": "quirks"}.get(name, name)
            label_name = {"error": "reason", "quirk": "quirk"}.get(name, "kind")
            labels = f'{{{label_name}="{label}"}}' if label else ""
            families.setdefault(metric, []).append(
                f"ecoledger_receiver_{metric}_total{labels} {value}"
            )
        for metric, samples in families.items():
            lines.append(f"# TYPE ecoledger_receiver_{metric}_total counter")
            lines.extend(samples)
        return "\n".join(lines) + "\n"


async def serve_metrics(metrics: Metrics, host: str, port: int) -> asyncio.Server:
    """A minimal HTTP endpoint: GET /metrics answers the counters, anything else 404."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), timeout=5)
            ok = request.split(b" ")[1:2] == [b"/metrics"]
            body = metrics.render().encode() if ok else b"not found\n"
            status = b"200 OK" if ok else b"404 Not Found"
            writer.write(
                b"HTTP/1.0 " + status + b"\r\nContent-Type: text/plain; version=0.0.4\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode() + body
            )
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(answer, host, port)
