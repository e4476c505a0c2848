"""Casting one synthetic problem: its category, origin, place, texts, units and actors.

A ``Case`` is everything decided about a problem before its history is
planned; while the history runs it also holds the rows the services made
(the problem, its plan's measures, complaints not yet decided, follow-up
checks) for the steps that follow.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ecoledger.demo import catalog, names, texts, voices
from ecoledger.demo.catalog import DISTRICT_LEAD, CategorySpec
from ecoledger.intake.models import Complaint
from ecoledger.ledger.choices import Origin, Severity
from ecoledger.ledger.models import Category, FollowUp, Measure, Problem
from ecoledger.ledger.services import UnitAssignment
from ecoledger.org.choices import Role
from ecoledger.org.models import Department, Enterprise, PollutionSource, Region, User, WaterBody

if TYPE_CHECKING:
    from ecoledger.demo.city import DemoCity

# Categories whose problems sit on a street rather than in a village.
STREET_CATEGORIES = frozenset({"air.catering", "air.vehicle", "noise.social"})
SEVERITY_WEIGHTS = {Severity.GENERAL: 70, Severity.SERIOUS: 24, Severity.MAJOR: 6}
# The first enterprises have logins: a share of enterprise problems goes to them.
FEATURED_SHARE = 0.25


@dataclass
class Case:
    index: int
    spec: CategorySpec
    category: Category
    origin: str
    severity: str
    town: Region
    district: Region
    reporter: User
    title: str
    description: str
    address: str
    place: str  # what people call the spot: an enterprise, a site, a stretch of river
    latitude: float
    longitude: float
    responsible_person: str
    units: UnitAssignment
    worker: User  # the duty-unit officer who carries out the rectification
    water_body: WaterBody | None = None
    source: PollutionSource | None = None
    enterprise: Enterprise | None = None
    registered_on: date | None = None  # placed once the history is planned
    problem: Problem | None = None
    measures: list[Measure] = field(default_factory=list)
    waiting: list[Complaint] = field(default_factory=list)  # filed about it, not yet decided
    checks: dict[tuple[int, int], FollowUp] = field(default_factory=dict)  # (round, offset)

    def on(self, day: int) -> date:
        """The date of the ``day``-th day of the problem's life (0: the day it was reported)."""
        assert self.registered_on is not None
        return self.registered_on + timedelta(days=day)

    @property
    def lead(self) -> Region | Department:
        return self.units.lead


