"""Schedule-proportional progress (序时进度).

A problem is behind schedule when fewer measures are done than the share of
time elapsed calls for: with ``total`` measures, by the time a fraction f of
the rectification period has passed at least floor(f × total) should be done.
That turns into one date — the last day the current count is still enough —
stored on the problem whenever measures, start or deadline change, so the
traffic light is a plain date comparison that an index can serve.
"""

from __future__ import annotations

import math
from datetime import date, timedelta


def schedule_due_on(
    started_on: date | None, deadline: date | None, total: int, done: int
) -> date | None:
    if started_on is None or deadline is None or total <= 0 or done >= total:
        return None
    span = (deadline - started_on).days
    if span <= 0:
        return None
    first_behind = math.ceil(span * (done + 1) / total)
    return started_on + timedelta(days=first_behind - 1)
