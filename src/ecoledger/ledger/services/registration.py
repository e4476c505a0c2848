"""Registering problems and editing their facts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoledger.audit.services import record
from ecoledger.ledger import tallies, weekly, workflow
from ecoledger.ledger.choices import Action, Domain, Origin, Severity, Status, TicketKind
from ecoledger.ledger.codes import claim_code, next_code
from ecoledger.ledger.models import Category, Problem, ProblemUnit, SourceTicket
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput
from ecoledger.lib.geo import CoordinateSystem, metres_outside, to_wgs84
from ecoledger.org.choices import REGIONAL_ROLES, Role
from ecoledger.org.models import Enterprise, PollutionSource, Region, User, WaterBody

FACT_FIELDS = (
    "title",
    "description",
    "domain",
    "category",
    "origin",
    "severity",
    "latitude",
    "longitude",
    "address",
    "region",
    "water_body",
    "source",
    "enterprise",
    "responsible_person",
    "confidential",
)
# A code given from outside (an imported ledger's 问题编号) must fit the problem's
# addresses (/problems/<code>/) and its column.
# Region outlines are drawn by hand or simplified; a point this near the border is taken.
OUTSIDE_REGION_TOLERANCE_M = 1000.0
GIVEN_CODE = re.compile(r"[A-Za-z0-9-]{1,32}")


@dataclass(frozen=True)
class TicketInput:
    kind: TicketKind | str
    upstream_id: str = ""
    channel: str = ""
    received_at: datetime | None = None
    reply_deadline: date | None = None


def wgs84_location(
    latitude: float | None, longitude: float | None, system: str = CoordinateSystem.WGS84
) -> tuple[float | None, float | None]:
    """Validate a point and convert it to WGS-84; both coordinates or neither."""
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        missing = "latitude" if latitude is None else "longitude"
        raise InvalidInput.field(missing, _("Give both latitude and longitude, or neither."))
    if not -90 <= latitude <= 90:
        raise InvalidInput.field("latitude", _("A latitude lies between -90 and 90."))
    if not -180 <= longitude <= 180:
        raise InvalidInput.field("longitude", _("A longitude lies between -180 and 180."))
    try:
        lon, lat = to_wgs84(longitude, latitude, system)
    except ValueError:
        raise InvalidInput.field(
            "coordinate_system", _("Use one of: wgs84, gcj02, bd09.")
        ) from None
    return round(lat, 7), round(lon, 7)


def _check_point_in_region(facts: dict[str, Any]) -> None:
    """A point well outside its region is a typo or a wrong datum, seldom a fact: refused with
    the distance, so the user fixes the coordinates or chooses the right region. Outlines are
    approximate, so a point near the border passes."""
    region, latitude, longitude = facts["region"], facts["latitude"], facts["longitude"]
    if latitude is None or region is None:
        return
    outlined = region if region.boundary or not region.district_id else region.district
    outside = metres_outside(longitude, latitude, outlined.boundary)
    if outside > OUTSIDE_REGION_TOLERANCE_M:
        raise InvalidInput.field("latitude", _(
            "This point lies %(km).1f km outside %(region)s: check the coordinates and their "
            "coordinate system, or choose the region where the problem is.") % {
                "km": outside / 1000, "region": outlined})


def _check_region_in_scope(user: User, region: Region) -> None:
    if user.role in REGIONAL_ROLES and not user.region.contains(region):
        raise ActionRefused(
            _("%(region)s is outside your region.") % {"region": region}, code="refused_scope"
        )


# The choices a fact must be one of, their values read once (a batch import checks thousands).
_CHOICES = tuple((name, choices, tuple(choices.values))
                 for name, choices in (("domain", Domain), ("origin", Origin),
                                       ("severity", Severity)))


def _check_facts(user: User, facts: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    category: Category | None = facts.get("category")
    if category is not None and category.domain != facts["domain"]:
        errors["category"] = _("The category %(category)s belongs to another domain.") % {
            "category": category
        }
    source: PollutionSource | None = facts.get("source")
    if source is not None:
        if not PollutionSource.objects.visible_to(user).filter(pk=source.pk).exists():
            errors["source"] = _("This pollution source is outside your scope.")
        enterprise = facts.get("enterprise")
        if enterprise is None:
            facts["enterprise"] = source.enterprise
        elif source.enterprise_id not in (None, enterprise.pk):
            errors["enterprise"] = _("The source belongs to another enterprise.")
    for name, choices, values in _CHOICES:
        if facts.get(name) not in values:
            errors[name] = _("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)}
    for name in ("title", "description"):
        if not str(facts.get(name) or "").strip():
            errors[name] = _("This field is required.")
    if errors:
        raise InvalidInput(_("The problem's facts are not valid."), fields=errors)


@transaction.atomic
def register_problem(
    *,
    acting_user: User,
    title: str,
    description: str,
    domain: str,
    origin: str,
    region: Region,
    severity: str = Severity.GENERAL,
    category: Category | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    coordinate_system: str = CoordinateSystem.WGS84,
    address: str = "",
    water_body: WaterBody | None = None,
    source: PollutionSource | None = None,
    enterprise: Enterprise | None = None,
    responsible_person: str = "",
    confidential: bool = False,
    tickets: Sequence[TicketInput] = (),
    code: str | None = None,
) -> Problem:
    """Register a problem as reported.

    Steps: check the actor may register here; validate and convert the facts;
    take the next code, or check the ``code`` given (an imported ledger keeps
    its own); create the problem, its tickets and (for a department officer's
    self-check) its proposed lead unit; count it; record the event.
    """
    facts = checked_facts(
        acting_user, title=title, description=description, domain=domain, origin=origin,
        region=region, severity=severity, category=category, latitude=latitude,
        longitude=longitude, coordinate_system=coordinate_system, address=address,
        water_body=water_body, source=source, enterprise=enterprise,
        responsible_person=responsible_person, confidential=confidential,
    )
    now = clock.now()
    problem = Problem.objects.create(
        **facts,
        code=_given_code(code) if code else next_code(timezone.localdate(now).year),
        district_id=region.district_id,
        status=Status.REPORTED,
        reported_at=now,
        reported_by=acting_user,
        updated_at=now,
    )
    for ticket in tickets:
        _create_ticket(problem, ticket, now)
    if acting_user.role == Role.DEPARTMENT_OFFICER:
        ProblemUnit.objects.create(problem=problem, role="lead", department=acting_user.department)
    tallies.move(Counter(), tallies.keys_of(problem))
    weekly.count_reported(problem)
    record("ledger.problem.registered", actor=acting_user, target=problem,
           changes=registration_changes(facts))
    return problem


def checked_facts(
    acting_user: User,
    *,
    title: str,
    description: str,
    domain: str,
    origin: str,
    region: Region,
    severity: str = Severity.GENERAL,
    category: Category | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    coordinate_system: str = CoordinateSystem.WGS84,
    address: str = "",
    water_body: WaterBody | None = None,
    source: PollutionSource | None = None,
    enterprise: Enterprise | None = None,
    responsible_person: str = "",
    confidential: bool = False,
) -> dict[str, Any]:
    """The facts of a problem to register, checked and converted, or the refusal.

    ``register_problem`` and the batch import (``imports``) both start here,
    so a problem is refused for the same reasons whichever way it comes in.
    """
    if acting_user.role not in workflow.REGISTER_ROLES:
        raise ActionRefused(_("Your role may not register problems."), code="refused_role")
    _check_region_in_scope(acting_user, region)
    latitude, longitude = wgs84_location(latitude, longitude, coordinate_system)
    facts: dict[str, Any] = {
        "title": title.strip(), "description": description.strip(), "domain": domain,
        "origin": origin, "severity": severity, "category": category, "latitude": latitude,
        "longitude": longitude, "address": address.strip(), "region": region,
        "water_body": water_body, "source": source, "enterprise": enterprise,
        "responsible_person": responsible_person.strip(), "confidential": confidential,
    }
    _check_facts(acting_user, facts)
    _check_point_in_region(facts)
    return facts


def registration_changes(facts: dict[str, Any]) -> dict[str, list[Any]]:
    """The registration event's changes: every fact that has a value."""
    return {name: [None, value] for name, value in facts.items() if value not in (None, "")}


