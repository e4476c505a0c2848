"""``ecoledger worker``: run persisted and periodic jobs; ``--once`` for cron."""

from __future__ import annotations

import os
import signal
import socket
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from ecoledger.jobs.services import run_due


class Command(BaseCommand):
    help = "Run background and periodic jobs (alerts, deadlines, notifications, reports)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument("--sleep", type=float, default=2.0, help="seconds between polls")

    def handle(self, *args: Any, **options: Any) -> None:
        name = f"{socket.gethostname()}:{os.getpid()}"
        if options["once"]:
            self.stdout.write(f"ran {run_due(name)} jobs")
            return
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"worker {name} started")
        while not stopping:
            close_old_connections()
            if not run_due(name, limit=50):
                time.sleep(options["sleep"])
        self.stdout.write(f"worker {name} stopped")
