"""Complaints that no problem of the history stands behind: declined ones, and the newest.

Over the year a supervisor declines some complaints (out of remit, too vague
to act on), giving the reason the complainant reads on the tracking page. In
the last days before the history ends a few new complaints wait in triage:
some about problems still open, so that the likely duplicates show, and some
about places nobody has reported yet.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.utils import timezone

from ecoledger.demo import catalog, names, steps, voices
from ecoledger.demo.cases import Case
from ecoledger.intake import services as intake
from ecoledger.intake.models import Complaint
from ecoledger.ledger.choices import Origin
from ecoledger.ledger.models import Category

if TYPE_CHECKING:
    from ecoledger.demo.city import DemoCity

DECLINED_SHARE = 0.02  # declined complaints, per problem of the history
WAITING_SHARE = 0.012  # complaints waiting in triage at the end, per problem
WAITING_DAYS = 3  # they arrived within this many days of the end
NEARBY = 0.0008  # degrees: a complaint about an open problem is pinned a few dozen metres off
Dated = tuple[datetime, Callable[[], None]]


@dataclass
class Stray:
    """One complaint as filed; once filed, the row the intake service made."""

    text: str
    category: Category
    latitude: float
    longitude: float
    address: str
    reason: str = ""  # why it is declined, for the declined ones
    complaint: Complaint | None = None

    def file(self, runtime: steps.Runtime) -> None:
        self.complaint = steps.complain(
            runtime, text=self.text, category=self.category, latitude=self.latitude,
            longitude=self.longitude, address=self.address)

    def decline(self, runtime: steps.Runtime) -> None:
        assert self.complaint is not None, "declined before it was filed"
        supervisor = runtime.city.supervisors[1]
        steps.read_notices(supervisor)
        intake.reject_complaint(self.complaint, acting_user=supervisor, reason=self.reason)


def unattached(
    open_cases: Sequence[Case], categories: dict[str, Category], rng: random.Random,
    runtime: steps.Runtime, *, problems: int, today: date, max_age: int,
) -> list[Dated]:
    """The declined complaints of the year and the ones waiting at its end, with their moments.

    ``open_cases``: cases whose problem is still open when the history ends;
    half of the waiting complaints are about one of them.
    """
    dated: list[Dated] = []
    for code, text, reason in _draw(voices.DECLINED, max(1, round(problems * DECLINED_SHARE)),
                                    rng):
        _place, address, latitude, longitude = _street(runtime.city, rng)
        stray = Stray(text, categories[code], latitude, longitude, address, reason)
        filed = today - timedelta(days=rng.randint(WAITING_DAYS + 1, max_age - 1))
        dated.append((_any_hour(filed, rng), partial(stray.file, runtime)))
        decided = filed + timedelta(days=rng.randint(1, 2))
        dated.append((_office_hour(decided, rng), partial(stray.decline, runtime)))
    waiting = max(2, round(problems * WAITING_SHARE))
    settled = [case for case in open_cases
               if case.registered_on and case.registered_on < today - timedelta(WAITING_DAYS)]
    strays = [Stray(voices.complaint_text(case.spec.code, rng, place=case.place),
                    case.category, round(case.latitude + rng.uniform(-NEARBY, NEARBY), 6),
                    round(case.longitude + rng.uniform(-NEARBY, NEARBY), 6), case.address)
              for case in rng.sample(settled, min(len(settled), (waiting + 1) // 2))]
    complained_of = [spec for spec in catalog.CATEGORIES if Origin.COMPLAINT in spec.origins]
    while len(strays) < waiting:
        spec = rng.choice(complained_of)
        place, address, latitude, longitude = _street(runtime.city, rng)
        strays.append(Stray(voices.complaint_text(spec.code, rng, place=place),
                            categories[spec.code], latitude, longitude, address))
    for stray in strays:
        filed = today - timedelta(days=rng.randint(1, WAITING_DAYS))
        dated.append((_any_hour(filed, rng), partial(stray.file, runtime)))
    return dated


def _draw(pool: Sequence[tuple[str, str, str]], count: int,
          rng: random.Random) -> list[tuple[str, str, str]]:
    """``count`` entries, each entry once before any comes again."""
    drawn: list[tuple[str, str, str]] = []
    while len(drawn) < count:
        drawn += rng.sample(pool, min(len(pool), count - len(drawn)))
    return drawn


def _street(city: DemoCity, rng: random.Random) -> tuple[str, str, float, float]:
    """A street of a town drawn at random: its name, an address on it, a point near it."""
    index = rng.randrange(len(city.districts))
    district, town = city.districts[index], rng.choice(city.towns[index])
    place = f"{town.name}{rng.choice(names.ROADS)}"
    return (place, f"{district.name}{place}{rng.randint(1, 199)}号附近",
            round(town.latitude + rng.uniform(-0.012, 0.012), 6),
            round(town.longitude + rng.uniform(-0.012, 0.012), 6))


def _any_hour(day: date, rng: random.Random) -> datetime:
    """People complain from early morning to late evening."""
    return timezone.make_aware(datetime.combine(day, time(7))) + timedelta(
        minutes=rng.randint(0, 15 * 60), seconds=rng.randint(0, 59))


def _office_hour(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(8, 30))) + timedelta(
        minutes=rng.randint(0, 540), seconds=rng.randint(0, 59))