def _given_code(code: str) -> str:
    code = check_code_shape(code)
    if Problem.objects.filter(code=code).exists():
        raise code_taken(code)
    claim_code(code)
    return code


def check_code_shape(code: str) -> str:
    """A code given from outside, stripped, or the refusal of its shape."""
    code = code.strip()
    if not GIVEN_CODE.fullmatch(code):
        raise InvalidInput.field(
            "code", _("A code has 1 to 32 characters, each a letter, a digit or a hyphen.")
        )
    return code


def code_taken(code: str) -> InvalidInput:
    return InvalidInput.field(
        "code", _("The code %(code)s is already another problem's.") % {"code": code}
    )


def _create_ticket(problem: Problem, ticket: TicketInput, now: datetime) -> SourceTicket:
    if ticket.kind not in TicketKind.values:
        raise InvalidInput.field("tickets.kind", _("Unknown ticket kind %(kind)r.") % {
            "kind": ticket.kind})
    try:
        with transaction.atomic():
            return SourceTicket.objects.create(
                problem=problem,
                kind=ticket.kind,
                upstream_id=ticket.upstream_id.strip(),
                channel=ticket.channel.strip(),
                received_at=ticket.received_at or now,
                reply_deadline=ticket.reply_deadline,
            )
    except IntegrityError:
        owner = SourceTicket.objects.select_related("problem").get(
            kind=ticket.kind, upstream_id=ticket.upstream_id.strip()
        )
        raise InvalidInput.field(
            "tickets.upstream_id",
            _("Ticket %(id)s is already on problem %(code)s.")
            % {"id": ticket.upstream_id, "code": owner.problem.code},
        ) from None


