"""The official CEB 202205 XSDs: loading (once, lazily) and a small description of each message.

Three schema sets ship in ``xsd/`` (see ``xsd/SOURCES.md``):

* ``import`` — 海关跨境进口业务节点报文定义202205.xsd (CEB311 … CEB900);
* ``export`` — 海关跨境出口业务节点报文定义202205.xsd (CEB303 … CEB792, CEB213-216);
* ``dxp`` — the DxpMsg envelope (海关跨境终端节点报文定义202205.xsd) together with
  DxpMsgSv (海关跨境传输节点报文定义202205.xsd). The transport-node file includes
  its sibling under the 2018 file name ``终端节点报文.xsd``; the include is
  patched in memory to the 202205 file name (the files on disk stay verbatim).

Both business schemas share the target namespace ``http://www.chinaport.gov.cn/ceb``
but declare different content for same-named elements (``OrderHead`` …), so they
are compiled as two separate ``XMLSchema`` objects and every message type maps
to exactly one of them.

The XSDs are also *introspected* into a :class:`MessageLayout` per message type:
for each element its ordered children with ``minOccurs``/``maxOccurs`` and the
simple-type facets of leaves. The codecs use it to know which elements repeat
(→ JSON arrays), to build XML in schema order and to generate JSON Schema.
``ds:Signature`` and ``ExtendMessage`` are *opaque*: kept as raw XML.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Literal
from urllib.parse import quote

from lxml import etree

from cbec.messages.ceb.safe import safe_parser

__all__ = [
    "CEB_NS",
    "DS_NS",
    "DXP_NS",
    "AttributeDecl",
    "ElementDecl",
    "MessageLayout",
    "SchemaName",
    "SimpleType",
    "dxp_schema",
    "layout",
    "layouts",
    "xml_schema",
]

CEB_NS = "http://www.chinaport.gov.cn/ceb"
"""Namespace of every CEB business element."""
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
"""XML-Signature namespace (``ds:Signature``)."""
DXP_NS = "http://www.chinaport.gov.cn/dxp"
"""Namespace of the DxpMsg / DxpMsgSv transport envelopes."""

SchemaName = Literal["import", "export"]

_XS = "{http://www.w3.org/2001/XMLSchema}"
_FILES: dict[str, str] = {
    "import": "海关跨境进口业务节点报文定义202205.xsd",
    "export": "海关跨境出口业务节点报文定义202205.xsd",
    "dxp_terminal": "海关跨境终端节点报文定义202205.xsd",
    "dxp_transport": "海关跨境传输节点报文定义202205.xsd",
}
_WRONG_INCLUDE = "终端节点报文.xsd"  # the 2018 file name inside the transport-node XSD
_OPAQUE_ELEMENTS = frozenset({"ExtendMessage"})


@dataclass(frozen=True, slots=True)
class SimpleType:
    """Facets of a leaf's simple type (``xs:restriction``).

    Attributes:
        base: XSD base type without prefix: ``string``, ``decimal``, ``int`` …
        length: exact length (``xs:length``).
        min_length: ``xs:minLength``.
        max_length: ``xs:maxLength``.
        total_digits: ``xs:totalDigits`` (decimals, ints).
        fraction_digits: ``xs:fractionDigits`` (decimals).
        white_space: ``xs:whiteSpace`` value if any.
        enumeration: allowed values if the schema enumerates them.
        patterns: ``xs:pattern`` values if any.
    """

    base: str
    length: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    total_digits: int | None = None
    fraction_digits: int | None = None
    white_space: str | None = None
    enumeration: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AttributeDecl:
    """An attribute of an element (only the root ``guid`` / ``version`` in CEB).

    Attributes:
        name: attribute name.
        required: ``use="required"``.
        simple_type: its facets.
        documentation: the XSD annotation text.
    """

    name: str
    required: bool
    simple_type: SimpleType
    documentation: str = ""


@dataclass(frozen=True, slots=True)
class ElementDecl:
    """One element as the XSD declares it at one place.

    Attributes:
        name: local name.
        namespace: namespace URI.
        min_occurs: ``minOccurs``.
        max_occurs: ``maxOccurs`` (None = unbounded).
        children: ordered child declarations (complex elements).
        simple_type: facets (leaves only).
        opaque: kept as raw XML (``ds:Signature``, ``ExtendMessage``).
        attributes: attribute declarations.
        documentation: the XSD annotation text (whitespace condensed).
    """

    name: str
    namespace: str
    min_occurs: int
    max_occurs: int | None
    children: tuple[ElementDecl, ...] = ()
    simple_type: SimpleType | None = None
    opaque: bool = False
    attributes: tuple[AttributeDecl, ...] = ()
    documentation: str = ""

    @property
    def tag(self) -> str:
        """Clark-notation tag, ``{namespace}name``."""
        return f"{{{self.namespace}}}{self.name}"

    @property
    def repeated(self) -> bool:
        """Whether the element may occur more than once (→ JSON array)."""
        return self.max_occurs is None or self.max_occurs > 1

    @property
    def is_leaf(self) -> bool:
        """Whether the element holds a simple value."""
        return self.simple_type is not None

    def child(self, name: str) -> ElementDecl | None:
        """Return the child declaration with this local name, if any.

        Args:
            name: local name.

        Returns:
            The declaration or None.
        """
        for child in self.children:
            if child.name == name:
                return child
        return None


@dataclass(frozen=True)
class MessageLayout:
    """The shape of one message type, read from its XSD.

    Attributes:
        message_type: root element name, e.g. ``CEB311Message``.
        schema: which business schema declares it.
        root: the root declaration.
        record: the business record element (``Order``, ``LogisticsStatus`` …).
        head: the head element inside the record (``OrderHead``), None when the
            record holds its fields directly (CEB513 ``LogisticsStatus``, receipts).
        lists: the repeated list elements inside the record (``OrderList`` …).
        trailer: the root children after the records (``BaseTransfer`` … ``Signature``).
    """

    message_type: str
    schema: SchemaName
    root: ElementDecl
    record: ElementDecl
    head: ElementDecl | None
    lists: tuple[ElementDecl, ...]
    trailer: tuple[ElementDecl, ...]
    _fields: ElementDecl = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fields", self.head if self.head is not None else self.record)

    @property
    def fields(self) -> ElementDecl:
        """The element holding the record's leaf fields (head, or the record itself)."""
        return self._fields

    @property
    def list_names(self) -> tuple[str, ...]:
        """Names of the list elements, in schema order."""
        return tuple(decl.name for decl in self.lists)

    def trailer_decl(self, name: str) -> ElementDecl | None:
        """Return the trailer declaration (``BaseTransfer`` …) with this name, if declared.

        Args:
            name: local name.

        Returns:
            The declaration or None.
        """
        for decl in self.trailer:
            if decl.name == name:
                return decl
        return None


