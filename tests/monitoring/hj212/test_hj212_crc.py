"""CRC16 of HJ 212 Appendix A, and the Modbus variant loggers send instead."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ecoledger.monitoring.hj212 import crc16_hj212, crc16_modbus
from ecoledger.monitoring.hj212.crc import format_crc, swap_bytes


def _bitwise_appendix_a(data: bytes) -> int:
    """Appendix A step by step, to check the table form against the standard's wording."""
    register = 0xFFFF
    for byte in data:
        register = (register >> 8) ^ byte
        for _ in range(8):
            carry = register & 1
            register >>= 1
            if carry:
                register ^= 0xA001
    return register


def test_it_gives_the_check_value_2f80_for_123456789() -> None:
    assert crc16_hj212(b"123456789") == 0x2F80


def test_it_gives_ffff_for_an_empty_segment() -> None:
    assert crc16_hj212(b"") == 0xFFFF


def test_modbus_gives_its_own_check_value_4b37() -> None:
    assert crc16_modbus(b"123456789") == 0x4B37


def test_it_formats_four_upper_case_hex_digits_high_byte_first() -> None:
    assert format_crc(0x1C80) == b"1C80"
    assert format_crc(0x00AF) == b"00AF"


def test_swapping_exchanges_the_two_bytes() -> None:
    assert swap_bytes(0x4B37) == 0x374B


def test_it_counts_utf8_bytes_not_characters() -> None:
    assert crc16_hj212("清洗".encode()) == crc16_hj212(b"\xe6\xb8\x85\xe6\xb4\x97")


@given(st.binary(max_size=300))
def test_the_table_form_equals_the_bitwise_form_of_appendix_a(data: bytes) -> None:
    assert crc16_hj212(data) == _bitwise_appendix_a(data)
