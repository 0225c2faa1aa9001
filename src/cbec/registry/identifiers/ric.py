"""Resident ID number (居民身份证号码), GB 11643-1999.

The citizen identity number is 18 characters:

========  ============================================  ==========
position  content                                       standard
========  ============================================  ==========
1-6       address code (行政区划代码)                    GB/T 2260
7-14      date of birth, ``YYYYMMDD``                   GB/T 7408
15-17     sequence number (odd: male, even: female)
18        check character ``0``-``9`` or ``X``          ISO 7064 MOD 11-2
========  ============================================  ==========

This module wraps :mod:`stdnum.cn.ric` (used as a dependency, not copied) and
checks the length, the digits, the MOD 11-2 check character and that positions
7-14 are a real calendar date. Unlike ``stdnum.cn.ric.validate`` it does **not**
look the address code up in python-stdnum's GB/T 2260 table: that table lags
behind new and renamed divisions, and wrongly rejecting a buyer's ID blocks a
legitimate declaration (the customs system itself checks identity against the
national database). Old 15-digit numbers are not accepted (CEB messages carry
the 18-character form).

Sources: GB 11643-1999; reference notes ``regulation.md`` §4.5.

>>> validate('11010519491231002X')
'11010519491231002X'
>>> validate('360426199101010071')
'360426199101010071'
>>> is_valid('360426199101010072')
False
>>> mask('360426199101010071')
'360***********0071'
"""

from __future__ import annotations

import datetime

from stdnum.cn import ric as _stdnum_ric
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

__all__ = [
    "LENGTH",
    "birth_date",
    "calc_check_digit",
    "compact",
    "format_number",
    "is_valid",
    "mask",
    "validate",
]

LENGTH = 18
"""Number of characters of a resident ID number."""

_MASK_HEAD = 3
_MASK_TAIL = 4


def compact(number: str) -> str:
    """Return the number as python-stdnum normalises it: ASCII digits, upper-cased (``x`` → ``X``).

    Args:
        number: the ID number as typed.

    Returns:
        The compact form.
    """
    result: str = _stdnum_ric.compact(number)
    return result


def calc_check_digit(number: str) -> str:
    """Compute the MOD 11-2 check character.

    Args:
        number: the full 18-character number (its last character is ignored).

    Returns:
        ``0``-``9`` or ``X``.

    Examples:
        >>> calc_check_digit('11010519491231002?')
        'X'
    """
    result: str = _stdnum_ric.calc_check_digit(number)
    return result


def birth_date(number: str) -> datetime.date:
    """Return the date of birth in positions 7-14.

    Args:
        number: the ID number (compact or not).

    Returns:
        The date of birth.

    Raises:
        InvalidComponent: positions 7-14 are not a calendar date.
    """
    result: datetime.date = _stdnum_ric.get_birth_date(number)
    return result


def validate(number: str) -> str:
    """Check a resident ID number and return its compact form.

    Checks, in this order: length, digits, check character, date of birth.

    Args:
        number: the ID number.

    Returns:
        The compact form.

    Raises:
        InvalidLength: not 18 characters.
        InvalidFormat: a non-digit in positions 1-17, or a last character other than a digit or X.
        InvalidChecksum: the check character does not match.
        InvalidComponent: positions 7-14 are not a real date.
    """
    number = compact(number)
    if len(number) != LENGTH:
        raise InvalidLength()
    body, check = number[:-1], number[-1]
    if not (body.isascii() and body.isdigit()) or check not in "0123456789X":
        raise InvalidFormat()
    if check != calc_check_digit(number):
        raise InvalidChecksum()
    birth_date(number)
    return number


def is_valid(number: str) -> bool:
    """Return whether the number is a valid resident ID number.

    Args:
        number: the ID number.

    Returns:
        True when :func:`validate` accepts it.
    """
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format_number(number: str) -> str:
    """Return the display form (the compact form).

    Args:
        number: the ID number.

    Returns:
        The compact form.
    """
    return compact(number)


def mask(number: str) -> str:
    """Return the masked display form: the first 3 and last 4 characters, ``*`` between.

    Args:
        number: the ID number (any length; short inputs are fully masked).

    Returns:
        E.g. ``110***********1234``.

    Examples:
        >>> mask('110105194912311234')
        '110***********1234'
    """
    number = compact(number)
    if len(number) <= _MASK_HEAD + _MASK_TAIL:
        return "*" * len(number)
    return number[:_MASK_HEAD] + "*" * (len(number) - _MASK_HEAD - _MASK_TAIL) + number[-_MASK_TAIL:]
