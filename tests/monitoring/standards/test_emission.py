"""Emission limits, the CEMS conversions of standards.md §6.4 and permit judgement."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ecoledger.monitoring.standards import (
    PermitLimit,
    at_reference_oxygen,
    emission_limit,
    judge_readings,
    nox_as_no2,
    ppm_to_mg_m3,
    to_standard_state,
    wet_to_dry,
)
from ecoledger.monitoring.standards.emission_tables import GB13223, GB16297, GB18918

NOX = "a21002"
SO2 = "a21026"
O2 = "a19001"


def test_the_worked_nox_example_corrects_60_at_9_percent_o2_to_75_at_6_percent():
    assert at_reference_oxygen([60.0], [9.0], 6.0).tolist() == [75.0]


def test_the_worked_example_meets_the_coal_limit_but_not_the_ultra_low_one():
    general = emission_limit(GB13223, "coal_boiler", NOX, tier="general")
    ultra_low = emission_limit(GB13223, "coal_boiler", NOX, tier="ultra_low")
    readings = {NOX: [60.0], O2: [9.0]}

    judged_general, judged_ultra_low = judge_readings(readings, [general, ultra_low])

    assert judged_general.values.tolist() == [75.0]
    assert not judged_general.exceeds[0]
    assert judged_ultra_low.exceeds[0]


def test_oxygen_at_or_above_21_percent_cannot_be_corrected():
    corrected = at_reference_oxygen([10.0, 10.0], [20.9, 21.0], 6.0)

    assert corrected[0] == pytest.approx(10 * 15 / 0.1)
    assert math.isnan(corrected[1])


@pytest.mark.parametrize(
    ("standard", "source", "parameter", "condition", "tier", "limit", "o2"),
    [
        (GB13223, "coal_boiler", SO2, "new", "general", 100, 6.0),
        (GB13223, "coal_boiler", SO2, "existing_southwest", "general", 400, 6.0),
        (GB13223, "coal_boiler", SO2, "existing", "special", 50, 6.0),
        (GB13223, "coal_boiler", "a34013", "all", "ultra_low", 10, 6.0),
        (GB13223, "coal_boiler", "a20057", "all", "general", 0.03, 6.0),
        (GB13223, "gas_turbine", NOX, "natural_gas", "general", 50, 15.0),
        (GB13223, "gas_boiler", SO2, "natural_gas", "general", 35, 3.0),
        (GB16297, "other", SO2, "all", "new", 550, None),
        (GB16297, "carbon_black", "a34013", "all", "existing", 22, None),
        (GB18918, "municipal_wwtp", "w01018", "all", "1A", 50, None),
        (GB18918, "municipal_wwtp", "w21003", "at_or_below_12c", "1B", 15, None),
        (GB18918, "municipal_wwtp", "w21011", "built_from_2006", "1A", 0.5, None),
    ],
)
def test_limits_are_looked_up_by_standard_source_parameter_and_tier(
    standard, source, parameter, condition, tier, limit, o2
):
    found = emission_limit(standard, source, parameter, tier=tier, condition=condition)

    assert (found.parameter, found.limit, found.reference_o2) == (parameter, limit, o2)


def test_each_standard_states_its_unit_and_averaging():
    coal = emission_limit(GB13223, "coal_boiler", SO2, tier="general", condition="new")
    wwtp = emission_limit(GB18918, "municipal_wwtp", "w01018", tier="2")

    assert (coal.unit, coal.averaging) == ("mg/m³", "1h")
    assert (wwtp.unit, wwtp.averaging) == ("mg/L", "24h")


def test_an_unknown_row_or_tier_is_refused_with_what_exists():
    with pytest.raises(ValueError, match="known"):
        emission_limit(GB13223, "coal_boiler", SO2, tier="general")  # needs a condition
    with pytest.raises(ValueError, match="ultra_low"):
        emission_limit(GB13223, "gas_boiler", SO2, tier="ultra_low", condition="natural_gas")
    with pytest.raises(ValueError, match="tier"):
        emission_limit(GB18918, "municipal_wwtp", "w21001", tier="2")  # TN has no class 2


def test_ph_is_judged_as_a_range():
    ph = emission_limit(GB18918, "municipal_wwtp", "w01001", tier="1A")

    (judged,) = judge_readings({"w01001": [5.9, 6.0, 9.0, 9.1]}, [ph])

    assert (ph.minimum, ph.limit) == (6.0, 9.0)
    assert judged.exceeds.tolist() == [True, False, False, True]


def test_a_reading_without_its_oxygen_is_not_judged():
    limit = PermitLimit(SO2, 35.0, "mg/m³", "1h", reference_o2=6.0)

    (judged,) = judge_readings({SO2: [20.0, 20.0], O2: [6.0, math.nan]}, [limit])

    assert judged.judged.tolist() == [True, False]
    assert judged.exceeds.tolist() == [False, False]


def test_a_limit_without_readings_is_judged_nowhere_rather_than_dropped():
    limit = PermitLimit("a34013", 10.0, "mg/m³", "1h")

    (judged,) = judge_readings({SO2: [1.0, 2.0]}, [limit])

    assert judged.limit is limit
    assert judged.judged.tolist() == [False, False]


def test_a_limit_without_reference_oxygen_compares_the_reading_as_it_is():
    limit = PermitLimit("w01018", 50.0, "mg/L", "24h")

    (judged,) = judge_readings({"w01018": [50.0, 50.5]}, [limit])

    assert judged.exceeds.tolist() == [False, True]


def test_readings_are_needed():
    with pytest.raises(ValueError, match="readings"):
        judge_readings({}, [])


def test_wet_gas_is_converted_to_dry_gas():
    assert wet_to_dry([90.0], [0.1]).tolist() == [100.0]


def test_actual_conditions_are_converted_to_standard_state():
    converted = to_standard_state(
        [100.0], flue_temperature_c=[273.15], barometric_kpa=[100.0], static_kpa=[1.325]
    )

    assert converted.tolist() == pytest.approx([200.0])


def test_ppm_are_converted_with_the_molar_factors():
    assert ppm_to_mg_m3([100.0], SO2).tolist() == pytest.approx([286.0])
    assert ppm_to_mg_m3([100.0], "a21005").tolist() == pytest.approx([125.0])
    with pytest.raises(ValueError, match="a34013"):
        ppm_to_mg_m3([1.0], "a34013")


def test_nox_is_reported_as_no2():
    assert nox_as_no2(np.array([10.0]), np.array([5.0])).tolist() == pytest.approx([20.3])
