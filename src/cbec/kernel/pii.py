"""Masking of personal data (ID numbers, phones, names) for logs, API output and UIs.

Which CEB fields are personal data is listed once, here: the ingest encrypts them at rest and the
API masks them for parties that do not need them.
"""

from __future__ import annotations

#: CEB head fields that carry a buyer's, payer's or consignee's personal data.
PERSONAL_FIELDS: dict[str, str] = {
    "buyerIdNumber": "id_number",
    "payerIdNumber": "id_number",
    "buyerTelephone": "phone",
    "consigneeTelephone": "phone",
    "telephone": "phone",
    "buyerName": "name",
    "payerName": "name",
    "consignee": "name",
    "consigneeAddress": "address",
}


def mask_id_number(value: str) -> str:
    """Keep the first 3 and last 4 characters.

    >>> mask_id_number("110101199003074514")
    '110***********4514'
    """
    if len(value) <= 7:  # noqa: PLR2004 - too short to show anything
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """Keep the first 3 and last 4 digits.

    >>> mask_phone("13800138000")
    '138****8000'
    """
    return mask_id_number(value)


def mask_name(value: str) -> str:
    """Keep the first character.

    >>> mask_name("张三丰")
    '张**'
    """
    return value[:1] + "*" * (len(value) - 1) if value else value


def mask_address(value: str) -> str:
    """Keep the first six characters.

    >>> mask_address("浙江省杭州市西湖区文三路1号")
    '浙江省杭州市********'
    """
    return value[:6] + "*" * max(len(value) - 6, 0)


_MASKERS = {"id_number": mask_id_number, "phone": mask_phone, "name": mask_name, "address": mask_address}


def mask_field(field: str, value: str) -> str:
    """Mask ``value`` if ``field`` is a personal-data field, else return it unchanged."""
    kind = PERSONAL_FIELDS.get(field)
    return _MASKERS[kind](value) if kind else value
