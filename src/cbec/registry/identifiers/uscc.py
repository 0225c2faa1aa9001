"""USCC (统一社会信用代码, Unified Social Credit Code), GB 32100-2015.

The USCC is the 18-character identifier given to every legal person and other
organisation in China (法人和其他组织统一社会信用代码编码规则, GB 32100-2015).
Its layout:

========  ===============================================  ==============
position  content                                          standard
========  ===============================================  ==============
1         登记管理部门代码 (registering authority):         GB 32100
          ``1``-``9``, ``A``, ``N``, ``Y`` …
2         机构类别代码 (entity type under that authority)   GB 32100
3-8       登记管理机关行政区划码 (region, digits)           GB/T 2260
9-17      主体标识码 (the former organisation code)         GB 11714
18        check character                                  GB/T 17710
========  ===============================================  ==============

Alphabet: the 31 characters ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, S,
V, Z), valued 0-30. Weights for positions 1-17 are ``3**(i-1) mod 31``; the
check character is ``ALPHABET[(31 - sum(value * weight) mod 31) mod 31]``.

Why not ``stdnum.cn.uscc.validate``: python-stdnum (2.2) requires the first
eight characters to be digits, which wrongly rejects valid codes whose
registering authority or entity type is a letter (``A…``, ``N…``, ``Y…``).
Wrongly rejecting an enterprise blocks trade, so this module implements the
character set and check character itself and only requires digits where
GB 32100 puts the region code (positions 3-8). Any alphabet character is
accepted in positions 1-2 (new authority codes are added from time to time).

Sources: GB 32100-2015; reference notes ``regulation.md`` §4.4.

>>> validate('91110000600037341L')
'91110000600037341L'
>>> validate('9111 0000 6000 3734 1l')
'91110000600037341L'
>>> is_valid('91110000600037341M')
False
>>> calc_check_digit('91110000600037341')
'L'
>>> mask('91110000600037341L')
'9111**********341L'
"""

from __future__ import annotations

from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

__all__ = [
    "ALPHABET",
    "LENGTH",
    "calc_check_digit",
    "compact",
    "format_number",
    "is_valid",
    "mask",
    "validate",
]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 code characters of GB 32100 (I, O, S, V, Z are not used), in value order."""

LENGTH = 18
"""Number of characters of a USCC."""

_MODULUS = len(ALPHABET)
_WEIGHTS = tuple(pow(3, i, _MODULUS) for i in range(LENGTH - 1))
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_REGION = slice(2, 8)  # positions 3-8: GB/T 2260 administrative division code, digits
_SEPARATORS = " -"
_DELETE_SEPARATORS = str.maketrans("", "", _SEPARATORS)
_MASK_HEAD = 4
_MASK_TAIL = 4


def compact(number: str) -> str:
    """Return the number without separators (spaces, hyphens), upper-cased.

    Args:
        number: the code as typed.

    Returns:
        The compact form.

    Examples:
        >>> compact(' 91110000-600037341l ')
        '91110000600037341L'
    """
    return number.translate(_DELETE_SEPARATORS).strip().upper()


def calc_check_digit(number: str) -> str:
    """Compute the check character (校验码) for the first 17 characters.

    Args:
        number: the first 17 characters (compact form, alphabet characters only).

    Returns:
        The check character.

    Raises:
        InvalidFormat: a character is outside the GB 32100 alphabet.
    """
    try:
        total = sum(_VALUES[c] * w for c, w in zip(number, _WEIGHTS, strict=False))
    except KeyError as exc:
        raise InvalidFormat() from exc
    return ALPHABET[(_MODULUS - total % _MODULUS) % _MODULUS]


def validate(number: str) -> str:
    """Check a USCC and return its canonical (compact) form.

    Checks, in this order: length, character set (and digits for the region
    code), check character.

    Args:
        number: the code to check.

    Returns:
        The compact form.

    Raises:
        InvalidLength: not 18 characters.
        InvalidFormat: a character outside the alphabet, or a non-digit in positions 3-8.
        InvalidChecksum: the check character does not match.
    """
    number = compact(number)
    if len(number) != LENGTH:
        raise InvalidLength()
    if any(c not in _VALUES for c in number) or not number[_REGION].isdigit():
        raise InvalidFormat()
    if number[-1] != calc_check_digit(number[:-1]):
        raise InvalidChecksum()
    return number


def is_valid(number: str) -> bool:
    """Return whether the number is a valid USCC.

    Args:
        number: the code to check.

    Returns:
        True when :func:`validate` accepts it.
    """
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format_number(number: str) -> str:
    """Return the display form (GB 32100 defines no grouping: the compact form).

    Args:
        number: the code.

    Returns:
        The compact form.
    """
    return compact(number)


def mask(number: str) -> str:
    """Return a display form with the middle hidden (first 4 and last 4 kept).

    Args:
        number: the code.

    Returns:
        The masked form; short inputs are fully masked.

    Examples:
        >>> mask('91110000600037341L')
        '9111**********341L'
    """
    number = compact(number)
    if len(number) <= _MASK_HEAD + _MASK_TAIL:
        return "*" * len(number)
    hidden = len(number) - _MASK_HEAD - _MASK_TAIL
    return number[:_MASK_HEAD] + "*" * hidden + number[-_MASK_TAIL:]
