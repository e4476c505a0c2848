"""Alerts from monitoring data: episodes of a condition, and the ledger problems they open.

- ``evaluate.evaluate_alerts``: the job over new readings (exceedance of permit limits,
  AQI level, water class, device flags, out-of-range values, flat lines);
- ``missing.check_missing_data``: the job over silent points;
- ``services``: ``acknowledge_alert`` and ``resolve_alert``, what people do;
- ``rules``: the persistence of each kind (``AlertRule`` rows, documented defaults);
- ``conditions``: the pure rules of runs, hysteresis and episodes.

An alert is one episode per point, parameter and kind while the condition lasts. It
resolves at the first value of a run of compliant values, and that time is what the
acceptance of a monitoring problem counts its compliant hours from (``compliance``).
"""

from ecoledger.monitoring.alerts.evaluate import evaluate_alerts
from ecoledger.monitoring.alerts.missing import check_missing_data
from ecoledger.monitoring.alerts.problems import SYSTEM_USERNAME, monitoring_user
from ecoledger.monitoring.alerts.rules import DEFAULT_RULES, Rule, load_rules
from ecoledger.monitoring.alerts.services import acknowledge_alert, resolve_alert

__all__ = [
    "DEFAULT_RULES",
    "SYSTEM_USERNAME",
    "Rule",
    "acknowledge_alert",
    "check_missing_data",
    "evaluate_alerts",
    "load_rules",
    "monitoring_user",
    "resolve_alert",
]
