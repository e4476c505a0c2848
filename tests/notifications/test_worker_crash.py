"""Killing ``ecoledger worker`` in the middle of sending loses nothing and processes nothing twice.

The worker runs as a real process against the test database and posts to a
real receiver. The receiver holds one POST unanswered while the test kills
the worker with SIGKILL — the worst moment: the receiver has the message, the
worker never recorded it. The restarted worker sends that delivery again once
its lease expires, with the same delivery id, and the receiver drops the
replay: every notification is delivered and processed exactly once.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ecoledger.notifications import services
from ecoledger.notifications.choices import DeliveryStatus
from ecoledger.notifications.models import Delivery
from tests.factories import make_city
from tests.notifications.factories import make_endpoint
from tests.notifications.receiver import Receiver
from tests.processes import free_port, process_env

pytestmark = pytest.mark.slow
COUNT = 12
HELD = 4  # the receiver holds the 4th POST while the worker is killed


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ecoledger.cli", "worker", "--sleep", "0.2"],
        env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _wait_for(condition: Callable[[], bool], seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_a_killed_worker_delivers_every_notification_exactly_once(committed_db, tmp_path):
    city = make_city()
    env = {**process_env(tmp_path), "ECOLEDGER_NOTIFY_TIMEOUT": "1"}
    log = tmp_path / "worker.log"
    with Receiver() as receiver:
        receiver.hold_at = HELD
        make_endpoint(city.districts[0], receiver.url, secret="k3y")
        keys = {str(services.notify_units([city.districts[0]], kind="message",
                                          subject=f"Notice {n}", body="").deliveries.get().key)
                for n in range(COUNT)}

        first = _worker(env, log)
        assert receiver.held.wait(60), log.read_text()
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        receiver.release.set()
        in_flight = receiver.processed[HELD - 1]
        second = _worker(env, log)
        try:
            sent = _wait_for(lambda: Delivery.objects.filter(
                status=DeliveryStatus.SENT).count() == COUNT)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(20)

    assert first.returncode == -signal.SIGKILL
    assert sent, log.read_text()
    assert sorted(receiver.processed) == sorted(keys)
    assert receiver.posts[in_flight] == 2  # the one POST the killed worker never recorded
    assert {key: n for key, n in receiver.posts.items() if key != in_flight} == dict.fromkeys(
        keys - {in_flight}, 1)
    for key, body in receiver.bodies.items():
        expected = "sha256=" + hmac.new(b"k3y", body, hashlib.sha256).hexdigest()
        assert receiver.headers[key]["x-ecoledger-signature"] == expected


def test_a_receiver_that_is_down_at_first_gets_everything_once_it_is_up(committed_db, tmp_path):
    city = make_city()
    port = free_port()
    env = {**process_env(tmp_path), "ECOLEDGER_NOTIFY_TIMEOUT": "1",
           "ECOLEDGER_NOTIFY_RETRY_SECONDS": "1"}
    log = tmp_path / "worker.log"
    make_endpoint(city.districts[0], f"http://127.0.0.1:{port}/hook")
    keys = {str(services.notify_units([city.districts[0]], kind="message", subject=f"#{n}",
                                      body="").deliveries.get().key) for n in range(3)}
    worker = _worker(env, log)
    try:
        failed_once = _wait_for(lambda: Delivery.objects.filter(attempts__gte=2).count() == 3)
        errors = list(Delivery.objects.values_list("last_error", flat=True))
        with Receiver(port) as receiver:
            sent = _wait_for(lambda: Delivery.objects.filter(
                status=DeliveryStatus.SENT).count() == 3)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(20)

    assert failed_once and sent, log.read_text()
    assert all(e.startswith(f"could not reach http://127.0.0.1:{port}/hook") for e in errors)
    assert receiver.posts == dict.fromkeys(keys, 1)