# --------------------------------------------------------------------------- loading


def _xsd_dir() -> Path:
    return Path(str(resources.files("cbec.messages.ceb").joinpath("xsd")))


def _parse_xsd(name: str) -> etree._ElementTree:
    path = _xsd_dir() / _FILES[name]
    data = path.read_bytes()
    if name == "dxp_transport":
        # libxml2 cannot build a URI from a non-ASCII schemaLocation: percent-encode it.
        data = data.replace(_WRONG_INCLUDE.encode(), quote(_FILES["dxp_terminal"]).encode())
    root = etree.fromstring(data, safe_parser(), base_url=str(path))
    return etree.ElementTree(root)


@functools.cache
def _schema_documents() -> Mapping[str, etree._ElementTree]:
    return MappingProxyType({name: _parse_xsd(name) for name in _FILES})


_LOCAL = threading.local()


def xml_schema(name: SchemaName) -> etree.XMLSchema:
    """Return the compiled business schema (``import`` or ``export``).

    Compiled lazily, once per thread (lxml validators are kept thread-local).

    Args:
        name: ``"import"`` or ``"export"``.

    Returns:
        The ``XMLSchema``.
    """
    cache: dict[str, etree.XMLSchema] | None = getattr(_LOCAL, "schemas", None)
    if cache is None:
        cache = {}
        _LOCAL.schemas = cache
    schema = cache.get(name)
    if schema is None:
        schema = etree.XMLSchema(_schema_documents()[name])
        cache[name] = schema
    return schema


def dxp_schema() -> etree.XMLSchema:
    """Return the envelope schema (``DxpMsg``, ``DxpRep`` and ``DxpMsgSv``).

    Returns:
        The ``XMLSchema`` compiled from the transport-node XSD (with its include patched).
    """
    cache: dict[str, etree.XMLSchema] | None = getattr(_LOCAL, "schemas", None)
    if cache is None:
        cache = {}
        _LOCAL.schemas = cache
    schema = cache.get("dxp")
    if schema is None:
        schema = etree.XMLSchema(_schema_documents()["dxp_transport"])
        cache["dxp"] = schema
    return schema


# --------------------------------------------------------------------------- introspection


def _documentation(xs_el: etree._Element) -> str:
    texts = [
        doc.text or ""
        for annotation in xs_el.iterchildren(_XS + "annotation")
        for doc in annotation.iterchildren(_XS + "documentation")
    ]
    return " ".join(" ".join(text.split()) for text in texts).strip()


def _occurs(xs_el: etree._Element) -> tuple[int, int | None]:
    min_occurs = int(xs_el.get("minOccurs", "1"))
    max_raw = xs_el.get("maxOccurs", "1")
    return min_occurs, (None if max_raw == "unbounded" else int(max_raw))


