"""``ecoledger report weekly|monthly --date YYYY-MM-DD [--district CODE] [--out FILE]``.

Makes (or finds, when the figures have not changed) the briefing of the week or
month holding the date, stores it in the archive like every other briefing,
writes the .docx (and the .pdf beside it where LibreOffice is present) and
prints the paths and the figures' SHA-256.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecoledger.lib import clock
from ecoledger.lib.errors import DomainError
from ecoledger.org.choices import RegionLevel
from ecoledger.org.models import Region
from ecoledger.reports.briefing.services import generate_briefing
from ecoledger.reports.models import Report


class Command(BaseCommand):
    help = "Generate the weekly or monthly briefing (通报) of the period holding --date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["weekly", "monthly"])
        parser.add_argument("--date", type=date.fromisoformat, default=None,
                            help="a day of the week or month (YYYY-MM-DD; default: today)")
        parser.add_argument("--district", default=None,
                            help="division code of a district (default: the whole city)")
        parser.add_argument("--out", type=Path, default=None,
                            help="where to write the .docx (default: its name, here)")

    def handle(self, *args: Any, **options: Any) -> None:
        region = None
        if options["district"]:
            region = Region.objects.filter(code=options["district"],
                                           level=RegionLevel.DISTRICT).first()
            if region is None:
                raise CommandError(f"no district with the code {options['district']!r}")
        try:
            briefing = generate_briefing(options["kind"], options["date"] or clock.today(),
                                         acting_user=None, region=region)
        except DomainError as error:
            raise CommandError(str(error)) from None
        target = options["out"] or Path(briefing.document.file_name)
        self._write(briefing.document, target)
        if briefing.pdf is not None:
            self._write(briefing.pdf, target.with_suffix(".pdf"))
        else:
            self.stdout.write("no PDF: LibreOffice (soffice) is not installed or failed")
        state = "generated" if briefing.created else "unchanged since the last one"
        self.stdout.write(f"figures sha256 {briefing.document.figures_sha256} ({state})")

    def _write(self, report: Report, target: Path) -> None:
        with report.file.open("rb") as stored:
            target.write_bytes(stored.read())
        self.stdout.write(str(target.resolve()))
