"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet (digits and upper-case letters
without I, O, S, V, Z): registration authority (1), organisation type (1),
administrative division (6 digits), organisation code (9), check character (1).
The check character makes the weighted sum of all 18 values divisible by 31,
the weights being 3^(i-1) mod 31.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
LENGTH = 18


class CreditCodeError(ValueError):
    """Names the position and the character that make a code invalid."""


def check_character(first17: str) -> str:
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(raw: str) -> str:
    """Return the normalised code, or raise CreditCodeError saying what is wrong and where."""
    code = raw.strip().upper()
    if len(code) != LENGTH:
        raise CreditCodeError(
            _("a unified social credit code has %(length)d characters; %(code)s has %(count)d")
            % {"length": LENGTH, "code": repr(raw.strip()), "count": len(code)}
        )
    for position, char in enumerate(code, start=1):
        if char not in _VALUE:
            raise CreditCodeError(
                _(
                    "character %(position)d (%(char)s) is not allowed in a unified social credit"
                    " code (allowed: digits and letters other than I, O, S, V, Z)"
                )
                % {"position": position, "char": repr(char)}
            )
    if not code[2:8].isdigit():
        bad = next(i for i, c in enumerate(code[2:8], start=3) if not c.isdigit())
        raise CreditCodeError(
            _(
                "character %(position)d (%(char)s) must be a digit: characters 3-8 are the"
                " administrative division code"
            )
            % {"position": bad, "char": repr(code[bad - 1])}
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            _(
                "character 18 (check character) is %(found)s but should be %(expected)s"
                " for the first 17 characters; one of them is mistyped"
            )
            % {"found": repr(code[17]), "expected": repr(expected)}
        )
    return code
