"""How long a condition must last to open an alert, and what the alert leads to.

An ``AlertRule`` row configures a kind; a kind without a row uses these defaults:

============  ===========  ===========  ==========  =============  ==========================
kind          consecutive  clear_after  hysteresis  opens problem  notes
============  ===========  ===========  ==========  =============  ==========================
exceedance    3            3            5 %         yes            permit or standard limit
aqi           2            2            5 %         no             AQI level ≥ 4 (中度污染)
water_class   3            3            5 %         yes            of the target class limit
device        3            2            —           no             a one-hour calibration is
                                                                   routine, not an alert
out_of_range  3            2            —           no
flat_line     6            1            —           no             consecutive = identical
                                                                   values in a row
missing       —            —            —           no             > 2 × expected interval
============  ===========  ===========  ==========  =============  ==========================

Every kind needs 72 compliant hours before a problem it opened may be accepted. The
hysteresis is a share of the threshold that a value must fall back by to count as
compliant; yes/no conditions (flags, missing data) have none.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecoledger.monitoring.choices import AlertKind
from ecoledger.monitoring.models import AlertRule
from ecoledger.monitoring.standards import AQI_LEVELS

LOWEST_ALERTING_LEVEL = 2
"""Level 1 (优) is every clean hour; an AQI alert needs a level with a level below it."""


@dataclass(frozen=True)
class Rule:
    kind: str
    consecutive: int
    clear_after: int
    hysteresis: float
    opens_problem: bool
    aqi_level: int = 4
    compliant_hours_to_accept: int = 72

    @property
    def aqi_threshold(self) -> int:
        """The AQI above which the hour is at ``aqi_level`` or worse (150 for level 4)."""
        upper = AQI_LEVELS[self.aqi_level - 2].upper
        assert upper is not None  # every level below the top one has an upper bound
        return upper


DEFAULT_RULES: dict[str, Rule] = {
    rule.kind: rule
    for rule in (
        Rule(AlertKind.EXCEEDANCE, 3, 3, 0.05, opens_problem=True),
        Rule(AlertKind.AQI, 2, 2, 0.05, opens_problem=False, aqi_level=4),
        Rule(AlertKind.WATER_CLASS, 3, 3, 0.05, opens_problem=True),
        Rule(AlertKind.DEVICE, 3, 2, 0.0, opens_problem=False),
        Rule(AlertKind.OUT_OF_RANGE, 3, 2, 0.0, opens_problem=False),
        Rule(AlertKind.FLAT_LINE, 6, 1, 0.0, opens_problem=False),
        Rule(AlertKind.MISSING, 1, 1, 0.0, opens_problem=False),
    )
}


def load_rules() -> dict[str, Rule]:
    """The rule of every kind: its ``AlertRule`` row where one exists, else the default.

    Values a row could hold but that make no sense (zero counts, a negative hysteresis,
    AQI level 1 or 7) are brought to the nearest meaningful one rather than refused: the
    evaluation must keep running whatever the admin typed.
    """
    rules = dict(DEFAULT_RULES)
    top_level = len(AQI_LEVELS)
    for row in AlertRule.objects.all():
        rules[row.kind] = Rule(
            kind=row.kind,
            consecutive=max(1, row.consecutive),
            clear_after=max(1, row.clear_after),
            hysteresis=max(0.0, row.hysteresis),
            opens_problem=row.opens_problem,
            aqi_level=min(max(row.aqi_level, LOWEST_ALERTING_LEVEL), top_level),
            compliant_hours_to_accept=row.compliant_hours_to_accept,
        )
    return rules
