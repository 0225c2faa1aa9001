"""CEB XML in and out: business messages, receipts and the DxpMsg envelope.

* :func:`parse` reads a ``CEBxxxMessage`` (any prefix, or the default namespace as
  customs receipts use), or a ``dxp:DxpMsg`` / ``dxp:DxpMsgSv`` envelope whose Base64
  ``Data`` carries one (the ``CopMsgId`` is kept). Untrusted bytes go through
  :func:`cbec.messages.ceb.safe.parse_document` (no DTD, size cap, UTF-8).
* :func:`build` writes a message as UTF-8 XML in schema order. Declarations get the
  ``ceb:`` prefix (as the official samples), receipts the default namespace (as customs
  sends them). The signature is re-inserted verbatim where the XSD puts it: import
  schema ``BaseTransfer, BaseSubscribe*, ExtendMessage?, Signature?``; export schema
  ``BaseTransfer, BaseSubscribe*, Signature?, ExtendMessage?``.
  Note: the output is not byte-identical to what was parsed (whitespace, prefixes), so a
  signature must be verified on the received bytes, never on a rebuilt document.
* :func:`build_dxp` wraps message bytes (Base64, unchanged) in a ``DxpMsg`` envelope.

Round trip: ``parse(build(parse(x))) == parse(x)`` for every XSD-valid message.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from lxml import etree

from cbec.messages.ceb.errors import CebFormatError
from cbec.messages.ceb.findings import Finding, FindingCode, finding
from cbec.messages.ceb.model import CebMessage
from cbec.messages.ceb.safe import DEFAULT_MAX_BYTES, parse_document
from cbec.messages.ceb.tree import (
    BASE_TRANSFER,
    EXTEND_MESSAGE_TAG,
    SIGNATURE_TAG,
    element_from_json,
    message_from_element,
    model_json_shape,
    unsupported,
)
from cbec.messages.ceb.xsd import CEB_NS, DXP_NS, dxp_schema, layout

__all__ = ["CHINA_TIME", "XML_DECLARATION", "build", "build_dxp", "build_tree", "parse"]

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
"""The declaration written before every document."""

CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")
"""UTC+8 (China Standard Time, no daylight saving): the time zone of CEB timestamps."""

_DXP = f"{{{DXP_NS}}}"
_DXP_MSG = _DXP + "DxpMsg"
_DXP_MSG_SV = _DXP + "DxpMsgSv"
_DXP_VERSION = "1.0"
_MAX_RECEIVERS = 5


def parse(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> CebMessage:
    """Parse a CEB XML message, or a DxpMsg/DxpMsgSv envelope carrying one.

    Args:
        data: the raw bytes (UTF-8, optional BOM).
        max_bytes: size cap for the document and, for envelopes, for the decoded ``Data``.

    Returns:
        The message (``cop_msg_id`` set when it came in an envelope).

    Raises:
        CebTooLargeError: the document (or the decoded payload) exceeds ``max_bytes``.
        CebUnsafeXmlError: a DOCTYPE/DTD/entity declaration is present.
        CebUnsupportedMessageError: the root is not a known CEB message or envelope.
        CebFormatError: malformed XML or an invalid envelope.
    """
    root = parse_document(data, max_bytes=max_bytes)
    tag = root.tag
    if tag in (_DXP_MSG, _DXP_MSG_SV):
        return _unwrap(root, max_bytes)
    return message_from_element(root)


def _errors(schema: etree.XMLSchema) -> list[etree._LogEntry]:
    entries: list[etree._LogEntry] = list(schema.error_log)  # type: ignore[call-overload]  # lxml-stubs
    return entries


def _dxp_failure(findings: list[Finding]) -> CebFormatError:
    return CebFormatError(findings)


def _unwrap(envelope: etree._Element, max_bytes: int) -> CebMessage:
    schema = dxp_schema()
    if not schema.validate(envelope):
        raise _dxp_failure(
            [
                finding(
                    FindingCode.DXP_INVALID,
                    None,
                    "",
                    f"第{error.line}行：{error.message}",
                    f"line {error.line}: {error.message}",
                )
                for error in _errors(schema)
            ]
        )
    dxp = envelope if envelope.tag == _DXP_MSG else envelope.find(_DXP_MSG)
    assert dxp is not None  # guaranteed by the schema
    cop_msg_id = dxp.findtext(f"{_DXP}TransInfo/{_DXP}CopMsgId")
    text = dxp.findtext(_DXP + "Data") or ""
    try:
        inner = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise _dxp_failure(
            [
                finding(
                    FindingCode.DXP_INVALID, None, "Data", "Data不是有效的Base64", "Data is not valid Base64"
                )
            ]
        ) from None
    return message_from_element(parse_document(inner, max_bytes=max_bytes), cop_msg_id=cop_msg_id)


def build_tree(message: CebMessage, *, prefix: str | None = None) -> etree._Element:
    """Build the lxml tree of a message (schema order, signature re-inserted verbatim).

    Args:
        message: the message.
        prefix: namespace prefix; None chooses ``ceb`` for declarations (messages with a
            ``BaseTransfer``) and the default namespace for receipts and customs messages.

    Returns:
        The root element.
    """
    if prefix is None:
        lay = layout(message.message_type)
        declares = lay is not None and lay.trailer_decl(BASE_TRANSFER) is not None
        prefix = "ceb" if declares else ""
    return element_from_json(model_json_shape(message, raw_opaque=True), prefix=prefix or None)


def build(message: CebMessage, *, prefix: str | None = None, pretty: bool = False) -> bytes:
    """Serialise a message as UTF-8 XML with an XML declaration.

    Args:
        message: the message.
        prefix: namespace prefix (see :func:`build_tree`); ``""`` forces the default namespace.
        pretty: indent the output (never for documents that will be signed afterwards
            by a tool that is sensitive to whitespace).

    Returns:
        The XML bytes.
    """
    root = build_tree(message, prefix=prefix)
    if pretty:
        _indent_outside_opaque(root)
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8")


def _indent_outside_opaque(root: etree._Element) -> None:
    """Indent the document but leave ``ds:Signature`` / ``ExtendMessage`` byte-for-byte as they are.

    Whitespace inside ``SignedInfo`` is signed content; re-indenting it would break a signature.
    """
    opaque_tags = {SIGNATURE_TAG, EXTEND_MESSAGE_TAG}
    kept = [(index, child) for index, child in enumerate(root) if child.tag in opaque_tags]
    for _, child in kept:
        root.remove(child)
    etree.indent(root)
    for index, child in kept:
        root.insert(index, child)
        previous = child.getprevious()
        if previous is not None:
            previous.tail = "\n  "
        child.tail = "\n  " if child.getnext() is not None else "\n"


def _china_time(value: datetime) -> datetime:
    return value.astimezone(CHINA_TIME) if value.tzinfo is not None else value


def build_dxp(
    msg_bytes: bytes,
    sender_id: str,
    receiver_id: str | Sequence[str],
    cop_msg_id: str,
    *,
    created: datetime | None = None,
    msg_type: str | None = None,
    file_name: str | None = None,
) -> bytes:
    """Wrap message bytes in a ``dxp:DxpMsg`` terminal-node envelope (ceb.md §6.1).

    ``Data`` is the Base64 of ``msg_bytes`` exactly as given (signed bytes stay intact).

    Args:
        msg_bytes: the (signed) business message or receipt.
        sender_id: sender DXP id (``TransInfo/SenderId``, = ``BaseTransfer/dxpId``).
        receiver_id: receiver DXP id(s), 1-5 (customs: import ``DXPEDCCEB0000002``,
            export ``DXPEDCCEB0000003``).
        cop_msg_id: the sender's unique message id (``CopMsgId``).
        created: ``CreatTime``; aware datetimes are converted to China time; default now.
        msg_type: ``MsgType``; default the root element name of ``msg_bytes``.
        file_name: optional ``AddInfo/FileName``.

    Returns:
        The envelope as UTF-8 XML bytes.

    Raises:
        ValueError: no receiver, or more than five.
        CebFormatError: ``msg_type`` not given and ``msg_bytes`` is not a CEB message.
    """
    receivers = [receiver_id] if isinstance(receiver_id, str) else list(receiver_id)
    if not 1 <= len(receivers) <= _MAX_RECEIVERS:
        raise ValueError(f"a DxpMsg names 1 to {_MAX_RECEIVERS} receivers, got {len(receivers)}")
    if msg_type is None:
        root_tag = parse_document(msg_bytes, max_bytes=max(len(msg_bytes), 1)).tag
        ceb = f"{{{CEB_NS}}}"
        if not (isinstance(root_tag, str) and root_tag.startswith(ceb) and layout(root_tag[len(ceb) :])):
            raise unsupported(str(root_tag))
        msg_type = root_tag[len(ceb) :]
    when = _china_time(created if created is not None else datetime.now(CHINA_TIME))
    envelope = etree.Element(_DXP_MSG, nsmap={"dxp": DXP_NS})
    envelope.set("ver", _DXP_VERSION)
    trans_info = etree.SubElement(envelope, _DXP + "TransInfo")
    etree.SubElement(trans_info, _DXP + "CopMsgId").text = cop_msg_id
    etree.SubElement(trans_info, _DXP + "SenderId").text = sender_id
    receiver_ids = etree.SubElement(trans_info, _DXP + "ReceiverIds")
    for receiver in receivers:
        etree.SubElement(receiver_ids, _DXP + "ReceiverId").text = receiver
    etree.SubElement(trans_info, _DXP + "CreatTime").text = when.strftime("%Y-%m-%dT%H:%M:%S")
    etree.SubElement(trans_info, _DXP + "MsgType").text = msg_type
    etree.SubElement(envelope, _DXP + "Data").text = base64.b64encode(msg_bytes).decode("ascii")
    if file_name is not None:
        add_info = etree.SubElement(envelope, _DXP + "AddInfo")
        etree.SubElement(add_info, _DXP + "FileName").text = file_name
    return XML_DECLARATION + etree.tostring(envelope, encoding="UTF-8")
