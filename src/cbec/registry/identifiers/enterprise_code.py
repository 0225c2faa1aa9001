"""Enterprise code in CEB messages: a customs code (10) or a USCC (18).

CEB fields that name an enterprise (``ebpCode``, ``ebcCode``, ``payCode``,
``logisticsCode``, ``agentCode``, ``copCode`` …, type C..18) accept either the
10-character customs registration code (海关注册登记编码, see
:mod:`cbec.registry.identifiers.customs_code`) or the 18-character unified
social credit code (统一社会信用代码, see :mod:`cbec.registry.identifiers.uscc`)
(ceb.md §2 "Company codes"; the XSD annotations say "10位海关代码或者18位信用代码").
The length decides which rule applies.

>>> kind('1105910159')
'customs'
>>> kind('91110000600037341L')
'uscc'
>>> validate('91110000600037341l')
'91110000600037341L'
>>> is_valid('ass201603081155')
False
"""

from __future__ import annotations

from typing import Literal

from stdnum.exceptions import InvalidLength, ValidationError

from cbec.registry.identifiers import customs_code, uscc

__all__ = ["EnterpriseCodeKind", "compact", "format_number", "is_valid", "kind", "mask", "validate"]

EnterpriseCodeKind = Literal["uscc", "customs"]
"""Which identifier an enterprise code is."""


def compact(number: str) -> str:
    """Return the code without separators, upper-cased.

    Args:
        number: the code as typed.

    Returns:
        The compact form.
    """
    return uscc.compact(number)


def kind(number: str) -> EnterpriseCodeKind:
    """Tell which identifier the code is, by its length.

    Args:
        number: the code.

    Returns:
        ``"uscc"`` for 18 characters, ``"customs"`` for 10.

    Raises:
        InvalidLength: any other length.
    """
    length = len(compact(number))
    if length == uscc.LENGTH:
        return "uscc"
    if length == customs_code.LENGTH:
        return "customs"
    raise InvalidLength()


def validate(number: str) -> str:
    """Check an enterprise code with the rule its length selects.

    Args:
        number: the code.

    Returns:
        The compact form.

    Raises:
        InvalidLength: neither 10 nor 18 characters.
        InvalidFormat: characters not allowed by the selected rule.
        InvalidChecksum: a USCC whose check character does not match.
    """
    if kind(number) == "uscc":
        return uscc.validate(number)
    return customs_code.validate(number)


def is_valid(number: str) -> bool:
    """Return whether the code is a valid customs code or USCC.

    Args:
        number: the code.

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
        number: the code.

    Returns:
        The compact form.
    """
    return compact(number)


def mask(number: str) -> str:
    """Return a display form with the middle hidden.

    Args:
        number: the code.

    Returns:
        The masked form (first 4 and last 4 characters kept).
    """
    return uscc.mask(number)
