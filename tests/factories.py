"""Small factories with keyword defaults: each test builds just what it needs."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from PIL import Image

from ecoledger.ledger import services
from ecoledger.ledger.choices import EvidenceStage, Status
from ecoledger.ledger.models import Category, Problem
from ecoledger.ledger.services import UnitAssignment
from ecoledger.lib import clock
from ecoledger.lib.uscc import ALPHABET, check_character
from ecoledger.org.choices import RegionLevel, Role, SourceKind
from ecoledger.org.models import Department, Enterprise, PollutionSource, Region, User

_numbers = itertools.count(1)


def _next() -> int:
    return next(_numbers)


def make_region(level: str = RegionLevel.CITY, parent: Region | None = None, **kwargs: Any):
    n = _next()
    code = kwargs.pop("code", f"{n:06d}")
    return Region.objects.create(
        code=code, name=kwargs.pop("name", f"region {n}"), level=level, parent=parent, **kwargs
    )


def make_department(region: Region, **kwargs: Any) -> Department:
    n = _next()
    return Department.objects.create(
        code=kwargs.pop("code", f"D{n}"), name=kwargs.pop("name", f"department {n}"),
        region=region, **kwargs,
    )


def credit_code(seed: int) -> str:
    body = "91" + "320102" + "".join(ALPHABET[(seed * 7 + i * 3) % 31] for i in range(9))
    return body + check_character(body)


def make_enterprise(region: Region, **kwargs: Any) -> Enterprise:
    n = _next()
    return Enterprise.objects.create(
        name=kwargs.pop("name", f"enterprise {n}"),
        credit_code=kwargs.pop("credit_code", credit_code(n)),
        region=region,
        **kwargs,
    )


def make_source(region: Region, enterprise: Enterprise | None = None, **kwargs: Any):
    n = _next()
    kind = kwargs.pop("kind", SourceKind.STACK if enterprise else SourceKind.CONSTRUCTION_SITE)
    return PollutionSource.objects.create(
        code=kwargs.pop("code", f"S{n}"), name=kwargs.pop("name", f"source {n}"), kind=kind,
        enterprise=enterprise, region=region, latitude=kwargs.pop("latitude", 32.05),
        longitude=kwargs.pop("longitude", 118.78), **kwargs,
    )


def make_user(role: str, **kwargs: Any) -> User:
    n = _next()
    username = kwargs.pop("username", f"{role}-{n}")
    user = User.objects.create_user(
        username=username, password=kwargs.pop("password", "pw-for-tests-1"), role=role,
        full_name=kwargs.pop("full_name", username), **kwargs,
    )
    return user


@dataclass
class City:
    """A city with two districts of two towns each, two departments, an enterprise per district."""

    city: Region
    districts: list[Region]
    towns: list[list[Region]]
    departments: list[Department]
    enterprises: list[Enterprise]
    sources: list[PollutionSource]
    supervisor: User
    second_supervisor: User
    users: dict[str, User] = field(default_factory=dict)


def make_city() -> City:
    city = make_region(RegionLevel.CITY, name="city")
    districts = [make_region(RegionLevel.DISTRICT, city, name=f"district {i}") for i in (1, 2)]
    towns = [[make_region(RegionLevel.TOWN, d, name=f"{d.name} town {j}") for j in (1, 2)]
             for d in districts]
    departments = [make_department(city, name=f"department {i}") for i in (1, 2)]
    enterprises = [make_enterprise(ts[0]) for ts in towns]
    sources = [make_source(e.region, e) for e in enterprises]
    supervisor = make_user(Role.SUPERVISOR, username="supervisor")
    second = make_user(Role.SUPERVISOR, username="supervisor2")
    return City(city, districts, towns, departments, enterprises, sources, supervisor, second)


def category(domain: str = "air") -> Category:
    return Category.objects.get_or_create(
        code=f"{domain}.test", defaults={"name": f"{domain} test", "domain": domain}
    )[0]


def exif_options(exif: dict[int, Any] | None, gps: dict[int, Any] | None) -> dict[str, Any]:
    """Pillow's save options for these top-level EXIF tags and GPS block (none: no EXIF)."""
    if not (exif or gps):
        return {}
    info = Image.Exif()
    for tag, value in (exif or {}).items():
        info[tag] = value
    if gps:
        info[0x8825] = gps
    return {"exif": info.tobytes()}


def jpeg_bytes(*, exif: dict[int, Any] | None = None, gps: dict[int, Any] | None = None,
               seed: int | None = None) -> bytes:
    """A small JPEG; a ``seed`` makes its bytes unique (written as a comment, not as EXIF)."""
    image = Image.new("RGB", (32, 24), (40, 120, 60))
    buffer = io.BytesIO()
    options = exif_options(exif, gps)
    if seed is not None:
        options["comment"] = f"seed {seed}".encode()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


_ORDER = [
    Status.REPORTED, Status.ASSIGNED, Status.RECTIFYING, Status.PENDING_ACCEPTANCE, Status.CLOSED
]


def make_problem(
    city: City,
    *,
    status: str = Status.REPORTED,
    region: Region | None = None,
    units: UnitAssignment | None = None,
    deadline: date | None = None,
    reporter: User | None = None,
    domain: str = "air",
    **facts: Any,
) -> Problem:
    """Register a problem and drive it through the real services to ``status``."""
    region = region or city.towns[0][0]
    problem = services.register_problem(
        acting_user=reporter or city.supervisor,
        title=facts.pop("title", "Dust from an uncovered pile"),
        description=facts.pop("description", "Bare earth pile without cover next to a school."),
        domain=domain,
        origin=facts.pop("origin", "patrol"),
        region=region,
        **facts,
    )
    if status == Status.DISMISSED:
        return services.dismiss_problem(problem, acting_user=city.supervisor, reason="Unfounded")
    target = Status.ASSIGNED if status == Status.CONTESTED else status
    steps = _ORDER[: _ORDER.index(target) + 1]
    units = units or UnitAssignment(lead=region.district or region)
    deadline = deadline or clock.today() + timedelta(days=60)
    for step in steps[1:]:
        _advance(problem, step, city, units, deadline)
        problem.refresh_from_db()
    if status == Status.CONTESTED:
        officer = city.users.get("contester") or make_user(
            Role.REGION_OFFICER, region=units.lead if isinstance(units.lead, Region) else region
        )
        services.contest_problem(problem, acting_user=officer, reason="Not our territory")
        problem.refresh_from_db()
    return problem


def _advance(problem: Problem, step: str, city: City, units: UnitAssignment, deadline: date):
    sup = city.supervisor
    if step == Status.ASSIGNED:
        services.verify_problem(problem, acting_user=sup, units=units, deadline=deadline)
    elif step == Status.RECTIFYING:
        services.start_rectification(problem, acting_user=sup)
    elif step == Status.PENDING_ACCEPTANCE:
        services.add_evidence(
            problem, acting_user=sup, upload=io.BytesIO(jpeg_bytes(seed=_next())),
            name="after.jpg", stage=EvidenceStage.AFTER,
        )
        services.submit_for_acceptance(problem, acting_user=sup, summary="Covered and watered")
    elif step == Status.CLOSED:
        services.accept_problem(
            problem, acting_user=city.second_supervisor, opinion="Checked on site"
        )
