"""The briefing's charts as PNG images, drawn by matplotlib (Agg) in a real CJK font.

Each chart is drawn with matplotlib's missing-glyph warning turned into an
error: a label the font cannot draw leaves that chart out (logged) rather
than printing empty boxes. Without a CJK font there are no charts at all; the
document says so.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ecoledger.reports.briefing import words
from ecoledger.reports.briefing.fonts import CjkFont, cjk_font

log = logging.getLogger(__name__)

NEW_COLOUR = "#c0504d"
CLOSED_COLOUR = "#4f81bd"
OVERDUE_COLOUR = "#e46c0a"
GOOD_COLOUR = "#3a9a5b"
DPI = 150
MISSING_GLYPH = r"Glyph .* missing from"


@dataclass(frozen=True)
class Chart:
    key: str
    caption: str
    png: bytes


def _legend(axes: Axes) -> None:
    """Below the chart, where it hides no bar."""
    axes.figure.legend(loc="outside lower center", ncol=2, frameon=False)


def _flow(axes: Axes, figures: dict[str, Any]) -> None:
    periods = list(figures["periods"])
    weekly = figures["kind"] == "weekly"
    labels = [words.period_name(key).split("年")[1] if not weekly else
              f"第{int(key.split('-W')[1])}周" for key in periods]
    new = [figures["periods"][key]["new"] for key in periods]
    closed = [figures["periods"][key]["closed"] for key in periods]
    positions = range(len(periods))
    axes.bar([p - 0.2 for p in positions], new, width=0.4, label="新增", color=NEW_COLOUR)
    axes.bar([p + 0.2 for p in positions], closed, width=0.4, label="办结", color=CLOSED_COLOUR)
    axes.set_xticks(list(positions), labels, rotation=45, ha="right")
    axes.set_ylabel("问题数（个）")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _legend(axes)


def _districts(axes: Axes, figures: dict[str, Any]) -> None:
    rows = figures["districts"][::-1]
    names = [row["name"] for row in rows]
    axes.barh(names, [row["open"] for row in rows], color=CLOSED_COLOUR, label="在办")
    axes.barh(names, [row["overdue"] for row in rows], color=OVERDUE_COLOUR, label="其中逾期")
    axes.set_xlabel("问题数（个）")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    _legend(axes)


def _origins(axes: Axes, figures: dict[str, Any]) -> None:
    rows = figures["origins"][::-1]
    axes.barh([words.ORIGINS.get(row["origin"], row["origin"]) for row in rows],
              [row["count"] for row in rows], color=NEW_COLOUR)
    axes.set_xlabel("新增问题数（个）")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))


def _air(axes: Axes, figures: dict[str, Any]) -> None:
    rows = [row for row in figures["air"]["areas"] if row["good_share"] is not None][::-1]
    axes.barh([row["name"] for row in rows], [row["good_share"] for row in rows],
              color=GOOD_COLOUR)
    axes.set_xlim(0, 100)
    axes.set_xlabel("优良天数比例（%）")


Drawing = Callable[[Axes, dict[str, Any]], None]


@dataclass(frozen=True)
class Plan:
    key: str
    caption: str
    drawing: Drawing
    height: float  # inches


def plans(figures: dict[str, Any]) -> list[Plan]:
    """The charts the figures have data for, in the order the document shows them."""
    length = len(figures["periods"])
    unit = "周" if figures["kind"] == "weekly" else "个月"
    chosen = [Plan("flow", f"近{length}{unit}新增与办结问题数", _flow, 3.2)]
    if figures["districts"]:
        chosen.append(Plan("districts", "各区县在办及逾期问题数", _districts,
                           1.2 + 0.3 * len(figures["districts"])))
    if figures["origins"]:
        chosen.append(Plan("origins", f"{words.PERIOD_WORDS[figures['kind']]}新增问题来源",
                           _origins, 1.2 + 0.3 * len(figures["origins"])))
    if any(row["good_share"] is not None for row in figures["air"]["areas"]):
        chosen.append(Plan("air", "各区县空气质量优良天数比例", _air,
                           1.2 + 0.3 * len(figures["air"]["areas"])))
    return chosen


def _draw(font: CjkFont, plan: Plan, figures: dict[str, Any]) -> bytes | None:
    settings = {"font.family": [font.family], "axes.unicode_minus": False,
                "axes.spines.top": False, "axes.spines.right": False}
    with matplotlib.rc_context(settings), warnings.catch_warnings():
        warnings.filterwarnings("error", message=MISSING_GLYPH)
        figure = Figure(figsize=(6.4, plan.height), dpi=DPI, layout="constrained")
        canvas = FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        axes.set_title(plan.caption)
        plan.drawing(axes, figures)
        buffer = io.BytesIO()
        try:
            canvas.print_png(buffer)
        except UserWarning as missing:
            log.warning("chart %r left out of the briefing: %s", plan.caption, missing)
            return None
    return buffer.getvalue()


def render_charts(figures: dict[str, Any]) -> list[Chart] | None:
    """The briefing's charts; None when no CJK font is found (then none are drawn)."""
    font = cjk_font()
    if font is None:
        return None
    charts = []
    for plan in plans(figures):
        png = _draw(font, plan, figures)
        if png is not None:
            charts.append(Chart(plan.key, plan.caption, png))
    return charts
