"""Running ``ecoledger`` as a separate process against the test database."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.db import connection


def process_env(data_dir: Path) -> dict[str, str]:
    settings_dict = connection.settings_dict
    env = dict(os.environ)
    if connection.vendor == "sqlite":
        env["ECOLEDGER_DATABASE_URL"] = f"sqlite:///{settings_dict['NAME']}"
    else:
        env["ECOLEDGER_DATABASE_URL"] = (
            f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@"
            f"{settings_dict['HOST'] or 'localhost'}:{settings_dict['PORT'] or 5432}/"
            f"{settings_dict['NAME']}"
        )
    env["ECOLEDGER_DATA_DIR"] = str(data_dir)
    env["ECOLEDGER_SECRET_KEY"] = "process-test-secret"
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def ecoledger(*args: str, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ecoledger.cli", *args], env=env,
                          capture_output=True, text=True, **kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port_pair() -> int:
    """A port that is free with the one after it (receiver workers serve their metrics on
    consecutive ports), taken below Linux's ephemeral range (32768 up), where outgoing
    connections and ``free_port`` never land, so nothing else takes the second meanwhile."""
    while True:
        port = random.randrange(20_000, 32_000)
        with socket.socket() as first, socket.socket() as second:
            try:
                first.bind(("127.0.0.1", port))
                second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port


def wait_for(url: str, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
