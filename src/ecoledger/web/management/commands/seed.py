"""``ecoledger seed --problems N``: the synthetic city plus N bulk-loaded problems (benchmarks)."""

from __future__ import annotations

import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ecoledger.lib import clock
from ecoledger.org.choices import Role
from ecoledger.org.models import User

SEED = 20260101


class Command(BaseCommand):
    help = "Load the synthetic city (if empty) and N problems through the bulk path."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--problems", type=int, required=True)
        parser.add_argument("--password", default="ecoledger-demo")

    def handle(self, *args: Any, **options: Any) -> None:
        from ecoledger.demo.bulk import bulk_problems
        from ecoledger.demo.city import build_city

        rng = random.Random(SEED)
        started = time.monotonic()
        if not User.objects.exists():
            build_city(rng, password=options["password"])
        actor = User.objects.filter(role=Role.SUPERVISOR).order_by("pk").first()
        made = bulk_problems(options["problems"], actor=actor, rng=rng, today=clock.today())
        self.stdout.write(f"loaded {made} problems in {time.monotonic() - started:.1f} s")
