"""The demo's live monitoring: the devices wait for the receiver, a receiver that cannot start
stops the demo with its reason."""

from __future__ import annotations

import socket
import time
import urllib.request

import pytest

from ecoledger.demo.live import LiveMonitoring, LiveMonitoringError
from ecoledger.monitoring.simulator import register_simulated_points
from tests.factories import make_region
from tests.processes import free_port, process_env


def test_a_port_in_use_is_named_and_nothing_is_started(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        live = LiveMonitoring(tmp_path, port=port, metrics_port=free_port())

        with pytest.raises(LiveMonitoringError, match=f"Port {port} on 127.0.0.1 is in use"):
            live.__enter__()

    assert live.processes == []


@pytest.mark.slow
def test_a_receiver_that_stops_while_starting_is_reported_with_its_log(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOLEDGER_DATABASE_URL", "unknown://nowhere")
    live = LiveMonitoring(tmp_path, port=free_port(), metrics_port=free_port())

    with pytest.raises(LiveMonitoringError, match="receiver stopped while starting") as raised:
        live.__enter__()

    assert str(tmp_path / "logs" / "receiver.log") in str(raised.value)
    assert [process.returncode is not None for process in live.processes] == [True]


@pytest.mark.slow
def test_the_devices_find_the_receiver_listening_and_everything_stops_with_the_demo(
    committed_db, tmp_path, monkeypatch
):
    register_simulated_points(3, region=make_region())
    for name, value in process_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    metrics = free_port()
    live = LiveMonitoring(tmp_path, port=free_port(), metrics_port=metrics)

    with live:
        assert "ecoledger_receiver_connections" in _metrics(metrics)
        assert len(live.processes) == 3
        deadline = time.monotonic() + 60
        while _metrics(metrics)["ecoledger_receiver_connections"] < 3:
            assert time.monotonic() < deadline, "the simulated devices never connected"
            time.sleep(0.3)

    assert all(process.returncode is not None for process in live.processes)
    done = (tmp_path / "logs" / "simulator.log").read_text().strip().splitlines()[-1]
    assert done.startswith("done: ") and "connect failures 0," in done


def _metrics(port: int) -> dict[str, float]:
    """The receiver's metrics, read at once: the demo returns only once they are served."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as answer:
        lines = answer.read().decode().splitlines()
    return {name: float(value) for name, _, value in
            (line.rpartition(" ") for line in lines if not line.startswith("#"))}
