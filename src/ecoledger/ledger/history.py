"""What the ledger said at a past moment, read back from the audit chain.

The registration event holds a problem's facts as ``[None, value]`` pairs and
every later event the ``[before, after]`` pair of each field it changed
(``workflow.apply``), so replaying a problem's events up to a moment gives its
fields as they stood then. The chain is append-only and hash-linked: what it
says about yesterday cannot have been edited since.

Only what the chain records can be replayed: the fields services change, the
units (as ``role:model:pk``). Counts by status replay only the status.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import models
from django.db.models import CharField, Max, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from ecoledger.audit.models import Event
from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import Problem
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.choices import CITYWIDE_ROLES
from ecoledger.org.models import Department, Region, User

SUBJECT = Problem._meta.label_lower
REGISTERED = "ledger.problem.registered"
UNITS = "units"


def _field_names() -> dict[str, str]:
    """Key in an event's changes (a field's name or its column, ``district_id``) → field name."""
    names: dict[str, str] = {}
    for found in Problem._meta.concrete_fields:
        if found.primary_key:
            continue
        names[found.name] = found.name
        names[found.attname] = found.name
    return names


FIELD_NAMES = _field_names()
RELATED: dict[str, type[models.Model]] = {
    found.name: found.related_model  # type: ignore[misc]
    for found in Problem._meta.concrete_fields
    if isinstance(found, models.ForeignKey)
}


@dataclass
class ProblemAsOf:
    """A problem's fields as the chain held them at ``at``; ``existed`` is False before its
    registration. ``changed_since`` names the fields that differ now."""

    problem: Problem
    at: datetime
    existed: bool
    fields: dict[str, Any] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    events: int = 0
    last_event_at: datetime | None = None
    changed_since: list[str] = field(default_factory=list)


def parse_moment(raw: str | None) -> datetime:
    """``YYYY-MM-DD`` (the end of that local day) or an ISO date-time (local when naive)."""
    text = (raw or "").strip()
    moment = parse_datetime(text) if "T" in text or " " in text else None
    if moment is None:
        day = parse_date(text) if text else None
        if day is None:
            raise InvalidInput.field(
                "at", _("Give a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM)."))
        return end_of(day)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _replay(events: list[Event]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for event in events:
        if event.action == REGISTERED:
            registered = timezone.localtime(event.occurred_at).isoformat()
            state = {"status": Status.REPORTED.value, "reported_at": registered,
                     "reported_by": event.actor_id}
        for key, pair in (event.changes or {}).items():
            name = UNITS if key == UNITS else FIELD_NAMES.get(key)
            if name is not None and isinstance(pair, list) and len(pair) == 2:
                state[name] = _plain(name, pair[1])
    return state


def _plain(name: str, value: Any) -> Any:
    """Related objects as their integer key, whichever way the event wrote them."""
    if name in RELATED and isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def problem_as_of(problem: Problem, at: datetime) -> ProblemAsOf:
    """Replay the problem's events up to ``at``; the caller has checked the problem's scope."""
    events = list(Event.objects.filter(subject_type=SUBJECT, subject_id=str(problem.pk))
                  .order_by("seq"))
    then = [event for event in events if event.occurred_at <= at]
    existed = any(event.action == REGISTERED for event in then)
    fields = _replay(then) if existed else {}
    now = _replay(events)
    return ProblemAsOf(
        problem=problem,
        at=at,
        existed=existed,
        fields=fields,
        names=_names(fields) if existed else {},
        events=len(then),
        last_event_at=then[-1].occurred_at if then else None,
        changed_since=sorted(name for name in set(fields) | set(now)
                             if existed and fields.get(name) != now.get(name)),
    )


def _names(fields: dict[str, Any]) -> dict[str, str]:
    """Display names of the related objects and units among ``fields``, a query per model."""
    names: dict[str, str] = {}
    for name, model in RELATED.items():
        value = fields.get(name)
        if isinstance(value, int):
            found = model._default_manager.filter(pk=value).first()
            names[name] = str(found) if found else str(value)
    units = fields.get(UNITS) or []
    wanted: dict[str, set[int]] = {"region": set(), "department": set()}
    parsed = []
    for item in units:
        role, kind, pk = [*str(item).split(":"), "", ""][:3]
        if kind in wanted and pk.isdigit():
            wanted[kind].add(int(pk))
            parsed.append((role, kind, int(pk)))
    known = {("region", r.pk): str(r) for r in Region.objects.filter(pk__in=wanted["region"])}
    known |= {("department", d.pk): str(d)
              for d in Department.objects.filter(pk__in=wanted["department"])}
    if parsed:
        names[UNITS] = "; ".join(f"{role}: {known.get((kind, pk), pk)}"
                                 for role, kind, pk in parsed)
    return names


def counts_as_of(user: User, at: datetime) -> dict[str, int]:
    """Problems per status at ``at``, among the problems the user may see now.

    Each problem's last status-bearing event up to ``at`` decides (registration:
    reported), found by one grouped query over the chain.
    """
    events = Event.objects.filter(
        Q(action=REGISTERED) | Q(action__startswith="ledger.problem.", changes__has_key="status"),
        subject_type=SUBJECT, occurred_at__lte=at,
    )
    if user.role not in CITYWIDE_ROLES:
        visible = Problem.objects.visible_to(user).annotate(
            key=Cast("pk", output_field=CharField())).values("key")
        events = events.filter(subject_id__in=visible)
    last = events.order_by().values("subject_id").annotate(last=Max("seq")).values("last")
    counts: Counter[str] = Counter()
    for action, changes in Event.objects.filter(seq__in=last).values_list("action", "changes"):
        status = changes.get("status") if isinstance(changes, dict) else None
        if isinstance(status, list) and len(status) == 2:
            counts[str(status[1])] += 1
        elif action == REGISTERED:
            counts[Status.REPORTED.value] += 1
    return {status: counts.get(status, 0) for status in Status.values}


def end_of(day: date) -> datetime:
    """The last instant of a local day: what "on day X" means for the ledger's state."""
    return timezone.make_aware(datetime.combine(day, time.max))
