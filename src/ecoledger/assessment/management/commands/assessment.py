"""``ecoledger assessment compute --year Y [--version N] [--publish]``: rank districts and
departments under a scheme version (by default the year's adopted one, else its latest) and
print the ranking; ``--publish`` freezes it as the year's publication (adopted versions only).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecoledger.assessment import services
from ecoledger.assessment.choices import UnitKind, VersionStatus
from ecoledger.assessment.models import SchemeVersion
from ecoledger.lib.errors import DomainError
from ecoledger.org.choices import Role
from ecoledger.org.models import User


class Command(BaseCommand):
    help = "Annual assessment tools. 'compute' ranks the year's units under a scheme version."

    def add_base_argument(self, parser: CommandParser, *args: Any, **kwargs: Any) -> None:
        """Leave out Django's ``--version`` (its own version): here it names a scheme's."""
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["compute"])
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--version", type=int, dest="scheme_version",
                            help="scheme version number (default: the adopted one)")
        parser.add_argument("--publish", action="store_true",
                            help="freeze the results as the year's publication")
        parser.add_argument("--user", help="the supervisor acting (default: the first one)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["user"])
        version = self._version(options["year"], options["scheme_version"])
        started = time.perf_counter()
        try:
            if options["publish"]:
                publication = services.publish_results(version, acting_user=user)
                self.stdout.write(self.style.SUCCESS(
                    f"published {publication.year} #{publication.number} "
                    f"(v{version.number}, {publication.period_start} – {publication.period_end})"
                    f" inputs SHA-256 {publication.inputs_sha256}"))
                computation = None
            else:
                computation = services.preview_results(version, acting_user=user)
        except DomainError as error:
            raise CommandError(str(error)) from None
        seconds = time.perf_counter() - started
        if computation is not None:
            self._print(computation)
        self.stdout.write(f"computed in {seconds:.2f} s")

    def _user(self, username: str | None) -> User:
        users = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk")
        user = users.filter(username=username).first() if username else users.first()
        if user is None:
            raise CommandError("no such active supervisor")
        return user

    def _version(self, year: int, number: int | None) -> SchemeVersion:
        versions = SchemeVersion.objects.filter(scheme__year=year).select_related("scheme")
        if number is not None:
            version = versions.filter(number=number).first()
        else:
            version = (versions.filter(status=VersionStatus.ADOPTED).first()
                       or versions.order_by("-number").first())
        if version is None:
            raise CommandError(f"no scheme version for {year}")
        return version

    def _print(self, computation: Any) -> None:
        period = computation.period
        self.stdout.write(f"{period.year} v{computation.version.number} "
                          f"({computation.version.get_status_display()}), {period.start} – "
                          f"{period.end}, inputs SHA-256 {computation.inputs_sha256}")
        for kind in UnitKind:
            self.stdout.write(f"\n{kind.label}")
            for unit in computation.ranking(kind):
                rank = "—" if unit.rank is None else str(unit.rank)
                total = "—" if unit.total is None else f"{unit.total:6.2f}"
                self.stdout.write(f"{rank:>4}  {total:>6}  {unit.name}")
