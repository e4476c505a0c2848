"""A small server-drawn line chart (SVG) for pages that must work without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: str
    limit_y: float | None
    low: float
    high: float
    start: datetime | None
    end: datetime | None


def line_chart(values: list[tuple[datetime, float]], *, limit: float | None = None,
               width: int = 640, height: int = 160) -> LineChart | None:
    if not values:
        return None
    times = [moment.timestamp() for moment, _ in values]
    numbers = [value for _, value in values]
    low = min([*numbers, limit] if limit is not None else numbers)
    high = max([*numbers, limit] if limit is not None else numbers)
    span_y = (high - low) or 1.0
    span_x = (times[-1] - times[0]) or 1.0

    def y(value: float) -> float:
        return round(height - 4 - (value - low) / span_y * (height - 8), 1)

    points = " ".join(
        f"{round((t - times[0]) / span_x * (width - 8) + 4, 1)},{y(v)}"
        for t, v in zip(times, numbers, strict=True)
    )
    return LineChart(width, height, points, y(limit) if limit is not None else None, low, high,
                     values[0][0], values[-1][0])
