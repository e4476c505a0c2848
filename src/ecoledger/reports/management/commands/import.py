"""``ecoledger import ledger FILE [--dry-run] [--user USERNAME] [--mapping HEADER=COLUMN …]``.

Checks an Excel (.xlsx) or CSV ledger and, without ``--dry-run``, imports it:
the same services as the web page, as the named user, kept in the history of
imports. Prints every refused row (row, column, reason); exits with status 1
when any row was refused, so a script can tell.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from ecoledger.ledger.choices import Status
from ecoledger.lib.errors import DomainError
from ecoledger.org.choices import Role
from ecoledger.org.models import User
from ecoledger.reports.ledger_columns import BY_KEY, column_for_header
from ecoledger.reports.ledger_import import service
from ecoledger.reports.models import LedgerImport


class Command(BaseCommand):
    help = "Check (--dry-run) or import a rectification ledger from an .xlsx or .csv file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["ledger"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true",
                            help="check every row and report; import nothing")
        parser.add_argument("--user", help="who imports: a supervisor or a region officer "
                                           "(default: the only active supervisor)")
        parser.add_argument("--mapping", action="append", default=[], metavar="HEADER=COLUMN",
                            help="the column of a header no synonym recognises, as its key "
                                 "(district) or ledger header (所属区县); empty to leave it "
                                 "aside; remembered for files with the same headers")

    def handle(self, *args: Any, **options: Any) -> None:
        user = _user(options["user"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No file %(path)s.") % {"path": path})
        choices = dict(_choice(text) for text in options["mapping"])
        try:
            with path.open("rb") as handle:
                ledger_import = service.upload_ledger(acting_user=user, upload=handle,
                                                      name=path.name)
            if choices:
                service.save_mapping(ledger_import, acting_user=user, choices=choices)
            started = time.monotonic()
            if options["dry_run"]:
                ledger_import = service.check_ledger(ledger_import, acting_user=user)
            else:
                # The import checks every row as it goes: a dry run first would check twice.
                ledger_import = service.import_ledger(ledger_import, acting_user=user)
            if ledger_import.failure:
                raise CommandError(ledger_import.failure)
            self._columns(ledger_import)
            if ledger_import.imported_at:
                self.stdout.write(_("Imported %(n)s problems in %(s).1f s.") % {
                    "n": ledger_import.rows_created, "s": time.monotonic() - started})
        except DomainError as error:
            raise CommandError(str(error)) from None
        refused = self._rows(ledger_import)
        if refused:
            raise CommandError(_("%(n)s rows refused (import #%(pk)s).") % {
                "n": refused, "pk": ledger_import.pk}, returncode=1)

    def _columns(self, ledger_import: LedgerImport) -> None:
        summary = ledger_import.summary
        self.stdout.write(_("Ledger import #%(pk)s: %(file)s, %(rows)s rows.") % {
            "pk": ledger_import.pk, "file": ledger_import.original_name, "rows": summary["rows"]})
        aside = [item["header"] for item in summary["columns"] if not item["column"]]
        if aside:
            self.stdout.write(_("Columns left aside: %(headers)s (map one with --mapping "
                                "'HEADER=COLUMN').") % {"headers": "、".join(aside)})

    def _rows(self, ledger_import: LedgerImport) -> int:
        errors = ledger_import.row_errors
        sheets = len(ledger_import.summary.get("sheets", [])) > 1
        if errors:
            self.stdout.write(f"{_('Row'):>8}  {_('Column'):<12}  {_('Reason')}")
        for error in errors:
            row = f"{error['sheet']}!{error['row']}" if sheets else str(error["row"])
            self.stdout.write(f"{row:>8}  {error['column'] or '—':<12}  {error['reason']}")
        summary = ledger_import.summary
        made = ", ".join(f"{Status(value).label} {count}"
                         for value, count in summary.get("by_status", {}).items())
        refused = len({(error["sheet"], error["row"]) for error in errors})
        if ledger_import.imported_at:
            self.stdout.write(_("%(made)s problems created (%(detail)s); %(existing)s rows were "
                                "already imported; %(refused)s rows refused.") % {
                "made": ledger_import.rows_created, "detail": made or "—",
                "existing": ledger_import.rows_existing, "refused": refused})
        else:
            self.stdout.write(_("Would create %(new)s problems (%(detail)s); %(existing)s rows "
                                "are already imported; %(refused)s rows refused.") % {
                "new": summary["new"], "detail": made or "—",
                "existing": ledger_import.rows_existing, "refused": refused})
        return refused


def _user(username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user %(name)s.") % {"name": username})
        return user
    supervisors = list(User.objects.filter(role=Role.SUPERVISOR, is_active=True)[:2])
    if len(supervisors) != 1:
        raise CommandError(_("Name who imports with --user (a supervisor or region officer)."))
    return supervisors[0]


def _choice(text: str) -> tuple[str, str]:
    header, separator, target = text.partition("=")
    if not separator or not header.strip():
        raise CommandError(_("Write a mapping as HEADER=COLUMN, not %(text)s.") % {"text": text})
    target = target.strip()
    column = BY_KEY.get(target) or (column_for_header(target) if target else None)
    if target and column is None:
        raise CommandError(_("No ledger column %(column)s (known: %(keys)s).") % {
            "column": target, "keys": ", ".join(BY_KEY)})
    return header.strip(), column.key if column else ""
