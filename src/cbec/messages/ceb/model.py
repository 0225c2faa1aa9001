"""The message model: plain dicts of exact strings, one shape for every CEB message type.

A :class:`CebMessage` holds the root attributes, the business records and the
trailer blocks of one ``CEBxxxMessage``. Each :class:`CebRecord` keeps the leaf
fields of its head element (``OrderHead``; or of the record element itself when
there is no head wrapper, e.g. CEB513 ``LogisticsStatus`` and all receipts) in
``head``, and its list lines (``OrderList`` …) in ``lists``.

The dicts are the canonical store: values are **exactly the strings sent**
(decimals stay strings such as ``"19050"`` or ``"200.50"``; an empty element is
``""``; an absent optional element is an absent key). Typed accessors are
conveniences on top.

Equality ignores where the message came from (``source``): a message parsed
from XML and the same message parsed from its JSON form compare equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

__all__ = ["CebMessage", "CebRecord"]


@dataclass(frozen=True, slots=True)
class CebRecord:
    """One business record (e.g. one ``Order`` of a CEB311) or one receipt record.

    Attributes:
        index: 0-based position among the message's records.
        element: the record element name (``Order``, ``LogisticsStatus``, ``OrderReturn`` …).
        guid: the record's own ``guid`` field (企业系统生成的36位唯一序号), None when absent.
        head: leaf fields of the head element, exact strings.
        lists: list lines per list element name (``{"OrderList": [{…}, …]}``); every list
            element of the message type has a key, empty when no line was sent.
    """

    index: int
    element: str
    guid: str | None
    head: dict[str, str]
    lists: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def get(self, name: str, default: str | None = None) -> str | None:
        """Return a head field's exact string, or ``default`` when absent.

        Args:
            name: field name, e.g. ``"orderNo"``.
            default: value when the field is absent.

        Returns:
            The exact string or the default.
        """
        return self.head.get(name, default)

    def key(self, fields: tuple[str, ...]) -> tuple[str | None, ...]:
        """Return the values of several head fields (e.g. a business key).

        Args:
            fields: field names.

        Returns:
            Their values (None where absent), in the same order.
        """
        return tuple(self.head.get(name) for name in fields)

    @property
    def app_type(self) -> str | None:
        """``appType`` (1 新增, 2 变更, 3 删除), when the record has one."""
        return self.head.get("appType")

    @property
    def app_status(self) -> str | None:
        """``appStatus`` (1 暂存, 2 申报), when the record has one."""
        return self.head.get("appStatus")

    @property
    def line_count(self) -> int:
        """Total number of list lines of the record."""
        return sum(len(lines) for lines in self.lists.values())


@dataclass(frozen=True, slots=True)
class CebMessage:
    """One CEB business message or receipt.

    Attributes:
        message_type: root element name, e.g. ``"CEB311Message"``.
        guid: root ``guid`` attribute (报文的36位系统唯一序号), None when absent.
        version: root ``version`` attribute, None when absent.
        records: the business records, in document order.
        base_transfer: ``BaseTransfer`` leaf fields (declarations), None when absent.
        base_subscribe: ``BaseSubscribe`` blocks (0..5).
        signature: the ``ds:Signature`` element as raw XML bytes, None when unsigned. It is
            the received element serialised by lxml, content untouched (whitespace included),
            carrying the namespace declarations in scope where it stood (e.g. ``xmlns:ceb``), so
            its ``SignedInfo`` canonicalises (inclusive C14N) exactly as inside the document.
            Re-inserted as is by the XML builder; travels in JSON as Base64.
        extend_message: the ``ExtendMessage`` element as raw XML bytes, None when absent.
        cop_msg_id: ``TransInfo/CopMsgId`` of the DxpMsg envelope it arrived in, if any.
        source: the parsed tree this message was read from (XML, or XML built from JSON);
            used to validate exactly what was received. Not part of equality.
    """

    message_type: str
    guid: str | None
    version: str | None
    records: list[CebRecord]
    base_transfer: dict[str, str] | None = None
    base_subscribe: list[dict[str, str]] = field(default_factory=list)
    signature: bytes | None = None
    extend_message: bytes | None = None
    cop_msg_id: str | None = None
    source: etree._Element | None = field(default=None, compare=False, repr=False)

    @property
    def cop_code(self) -> str | None:
        """``BaseTransfer/copCode``: the enterprise that transmitted the message."""
        return None if self.base_transfer is None else self.base_transfer.get("copCode")

    @property
    def is_signed(self) -> bool:
        """Whether a ``ds:Signature`` is present."""
        return self.signature is not None

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form (see :mod:`cbec.messages.ceb.json_codec`).

        Returns:
            ``{"CEB311Message": {"guid": …, "version": …, "Order": [...], …}}``.
        """
        from cbec.messages.ceb.json_codec import to_json

        return to_json(self)
