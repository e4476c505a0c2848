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


def _powers() -> tuple[tuple[int, ...], ...]:
    """``_POWERS[r][x]`` is the step map applied r times (r = 0..7) to a byte x."""
    step = [entry >> 8 for entry in _TABLE]
    powers = [tuple(range(256))]
    for _ in range(7):
        powers.append(tuple(step[x] for x in powers[-1]))
    if tuple(step[x] for x in powers[-1]) != powers[0]:
        raise AssertionError("the HJ 212 CRC step map no longer has order 8")
    return tuple(powers)


# Why this is exact: each step is register = T[h ^ byte], h being the previous high byte,
# so only the 8-bit index u = h ^ byte carries state: u_n = S(u_{n-1}) ^ b_n with
# S(x) = T[x] >> 8. S is linear over GF(2) and S^8 is the identity, so
# u_N = XOR over bytes of S^((N-k) mod 8)(b_k), plus S^((N-1) mod 8)(0xFF) for the initial
# register. XOR-ing the bytes in eight lanes by their distance from the end (a fold of
# the whole segment read as one integer) leaves eight table lookups instead of one
# Python step per byte: the CRC of a 1,000-byte packet costs about two microseconds.
_POWERS = _powers()

_WORD_BITS = 64


def _folds(count: int) -> tuple[tuple[int, int], ...]:
    """The (shift, mask) of each halving that folds 2^count words into one."""
    return tuple(((_WORD_BITS << step), (1 << (_WORD_BITS << step)) - 1)
                 for step in reversed(range(count)))  # fmt: skip


_FOLDS = tuple(_folds(count) for count in range(12))
"""Made once for segments up to 16 KiB (a declared length has at most four digits), so
that folding a packet allocates no mask."""
_INITIAL = tuple(power[0xFF] for power in _POWERS)
"""The initial register's share of the index, by the segment's length modulo 8."""
_LANE_0, _LANE_1, _LANE_2, _LANE_3, _LANE_4, _LANE_5, _LANE_6, _LANE_7 = _POWERS


def crc16_hj212(data: bytes) -> int:
    """The CRC16 of HJ 212 Appendix A (init 0xFFFF, high byte dropped before each fold)."""
    length = len(data)
    if not length:
        return 0xFFFF
    lanes = _fold_lanes(data)
    # Lane 0 is the last byte's; written out rather than looped, as it runs per packet.
    return _TABLE[
        _INITIAL[(length - 1) % 8]
        ^ _LANE_0[lanes & 0xFF] ^ _LANE_1[(lanes >> 8) & 0xFF]
        ^ _LANE_2[(lanes >> 16) & 0xFF] ^ _LANE_3[(lanes >> 24) & 0xFF]
        ^ _LANE_4[(lanes >> 32) & 0xFF] ^ _LANE_5[(lanes >> 40) & 0xFF]
        ^ _LANE_6[(lanes >> 48) & 0xFF] ^ _LANE_7[lanes >> 56]
    ]  # fmt: skip


def _fold_lanes(data: bytes) -> int:
    """XOR of the segment's 8-byte words aligned to its end: byte i of the result is the
    XOR of the bytes whose distance from the last byte is i modulo 8.

    The words are folded in halves, 2^k words (the count rounded up to a power of two)
    down to one, so every fold is one shift, one mask and one XOR.
    """
    value = int.from_bytes(data, "big")
    halvings = ((len(data) - 1) // 8).bit_length()
    folds = _FOLDS[halvings] if halvings < len(_FOLDS) else _folds(halvings)
    for shift, mask in folds:
        value = (value >> shift) ^ (value & mask)
    return value


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
