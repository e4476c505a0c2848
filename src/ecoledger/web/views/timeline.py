"""The problem's timeline, read from the audit chain and put in words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import ForeignObjectRel
from django.utils.translation import gettext_lazy as _

from ecoledger.audit.models import Event
from ecoledger.ledger.choices import (
    Domain,
    ExtensionStatus,
    FollowUpFinding,
    LinkKind,
    Origin,
    Severity,
    Status,
    SuspicionStatus,
    TicketKind,
)
from ecoledger.ledger.models import Problem
from ecoledger.org.models import Department, Region

EVENT_LABELS: dict[str, Any] = {
    "ledger.problem.registered": _("Registered"),
    "ledger.problem.verified": _("Verified and assigned"),
    "ledger.problem.dismissed": _("Dismissed"),
    "ledger.problem.contested": _("Contested (returned)"),
    "ledger.problem.arbitrated": _("Contest arbitrated"),
    "ledger.problem.started": _("Rectification started"),
    "ledger.problem.plan_saved": _("Plan saved"),
    "ledger.problem.progress_reported": _("Progress reported"),
    "ledger.problem.evidence_added": _("Evidence added"),
    "ledger.problem.submitted": _("Submitted for acceptance"),
    "ledger.problem.rejected": _("Rejected"),
    "ledger.problem.accepted": _("Accepted and closed"),
    "ledger.problem.rebounded": _("Reopened as rebound"),
    "ledger.problem.extension_requested": _("Deadline extension requested"),
    "ledger.problem.extension_decided": _("Deadline extension decided"),
    "ledger.problem.deadline_extended": _("Deadline extended"),
    "ledger.problem.edited": _("Facts edited"),
    "ledger.problem.ticket_added": _("Source ticket added"),
    "ledger.problem.linked": _("Linked to a related problem"),
    "ledger.problem.followups_scheduled": _("Follow-ups scheduled"),
    "ledger.problem.followup_assigned": _("Follow-up assigned"),
    "ledger.problem.followup_recorded": _("Follow-up recorded"),
    "ledger.problem.rebound_suspected": _("Suspected rebound flagged"),
    "ledger.problem.rebound_confirmed": _("Suspected rebound confirmed"),
    "ledger.problem.rebound_dismissed": _("Suspected rebound dismissed"),
}

EXTRA_NAMES: dict[str, Any] = {
    "units": _("units"), "evidence": _("evidence"), "ticket": _("source ticket"),
    "linked": _("related problem"), "extension": _("extension"), "goal": _("goal"),
    "done": _("done"),
    "followups": _("follow-ups"), "inspector": _("inspector"), "finding": _("finding"),
    "suspicion": _("suspected rebound"),
}
# Bookkeeping that the event's own words already say; kept in the chain, not repeated here.
HIDDEN = {"assigned_at", "started_on", "schedule_due_on", "submitted_at", "submitted_by_id",
          "closed_at", "contested_at", "measures_total", "measures_done", "district_id",
          "rebound_count"}
CHOICES: dict[str, Any] = {"status": Status, "domain": Domain, "origin": Origin,
                           "severity": Severity, "extension": ExtensionStatus,
                           "finding": FollowUpFinding, "suspicion": SuspicionStatus}


@dataclass
class Change:
    name: Any
    before: str
    after: str


@dataclass
class Entry:
    event: Event
    label: Any
    changes: list[Change] = field(default_factory=list)
    detail: str = ""


def describe(events: Iterable[Event], user: Any) -> list[Entry]:
    """Entries of a problem's timeline, as ``user`` may read them.

    A link names the problem at its other end; one outside the user's scope is
    not named (the chain keeps the code, the page does not show it).
    """
    events = list(events)
    names = _Names(events, user)
    entries = []
    for event in events:
        entry = Entry(event, EVENT_LABELS.get(event.action, event.action))
        done = (event.changes or {}).get("done")
        if event.action == "ledger.problem.plan_saved" and isinstance(done, list):
            # One measure checked off (or reopened): say which, not "plan saved".
            entry.label = _("Measure marked done") if done[-1] else _("Measure reopened")
            entry.detail = event.target_repr
            entries.append(entry)
            continue
        if event.action != "ledger.problem.registered":
            entry.changes = [
                Change(_field_name(key), names.show(key, pair[0]), names.show(key, pair[1]))
                for key, pair in (event.changes or {}).items()
                if key not in HIDDEN and isinstance(pair, list) and len(pair) == 2
            ]
        entries.append(entry)
    return entries


def _linked(text: str) -> str:
    """A link is kept as "<code> (<kind>)": the kind is named."""
    code, separator, kind = text.partition(" (")
    kind = kind.removesuffix(")")
    return f"{code} ({LinkKind(kind).label})" if separator and kind in LinkKind.values else text


def _ticket(text: str) -> str:
    """A source ticket is kept as "<kind>:<number>": the kind is named."""
    kind, separator, number = text.partition(":")
    return f"{TicketKind(kind).label} {number}" if separator and kind in TicketKind.values else text


CODED = {"linked": _linked, "ticket": _ticket}


def _field_name(key: str) -> Any:
    if key in EXTRA_NAMES:
        return EXTRA_NAMES[key]
    try:
        found = Problem._meta.get_field(key)
    except FieldDoesNotExist:
        return key
    if isinstance(found, ForeignObjectRel):
        # A reverse relation (contests, tickets …) has no verbose name of its own.
        return found.related_model._meta.verbose_name_plural
    return found.verbose_name


class _Names:
    """Names for the ids the chain keeps (regions, departments, categories …), looked up once."""

    def __init__(self, events: list[Event], user: Any) -> None:
        linked = {str(pair[1]).split(" ")[0] for event in events
                  if isinstance(pair := (event.changes or {}).get("linked"), list)
                  and len(pair) == 2 and pair[1]}
        self.visible_codes = set(Problem.objects.visible_to(user).filter(code__in=linked)
                                 .values_list("code", flat=True))
        self.units: dict[str, str] = {}
        wanted: dict[str, set[int]] = {"region": set(), "department": set()}
        for event in events:
            for value in (event.changes or {}).get("units", []) or []:
                for item in value or []:
                    parts = str(item).split(":")
                    if len(parts) == 3 and parts[1] in wanted and parts[2].isdigit():
                        wanted[parts[1]].add(int(parts[2]))
        for kind, model in (("region", Region), ("department", Department)):
            for unit in model.objects.filter(pk__in=wanted[kind]):
                self.units[f"{kind}:{unit.pk}"] = str(unit)
        self.related: dict[tuple[type[models.Model], str], str] = {}

    def show(self, key: str, value: Any) -> str:
        if value in (None, "", []):
            return "—"
        if key == "linked" and str(value).split(" ")[0] not in self.visible_codes:
            return str(_("a problem outside your scope"))
        if key == "units" and isinstance(value, list):
            return "; ".join(self._unit(str(item)) for item in value)
        if key in CODED:
            return CODED[key](str(value))
        if key in CHOICES:
            try:
                return str(CHOICES[key](value).label)
            except ValueError:
                return str(value)
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        model = self._model(key)
        if model is not None:
            cached = self.related.get((model, str(value)))
            if cached is None:
                found = model._default_manager.filter(pk=value).first()
                cached = self.related[(model, str(value))] = str(found) if found else str(value)
            return cached
        text = str(value)
        return text if len(text) <= 80 else text[:79] + "…"

    def _unit(self, item: str) -> str:
        role, _sep, unit = item.partition(":")
        label = {"lead": _("lead"), "responsible": _("responsible"),
                 "cooperating": _("cooperating")}.get(role, role)
        return f"{label}: {self.units.get(unit, unit)}"

    @staticmethod
    def _model(key: str) -> type[models.Model] | None:
        try:
            found = Problem._meta.get_field(key)
        except FieldDoesNotExist:
            return None
        return found.related_model if isinstance(found, models.ForeignKey) else None  # type: ignore[return-value]
