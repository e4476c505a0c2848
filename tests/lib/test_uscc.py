import pytest

from ecoledger.lib.uscc import CreditCodeError, check_character, validate_credit_code


def test_a_published_code_validates():
    assert validate_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"


def test_the_check_character_is_computed_from_the_first_seventeen():
    assert check_character("91350100M000100Y4") == "3"


def test_it_names_a_wrong_check_character():
    with pytest.raises(CreditCodeError) as error:
        validate_credit_code("91350100M000100Y44")

    assert str(error.value).startswith("character 18 (check character) is '4' but should be '3'")


def test_it_names_a_forbidden_character_and_its_position():
    with pytest.raises(CreditCodeError) as error:
        validate_credit_code("91350100M0001I0Y43")

    assert str(error.value).startswith("character 14 ('I') is not allowed")


def test_it_names_a_wrong_length():
    with pytest.raises(CreditCodeError, match="has 17"):
        validate_credit_code("91350100M000100Y4")


def test_the_division_code_must_be_digits():
    with pytest.raises(CreditCodeError, match=r"character 5 .* must be a digit"):
        validate_credit_code("9135A100M000100Y43")
