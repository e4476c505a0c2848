"""The values one simulated device measures, minute by minute, and what goes wrong with it.

Each factor wanders around its daily level with slow, autocorrelated noise (an AR(1)
process with a half-hour memory), so consecutive minutes look like a real series rather
than independent draws. Now and then an episode starts — an exceedance burst, an outage, a
stuck sensor, maintenance or a calibration — and lasts a drawn number of minutes; these are
what the platform's alerting and data-quality checks exist to catch. Everything is drawn
from the device's own ``random.Random``, so a seed replays the same history.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ecoledger.monitoring.simulator.profiles import Factor, KindProfile

PERSISTENCE = 0.97
"""Minute-to-minute correlation of the noise: about half an hour of memory."""

Span = tuple[int, int]


class Episode(StrEnum):
    EXCEEDANCE = "exceedance"
    OUTAGE = "outage"
    FLAT_LINE = "flat_line"
    MAINTENANCE = "maintenance"
    CALIBRATION = "calibration"


@dataclass(frozen=True, slots=True)
class Behaviour:
    """Chance per simulated minute that an episode starts, and how many minutes it lasts.

    The defaults give a stack or outlet about two exceedance bursts a day, a daily zero
    check, and an outage, a stuck sensor and a maintenance visit every few days. ``QUIET``
    switches all of them off (benchmarks measure the transport, not the episodes).
    """

    exceedance: float = 1 / 720
    outage: float = 1 / 2880
    flat_line: float = 1 / 2880
    maintenance: float = 1 / 4320
    calibration: float = 1 / 1440
    exceedance_minutes: Span = (5, 40)
    outage_minutes: Span = (10, 90)
    flat_line_minutes: Span = (30, 180)
    maintenance_minutes: Span = (30, 120)
    calibration_minutes: Span = (5, 15)

    def __post_init__(self) -> None:
        chances = [chance for _, chance, _ in self.chances()]
        if min(chances) < 0 or sum(chances) > 1 or self.outage >= 1:
            # An outage chance of 1 would leave a device off for ever, never to send again.
            raise ValueError("episode chances must be ≥ 0, sum to at most 1, outage below 1")
        if any(not 1 <= shortest <= longest for _, _, (shortest, longest) in self.chances()):
            raise ValueError("episode lengths must be spans of at least one minute")

    def chances(self) -> tuple[tuple[Episode, float, Span], ...]:
        return (
            (Episode.EXCEEDANCE, self.exceedance, self.exceedance_minutes),
            (Episode.OUTAGE, self.outage, self.outage_minutes),
            (Episode.FLAT_LINE, self.flat_line, self.flat_line_minutes),
            (Episode.MAINTENANCE, self.maintenance, self.maintenance_minutes),
            (Episode.CALIBRATION, self.calibration, self.calibration_minutes),
        )


_FACTOR_EPISODES = frozenset({Episode.EXCEEDANCE, Episode.FLAT_LINE, Episode.CALIBRATION})

QUIET = Behaviour(exceedance=0, outage=0, flat_line=0, maintenance=0, calibration=0)


@dataclass(frozen=True, slots=True)
class FactorMinute:
    """One factor over one minute: average, extremes, amount, converted values, flag.

    ``converted`` is (minimum, average, maximum) at the reference O2 for stack gases.
    """

    average: float
    minimum: float
    maximum: float
    flag: str = "N"
    amount: float | None = None
    converted: tuple[float, float, float] | None = None


@dataclass(slots=True)
class _Trouble:
    episode: Episode
    remaining: int
    factor: Factor | None = None
    severity: float = 1.0
    stuck: float | None = None


class DeviceModel:
    """The measurement side of one device; ``minute`` is called once per simulated minute."""

    def __init__(self, profile: KindProfile, rng: random.Random, behaviour: Behaviour) -> None:
        self.profile = profile
        self.rng = rng
        self.behaviour = behaviour
        self._noise = {factor.code: rng.gauss(0.0, 1.0) for factor in profile.factors}
        self._innovation = math.sqrt(1.0 - PERSISTENCE**2)
        # Plain factors first: converted gases need O2, amounts need the flow.
        self._order = sorted(profile.factors, key=lambda factor: factor.converted)
        self._limited = [factor for factor in profile.factors if factor.limit is not None]
        self._analysed = [
            factor
            for factor in profile.factors
            if not factor.additive
            and factor.follows is None
            and (profile.flow is None or factor.code != profile.flow.code)
        ]
        self._trouble: _Trouble | None = None
        self.episodes_started: dict[Episode, int] = dict.fromkeys(Episode, 0)

    @property
    def episode(self) -> Episode | None:
        return self._trouble.episode if self._trouble else None

    def minute(self, moment: datetime) -> dict[str, FactorMinute] | None:
        """The values of the minute starting at ``moment``; None while the device is off."""
        trouble = self._advance_trouble()
        if trouble is not None and trouble.episode is Episode.OUTAGE:
            return None
        hour = moment.hour + moment.minute / 60.0
        raw: dict[str, float] = {}
        for factor in self._order:
            raw[factor.code] = self._value(factor, hour, raw, trouble)
        return {
            factor.code: self._summarise(factor, raw, trouble) for factor in self.profile.factors
        }

    def _advance_trouble(self) -> _Trouble | None:
        if self._trouble is not None:
            self._trouble.remaining -= 1
            if self._trouble.remaining <= 0:
                self._trouble = None
        if self._trouble is None:
            self._trouble = self._maybe_start()
        return self._trouble

    def _maybe_start(self) -> _Trouble | None:
        draw = self.rng.random()
        for episode, chance, (shortest, longest) in self.behaviour.chances():
            if draw >= chance:
                draw -= chance
                continue
            factor = None
            if episode in _FACTOR_EPISODES:
                candidates = self._limited if episode is Episode.EXCEEDANCE else self._analysed
                if not candidates:  # an air station has no permit limit to exceed, say
                    return None
                factor = self.rng.choice(candidates)
            self.episodes_started[episode] += 1
            return _Trouble(
                episode, self.rng.randint(shortest, longest), factor, self.rng.uniform(1.15, 2.5)
            )
        return None

    def _value(
        self, factor: Factor, hour: float, raw: dict[str, float], trouble: _Trouble | None
    ) -> float:
        noise = PERSISTENCE * self._noise[factor.code] + self._innovation * self.rng.gauss(0, 1)
        self._noise[factor.code] = noise
        expected = factor.level(hour)
        if factor.additive:
            value = expected + factor.sigma * noise
        else:
            base = raw[factor.follows] if factor.follows else 1.0
            value = base * expected * math.exp(factor.sigma * noise - factor.sigma**2 / 2)
        if trouble is not None and trouble.factor is factor:
            if trouble.episode is Episode.EXCEEDANCE and factor.limit is not None:
                burst = factor.limit * trouble.severity * self.rng.uniform(0.92, 1.08)
                value = max(value, burst)
            elif trouble.episode is Episode.CALIBRATION:
                value = abs(self.rng.gauss(0.0, 0.02 * expected))
        if factor.wraps:
            value %= 360.0
        return min(max(value, factor.low), factor.high)

    def _summarise(
        self, factor: Factor, raw: dict[str, float], trouble: _Trouble | None
    ) -> FactorMinute:
        profile = self.profile
        value = raw[factor.code]
        dilution = None
        if factor.converted and profile.oxygen_code and profile.reference_oxygen is not None:
            # The generated value is the converted one (limits apply to it); the analyser
            # measures it diluted by the excess air that the O2 reading shows.
            dilution = (21.0 - raw[profile.oxygen_code]) / (21.0 - profile.reference_oxygen)
            value *= dilution
        flag = "N"
        if trouble is not None and trouble.episode is Episode.MAINTENANCE:
            flag = "M"
        elif trouble is not None and trouble.factor is factor:
            if trouble.episode is Episode.CALIBRATION:
                flag = "C"
            elif trouble.episode is Episode.FLAT_LINE:
                # A stuck analyser repeats what it read first, and knows nothing is wrong.
                if trouble.stuck is None:
                    trouble.stuck = value
                value = trouble.stuck
        stuck = trouble is not None and trouble.factor is factor and trouble.stuck is not None
        low, high = (value, value) if stuck else self._extremes(factor, value)
        converted = None
        if dilution is not None:
            converted = (low / dilution, value / dilution, high / dilution)
        amount = None
        if factor.has_amount and profile.flow is not None:
            volume = raw[profile.flow.code] * profile.flow.volume_per_minute
            amount = (
                volume
                if factor.code == profile.flow.code
                else (value * volume * profile.flow.kilograms_per_unit)
            )
        return FactorMinute(value, low, high, flag, amount, converted)

    def _extremes(self, factor: Factor, value: float) -> tuple[float, float]:
        below, above = self.rng.uniform(0.2, 1.0), self.rng.uniform(0.2, 1.0)
        if factor.additive:
            low, high = value - factor.spread * below, value + factor.spread * above
        else:
            low, high = value * (1 - factor.spread * below), value * (1 + factor.spread * above)
        return max(low, factor.low), min(high, factor.high)
