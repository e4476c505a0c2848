"""What alerts and the problems they open say.

An alert's message is a user-facing string, translated when written (the worker runs in
the platform's language). A problem's title and description are ledger data read by
Chinese officials and kept in Simplified Chinese whatever the language of the worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Final

from django.utils import timezone
from django.utils.translation import gettext as _

from ecoledger.monitoring.choices import AlertKind
from ecoledger.monitoring.models import Alert, MonitoringPoint
from ecoledger.monitoring.standards import aqi_level
from ecoledger.monitoring.standards.water import CLASS_NAMES

MESSAGE_LENGTH: Final = 255


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def alert_message(alert: Alert) -> str:
    """The one-line description of an alert, from its current threshold and peak."""
    values = {
        "parameter": str(alert.parameter) if alert.parameter else "",
        "unit": alert.parameter.unit if alert.parameter else "",
        "threshold": _number(alert.threshold),
        "peak": _number(alert.peak),
    }
    if alert.kind == AlertKind.EXCEEDANCE:
        text = _(
            "%(parameter)s exceeded its limit %(threshold)s %(unit)s (worst %(peak)s %(unit)s)"
        )
    elif alert.kind == AlertKind.AQI:
        peak = int(alert.peak or 0)
        values["category"] = aqi_level(peak).category if peak else "—"
        text = _("AQI %(peak)s (%(category)s), above %(threshold)s")
    elif alert.kind == AlertKind.WATER_CLASS:
        values["target"] = CLASS_NAMES[alert.point.target_class or 0]
        text = _("%(parameter)s worse than the class %(target)s target (worst %(peak)s %(unit)s)")
    elif alert.kind == AlertKind.DEVICE:
        text = _(
            "%(parameter)s: device stopped, faulty, in maintenance or calibration, or a "
            "declared shutdown"
        )
    elif alert.kind == AlertKind.OUT_OF_RANGE:
        text = _("%(parameter)s: value %(peak)s %(unit)s outside the measurable range")
    elif alert.kind == AlertKind.FLAT_LINE:
        text = _("%(parameter)s: the same value %(peak)s %(unit)s hour after hour")
    else:
        values["time"] = _local(alert.opened_at)
        text = _("Data missing since %(time)s")
    return (text % values)[:MESSAGE_LENGTH]


KIND_TITLES: Final[Mapping[str, str]] = MappingProxyType(
    {
        AlertKind.EXCEEDANCE: "{point}{parameter}超标排放",
        AlertKind.AQI: "{point}空气质量指数达到{category}",
        AlertKind.WATER_CLASS: "{point}{parameter}劣于{target}类水质目标",
        AlertKind.DEVICE: "{point}{parameter}在线监测设备停运、故障或运维",
        AlertKind.OUT_OF_RANGE: "{point}{parameter}在线监测数据超出量程或不合理",
        AlertKind.FLAT_LINE: "{point}{parameter}在线监测数据长时间恒定不变",
        AlertKind.MISSING: "{point}在线监测数据缺失",
    }
)

KIND_DETAILS: Final[Mapping[str, str]] = MappingProxyType(
    {
        AlertKind.EXCEEDANCE: "监测值超过排放限值{threshold}{unit}，最大值{peak}{unit}。",
        AlertKind.AQI: "实时空气质量指数超过{threshold}，最高{peak}（{category}）。",
        AlertKind.WATER_CLASS: "监测值劣于{target}类水质标准限值{threshold}{unit}，"
        "最差值{peak}{unit}。",
        AlertKind.DEVICE: "监测数据标记为停运、故障、维护或校准，或处于申报的停产、维护期间。",
        AlertKind.OUT_OF_RANGE: "监测值{peak}{unit}超出仪器量程或合理范围。",
        AlertKind.FLAT_LINE: "监测值连续多小时保持{peak}{unit}不变。",
        AlertKind.MISSING: "超过规定上报间隔两倍以上未收到监测数据。",
    }
)


def problem_title(alert: Alert) -> str:
    """E.g. 某某企业1号排放口二氧化硫超标排放."""
    return KIND_TITLES[alert.kind].format(**_facts(alert))[:200]


def problem_description(alert: Alert) -> str:
    """Where, what, since when, how bad; and that monitoring wrote it."""
    facts = _facts(alert)
    factor = f"监测因子{facts['parameter']}，" if facts["parameter"] else ""
    return (
        f"在线监测点位{facts['point']}（MN {alert.point.mn}），{factor}"
        f"自{facts['opened']}起出现异常：{KIND_DETAILS[alert.kind].format(**facts)}"
        f"本问题由在线监测预警自动生成（预警编号 {alert.pk}）。"
    )


def _facts(alert: Alert) -> dict[str, str]:
    point: MonitoringPoint = alert.point
    parameter = alert.parameter
    peak = int(alert.peak or 0) if alert.kind == AlertKind.AQI else 0
    return {
        "point": point.name,
        "parameter": (parameter.name_zh or parameter.name) if parameter else "",
        "unit": parameter.unit if parameter else "",
        "threshold": _number(alert.threshold),
        "peak": _number(alert.peak),
        "target": CLASS_NAMES[point.target_class or 0],
        "category": aqi_level(peak).category if peak else "",
        "opened": timezone.localtime(alert.opened_at).strftime("%Y年%m月%d日%H时%M分"),
    }


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
