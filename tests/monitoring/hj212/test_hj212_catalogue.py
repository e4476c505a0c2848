"""One catalogue for 2005 short codes and 2017 factor codes, plus the code tables."""

from __future__ import annotations

import pytest

from ecoledger.monitoring.hj212 import (
    COMMANDS,
    DATA_FLAGS,
    EXECUTION_RETURNS,
    PARAMETERS,
    REQUEST_RETURNS,
    SYSTEMS,
    ProtocolVersion,
    lookup_parameter,
)


@pytest.mark.parametrize(
    ("code_2005", "code_2017"),
    [("02", "a21026"), ("011", "w01018"), ("B01", "w00000"), ("B02", "a00000"),
     ("S01", "a19001"), ("060", "w21003"), ("01", "a34013"), ("001", "w01001")],
)  # fmt: skip
def test_a_2005_short_code_resolves_to_the_same_parameter_as_its_2017_code(
    code_2005: str, code_2017: str
) -> None:
    parameter = lookup_parameter(code_2005)

    assert parameter is not None
    assert parameter is lookup_parameter(code_2017)
    assert parameter.code == code_2017
    assert parameter.code_2005 == code_2005


def test_a_parameter_has_names_in_both_languages_and_its_units() -> None:
    cod = PARAMETERS["w01018"]

    assert (cod.name_zh, cod.concentration_unit, cod.amount_unit) == ("化学需氧量", "mg/L", "kg")
    assert PARAMETERS["a19001"].amount_unit is None
    assert PARAMETERS["w01001"].concentration_unit is None


@pytest.mark.parametrize("code", ["a21026", "a34004", "a05024", "w01018", "LA", "Leq", "Ldn"])
def test_it_knows_the_common_air_water_and_noise_codes(code: str) -> None:
    parameter = lookup_parameter(code)

    assert parameter is not None
    assert parameter.code == code


def test_an_unknown_code_has_no_parameter() -> None:
    assert lookup_parameter("CONC") is None


def test_no_2005_code_is_also_a_2017_code() -> None:
    codes_2005 = {p.code_2005 for p in PARAMETERS.values() if p.code_2005}

    assert not codes_2005 & set(PARAMETERS)
    assert len(codes_2005) == sum(1 for p in PARAMETERS.values() if p.code_2005)


def test_the_command_table_holds_2017_commands_and_the_2025_heartbeat() -> None:
    assert COMMANDS["2061"].since is ProtocolVersion.HJ212_2017
    assert COMMANDS["9015"].since is ProtocolVersion.HJ212_2025
    assert COMMANDS["9015"].name_en == "Heartbeat"


def test_the_small_tables_match_the_standard() -> None:
    assert SYSTEMS["31"].name_zh == "大气环境污染源"
    assert set(DATA_FLAGS) == set("NFMSDCTB")
    assert REQUEST_RETURNS[9].name_en == "CRC check failed"
    assert EXECUTION_RETURNS[100].name_en == "No data"
