"""The synthetic city of the one-command demo: 清江市, its towns, departments, enterprises, users.

``build_city`` writes the master data once into an empty database and
returns what it made; ``seed_history`` (from ``history``, re-exported here)
then replays a year of problems through the real services. Everything is
drawn from the one ``random.Random`` the caller passes, so a seed gives the
same city every time.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from ecoledger.demo import names
from ecoledger.demo.boundaries import store_boundaries
from ecoledger.demo.history import SeedReport, seed_history
from ecoledger.lib.uscc import ALPHABET, check_character
from ecoledger.org.choices import RegionLevel, Role, SourceKind, WaterBodyKind
from ecoledger.org.models import (
    Department,
    Enterprise,
    PollutionSource,
    Region,
    User,
    WaterBody,
)

__all__ = ["DemoCity", "SeedReport", "build_city", "seed_history"]

ENTERPRISES = 200
# The first enterprises get a login; fixing their industries gives each a mix of problems.
ENTERPRISE_USER_INDUSTRIES = ("化工", "印染", "电镀", "水泥", "制药")
ENTERPRISE_USERS = len(ENTERPRISE_USER_INDUSTRIES)


@dataclass
class DemoCity:
    """What ``build_city`` created, with the look-ups the history needs to cast its actors."""

    city: Region
    districts: list[Region]
    towns: list[list[Region]]  # per district, in the order of ``districts``
    departments: dict[str, Department]  # by slug (eco, water, housing …)
    basin: WaterBody
    waters: list[WaterBody]
    towns_along: dict[int, list[Region]]  # water body pk → towns it flows through
    enterprises: list[Enterprise]
    sources: list[PollutionSource]
    users: dict[str, User]  # by username
    logins: list[tuple[str, str]]  # (role label, username): one to try per role
    _by_scope: dict[tuple[str, str, int], User] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for user in self.users.values():
            for scope in ("region", "department", "enterprise"):
                scope_id = getattr(user, f"{scope}_id")
                if scope_id is not None:
                    self._by_scope.setdefault((user.role, scope, scope_id), user)

    @property
    def supervisors(self) -> tuple[User, User]:
        return self.users["supervisor"], self.users["supervisor2"]

    def officer_of(self, unit: Region | Department) -> User:
        """The officer who acts for a district or a department."""
        if isinstance(unit, Department):
            return self._by_scope[(Role.DEPARTMENT_OFFICER, "department", unit.pk)]
        return self._by_scope[(Role.REGION_OFFICER, "region", unit.pk)]

    def inspector_of(self, district: Region) -> User:
        return self._by_scope[(Role.INSPECTOR, "region", district.pk)]

    def enterprise_user(self, enterprise: Enterprise) -> User | None:
        return self._by_scope.get((Role.ENTERPRISE, "enterprise", enterprise.pk))


@transaction.atomic
def build_city(rng: random.Random, *, password: str) -> DemoCity:
    """Create the regions, departments, waters, enterprises, sources and users of 清江市.

    Steps: the region tree (city, six districts, their towns); the twelve
    departments; the basin and its waters; about 200 enterprises with their
    outlets and 100 non-point sources; the users, all with ``password``.
    It is meant for an empty database: on one that holds the city already it
    stops at the first duplicate code and, being atomic, writes nothing.
    """
    city, districts, towns = _regions(rng)
    departments = {
        spec.slug: Department.objects.create(
            code=spec.slug, name=spec.name, short_name=spec.short_name, region=city
        )
        for spec in names.DEPARTMENTS
    }
    basin, waters, towns_along = _waters(rng, towns)
    enterprises = _enterprises(rng, districts, towns)
    sources = _sources(rng, districts, towns, enterprises, towns_along)
    users, logins = _users(rng, password, districts, towns, departments, enterprises)
    store_boundaries(city)
    return DemoCity(city, districts, towns, departments, basin, waters, towns_along,
                    enterprises, sources, users, logins)


def _near(
    rng: random.Random, latitude: float, longitude: float, spread: float
) -> tuple[float, float]:
    return (round(latitude + rng.uniform(-spread, spread), 6),
            round(longitude + rng.uniform(-spread, spread), 6))


def _regions(rng: random.Random) -> tuple[Region, list[Region], list[list[Region]]]:
    spec = names.CITY
    city = Region.objects.create(code=spec.code, name=spec.name, level=RegionLevel.CITY,
                                 latitude=spec.latitude, longitude=spec.longitude)
    districts: list[Region] = []
    towns: list[list[Region]] = []
    for district_spec in names.DISTRICTS:
        latitude = round(spec.latitude + district_spec.north, 6)
        longitude = round(spec.longitude + district_spec.east, 6)
        district = Region.objects.create(
            code=district_spec.code, name=district_spec.name, level=RegionLevel.DISTRICT,
            parent=city, latitude=latitude, longitude=longitude,
        )
        districts.append(district)
        count = len(district_spec.towns)
        children = []
        for index, (name, suffix) in enumerate(district_spec.towns):
            # Towns on a ring around the district seat, jittered so the map does not look drawn.
            angle = 2 * math.pi * index / count + rng.uniform(-0.4, 0.4)
            radius = district_spec.spread * rng.uniform(0.4, 1.0)
            children.append(Region.objects.create(
                code=district_spec.code + suffix, name=name, level=RegionLevel.TOWN,
                parent=district,
                latitude=round(latitude + radius * math.sin(angle), 6),
                longitude=round(longitude + radius * math.cos(angle) * 1.25, 6),
            ))
        towns.append(children)
    return city, districts, towns


def _waters(
    rng: random.Random, towns: list[list[Region]]
) -> tuple[WaterBody, list[WaterBody], dict[int, list[Region]]]:
    basin = WaterBody.objects.create(name=names.BASIN, kind=WaterBodyKind.BASIN)
    waters: list[WaterBody] = []
    towns_along: dict[int, list[Region]] = {}
    for spec in names.WATERS:
        water = WaterBody.objects.create(name=spec.name, kind=spec.kind, basin=basin)
        waters.append(water)
        towns_along[water.pk] = [
            town for index in spec.districts
            for town in rng.sample(towns[index], min(2, len(towns[index])))
        ]
    return basin, waters, towns_along


def _credit_code(rng: random.Random, district_code: str, taken: set[str]) -> str:
    """A valid 18-character code: 91 (enterprise), the division, MA + 7 characters, check."""
    while True:
        body = "91" + district_code + "MA" + "".join(rng.choice(ALPHABET) for _ in range(7))
        code = body + check_character(body)
        if code not in taken:
            taken.add(code)
            return code


def _enterprises(
    rng: random.Random, districts: list[Region], towns: list[list[Region]]
) -> list[Enterprise]:
    district_weights = [spec.industry_weight for spec in names.DISTRICTS]
    industries = {spec.name: spec for spec in names.INDUSTRIES}
    taken_codes: set[str] = set()
    taken_names: set[str] = set()
    rows: list[Enterprise] = []
    while len(rows) < ENTERPRISES:
        index = rng.choices(range(len(districts)), weights=district_weights)[0]
        district, town = districts[index], rng.choice(towns[index])
        if len(rows) < len(ENTERPRISE_USER_INDUSTRIES):
            industry = industries[ENTERPRISE_USER_INDUSTRIES[len(rows)]]
        else:
            industry = rng.choices(names.INDUSTRIES,
                                   weights=[spec.weight for spec in names.INDUSTRIES])[0]
        prefix = names.CITY.name if rng.random() < 0.6 else district.name
        name = prefix + rng.choice(names.TRADE_NAMES) + rng.choice(industry.suffixes)
        if name in taken_names:
            continue
        taken_names.add(name)
        credit_code = _credit_code(rng, district.code, taken_codes)
        latitude, longitude = _near(rng, town.latitude, town.longitude, 0.015)
        rows.append(Enterprise(
            name=name, credit_code=credit_code, region=town, industry=industry.name,
            address=f"{district.name}{town.name}{rng.choice(names.ROADS)}{rng.randint(1, 299)}号",
            latitude=latitude, longitude=longitude, permit_number=credit_code + "001P",
        ))
    return Enterprise.objects.bulk_create(rows)


def _sources(
    rng: random.Random,
    districts: list[Region],
    towns: list[list[Region]],
    enterprises: list[Enterprise],
    towns_along: dict[int, list[Region]],
) -> list[PollutionSource]:
    water_of_town: dict[int, int] = {}
    for water_id, along in towns_along.items():
        for town in along:
            water_of_town.setdefault(town.pk, water_id)
    industries = {spec.name: spec for spec in names.INDUSTRIES}
    rows: list[PollutionSource] = []
    for number, enterprise in enumerate(enterprises, start=1):
        spec = industries[enterprise.industry]
        kinds = [spec.outlets[0]]
        if len(spec.outlets) > 1 and rng.random() < 0.7:
            kinds.append(spec.outlets[1])
        elif rng.random() < 0.25:
            kinds.append(spec.outlets[0])
        serials = {SourceKind.STACK: 0, SourceKind.WASTEWATER_OUTLET: 0}
        for kind in kinds:
            serials[kind] += 1
            stack = kind == SourceKind.STACK
            outlet = (f"{serials[kind]}#{spec.stack_name}" if stack
                      else rng.choice(names.WASTEWATER_OUTLET_NAMES))
            # Permit-style outlet codes (DA: air, DW: water), made unique by the enterprise number.
            code = f"E{number:03d}-{'DA' if stack else 'DW'}{serials[kind]:03d}"
            latitude, longitude = _near(rng, enterprise.latitude, enterprise.longitude, 0.001)
            rows.append(PollutionSource(
                code=code, name=enterprise.name + outlet, kind=kind, enterprise=enterprise,
                region=enterprise.region, address=enterprise.address,
                water_body_id=None if stack else water_of_town.get(enterprise.region_id),
                latitude=latitude, longitude=longitude,
            ))
    taken: set[str] = set()
    for spec in names.NON_POINT:
        for serial in range(1, spec.count + 1):
            index = rng.randrange(len(districts))
            district, town = districts[index], rng.choice(towns[index])
            name = _unique_name(rng, spec.names, taken, district=district.name, town=town.name)
            latitude, longitude = _near(rng, town.latitude, town.longitude, 0.02)
            rows.append(PollutionSource(
                code=f"{spec.prefix}{serial:03d}", name=name, kind=spec.kind, region=town,
                address=f"{district.name}{town.name}{rng.choice(names.VILLAGES)}村",
                water_body_id=water_of_town.get(town.pk) if spec.near_water else None,
                latitude=latitude, longitude=longitude,
            ))
    return PollutionSource.objects.bulk_create(rows)


def _unique_name(
    rng: random.Random, templates: tuple[str, ...], taken: set[str], **place: str
) -> str:
    """A name not yet taken; when a place's names run out, later ones get a phase number."""
    for attempt in range(10_000):
        name = rng.choice(templates).format(
            village=rng.choice(names.VILLAGES), road=rng.choice(names.ROADS),
            estate=rng.choice(names.ESTATES), trade=rng.choice(names.TRADE_NAMES),
            public=rng.choice(names.PUBLIC_WORKS).format(road=rng.choice(names.ROADS),
                                                         town=place["town"]),
            **place,
        )
        if attempt >= 50:
            name = f"{name}（{attempt - 48}期）"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("no free name after 10,000 attempts")


