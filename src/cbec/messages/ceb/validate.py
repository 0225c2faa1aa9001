"""XSD validation of CEB messages, reported as findings.

:func:`xsd_findings` validates a message against the business schema of its type
(import or export, see :mod:`cbec.messages.ceb.xsd`). A message parsed from XML or
JSON is validated on its ``source`` tree, i.e. exactly what was received (a
repeated ``BaseTransfer`` the model cannot hold is still reported); a message
built in code is validated on the tree :func:`~cbec.messages.ceb.xml_codec.build_tree`
makes of it.

Every lxml error becomes one ``CEB_XSD_INVALID`` finding carrying the line (for
parsed XML), the element path in the JSON-form notation
(``Order[0]/OrderList[1]/totalPrice``) and lxml's message, and is mapped to the
business record it lies in where possible.

:func:`validate_all` = XSD findings + field-rule findings (:mod:`.checks`).
"""

from __future__ import annotations

import re

from lxml import etree

from cbec.messages.ceb.checks import field_findings
from cbec.messages.ceb.findings import Finding, FindingCode, finding
from cbec.messages.ceb.model import CebMessage
from cbec.messages.ceb.tree import BASE_SUBSCRIBE
from cbec.messages.ceb.xml_codec import build_tree
from cbec.messages.ceb.xsd import CEB_NS, DS_NS, MessageLayout, layout, xml_schema

__all__ = ["validate_all", "xsd_findings"]

_CEB = f"{{{CEB_NS}}}"
_PREFIX_IN_PATH = re.compile(r"([A-Za-z_][\w.-]*):")
_READABLE = ((f"{{{CEB_NS}}}", "ceb:"), (f"{{{DS_NS}}}", "ds:"))


def _root_of(target: CebMessage | etree._Element | etree._ElementTree) -> etree._Element:
    if isinstance(target, CebMessage):
        return target.source if target.source is not None else build_tree(target)
    if isinstance(target, etree._ElementTree):
        return target.getroot()
    return target


def xsd_findings(target: CebMessage | etree._Element | etree._ElementTree) -> list[Finding]:
    """Validate a message against its XSD and return one finding per schema error.

    Args:
        target: a parsed or built message, or an lxml element / tree of a CEB message.

    Returns:
        ``CEB_XSD_INVALID`` findings (empty when valid); a single ``CEB_UNSUPPORTED_MESSAGE``
        finding when the root is not a known message type.
    """
    root = _root_of(target)
    tag = root.tag
    message_type = tag[len(_CEB) :] if isinstance(tag, str) and tag.startswith(_CEB) else None
    lay = layout(message_type) if message_type else None
    if lay is None:
        name = _readable(str(tag))
        return [
            finding(
                FindingCode.UNSUPPORTED_MESSAGE,
                None,
                name,
                f"根元素{name}不是已知的CEB报文类型",
                f"root element {name} is not a known CEB message type",
            )
        ]
    schema = xml_schema(lay.schema)
    if schema.validate(root):
        return []
    namespaces = _prefixes(root)
    findings: list[Finding] = []
    for error in list(schema.error_log):  # type: ignore[call-overload]
        element = _resolve(root, error.path, namespaces)
        record, path = _locate(element, lay) if element is not None else (None, _readable(error.path))
        message = _readable(error.message)
        where_zh = f"第{error.line}行 " if error.line else ""
        where_en = f"line {error.line} " if error.line else ""
        findings.append(
            finding(
                FindingCode.XSD_INVALID,
                record,
                path,
                f"{where_zh}{path or lay.message_type}：{message}",
                f"{where_en}{path or lay.message_type}: {message}",
            )
        )
    return findings


def validate_all(message: CebMessage) -> list[Finding]:
    """Return the XSD findings followed by the field-rule findings of a message.

    Args:
        message: the message.

    Returns:
        All findings (empty when the message passes everything).
    """
    return xsd_findings(message) + field_findings(message)


def _readable(text: str) -> str:
    for clark, prefix in _READABLE:
        text = text.replace(clark, prefix)
    return text


def _prefixes(root: etree._Element) -> dict[str, str]:
    namespaces: dict[str, str] = {}
    for element in root.iter():
        for prefix, uri in element.nsmap.items():
            if prefix and prefix not in namespaces:
                namespaces[prefix] = uri
    return namespaces


def _resolve(root: etree._Element, path: str | None, namespaces: dict[str, str]) -> etree._Element | None:
    """Find the element a libxml2 error path (``/ceb:X/ceb:Y[2]`` or ``/*/*[1]``) points to."""
    if not path:
        return None
    needed = set(_PREFIX_IN_PATH.findall(path))
    if not needed <= namespaces.keys():
        return None
    try:
        found = root.getroottree().xpath(path, namespaces={p: namespaces[p] for p in needed})
    except etree.XPathError:
        return None
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return found[0]
    return None


def _locate(element: etree._Element, lay: MessageLayout) -> tuple[int | None, str]:
    """Return (record index, JSON-form path) of an element of a message tree."""
    repeated = {BASE_SUBSCRIBE, *lay.list_names}
    if lay.record.repeated:
        repeated.add(lay.record.name)
    steps: list[str] = []
    record: int | None = None
    current: etree._Element | None = element
    while current is not None and current.getparent() is not None:
        tag = current.tag
        name = etree.QName(tag).localname if isinstance(tag, str) else str(tag)
        before = sum(1 for sibling in current.itersiblings(preceding=True) if sibling.tag == tag)
        after = sum(1 for sibling in current.itersiblings() if sibling.tag == tag)
        if name in repeated or before or after:
            steps.append(f"{name}[{before}]")
        else:
            steps.append(name)
        parent = current.getparent()
        if parent is not None and parent.getparent() is None and tag == lay.record.tag:
            record = before
        current = parent
    return record, "/".join(reversed(steps))
