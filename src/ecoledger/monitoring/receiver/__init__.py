"""The HJ 212 receiver: asyncio TCP server, batch writer, metrics."""