def _simple_type(restriction: etree._Element) -> SimpleType:
    base = restriction.get("base", "xs:string").split(":")[-1]
    facets: dict[str, int] = {}
    white_space = None
    enumeration: list[str] = []
    patterns: list[str] = []
    for facet in restriction:
        if not isinstance(facet.tag, str):
            continue
        kind = facet.tag[len(_XS) :]
        value = facet.get("value", "")
        if kind in {"length", "minLength", "maxLength", "totalDigits", "fractionDigits"}:
            facets[kind] = int(value)
        elif kind == "whiteSpace":
            white_space = value
        elif kind == "enumeration":
            enumeration.append(value)
        elif kind == "pattern":
            patterns.append(value)
    return SimpleType(
        base=base,
        length=facets.get("length"),
        min_length=facets.get("minLength"),
        max_length=facets.get("maxLength"),
        total_digits=facets.get("totalDigits"),
        fraction_digits=facets.get("fractionDigits"),
        white_space=white_space,
        enumeration=tuple(enumeration),
        patterns=tuple(patterns),
    )


class _Introspector:
    """Turns one business XSD into :class:`ElementDecl` trees."""

    def __init__(self, schema_root: etree._Element) -> None:
        self.globals = {
            el.get("name", ""): el
            for el in schema_root
            if isinstance(el.tag, str) and el.tag == _XS + "element"
        }

    def decl(self, xs_el: etree._Element, occurs: tuple[int, int | None]) -> ElementDecl:
        ref = xs_el.get("ref")
        doc = _documentation(xs_el)
        if ref is not None:
            prefix, _, local = ref.rpartition(":")
            if prefix == "ds":
                return ElementDecl(local, DS_NS, *occurs, opaque=True, documentation=doc)
            body = self.globals[local]
            name = local
            doc = doc or _documentation(body)
        else:
            body = xs_el
            name = xs_el.get("name", "")
        if name in _OPAQUE_ELEMENTS:
            return ElementDecl(name, CEB_NS, *occurs, opaque=True, documentation=doc)
        type_name = body.get("type")
        if type_name is not None:
            base = type_name.split(":")[-1]
            if base == "XMLElement":
                return ElementDecl(name, CEB_NS, *occurs, opaque=True, documentation=doc)
            return ElementDecl(name, CEB_NS, *occurs, simple_type=SimpleType(base=base), documentation=doc)
        restriction = body.find(f"{_XS}simpleType/{_XS}restriction")
        if restriction is not None:
            return ElementDecl(
                name, CEB_NS, *occurs, simple_type=_simple_type(restriction), documentation=doc
            )
        complex_type = body.find(f"{_XS}complexType")
        children: list[ElementDecl] = []
        attributes: list[AttributeDecl] = []
        if complex_type is not None:
            sequence = complex_type.find(f"{_XS}sequence")
            if sequence is not None:
                for xs_child in sequence:
                    if isinstance(xs_child.tag, str) and xs_child.tag == _XS + "element":
                        children.append(self.decl(xs_child, _occurs(xs_child)))
            for xs_attr in complex_type.findall(f"{_XS}attribute"):
                attr_restriction = xs_attr.find(f"{_XS}simpleType/{_XS}restriction")
                attr_type = (
                    _simple_type(attr_restriction)
                    if attr_restriction is not None
                    else SimpleType(base=xs_attr.get("type", "xs:string").split(":")[-1])
                )
                attributes.append(
                    AttributeDecl(
                        name=xs_attr.get("name", ""),
                        required=xs_attr.get("use") == "required",
                        simple_type=attr_type,
                        documentation=_documentation(xs_attr),
                    )
                )
        return ElementDecl(
            name,
            CEB_NS,
            *occurs,
            children=tuple(children),
            attributes=tuple(attributes),
            documentation=doc,
        )


def _layout(message_type: str, schema: SchemaName, root: ElementDecl) -> MessageLayout:
    record = root.children[0]
    if all(child.is_leaf for child in record.children):
        head = None
        lists: tuple[ElementDecl, ...] = ()
    else:
        head = record.children[0]
        lists = tuple(child for child in record.children[1:] if not child.is_leaf)
    return MessageLayout(
        message_type=message_type,
        schema=schema,
        root=root,
        record=record,
        head=head,
        lists=lists,
        trailer=root.children[1:],
    )


@functools.cache
def layouts() -> Mapping[str, MessageLayout]:
    """Return the layout of every message type of both business schemas.

    Returns:
        ``message type → MessageLayout`` (e.g. ``"CEB311Message"``), read-only.
    """
    result: dict[str, MessageLayout] = {}
    schema_name: SchemaName
    for schema_name in ("import", "export"):
        schema_root = _schema_documents()[schema_name].getroot()
        introspector = _Introspector(schema_root)
        for name, xs_el in introspector.globals.items():
            if name.startswith("CEB") and name.endswith("Message"):
                root = introspector.decl(xs_el, (1, 1))
                result[name] = _layout(name, schema_name, root)
    return MappingProxyType(dict(sorted(result.items())))


def layout(message_type: str) -> MessageLayout | None:
    """Return the layout of a message type, or None if the type is unknown.

    Args:
        message_type: root element name, e.g. ``CEB311Message``.

    Returns:
        The layout or None.
    """
    return layouts().get(message_type)
