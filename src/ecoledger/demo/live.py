"""The demo's live monitoring: receiver, simulated devices and worker as child processes.

Each is the same ``ecoledger`` command an operator would run; their output goes
to log files in the data directory; they stop when the demo stops. The devices
and the worker start once the receiver listens, so the first readings arrive at
once and the simulator's log does not open with failed connections; a receiver
that cannot start stops the demo with the reason, rather than leaving a map
that never moves.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

RECEIVER_PORT = 9212
METRICS_PORT = 9213
RECEIVER_START_SECONDS = 60.0


class LiveMonitoringError(RuntimeError):
    """The live monitoring could not start; the message says why and where to look."""


class LiveMonitoring:
    def __init__(self, data_dir: Path, *, port: int = RECEIVER_PORT,
                 metrics_port: int = METRICS_PORT) -> None:
        self.logs = data_dir / "logs"
        self.port, self.metrics_port = port, metrics_port
        self.processes: list[subprocess.Popen[bytes]] = []

    def commands(self) -> dict[str, list[str]]:
        return {
            "receiver": ["hj212", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                         "--metrics-port", str(self.metrics_port)],
            "simulator": ["hj212", "simulate", "--devices", "1000", "--rate", str(1 / 60),
                          "--commands", "2051,2061", "--port", str(self.port)],
            "worker": ["worker"],
        }

    def __enter__(self) -> LiveMonitoring:
        self.logs.mkdir(parents=True, exist_ok=True)
        for port in (self.port, self.metrics_port):
            _check_free(port)
        commands = self.commands()
        try:
            self._wait_until_listening(self._start("receiver", commands.pop("receiver")))
            for name, arguments in commands.items():
                self._start(name, arguments)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self, name: str, arguments: list[str]) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "ecoledger.cli", *arguments],
                stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ),
            )
        self.processes.append(process)
        return process

    def _wait_until_listening(self, receiver: subprocess.Popen[bytes]) -> None:
        """Wait for the metrics endpoint, which the receiver opens after its device port."""
        log = self.logs / "receiver.log"
        deadline = time.monotonic() + RECEIVER_START_SECONDS
        while time.monotonic() < deadline:
            if receiver.poll() is not None:
                raise LiveMonitoringError(
                    f"The HJ 212 receiver stopped while starting (exit code "
                    f"{receiver.returncode}); see {log}"
                )
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=2
                ):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise LiveMonitoringError(
            f"The HJ 212 receiver did not listen within {RECEIVER_START_SECONDS:.0f} s; see {log}"
        )

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        # The receiver, started first, stops last: the devices stop sending before it stops
        # listening, so they neither lose an acknowledgement nor count a refused reconnection.
        _stop(self.processes[1:])
        _stop(self.processes[:1])


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _check_free(port: int) -> None:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise LiveMonitoringError(
                f"Port {port} on 127.0.0.1 is in use (another demo or receiver?)"
            ) from None
