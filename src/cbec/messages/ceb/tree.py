"""Between lxml trees and the model: the walker (tree → model) and the builder (JSON shape → tree).

The **walker** reads a ``CEBxxxMessage`` element into a :class:`CebMessage` in
one pass over the tree, matching children by namespace-qualified tag (never by
prefix), so ``ceb:``-prefixed declarations and default-namespace receipts read
the same. Elements the XSD does not declare at a place are skipped here; the
XSD validation of the retained source tree reports them.

The **builder** turns the JSON form (see :mod:`cbec.messages.ceb.json_codec`)
into an lxml tree in schema order. Keys the XSD does not know are still built
(appended after the known children) so that XSD validation of the built tree
reports them exactly as it would for XML: JSON input gets the same checks.
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from cbec.messages.ceb.errors import CebFormatError, CebUnsupportedMessageError
from cbec.messages.ceb.findings import FindingCode, finding
from cbec.messages.ceb.model import CebMessage, CebRecord
from cbec.messages.ceb.safe import DEFAULT_MAX_BYTES, parse_document
from cbec.messages.ceb.xsd import CEB_NS, DS_NS, ElementDecl, MessageLayout, layout

__all__ = [
    "BASE_SUBSCRIBE",
    "BASE_TRANSFER",
    "EXTEND_MESSAGE",
    "EXTEND_MESSAGE_TAG",
    "SIGNATURE",
    "SIGNATURE_TAG",
    "element_from_json",
    "message_from_element",
    "unsupported",
]

_CEB = f"{{{CEB_NS}}}"
_CEB_LEN = len(_CEB)
BASE_TRANSFER = "BaseTransfer"
BASE_SUBSCRIBE = "BaseSubscribe"
EXTEND_MESSAGE = "ExtendMessage"
SIGNATURE = "Signature"
_BT_TAG = _CEB + BASE_TRANSFER
_BS_TAG = _CEB + BASE_SUBSCRIBE
EXTEND_MESSAGE_TAG = _CEB + EXTEND_MESSAGE
SIGNATURE_TAG = f"{{{DS_NS}}}{SIGNATURE}"


def unsupported(root_name: str, guid: str | None = None) -> CebUnsupportedMessageError:
    """Build the error for an unknown root element.

    Args:
        root_name: the root element as found (Clark notation or plain name).
        guid: the root guid attribute, if any.

    Returns:
        The error (to be raised by the caller).
    """
    name = root_name.replace(_CEB, "ceb:")
    return CebUnsupportedMessageError(
        [
            finding(
                FindingCode.UNSUPPORTED_MESSAGE,
                None,
                name,
                f"根元素{name}不是已知的CEB报文类型",
                f"root element {name} is not a known CEB message type",
            )
        ],
        guid=guid,
    )


# --------------------------------------------------------------------------- walker


@dataclass(frozen=True, slots=True)
class _Plan:
    """Pre-computed tags for walking one message type."""

    record_tag: str
    record_name: str
    head_tag: str | None
    list_tags: Mapping[str, str]  # tag → list element name
    list_names: tuple[str, ...]


@functools.cache
def _plan(message_type: str) -> _Plan | None:
    lay = layout(message_type)
    if lay is None:
        return None
    return _Plan(
        record_tag=lay.record.tag,
        record_name=lay.record.name,
        head_tag=None if lay.head is None else lay.head.tag,
        list_tags={decl.tag: decl.name for decl in lay.lists},
        list_names=lay.list_names,
    )


def _leaves(element: etree._Element) -> dict[str, str]:
    """Leaf fields of an element: ``{local name: exact text}`` (first occurrence wins)."""
    out: dict[str, str] = {}
    for child in element:
        tag = child.tag
        if tag.__class__ is str and tag.startswith(_CEB):
            name = tag[_CEB_LEN:]
            if name not in out:
                out[name] = child.text or ""
    return out


def _record(element: etree._Element, index: int, plan: _Plan) -> CebRecord:
    if plan.head_tag is None:
        head = _leaves(element)
        return CebRecord(index, plan.record_name, head.get("guid"), head, {})
    found: dict[str, str] | None = None
    lists: dict[str, list[dict[str, str]]] = {name: [] for name in plan.list_names}
    list_tags = plan.list_tags
    for child in element:
        tag = child.tag
        if tag == plan.head_tag:
            if found is None:
                found = _leaves(child)
        else:
            name = list_tags.get(tag)
            if name is not None:
                lists[name].append(_leaves(child))
    head = {} if found is None else found
    return CebRecord(index, plan.record_name, head.get("guid"), head, lists)


def message_from_element(root: etree._Element, *, cop_msg_id: str | None = None) -> CebMessage:
    """Read a ``CEBxxxMessage`` element into the model.

    Args:
        root: the message root element (any prefix or the default namespace).
        cop_msg_id: the DxpMsg ``CopMsgId`` when the message came in an envelope.

    Returns:
        The message; ``source`` is ``root``.

    Raises:
        CebUnsupportedMessageError: the root is not a known CEB message type.
    """
    tag = root.tag
    if not (isinstance(tag, str) and tag.startswith(_CEB)):
        raise unsupported(str(tag), root.get("guid"))
    message_type = tag[_CEB_LEN:]
    plan = _plan(message_type)
    if plan is None:
        raise unsupported(tag, root.get("guid"))
    records: list[CebRecord] = []
    base_transfer: dict[str, str] | None = None
    base_subscribe: list[dict[str, str]] = []
    signature: bytes | None = None
    extend_message: bytes | None = None
    record_tag = plan.record_tag
    for child in root:
        child_tag = child.tag
        if child_tag == record_tag:
            records.append(_record(child, len(records), plan))
        elif child_tag == _BT_TAG:
            if base_transfer is None:
                base_transfer = _leaves(child)
        elif child_tag == _BS_TAG:
            base_subscribe.append(_leaves(child))
        elif child_tag == SIGNATURE_TAG:
            if signature is None:
                signature = etree.tostring(child, with_tail=False)
        elif child_tag == EXTEND_MESSAGE_TAG and extend_message is None:
            extend_message = etree.tostring(child, with_tail=False)
    return CebMessage(
        message_type=message_type,
        guid=root.get("guid"),
        version=root.get("version"),
        records=records,
        base_transfer=base_transfer,
        base_subscribe=base_subscribe,
        signature=signature,
        extend_message=extend_message,
        cop_msg_id=cop_msg_id,
        source=root,
    )


# --------------------------------------------------------------------------- builder


def _malformed(path: str, detail_zh: str, detail_en: str, message_type: str | None = None) -> CebFormatError:
    return CebFormatError(
        [finding(FindingCode.JSON_MALFORMED, None, path, detail_zh, detail_en)], message_type=message_type
    )


class _Builder:
    """Builds one message tree from its JSON shape."""

    def __init__(self, lay: MessageLayout, max_bytes: int) -> None:
        self.layout = lay
        self.max_bytes = max_bytes
        self.message_type = lay.message_type

    def fail(self, path: str, detail_zh: str, detail_en: str) -> CebFormatError:
        return _malformed(path, detail_zh, detail_en, self.message_type)

    def fill(
        self,
        parent: etree._Element,
        decl: ElementDecl,
        obj: Mapping[str, Any],
        path: str,
        skip: frozenset[str],
    ) -> None:
        known: set[str] = set()
        for child_decl in decl.children:
            name = child_decl.name
            if name not in obj:
                continue
            known.add(name)
            value = obj[name]
            child_path = f"{path}/{name}" if path else name
            if isinstance(value, list):
                for i, item in enumerate(value):
                    self.make(parent, child_decl, item, f"{child_path}[{i}]")
            elif child_decl.repeated:
                raise self.fail(child_path, "重复元素必须是数组", "a repeated element must be an array")
            else:
                self.make(parent, child_decl, value, child_path)
        for name, value in obj.items():
            if name in known or name in skip:
                continue
            self.make_unknown(parent, name, value, f"{path}/{name}" if path else name)

    def make(self, parent: etree._Element, decl: ElementDecl, value: Any, path: str) -> None:
        if decl.opaque:
            parent.append(self.opaque(value, path))
        elif decl.is_leaf:
            if not isinstance(value, str):
                raise self.fail(path, "字段值必须是字符串", "a field value must be a string")
            self.text(self.sub(parent, decl.tag, path), value, path)
        elif isinstance(value, Mapping):
            element = self.sub(parent, decl.tag, path)
            self.fill(element, decl, value, path, frozenset())
        else:
            raise self.fail(path, "必须是JSON对象", "must be a JSON object")

    def make_unknown(self, parent: etree._Element, name: str, value: Any, path: str) -> None:
        if isinstance(value, list):
            for i, item in enumerate(value):
                self.make_unknown(parent, name, item, f"{path}[{i}]")
        elif isinstance(value, str):
            self.text(self.sub(parent, _CEB + name, path), value, path)
        elif isinstance(value, Mapping):
            element = self.sub(parent, _CEB + name, path)
            for key, item in value.items():
                self.make_unknown(element, key, item, f"{path}/{key}")
        else:
            raise self.fail(
                path, "字段值必须是字符串、对象或数组", "a value must be a string, an object or an array"
            )

    def sub(self, parent: etree._Element, tag: str, path: str) -> etree._Element:
        try:
            return etree.SubElement(parent, tag)
        except ValueError as exc:
            raise self.fail(path, f"非法元素名：{exc}", f"invalid element name: {exc}") from None

    def text(self, element: etree._Element, value: str, path: str) -> None:
        try:
            element.text = value
        except ValueError as exc:
            raise self.fail(path, f"XML不允许的字符：{exc}", f"characters XML cannot carry: {exc}") from None

    def opaque(self, value: Any, path: str) -> etree._Element:
        if isinstance(value, bytes):
            raw = value
        elif isinstance(value, str):
            try:
                raw = base64.b64decode("".join(value.split()), validate=True)
            except (binascii.Error, ValueError):
                raise self.fail(path, "必须是Base64编码的XML", "must be Base64-encoded XML") from None
        else:
            raise self.fail(path, "必须是Base64编码的XML", "must be Base64-encoded XML")
        try:
            return parse_document(raw, max_bytes=self.max_bytes)
        except CebFormatError as exc:
            if type(exc) is not CebFormatError:
                raise
            raise self.fail(
                path, "Base64内容不是格式正确的XML", "the Base64 content is not well-formed XML"
            ) from None


def element_from_json(
    obj: Any,
    *,
    prefix: str | None = "ceb",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> etree._Element:
    """Build the XML tree of a message from its JSON form, in schema order.

    Args:
        obj: ``{"CEB311Message": {...}}``. ``Signature`` / ``ExtendMessage`` may be Base64
            strings (the JSON form) or raw XML bytes.
        prefix: namespace prefix for CEB elements (None = default namespace).
        max_bytes: size cap for the embedded raw XML blocks.

    Returns:
        The root element.

    Raises:
        CebFormatError: the object does not have the JSON form's shape (``CEB_JSON_MALFORMED``).
        CebUnsupportedMessageError: the top-level key is not a known message type.
        CebUnsafeXmlError: an embedded XML block declares a DTD.
    """
    if not isinstance(obj, Mapping) or len(obj) != 1:
        raise _malformed(
            "", "顶层必须是只有一个键（报文类型）的对象", "the top level must be an object with one key"
        )
    ((message_type, body),) = obj.items()
    lay = layout(str(message_type))
    if lay is None:
        raise unsupported(str(message_type))
    if not isinstance(body, Mapping):
        raise _malformed(message_type, "必须是JSON对象", "must be a JSON object", message_type)
    builder = _Builder(lay, max_bytes)
    nsmap: dict[str | None, str] = {prefix or None: CEB_NS}
    root = etree.Element(lay.root.tag, nsmap=nsmap)  # type: ignore[arg-type]  # lxml-stubs: no None key
    attribute_names = frozenset(attr.name for attr in lay.root.attributes)
    for attr in lay.root.attributes:
        if attr.name in body:
            value = body[attr.name]
            if not isinstance(value, str):
                raise builder.fail(attr.name, "属性值必须是字符串", "an attribute must be a string")
            try:
                root.set(attr.name, value)
            except ValueError as exc:
                raise builder.fail(attr.name, str(exc), str(exc)) from None
    builder.fill(root, lay.root, body, "", attribute_names)
    return root


def model_json_shape(message: CebMessage, *, raw_opaque: bool) -> dict[str, Any]:
    """Return the JSON shape of a message (shared by ``to_json`` and the XML builder).

    Args:
        message: the message.
        raw_opaque: keep ``Signature`` / ``ExtendMessage`` as raw bytes instead of Base64 text.

    Returns:
        ``{message_type: {...}}``.

    Raises:
        ValueError: the message type is unknown.
    """
    lay = layout(message.message_type)
    if lay is None:
        raise ValueError(f"unknown CEB message type {message.message_type!r}")
    body: dict[str, Any] = {}
    if message.guid is not None:
        body["guid"] = message.guid
    if message.version is not None:
        body["version"] = message.version
    records = [_record_shape(record, lay) for record in message.records]
    if lay.record.repeated or len(records) > 1:
        body[lay.record.name] = records
    elif records:
        body[lay.record.name] = records[0]
    if message.base_transfer is not None:
        body[BASE_TRANSFER] = dict(message.base_transfer)
    if message.base_subscribe:
        body[BASE_SUBSCRIBE] = [dict(block) for block in message.base_subscribe]
    opaque: list[tuple[str, bytes | None]] = [
        (EXTEND_MESSAGE, message.extend_message),
        (SIGNATURE, message.signature),
    ]
    for name, raw in opaque:
        if raw is not None:
            body[name] = raw if raw_opaque else base64.b64encode(raw).decode("ascii")
    return {message.message_type: body}


def _record_shape(record: CebRecord, lay: MessageLayout) -> dict[str, Any]:
    if lay.head is None:
        return dict(record.head)
    out: dict[str, Any] = {lay.head.name: dict(record.head)}
    for name, lines in record.lists.items():
        if lines:
            out[name] = [dict(line) for line in lines]
    return out
