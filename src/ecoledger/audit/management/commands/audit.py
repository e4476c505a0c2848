"""``ecoledger audit verify``: walk the audit chain; exit 1 naming the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecoledger.audit.services import verify_chain


class Command(BaseCommand):
    help = "Audit chain tools. 'verify' recomputes every hash and checks the order."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = verify_chain()
        if broken:
            raise CommandError(
                f"audit chain broken after {checked} good events: {broken}", returncode=1
            )
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {checked} events verified"))
