"""National standards for monitoring data: pure Python and numpy, no Django import.

- AQI, HJ 633-2012 and HJ 633-2026, chosen by the data's date (``aqi``, ``aqi_report``)
- GB 3095 ambient limits and HJ 663 evaluation (``air_limits``, ``air_evaluation``)
- GB 3838-2002 surface water classes and black-odorous grades (``water``)
- GB 3096-2008 noise limits (``noise``)
- GB 13223, GB 16297, GB 18918 emission limits, CEMS conversions, permits (``emission``)
- GB/T 8170 rounding (``rounding``)

The tables they implement are in shared/standards.md.
"""

from ecoledger.monitoring.standards.air_evaluation import (
    GoodDays,
    PeriodEvaluation,
    StatisticResult,
    daily_max_8h,
    daily_means,
    eight_hour_means,
    exact_mean,
    good_days,
    hj663_percentile,
    period_evaluation,
    valid_daily_mean,
    valid_eight_hour_mean,
    valid_hourly_mean,
    valid_period_mean,
)
from ecoledger.monitoring.standards.air_limits import (
    ambient_limit,
    ambient_limit_set_for,
    meets_ambient_limit,
)
from ecoledger.monitoring.standards.aqi import (
    AqiArrays,
    aqi_arrays,
    aqi_level,
    get_rule_set,
    rule_set_for,
)
from ecoledger.monitoring.standards.aqi_report import AqiResult, aqi_report, compute_aqi
from ecoledger.monitoring.standards.aqi_tables import AQI_LEVELS, INPUT_KEYS, AqiLevel
from ecoledger.monitoring.standards.emission import (
    PermitJudgement,
    PermitLimit,
    at_reference_oxygen,
    emission_limit,
    judge_readings,
    nox_as_no2,
    ppm_to_mg_m3,
    to_standard_state,
    wet_to_dry,
)
from ecoledger.monitoring.standards.noise import (
    is_daytime,
    meets_night_sudden_noise_limit,
    meets_noise_limit,
    noise_limit,
)
from ecoledger.monitoring.standards.rounding import round_half_even, round_half_even_array
from ecoledger.monitoring.standards.water import (
    SectionClasses,
    black_odorous_grades,
    black_odorous_sample_grades,
    classify_samples,
    exceedance_multiple,
    item_class,
)

__all__ = [
    "AQI_LEVELS",
    "INPUT_KEYS",
    "AqiArrays",
    "AqiLevel",
    "AqiResult",
    "GoodDays",
    "PeriodEvaluation",
    "PermitJudgement",
    "PermitLimit",
    "SectionClasses",
    "StatisticResult",
    "ambient_limit",
    "ambient_limit_set_for",
    "aqi_arrays",
    "aqi_level",
    "aqi_report",
    "at_reference_oxygen",
    "black_odorous_grades",
    "black_odorous_sample_grades",
    "classify_samples",
    "compute_aqi",
    "daily_max_8h",
    "daily_means",
    "eight_hour_means",
    "emission_limit",
    "exact_mean",
    "exceedance_multiple",
    "get_rule_set",
    "good_days",
    "hj663_percentile",
    "is_daytime",
    "item_class",
    "judge_readings",
    "meets_ambient_limit",
    "meets_night_sudden_noise_limit",
    "meets_noise_limit",
    "noise_limit",
    "nox_as_no2",
    "period_evaluation",
    "ppm_to_mg_m3",
    "round_half_even",
    "round_half_even_array",
    "rule_set_for",
    "to_standard_state",
    "valid_daily_mean",
    "valid_eight_hour_mean",
    "valid_hourly_mean",
    "valid_period_mean",
    "wet_to_dry",
]
