"""``ecoledger hj212 serve | parse | simulate``: the HJ 212 receiver and its tools."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecoledger.monitoring.hj212 import LENIENT, STRICT, parse_stream


def run_workers(options: dict[str, Any]) -> None:
    """Several receiver processes on one port; the kernel spreads connections over them.

    Safe because a reading's unique key makes concurrent writers harmless. Only the
    first worker subscribes to MQTT (one persistent session per client id). SIGTERM
    and SIGINT are passed on, and the command ends when every worker has.
    """
    children = []
    for index in range(options["workers"]):
        command = [sys.executable, "-m", "ecoledger.cli", "hj212", "serve", "--reuse-port",
                   "--host", options["host"], "--port", str(options["port"]),
                   "--metrics-host", options["metrics_host"],
                   "--metrics-port", str(options["metrics_port"] + index),
                   "--batch-size", str(options["batch_size"]),
                   "--idle-timeout", str(options["idle_timeout"])]
        if index == 0 and options["mqtt"]:
            command += ["--mqtt", options["mqtt"]]
        children.append(subprocess.Popen(command))

    def forward(signum: int, frame: object) -> None:
        for child in children:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    codes = [child.wait() for child in children]
    if any(codes):
        raise CommandError(f"receiver workers ended with {codes}")


class Command(BaseCommand):
    help = "HJ 212-2017: run the receiver, decode packets for debugging, simulate devices."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="operation", required=True)
        serve = commands.add_parser("serve", help="run the TCP receiver (and MQTT subscriber)")
        serve.add_argument("--host", default="0.0.0.0")
        serve.add_argument("--port", type=int, default=9212)
        serve.add_argument("--metrics-host", default="127.0.0.1")
        serve.add_argument("--metrics-port", type=int, default=9213,
                           help="HTTP port of /metrics (0: any free port)")
        serve.add_argument("--batch-size", type=int, default=5000)
        serve.add_argument("--idle-timeout", type=float, default=600.0)
        serve.add_argument("--mqtt", default="",
                           help="also subscribe to readings on this broker, e.g. mqtt://127.0.0.1:1883")
        serve.add_argument("--workers", type=int, default=1,
                           help="receiver processes sharing the port (SO_REUSEPORT); "
                                "worker i serves metrics on metrics-port + i")
        serve.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)
        parse = commands.add_parser("parse", help="decode raw packets, one JSON object each")
        parse.add_argument("file", nargs="?", default="-", help="a file, or - for stdin")
        parse.add_argument("--stream", action="store_true",
                           help="the input is a raw byte stream, not one packet per line")
        parse.add_argument("--lenient", action="store_true",
                           help="tolerate every known field quirk (and report which were used)")
        simulate = commands.add_parser("simulate", help="simulated devices sending to a receiver")
        simulate.add_argument("--devices", type=int, default=20)
        simulate.add_argument("--rate", type=float, default=1.0,
                              help="packets per second per device")
        simulate.add_argument("--host", default="127.0.0.1")
        simulate.add_argument("--port", type=int, default=9212)
        simulate.add_argument("--duration", type=float, default=0.0,
                              help="seconds to run (0: until stopped)")
        simulate.add_argument("--seed", type=int, default=212)
        simulate.add_argument("--window", type=int, default=1,
                              help="uploads a device may have unanswered at once")
        simulate.add_argument("--commands", default="2051",
                              help="upload commands, comma-separated: 2051 minute, 2011 real-time")
        simulate.add_argument("--quiet", action="store_true",
                              help="no exceedances, outages, stuck sensors or maintenance")

    def handle(self, *args: Any, **options: Any) -> None:
        operation = options["operation"]
        if operation == "serve":
            self._serve(options)
        elif operation == "parse":
            self._parse(options)
        else:
            self._simulate(options)

    def _serve(self, options: dict[str, Any]) -> None:
        from ecoledger.monitoring.receiver.server import ReceiverSettings, run_receiver

        if options["workers"] > 1:
            run_workers(options)
            return
        settings = ReceiverSettings(
            host=options["host"], port=options["port"], metrics_host=options["metrics_host"],
            metrics_port=options["metrics_port"], batch_size=options["batch_size"],
            idle_timeout=options["idle_timeout"], mqtt_url=options["mqtt"],
            reuse_port=options["reuse_port"],
        )
        asyncio.run(run_receiver(settings))

    def _parse(self, options: dict[str, Any]) -> None:
        path = options["file"]
        compat = LENIENT if options["lenient"] else STRICT
        if path == "-":
            source = sys.stdin.buffer
        else:
            try:
                source = Path(path).open("rb")  # noqa: SIM115 - closed below
            except OSError as error:
                raise CommandError(f"cannot read {path}: {error.strerror}") from None
        failed = False
        try:
            for item in parse_stream(source, compat=compat, lines=not options["stream"]):
                failed = failed or "error" in item
                self.stdout.write(json.dumps(item, ensure_ascii=False))
        finally:
            if source is not sys.stdin.buffer:
                source.close()
        if failed:
            sys.exit(1)

    def _simulate(self, options: dict[str, Any]) -> None:
        from ecoledger.monitoring.simulator import (
            QUIET,
            Behaviour,
            NoDevicesError,
            SimulationSettings,
            run_simulation,
        )

        try:
            settings = SimulationSettings(
                devices=options["devices"], rate=options["rate"], host=options["host"],
                port=options["port"], duration=options["duration"], seed=options["seed"],
                window=options["window"],
                commands=tuple(c.strip() for c in options["commands"].split(",") if c.strip()),
                behaviour=QUIET if options["quiet"] else Behaviour(),
            )
            asyncio.run(run_simulation(settings))
        except (ValueError, NoDevicesError) as error:
            raise CommandError(str(error)) from None