@transaction.atomic
def update_problem(problem: Problem, *, acting_user: User, **changes: Any) -> Problem:
    """Edit facts; the region may move only within the actor's scope."""
    unknown = set(changes) - set(FACT_FIELDS) - {"coordinate_system"}
    if unknown:
        raise InvalidInput(
            _("These fields cannot be edited: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            fields={name: _("Not editable.") for name in unknown},
        )
    row = workflow.authorize(problem, Action.EDIT, acting_user, {})
    system = changes.pop("coordinate_system", CoordinateSystem.WGS84)
    if "latitude" in changes or "longitude" in changes:
        changes["latitude"], changes["longitude"] = wgs84_location(
            changes.get("latitude", problem.latitude),
            changes.get("longitude", problem.longitude),
            system,
        )
    facts = {name: getattr(problem, name) for name in FACT_FIELDS} | changes
    _check_facts(acting_user, facts)
    if {"region", "latitude", "longitude"} & set(changes):
        _check_point_in_region(facts)
    fields = {name: facts[name] for name in changes} | (
        {"enterprise": facts["enterprise"]} if "source" in changes else {}
    )
    if "region" in fields:
        _check_region_in_scope(acting_user, fields["region"])
        fields["district_id"] = fields["region"].district_id
    return workflow.apply(problem, row, acting_user, fields=fields)


@transaction.atomic
def add_ticket(problem: Problem, *, acting_user: User, ticket: TicketInput) -> SourceTicket:
    row = workflow.authorize(problem, Action.ADD_TICKET, acting_user, {"kind": ticket.kind})
    created = _create_ticket(problem, ticket, clock.now())
    workflow.apply(
        problem,
        row,
        acting_user,
        target=created,
        effects=lambda: {"ticket": [None, f"{created.kind}:{created.upstream_id}"]},
    )
    return created