def _person_names(rng: random.Random, count: int) -> list[str]:
    pool = sorted({surname + given for surname in names.SURNAMES for given in names.GIVEN_NAMES})
    return rng.sample(pool, count)


def _users(
    rng: random.Random,
    password: str,
    districts: list[Region],
    towns: list[list[Region]],
    departments: dict[str, Department],
    enterprises: list[Enterprise],
) -> tuple[dict[str, User], list[tuple[str, str]]]:
    """One account per role and scope the demo needs; ``admin`` runs the Django admin.

    The password is hashed once and shared: hashing it for each of some forty
    accounts would cost the first start of the demo several seconds.
    """
    accounts: list[tuple[str, str, dict[str, object]]] = [
        ("supervisor", Role.SUPERVISOR, {}),
        ("supervisor2", Role.SUPERVISOR, {}),
        ("leader", Role.LEADER, {}),
        *((f"district{i}", Role.REGION_OFFICER, {"region": d})
          for i, d in enumerate(districts, start=1)),
        ("town1", Role.REGION_OFFICER, {"region": towns[0][0]}),
        *((f"inspector{i}", Role.INSPECTOR, {"region": d})
          for i, d in enumerate(districts, start=1)),
        *((f"dept-{slug}", Role.DEPARTMENT_OFFICER, {"department": department})
          for slug, department in departments.items()),
        *((f"enterprise{i}", Role.ENTERPRISE, {"enterprise": e})
          for i, e in enumerate(enterprises[:ENTERPRISE_USERS], start=1)),
    ]
    hashed = make_password(password)
    people = _person_names(rng, len(accounts))
    rows = [
        User(username=username, password=hashed, role=role, full_name=person,
             phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}", **scope)
        for (username, role, scope), person in zip(accounts, people, strict=True)
    ]
    rows.append(User(username="admin", password=hashed, full_name="系统管理员", is_staff=True,
                     is_superuser=True))
    users = {user.username: user for user in User.objects.bulk_create(rows)}
    logins = [(str(Role(users[name].role).label), name) for name in
              ("supervisor", "leader", "district1", "inspector1", "dept-eco", "enterprise1")]
    logins.append((_("Administrator (admin site)"), "admin"))
    return users, logins
