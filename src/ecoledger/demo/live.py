"""The demo's live monitoring: receiver, simulated devices and worker as child processes.

Each is the same ``ecoledger`` command an operator would run; their output goes
to log files in the data directory; they stop when the demo stops.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from types import TracebackType

RECEIVER_PORT = 9212
METRICS_PORT = 9213


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
        for name, arguments in self.commands().items():
            log = (self.logs / f"{name}.log").open("ab")
            self.processes.append(subprocess.Popen(
                [sys.executable, "-m", "ecoledger.cli", *arguments],
                stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ),
            ))
            log.close()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
