"""Receipts (回执): one receipt record per declared record, and the receipt message around them.

:func:`build_receipt` fills the receipt type's fields (schema order) from, in this order:
the three receipt values (``returnStatus``, ``returnInfo``, ``returnTime``), ``extra``,
and the declared record's head where the names match (CEB312 takes ``ebpCode``,
``ebcCode``, ``orderNo`` from the CEB311 ``OrderHead`` …).

Choices (documented here because the spec leaves them open):

* **Receipt ``guid`` = the declared record's ``guid``.** The XSD says the e-port generates
  it; echoing the enterprise's record guid lets senders correlate receipts without
  keeping our ids (customs' own receipt text also names it: ``新增申报成功[guid]``).
  Pass ``extra={"guid": …}`` to use another value.
* **``preNo``** (C18, 电子口岸预录入编号) is ``extra["preNo"]``, or generated from
  ``extra["preNoSerial"]`` as prefix + ``YYYYMMDD`` (of ``return_time``) + 9-digit serial
  (e.g. ``B20230807570793612``; prefix per receipt type from the samples: ``B`` for
  inventories, see :attr:`MessageSpec.pre_no_prefix`), or — when neither is given —
  the declared head's own non-empty ``preNo`` (a modification re-uses its number).
  The serial allocator belongs to the caller (it needs storage).
* ``returnTime`` is written as ``YYYYMMDDhhmmssSSS`` in China time (aware datetimes are
  converted to UTC+8; naive ones are taken as China time).
* ``returnInfo`` is cut to the XSD maximum (1000 characters for most receipts).
* A value copied from the declaration that does not fit the receipt field's length (the
  XSDs differ: CEB625 ``invtNo`` is C..18, CEB626 ``invtNo`` C18) is left out when the
  receipt field is optional; pass the right value in ``extra`` otherwise.
* A mandatory receipt field that cannot be filled raises :class:`ValueError`; for a
  message that cannot be read at all, answer with CEB900 (:func:`format_error_receipt`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone

from cbec.messages.ceb.catalogue import MessageSpec, spec_for
from cbec.messages.ceb.findings import Finding
from cbec.messages.ceb.model import CebMessage, CebRecord
from cbec.messages.ceb.xsd import ElementDecl, layout

__all__ = [
    "DEFAULT_VERSION",
    "accepted_info",
    "accepted_status",
    "build_receipt",
    "format_error_receipt",
    "format_return_time",
    "pre_no",
    "receipt_message",
    "rejected_info",
]

DEFAULT_VERSION = "1.0"
"""Root ``version`` of generated receipts (XSD: 默认1.0)."""

_CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
_PRE_NO_SERIAL_DIGITS = 9
_DEFAULT_PRE_NO_PREFIX = "B"
_ELLIPSIS = "…"
_SEPARATOR = "；"
_STATUS_STORED = "1"  # 电子口岸已暂存 (ceb.md §7.3)
_STATUS_DECLARING = "2"  # 电子口岸申报中
_APP_STATUS_STORE_ONLY = "1"  # appStatus 1 暂存
_APP_TYPE_TEXT = {"1": "新增", "2": "变更", "3": "删除"}
_FORMAT_RECEIPT = "CEB900Message"


def _china_time(value: datetime) -> datetime:
    return value.astimezone(_CHINA) if value.tzinfo is not None else value


def format_return_time(value: datetime) -> str:
    """Format a time as ``returnTime`` (C17 ``YYYYMMDDhhmmssSSS``, China time).

    Args:
        value: the time; aware values are converted to UTC+8, naive ones taken as China time.

    Returns:
        17 digits.

    Examples:
        >>> format_return_time(datetime(2024, 5, 1, 9, 30, 0, 123456))
        '20240501093000123'
    """
    local = _china_time(value)
    return local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}"


def pre_no(prefix: str, day: date, serial: int) -> str:
    """Build an e-port pre-entry number: prefix + ``YYYYMMDD`` + 9-digit serial (C18).

    Args:
        prefix: one letter (``B`` for inventories).
        day: the date part.
        serial: 0 … 999 999 999.

    Returns:
        The 18-character number.

    Raises:
        ValueError: serial out of range or prefix not one character.

    Examples:
        >>> pre_no("B", date(2023, 8, 7), 570793612)
        'B20230807570793612'
    """
    if len(prefix) != 1:
        raise ValueError("the preNo prefix is one character")
    if not 0 <= serial < 10**_PRE_NO_SERIAL_DIGITS:
        raise ValueError(f"preNo serial must have at most {_PRE_NO_SERIAL_DIGITS} digits")
    return f"{prefix}{day:%Y%m%d}{serial:0{_PRE_NO_SERIAL_DIGITS}d}"


def _receipt_spec(spec_or_type: MessageSpec | str) -> tuple[MessageSpec, MessageSpec | None]:
    spec = spec_for(spec_or_type) if isinstance(spec_or_type, str) else spec_or_type
    if spec is None:
        raise ValueError(f"unknown CEB message type {spec_or_type!r}")
    if spec.kind == "receipt":
        return spec, spec_for(spec.answers) if spec.answers else None
    if spec.receipt_type is None:
        raise ValueError(f"{spec.name} has no receipt type")
    receipt = spec_for(spec.receipt_type)
    assert receipt is not None
    return receipt, spec


def _fields(message_type: str) -> ElementDecl:
    lay = layout(message_type)
    if lay is None:
        raise ValueError(f"unknown CEB message type {message_type!r}")
    return lay.fields


def _fit(value: str, decl: ElementDecl) -> str:
    limit = decl.simple_type.max_length if decl.simple_type is not None else None
    if limit is None or len(value) <= limit:
        return value
    return value[: limit - len(_ELLIPSIS)] + _ELLIPSIS


def build_receipt(
    spec_or_type: MessageSpec | str,
    record: CebRecord,
    return_status: str,
    return_info: str,
    return_time: datetime,
    extra: Mapping[str, str | int] | None = None,
) -> dict[str, str]:
    """Build one receipt record answering a declared record.

    Args:
        spec_or_type: the declaration (``"CEB311Message"`` or its spec) or directly its
            receipt type (``"CEB312Message"``).
        record: the declared record.
        return_status: ``returnStatus`` (``"2"``, ``"120"``, ``"-301010"`` …).
        return_info: ``returnInfo`` (Chinese text; cut to the XSD maximum).
        return_time: ``returnTime``.
        extra: values for receipt fields the declaration does not carry (``preNo``,
            ``invtNo``, ``copNo`` …) or overriding it; ``preNoSerial`` (int) generates ``preNo``.

    Returns:
        The receipt record's fields in schema order (exact strings).

    Raises:
        ValueError: unknown type, or a mandatory receipt field has no value.
    """
    receipt, _ = _receipt_spec(spec_or_type)
    fields = _fields(receipt.name)
    given = dict(extra or {})
    serial = given.pop("preNoSerial", None)
    values: dict[str, str] = {
        "returnStatus": return_status,
        "returnInfo": return_info,
        "returnTime": format_return_time(return_time),
    }
    out: dict[str, str] = {}
    missing: list[str] = []
    for decl in fields.children:
        name = decl.name
        value: str | None
        if name in values:
            value = values[name]
        elif name in given:
            value = str(given[name])
        elif name == "guid":
            value = record.guid
        elif name == "preNo" and serial is not None:
            prefix = receipt.pre_no_prefix or _DEFAULT_PRE_NO_PREFIX
            value = pre_no(prefix, _china_time(return_time).date(), int(serial))
        else:
            value = record.head.get(name)
            if value and not _fits_length(value, decl):
                # e.g. CEB625 invtNo is C..18 but CEB626 invtNo is C18: a value the declaration
                # allows may not fit the receipt. Optional fields are left out, mandatory ones raise.
                value = None
        if value:
            out[name] = _fit(value, decl)
        elif decl.min_occurs >= 1:
            missing.append(name)
    if missing:
        raise ValueError(f"{receipt.name}: no value (that fits) for mandatory field(s) {', '.join(missing)}")
    return out


def _fits_length(value: str, decl: ElementDecl) -> bool:
    st = decl.simple_type
    if st is None:
        return True
    size = len(value)
    if st.length is not None and size != st.length:
        return False
    if st.min_length is not None and size < st.min_length:
        return False
    return st.max_length is None or size <= st.max_length


def format_error_receipt(
    ori_message_type: str,
    ori_cop_msg_id: str,
    ori_biz_message: str,
    return_status: str,
    return_info: str,
    return_time: datetime,
    guid: str,
) -> dict[str, str]:
    """Build the CEB900 报文格式校验回执 record for a message that could not be read.

    Args:
        ori_message_type: the original message type, ``"Unknown"`` when not known.
        ori_cop_msg_id: the original transmission's CopMsgId.
        ori_biz_message: the original message content (text).
        return_status: a negative status.
        return_info: the reason (Chinese).
        return_time: ``returnTime``.
        guid: the record guid (36 characters).

    Returns:
        The ``MessageReturn`` fields in schema order.
    """
    fields = _fields(_FORMAT_RECEIPT)
    values = {
        "guid": guid,
        "returnStatus": return_status,
        "returnInfo": return_info,
        "returnTime": format_return_time(return_time),
        "oriCopMsgId": ori_cop_msg_id,
        "oriMessageType": ori_message_type,
        "oriBizMessage": ori_biz_message,
    }
    return {decl.name: _fit(values[decl.name], decl) for decl in fields.children if decl.name in values}


def receipt_message(
    receipt_type: str,
    records: Sequence[Mapping[str, str]],
    guid: str,
    *,
    version: str = DEFAULT_VERSION,
) -> CebMessage:
    """Wrap receipt records in a receipt message (render with ``build_xml`` or ``to_json``).

    Args:
        receipt_type: e.g. ``"CEB312Message"`` (or ``"CEB900Message"``).
        records: receipt records from :func:`build_receipt` (1-100).
        guid: the message guid (36 characters).
        version: root ``version``.

    Returns:
        The receipt message.

    Raises:
        ValueError: unknown type.
    """
    lay = layout(receipt_type)
    if lay is None:
        raise ValueError(f"unknown CEB message type {receipt_type!r}")
    return CebMessage(
        message_type=receipt_type,
        guid=guid,
        version=version,
        records=[
            CebRecord(index, lay.record.name, fields.get("guid"), dict(fields), {})
            for index, fields in enumerate(records)
        ],
    )


def accepted_status(record: CebRecord) -> str:
    """``returnStatus`` for an accepted record: 1 (电子口岸已暂存) for appStatus 1, else 2 (申报中).

    Args:
        record: the declared record.

    Returns:
        ``"1"`` or ``"2"``.
    """
    return _STATUS_STORED if record.app_status == _APP_STATUS_STORE_ONLY else _STATUS_DECLARING


def accepted_info(record: CebRecord) -> str:
    """``returnInfo`` for an accepted record, as the e-port words it (``新增申报成功[guid]``).

    Args:
        record: the declared record.

    Returns:
        ``暂存成功[guid]`` for appStatus 1, else ``新增/变更/删除申报成功[guid]``.
    """
    guid = record.guid or ""
    if record.app_status == _APP_STATUS_STORE_ONLY:
        return f"暂存成功[{guid}]"
    return f"{_APP_TYPE_TEXT.get(record.app_type or '1', '新增')}申报成功[{guid}]"


def rejected_info(findings: Iterable[Finding]) -> str:
    """``returnInfo`` for a rejected record: the findings' Chinese texts joined by ``；``.

    Args:
        findings: the record's findings.

    Returns:
        The text (``build_receipt`` cuts it to the XSD maximum).
    """
    return _SEPARATOR.join(
        f"[{f.code}]{f.path}：{f.message_zh}" if f.path else f"[{f.code}]{f.message_zh}" for f in findings
    )
