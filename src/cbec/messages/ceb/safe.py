"""Safe XML parsing for untrusted CEB documents (the only place raw bytes become a tree).

Defences, all always on:

* **Size cap** (default 10 MB, :data:`DEFAULT_MAX_BYTES`) checked before parsing
  (:class:`CebTooLargeError`).
* **No DTD at all.** Any ``<!DOCTYPE`` in the prolog is refused before libxml2
  sees it (:class:`CebUnsafeXmlError`); this covers billion-laughs entity
  expansion, external entities (XXE, ``file:///etc/passwd``) and external DTDs.
  Entity declarations can only live in a DOCTYPE, so they are refused too. As
  a second line, the parser itself runs with ``resolve_entities=False,
  load_dtd=False, no_network=True, huge_tree=False`` and the parsed tree is
  checked for a DTD again.
* **UTF-8 only** (the spec's encoding): the parser is forced to UTF-8, so a
  document cannot hide markup behind another encoding. A UTF-8 BOM is accepted
  (several official samples start with one).
* Comments and processing instructions are dropped (``remove_comments=True``).
"""

from __future__ import annotations

import threading

from lxml import etree

from cbec.messages.ceb.errors import CebFormatError, CebTooLargeError, CebUnsafeXmlError
from cbec.messages.ceb.findings import Finding, FindingCode, finding

__all__ = ["DEFAULT_MAX_BYTES", "parse_document", "safe_parser"]

DEFAULT_MAX_BYTES = 10_000_000
"""Default size cap for one document, in bytes."""

_BOM = b"\xef\xbb\xbf"


def safe_parser() -> etree.XMLParser:
    """Return a new lxml parser configured for untrusted input.

    Returns:
        An ``XMLParser`` with entity resolution, DTD loading, network access and
        huge trees disabled, comments/PIs removed, UTF-8 forced.
    """
    return etree.XMLParser(
        encoding="utf-8",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


_LOCAL = threading.local()


def _parser() -> etree.XMLParser:
    """One parser per thread (lxml parsers must not be shared between threads)."""
    parser: etree.XMLParser | None = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = safe_parser()
        _LOCAL.parser = parser
    return parser


def _prolog_has_doctype(data: bytes) -> bool:
    """Tell whether a DOCTYPE appears before the root element.

    Walks the prolog: optional BOM, XML declaration, whitespace, comments and
    processing instructions. Any ``<!`` other than a comment (i.e. a DOCTYPE)
    before the first start tag counts.
    """
    pos = len(_BOM) if data.startswith(_BOM) else 0
    end = len(data)
    while pos < end:
        byte = data[pos : pos + 1]
        if byte in (b" ", b"\t", b"\r", b"\n"):
            pos += 1
            continue
        if data.startswith(b"<?", pos):
            close = data.find(b"?>", pos + 2)
            if close < 0:
                return False  # unterminated: the parser will report it
            pos = close + 2
            continue
        if data.startswith(b"<!--", pos):
            close = data.find(b"-->", pos + 4)
            if close < 0:
                return False
            pos = close + 3
            continue
        return data.startswith(b"<!", pos)
    return False


def parse_document(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse untrusted bytes into an element tree, refusing anything unsafe.

    Args:
        data: the raw document (UTF-8, optional BOM).
        max_bytes: size cap in bytes.

    Returns:
        The root element.

    Raises:
        CebTooLargeError: ``len(data) > max_bytes``.
        CebUnsafeXmlError: the document has a DOCTYPE (DTD, entities).
        CebFormatError: the document is not well-formed UTF-8 XML.
    """
    if len(data) > max_bytes:
        raise CebTooLargeError(
            [
                finding(
                    FindingCode.TOO_LARGE,
                    None,
                    "",
                    f"{len(data)}字节，上限{max_bytes}字节",
                    f"{len(data)} bytes, limit {max_bytes} bytes",
                )
            ]
        )
    if _prolog_has_doctype(data):
        raise CebUnsafeXmlError([_unsafe_finding()])
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise CebFormatError([finding(FindingCode.XML_MALFORMED, None, "", str(exc), str(exc))]) from None
    docinfo: etree.DocInfo = root.getroottree().docinfo
    has_doctype = bool(getattr(docinfo, "doctype", ""))  # not in lxml-stubs
    if has_doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise CebUnsafeXmlError([_unsafe_finding()])
    return root


def _unsafe_finding() -> Finding:
    return finding(
        FindingCode.XML_UNSAFE,
        None,
        "",
        "报文不得包含DOCTYPE/DTD/实体声明",
        "DOCTYPE, DTD and entity declarations are not allowed",
    )
