"""CRC checks over the data segment of an HJ 212 packet.

HJ 212 Appendix A calls its check "ANSI CRC16", but it is neither CRC-16/ARC nor
CRC-16/MODBUS: the register is shifted right by eight *before* the byte is folded in, so
each step is ``register = T[(register >> 8) ^ byte]`` with the usual reflected 0xA001 table.
Check value for ``b"123456789"`` is 0x2F80, for an empty segment 0xFFFF.

CRC-16/MODBUS is here only because many loggers in the field send it instead (often with
its two bytes swapped); the parser accepts it when the caller's ``Compat`` allows it.
Both functions take bytes: the CRC always covers the UTF-8 encoding, never characters.
"""

from __future__ import annotations

_POLYNOMIAL = 0xA001  # 0x8005 reflected


def _reflected_table(polynomial: int) -> tuple[int, ...]:
    table = []
    for byte in range(256):
        register = byte
        for _ in range(8):
            register = (register >> 1) ^ polynomial if register & 1 else register >> 1
        table.append(register)
    return tuple(table)


_TABLE = _reflected_table(_POLYNOMIAL)


def crc16_hj212(data: bytes) -> int:
    """The CRC16 of HJ 212 Appendix A (init 0xFFFF, high byte dropped before each fold)."""
    register = 0xFFFF
    for byte in data:
        register = _TABLE[(register >> 8) ^ byte]
    return register


def crc16_modbus(data: bytes) -> int:
    """CRC-16/MODBUS (check value 0x4B37), as sent by non-conforming loggers."""
    register = 0xFFFF
    for byte in data:
        register = (register >> 8) ^ _TABLE[(register ^ byte) & 0xFF]
    return register


def swap_bytes(value: int) -> int:
    """The 16-bit value with its two bytes exchanged (Modbus sends the low byte first)."""
    return ((value & 0xFF) << 8) | (value >> 8)


def format_crc(value: int) -> bytes:
    """The CRC field as sent: four upper-case hex digits, high byte first."""
    return b"%04X" % value