class Caster:
    """Draws cases for one city; indexes its sources once so that each draw is cheap."""

    def __init__(self, city: DemoCity, rng: random.Random, categories: dict[str, Category]):
        self.city, self.rng, self.categories = city, rng, categories
        self.sources_by_kind: dict[str, list[PollutionSource]] = defaultdict(list)
        self.outlets: dict[tuple[int, str], list[PollutionSource]] = defaultdict(list)
        for source in city.sources:
            if source.enterprise_id is None:
                self.sources_by_kind[source.kind].append(source)
            else:
                self.outlets[(source.enterprise_id, source.kind)].append(source)
        self.district_of = {town.pk: district for district, towns in
                            zip(city.districts, city.towns, strict=True) for town in towns}
        self.featured = {user.enterprise_id for user in city.users.values() if user.enterprise_id}

    def cast(self, index: int, *, contested: bool) -> Case:
        """A new case; a contested one does not come from a department's self-check.

        A department that found a problem itself does not then return it as
        not its own, so self-checks are kept out of contested cases. A case
        of origin complaint is described in the complainant's own words: its
        problem is opened from the complaint.
        """
        rng = self.rng
        spec = rng.choices(catalog.CATEGORIES, weights=[s.weight for s in catalog.CATEGORIES])[0]
        origins = [o for o in spec.origins if not (contested and o == Origin.SELF_CHECK)]
        origin = rng.choices(origins, weights=[catalog.ORIGIN_WEIGHTS[o] for o in origins])[0]
        town, spot, enterprise, source, water = self._locate(spec)
        district = self.district_of[town.pk]
        latitude, longitude = spot
        village = rng.choice(names.VILLAGES)
        if enterprise is not None:
            place, address = enterprise.name, enterprise.address
        elif source is not None:
            place, address = source.name, source.address
        elif water is not None:
            place = f"{water.name}{town.name}段"
            address = f"{district.name}{town.name}{village}村{water.name}沿岸"
        elif spec.code in STREET_CATEGORIES:
            place = f"{town.name}{rng.choice(names.ROADS)}"
            address = f"{district.name}{place}{rng.randint(1, 199)}号附近"
        else:
            place = f"{town.name}{village}村"
            address = f"{district.name}{place}"
        outlet = source.name.removeprefix(enterprise.name) if source and enterprise else None
        words = {"place": place, "outlet": outlet or (source.name if source else place),
                 "n": rng.randrange(200, 5000, 50), "m": rng.randint(2, 9)}
        title, detail = rng.choice(spec.stories)
        description = (voices.complaint_text(spec.code, rng, place=place)
                       if origin == Origin.COMPLAINT
                       else texts.ORIGIN_LEADS[origin] + detail.format(**words))
        units, reporter = self._units(spec, origin, district)
        worker = self.city.officer_of(units.lead)
        if units.responsible and rng.random() < 0.25:
            worker = self.city.officer_of(units.responsible[0])
        return Case(
            index=index, spec=spec, category=self.categories[spec.code], origin=origin,
            severity=rng.choices(list(SEVERITY_WEIGHTS), weights=SEVERITY_WEIGHTS.values())[0],
            town=town, district=district, reporter=reporter,
            title=title.format(**words),
            description=description, address=address, place=place, latitude=latitude,
            longitude=longitude,
            responsible_person=rng.choice(names.SURNAMES) + rng.choice(names.GIVEN_NAMES),
            units=units, worker=worker, water_body=water, source=source, enterprise=enterprise,
        )

    def _locate(self, spec: CategorySpec) -> tuple[
        Region, tuple[float, float], Enterprise | None, PollutionSource | None, WaterBody | None
    ]:
        """Where the problem is: at an enterprise, a non-point source, on a water, or in a town."""
        rng = self.rng
        if spec.industries:
            enterprise, source = self._enterprise(spec)
            anchor = source or enterprise
            return (enterprise.region, self._near(anchor.latitude, anchor.longitude, 0.0008),
                    enterprise, source, source.water_body if source else None)
        if spec.source_kinds and rng.random() < spec.source_share:
            kind = rng.choice(spec.source_kinds)
            source = rng.choice(self.sources_by_kind[kind])
            water = source.water_body if spec.water else None
            return (source.region, self._near(source.latitude, source.longitude, 0.001),
                    None, source, water)
        if spec.water:
            water = rng.choice([w for w in self.city.waters if w.kind in spec.water])
            town = rng.choice(self.city.towns_along[water.pk])
            return town, self._near(town.latitude, town.longitude, 0.012), None, None, water
        town = rng.choice([town for towns in self.city.towns for town in towns])
        return town, self._near(town.latitude, town.longitude, 0.015), None, None, None

    def _enterprise(self, spec: CategorySpec) -> tuple[Enterprise, PollutionSource | None]:
        outlet_kinds = spec.source_kinds

        def fits(enterprise: Enterprise) -> bool:
            return enterprise.industry in spec.industries and (
                not outlet_kinds
                or any(self.outlets[(enterprise.pk, kind)] for kind in outlet_kinds)
            )

        candidates = [e for e in self.city.enterprises if fits(e)]
        featured = [e for e in candidates if e.pk in self.featured]
        if featured and self.rng.random() < FEATURED_SHARE:
            candidates = featured
        enterprise = self.rng.choice(candidates)
        outlets = [s for kind in outlet_kinds for s in self.outlets[(enterprise.pk, kind)]]
        return enterprise, self.rng.choice(outlets) if outlets else None

    def _near(self, latitude: float, longitude: float, spread: float) -> tuple[float, float]:
        return (round(latitude + self.rng.uniform(-spread, spread), 6),
                round(longitude + self.rng.uniform(-spread, spread), 6))

    def _units(
        self, spec: CategorySpec, origin: str, district: Region
    ) -> tuple[UnitAssignment, User]:
        """Lead, responsible and cooperating units, and who reports the problem.

        A department's self-check makes that department the lead, with the
        district responsible for its ground (属地); otherwise the category
        names the lead: the district, or a department with the district
        responsible.
        """
        city, rng = self.city, self.rng
        departments = city.departments
        partners = [departments[slug] for slug in spec.partners]
        if origin == Origin.SELF_CHECK:
            lead: Region | Department = departments[
                spec.lead if spec.lead != DISTRICT_LEAD else spec.partners[0]
            ]
            responsible: list[Region | Department] = [district]
        elif spec.lead == DISTRICT_LEAD:
            lead = district
            responsible = partners[:1] if rng.random() < 0.7 else []
        else:
            lead, responsible = departments[spec.lead], [district]
        taken = {lead, *responsible}
        spare = [p for p in partners if p not in taken]
        cooperating = [rng.choice(spare)] if spare and rng.random() < 0.3 else []
        if origin == Origin.PATROL:
            reporter = city.inspector_of(district)
        elif origin == Origin.SELF_CHECK:
            reporter = city.officer_of(lead)
        else:
            reporter = city.supervisors[0]
        return UnitAssignment(lead, responsible, cooperating), reporter


def is_field_role(user: User) -> bool:
    """Whether the user goes on site: reporters of this kind take the before photo themselves."""
    return user.role in {Role.INSPECTOR, Role.REGION_OFFICER, Role.DEPARTMENT_OFFICER}
