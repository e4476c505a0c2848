"""Indicators of environmental quality, per district, from the monitoring data.

Districts only: a department has no territory whose air or water it answers
for. The data behind them are not problems or complaints, so no exemption
applies; the drill-downs list days, months and stations.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecoledger.assessment.catalogue.base import (
    Column,
    Context,
    DrillDown,
    Figures,
    Indicator,
    Measure,
    Period,
    percent,
    rounded,
)
from ecoledger.assessment.catalogue.monitoring_data import (
    AirYear,
    SectionResult,
    StationCounts,
    Uptime,
    air_year,
    station_counts,
    uptime,
    water_sections,
)
from ecoledger.assessment.choices import UnitKind
from ecoledger.monitoring.standards.water import CLASS_NAMES

GOOD_AQI = 100
POLLUTANT_COLUMNS = ("pm25", "pm10", "o3_8h", "so2", "no2", "co")


def _air(context: Context, period: Period) -> AirYear:
    return context.cached(("air", period), lambda: air_year(period))


def _counts(context: Context) -> StationCounts:
    return context.cached(("counts", context.period), lambda: station_counts(context.period))


def _sections(context: Context) -> list[SectionResult]:
    return context.cached(("water", context.period), lambda: water_sections(_counts(context)))


def _float(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 1)


class EnvironmentIndicator(Indicator):
    kinds = frozenset({UnitKind.DISTRICT})
    item = None


class GoodAirShare(EnvironmentIndicator):
    code = "good_air_share"
    name = gettext_lazy("Good-air days")
    description = gettext_lazy(
        "The share of days with a daily AQI of 100 or less (优良天数比例), out of the days with "
        "an AQI. The district's daily concentrations are the means of its air stations' daily "
        "values (20 valid hours make a daily mean); the AQI follows HJ 633 as in force on each "
        "day.")
    unit = "%"
    default_rule = {"kind": "linear", "direction": "higher", "floor": 60, "target": 90}

    def measure(self, context: Context, kind: str) -> dict[int, Measure]:
        air = _air(context, context.period)
        return {district: _good_days(air, district) for district in air.district_ids}

    def explain(self, figures: Figures) -> str:
        return _("%(good_days)s good days out of %(valid_days)s days with an AQI, from "
                 "%(stations)s stations.") % figures

    def drilldown(self, context: Context, kind: str, unit_id: int) -> DrillDown:
        air = _air(context, context.period)
        row = air.row(unit_id)
        rows: list[dict[str, Any]] = []
        if row is not None:
            stations = air.stations_of(unit_id)
            for column in range(air.period.days):
                aqi = air.aqi[row, column]
                reporting = int(np.count_nonzero(
                    ~np.isnan(air.station_daily["pm25"][stations, column])))
                rows.append({"date": air.day(column), "aqi": None if np.isnan(aqi) else int(aqi),
                             "good": bool(aqi <= GOOD_AQI), "stations": reporting,
                             **{key: _float(air.district_daily[key][row, column])
                                for key in POLLUTANT_COLUMNS}})
        columns = [Column("date", gettext_lazy("Date")), Column("aqi", gettext_lazy("AQI")),
                   Column("good", gettext_lazy("Good")),
                   Column("stations", gettext_lazy("Stations reporting")),
                   *(Column(key, key.upper().replace("_", " ")) for key in POLLUTANT_COLUMNS)]
        return DrillDown(self.code, kind, unit_id, "days", columns, rows)


def _good_days(air: AirYear, district: int) -> Measure:
    row = air.row(district)
    if row is None:
        return Measure(None, {})
    aqi = air.aqi[row]
    valid = int(np.count_nonzero(~np.isnan(aqi)))
    with np.errstate(invalid="ignore"):
        good = int(np.count_nonzero(aqi <= GOOD_AQI))
    figures = {"good_days": good, "valid_days": valid, "stations": len(air.stations_of(district))}
    return Measure(percent(good, valid), figures, air.fingerprint(district))


def _both_years(context: Context, district: int) -> tuple[Measure, Measure]:
    this = _good_days(_air(context, context.period), district)
    last = _good_days(_air(context, context.period.previous_year()), district)
    return this, last


def _combined(this: Measure, last: Measure) -> str:
    return hashlib.sha256(f"{this.fingerprint}:{last.fingerprint}".encode()).hexdigest()


class GoodAirChange(EnvironmentIndicator):
    code = "good_air_change"
    name = gettext_lazy("Change in good-air days")
    description = gettext_lazy(
        "This period's share of good-air days less last year's over the same span, in "
        "percentage points.")
    unit = gettext_lazy(" points")
    default_rule = {"kind": "linear", "direction": "higher", "floor": -5, "target": 5}
    default_weight = 5

    def measure(self, context: Context, kind: str) -> dict[int, Measure]:
        districts = set(_air(context, context.period).district_ids) | set(
            _air(context, context.period.previous_year()).district_ids)
        result = {}
        for district in districts:
            this, last = _both_years(context, district)
            value = None if this.value is None or last.value is None else this.value - last.value
            figures = {"this_share": _text(this.value), "last_share": _text(last.value),
                       **{f"this_{k}": v for k, v in this.figures.items()},
                       **{f"last_{k}": v for k, v in last.figures.items()}}
            result[district] = Measure(value, figures, _combined(this, last))
        return result

    def explain(self, figures: Figures) -> str:
        return _("Good-air days %(this)s%% this period, %(last)s%% last year.") % {
            "this": figures["this_share"] or "—", "last": figures["last_share"] or "—"}

    def drilldown(self, context: Context, kind: str, unit_id: int) -> DrillDown:
        rows = []
        years = [_air(context, context.period), _air(context, context.period.previous_year())]
        counts = [_monthly(air, unit_id) for air in years]
        for month in range(1, 13):
            if any(month in found for found in counts):
                this, last = (found.get(month, (0, 0)) for found in counts)
                rows.append({"month": month, "this_good": this[0], "this_valid": this[1],
                             "last_good": last[0], "last_valid": last[1]})
        columns = [Column("month", gettext_lazy("Month")),
                   Column("this_good", gettext_lazy("Good days")),
                   Column("this_valid", gettext_lazy("Days with an AQI")),
                   Column("last_good", gettext_lazy("Good days last year")),
                   Column("last_valid", gettext_lazy("Days with an AQI last year"))]
        return DrillDown(self.code, kind, unit_id, "months", columns, rows)


def _monthly(air: AirYear, district: int) -> dict[int, tuple[int, int]]:
    row = air.row(district)
    if row is None:
        return {}
    found: dict[int, tuple[int, int]] = {}
    for column in range(air.period.days):
        aqi = air.aqi[row, column]
        month = air.day(column).month
        good, valid = found.get(month, (0, 0))
        found[month] = (good + int(aqi <= GOOD_AQI), valid + int(not np.isnan(aqi)))
    return found


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class Pm25Change(EnvironmentIndicator):
    code = "pm25_change"
    name = gettext_lazy("Change in PM2.5")
    description = gettext_lazy(
        "The change of the district's PM2.5 mean (the mean of its daily means) on last year's "
        "over the same span, in per cent; a fall is an improvement.")
    unit = "%"
    default_rule = {"kind": "linear", "direction": "lower", "floor": 5, "target": -10}
    default_weight = 5

    def measure(self, context: Context, kind: str) -> dict[int, Measure]:
        this_air = _air(context, context.period)
        last_air = _air(context, context.period.previous_year())
        result = {}
        for district in set(this_air.district_ids) | set(last_air.district_ids):
            this, last = _pm25_mean(this_air, district), _pm25_mean(last_air, district)
            value = None
            if this[0] is not None and last[0] is not None and last[0] > 0:
                value = rounded(float((this[0] - last[0]) * 100 / last[0]))
            figures = {"this_mean": _text(this[0]), "this_days": this[1],
                       "last_mean": _text(last[0]), "last_days": last[1]}
            fingerprint = hashlib.sha256(
                f"{this_air.fingerprint(district)}:{last_air.fingerprint(district)}".encode()
            ).hexdigest()
            result[district] = Measure(value, figures, fingerprint)
        return result

    def explain(self, figures: Figures) -> str:
        return _("PM2.5 %(this)s µg/m³ over %(this_days)s days; last year %(last)s µg/m³ over "
                 "%(last_days)s days.") % {
            "this": figures["this_mean"] or "—", "this_days": figures["this_days"],
            "last": figures["last_mean"] or "—", "last_days": figures["last_days"]}

    def drilldown(self, context: Context, kind: str, unit_id: int) -> DrillDown:
        this_air = _air(context, context.period)
        last_air = _air(context, context.period.previous_year())
        rows = []
        stations = {s.point_id: s for s in (*this_air.stations, *last_air.stations)
                    if s.district_id == unit_id}
        for point_id, station in sorted(stations.items()):
            this, last = _station_pm25(this_air, point_id), _station_pm25(last_air, point_id)
            rows.append({"mn": station.mn, "name": station.name, "this_mean": this[0],
                         "this_days": this[1], "last_mean": last[0], "last_days": last[1]})
        columns = [Column("mn", gettext_lazy("MN")), Column("name", gettext_lazy("Station")),
                   Column("this_mean", gettext_lazy("PM2.5 mean")),
                   Column("this_days", gettext_lazy("Valid days")),
                   Column("last_mean", gettext_lazy("PM2.5 mean last year")),
                   Column("last_days", gettext_lazy("Valid days last year"))]
        return DrillDown(self.code, kind, unit_id, "stations", columns, rows)


def _pm25_mean(air: AirYear, district: int) -> tuple[Decimal | None, int]:
    row = air.row(district)
    if row is None:
        return None, 0
    values = air.district_daily["pm25"][row]
    days = int(np.count_nonzero(~np.isnan(values)))
    return (rounded(float(np.nanmean(values))) if days else None), days


def _station_pm25(air: AirYear, point_id: int) -> tuple[float | None, int]:
    index = next((i for i, s in enumerate(air.stations) if s.point_id == point_id), None)
    if index is None:
        return None, 0
    values = air.station_daily["pm25"][index]
    days = int(np.count_nonzero(~np.isnan(values)))
    return (round(float(np.nanmean(values)), 1) if days else None), days


class WaterTargets(EnvironmentIndicator):
    code = "water_target_share"
    name = gettext_lazy("Water sections meeting their target")
    description = gettext_lazy(
        "Of the district's surface-water sections with a target class, the share whose class "
        "(GB 3838-2002, single-factor evaluation of the period's mean of each routine item) is "
        "the target class or better.")
    unit = "%"
    default_rule = {"kind": "linear", "direction": "higher", "floor": 50, "target": 100}

    def measure(self, context: Context, kind: str) -> dict[int, Measure]:
        by_district: dict[int, list[SectionResult]] = {}
        for section in _sections(context):
            by_district.setdefault(section.station.district_id, []).append(section)
        result = {}
        for district, sections in by_district.items():
            assessed = [s for s in sections if s.assessed]
            meeting = sum(s.meets for s in assessed)
            figures = {"sections": len(sections), "assessed": len(assessed), "meeting": meeting}
            fingerprint = hashlib.sha256(repr(
                [(s.station.point_id, s.readings, sorted(s.means.items()), s.section_class)
                 for s in sections]).encode()).hexdigest()
            result[district] = Measure(percent(meeting, len(assessed)), figures, fingerprint)
        return result

    def explain(self, figures: Figures) -> str:
        return _("%(meeting)s of %(assessed)s sections with a target class and data met it "
                 "(%(sections)s sections in all).") % figures

    def drilldown(self, context: Context, kind: str, unit_id: int) -> DrillDown:
        rows = [{"mn": s.station.mn, "name": s.station.name,
                 "target_class": CLASS_NAMES[s.target_class] or None,
                 "section_class": CLASS_NAMES[s.section_class] or None, "meets": s.meets,
                 "deciding": ", ".join(s.deciding), "readings": s.readings}
                for s in _sections(context) if s.station.district_id == unit_id]
        columns = [Column("mn", gettext_lazy("MN")), Column("name", gettext_lazy("Section")),
                   Column("target_class", gettext_lazy("Target class")),
                   Column("section_class", gettext_lazy("Class")),
                   Column("meets", gettext_lazy("Meets target")),
                   Column("deciding", gettext_lazy("Deciding items")),
                   Column("readings", gettext_lazy("Readings"))]
        return DrillDown(self.code, kind, unit_id, "stations", columns, rows)


class DataCompleteness(EnvironmentIndicator):
    code = "data_completeness"
    name = gettext_lazy("Monitoring data completeness")
    description = gettext_lazy(
        "The valid hourly values received from the district's active air stations and water "
        "sections, out of one an hour for each parameter they are assessed on (the six AQI "
        "pollutants; the GB 3838 items a section measures).")
    unit = "%"
    default_rule = {"kind": "linear", "direction": "higher", "floor": 80, "target": 98}
    default_weight = 5

    def _uptime(self, context: Context) -> list[Uptime]:
        return uptime(_counts(context), context.period)

    def measure(self, context: Context, kind: str) -> dict[int, Measure]:
        by_district: dict[int, list[Uptime]] = {}
        for row in self._uptime(context):
            by_district.setdefault(row.station.district_id, []).append(row)
        result = {}
        for district, rows in by_district.items():
            values, expected = sum(r.values for r in rows), sum(r.expected for r in rows)
            figures = {"stations": len(rows), "values": values, "expected": expected}
            fingerprint = ",".join(f"{r.station.point_id}:{r.values}" for r in rows)
            result[district] = Measure(percent(values, expected), figures, fingerprint)
        return result

    def explain(self, figures: Figures) -> str:
        return _("%(values)s of %(expected)s hourly values expected were received and valid "
                 "(%(stations)s stations).") % figures

    def drilldown(self, context: Context, kind: str, unit_id: int) -> DrillDown:
        rows = [{"mn": r.station.mn, "name": r.station.name, "point_kind": r.station.kind,
                 "values": r.values, "expected": r.expected,
                 "share": percent(r.values, r.expected)}
                for r in self._uptime(context) if r.station.district_id == unit_id]
        columns = [Column("mn", gettext_lazy("MN")), Column("name", gettext_lazy("Station")),
                   Column("point_kind", gettext_lazy("Kind")),
                   Column("values", gettext_lazy("Valid hourly values")),
                   Column("expected", gettext_lazy("Values expected")),
                   Column("share", gettext_lazy("Share (%)"))]
        return DrillDown(self.code, kind, unit_id, "stations", columns, rows)
