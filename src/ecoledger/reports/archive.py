"""Frozen reports: a generated file stored with the figures it shows, and what they correct.

A report's figures are plain JSON, hashed in a canonical form (sorted keys, no
spaces, UTF-8), so the same figures always give the same hash. Figures that
belong to a period sit under ``figures["periods"]``, keyed by the period:

- ``"2026-W48"``: an ISO week (Monday to Sunday, local dates);
- ``"2026-11"``: a calendar month;
- ``"2026-11-01/2026-11-15"``: any range of days, both ends included.

Each period maps figure names to numbers, nested as deep as needed
(``{"new": 5, "districts": {"玄武区": {"new": 2}}}``; a figure is named by its
path, ``districts/玄武区/new``). When a report states a figure of a period
differently from the last report of the same kind and scope that stated it
(a late registration, an imported spreadsheet, a correction), the difference
is stored with the report: period, figure, value before and after, and the
earlier report. Reports with the very same figures are not compared: they
state nothing different (a briefing's .docx and .pdf are two such reports).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from ecoledger.audit.services import record
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.models import User
from ecoledger.reports.models import Report, ReportKind

PERIODS = "periods"


def canonical_json(figures: Mapping[str, Any]) -> bytes:
    """The one byte form of figures that their hash is taken of."""
    try:
        text = json.dumps(figures, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                          allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvalidInput.field("figures", _("Figures must be plain JSON values: %(error)s")
                                 % {"error": error}) from None
    return text.encode("utf-8")


def figures_digest(figures: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(figures)).hexdigest()


def period_bounds(key: str) -> tuple[date, date]:
    """First and last day of a period key (see the module's docstring)."""
    try:
        if "/" in key:
            first, last = key.split("/", 1)
            return date.fromisoformat(first), date.fromisoformat(last)
        if "-W" in key:
            year, week = key.split("-W", 1)
            monday = date.fromisocalendar(int(year), int(week), 1)
            return monday, monday + timedelta(days=6)
        year, month = (int(part) for part in key.split("-", 1))
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return first, following - timedelta(days=1)
    except ValueError:
        raise InvalidInput.field("figures", _("%(key)r is not a period (YYYY-Www, YYYY-MM or "
                                              "YYYY-MM-DD/YYYY-MM-DD).") % {"key": key}) from None


def week_key(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def month_key(first: date) -> str:
    return f"{first.year}-{first.month:02d}"


def _flatten(values: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name, value in values.items():
        path = f"{prefix}{name}"
        if isinstance(value, Mapping):
            yield from _flatten(value, path + "/")
        else:
            yield path, value


def stated(figures: Mapping[str, Any]) -> dict[tuple[str, str], Any]:
    """Every (period, figure) the figures state, with its value."""
    periods = figures.get(PERIODS) or {}
    return {(period, name): value
            for period, values in periods.items() if isinstance(values, Mapping)
            for name, value in _flatten(values)}


@dataclass(frozen=True)
class Difference:
    period: str
    figure: str
    before: Any
    after: Any
    report: int
    report_title: str
    report_generated_at: str

    def as_json(self) -> dict[str, Any]:
        return {"period": self.period, "figure": self.figure, "before": self.before,
                "after": self.after, "report": self.report, "report_title": self.report_title,
                "report_generated_at": self.report_generated_at}


def differences(kind: str, scope_key: str, figures: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Figures of periods that the last earlier report stating them gave another value.

    Earlier reports are read newest first and only back to the first period
    stated (a report cannot state a period that starts after its own end).
    """
    wanted = stated(figures)
    if not wanted:
        return []
    digest = figures_digest(figures)
    since = min(period_bounds(period)[0] for period, _name in wanted)
    earlier = (Report.objects.filter(kind=kind, scope_key=scope_key, period_end__gte=since)
               .exclude(figures_sha256=digest)
               .order_by("-generated_at", "-pk")
               .only("pk", "title", "generated_at", "figures"))
    open_keys = set(wanted)
    found: list[Difference] = []
    for report in earlier.iterator(chunk_size=50):
        said = stated(report.figures)
        for key in open_keys & set(said):
            if said[key] != wanted[key]:
                found.append(Difference(key[0], key[1], said[key], wanted[key], report.pk,
                                        report.title, report.generated_at.isoformat()))
        open_keys -= set(said)
        if not open_keys:
            break
    found.sort(key=lambda d: (period_bounds(d.period)[0], d.figure))
    return [difference.as_json() for difference in found]


@transaction.atomic
def store_report(
    kind: str,
    *,
    acting_user: User | None,
    title: str,
    scope_key: str,
    period_start: date | None,
    period_end: date | None,
    figures: Mapping[str, Any],
    content: bytes,
    file_name: str,
    content_type: str,
) -> Report:
    """Store a generated file with the figures it shows, their hash and what they correct.

    Steps: hash the figures (canonical JSON) and the file; compare the figures
    with the earlier reports of the same kind and scope; save the file through
    Django storage and the report row; record the event.
    """
    if kind not in ReportKind.values:
        raise InvalidInput.field("kind", _("Unknown report kind %(kind)r.") % {"kind": kind})
    plain = json.loads(canonical_json(figures))
    digest = figures_digest(plain)
    report = Report(
        kind=kind, title=title, scope_key=scope_key, period_start=period_start,
        period_end=period_end, generated_at=clock.now(),
        generated_by=acting_user if acting_user is not None and acting_user.pk else None,
        figures=plain, figures_sha256=digest,
        differences=differences(kind, scope_key, plain),
        file_name=file_name, file_sha256=hashlib.sha256(content).hexdigest(),
        content_type=content_type,
    )
    report.file.save(file_name, ContentFile(content), save=False)
    report.save()
    record(
        "reports.report.stored",
        actor=acting_user,
        target=report,
        changes={"figures_sha256": [None, digest], "file_sha256": [None, report.file_sha256],
                 "differences": [None, len(report.differences)]},
        message=title,
    )
    return report
