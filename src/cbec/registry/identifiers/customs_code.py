"""Customs registration code (海关注册登记编码 / 海关编码), 10 characters.

Every enterprise registered with China Customs (海关注册登记或备案) receives a
10-character code. CEB messages accept it wherever an enterprise is named
(``ebpCode``, ``ebcCode``, ``payCode``, ``logisticsCode``, ``agentCode`` …), as
an alternative to the 18-character USCC (ceb.md §2, "Company codes").

Observed structure (practice, not a published standard): positions 1-4 are the
customs district (关区) where the enterprise registered, position 5 the
economic-zone type, position 6 the enterprise type, positions 7-10 a serial
number — e.g. ``1105910159``. Codes starting with a letter also occur (the
official CEB216 sample carries ``A000080003``).

**No public check-digit rule is known**, so this module checks the format only:
exactly 10 characters, ASCII letters or digits. Following the stdnum principle
that wrongly rejecting a valid number is worse than accepting an invalid one,
anything of that shape is accepted.

>>> validate('1105910159')
'1105910159'
>>> validate(' a000 080003 ')
'A000080003'
>>> is_valid('110591015')
False
>>> mask('1105910159')
'1105**0159'
"""

from __future__ import annotations

from stdnum.exceptions import InvalidFormat, InvalidLength, ValidationError

__all__ = ["LENGTH", "compact", "format_number", "is_valid", "mask", "validate"]

LENGTH = 10
"""Number of characters of a customs registration code."""

_SEPARATORS = " -"
_DELETE_SEPARATORS = str.maketrans("", "", _SEPARATORS)
_MASK_HEAD = 4
_MASK_TAIL = 4


def compact(number: str) -> str:
    """Return the code without separators (spaces, hyphens), upper-cased.

    Args:
        number: the code as typed.

    Returns:
        The compact form.
    """
    return number.translate(_DELETE_SEPARATORS).strip().upper()


def validate(number: str) -> str:
    """Check the format of a customs registration code and return its compact form.

    Args:
        number: the code to check.

    Returns:
        The compact form.

    Raises:
        InvalidLength: not 10 characters.
        InvalidFormat: a character other than an ASCII letter or digit.
    """
    number = compact(number)
    if len(number) != LENGTH:
        raise InvalidLength()
    if not (number.isascii() and number.isalnum()):
        raise InvalidFormat()
    return number


def is_valid(number: str) -> bool:
    """Return whether the code has the format of a customs registration code.

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
    """Return the display form (the compact form; no grouping is customary).

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
    """
    number = compact(number)
    if len(number) <= _MASK_HEAD + _MASK_TAIL:
        return "*" * len(number)
    return number[:_MASK_HEAD] + "*" * (len(number) - _MASK_HEAD - _MASK_TAIL) + number[-_MASK_TAIL:]
