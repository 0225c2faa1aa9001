"""JSON Schema (draft 2020-12) for the JSON form of every CEB message type, generated from the XSDs.

The schemas describe the shape documented in :mod:`cbec.messages.ceb.json_codec`:
repeated elements as arrays (``minItems``/``maxItems`` from ``minOccurs``/``maxOccurs``),
leaves as strings with ``minLength``/``maxLength`` from the XSD length facets and a
``pattern`` for ``xs:decimal`` / ``xs:int`` (digits and fraction digits), the
signature as a Base64 string, ``additionalProperties: false`` everywhere, and the
XSD annotation (Chinese field definition) as ``description``.

They are for API documentation and client-side validation. The authority stays the
XSD: :func:`~cbec.messages.ceb.json_codec.parse_json` converts to XML and validates that
(the decimal patterns approximate ``totalDigits``, which ignores leading zeros).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from cbec.messages.ceb.catalogue import spec_for
from cbec.messages.ceb.xsd import ElementDecl, SimpleType, layout, layouts

__all__ = ["DRAFT", "json_schema", "json_schemas"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect of the generated schemas."""

_ID_PREFIX = "urn:cbec:ceb:202205:"


def _decimal_pattern(st: SimpleType) -> str:
    fraction = f"(\\.[0-9]{{1,{st.fraction_digits}}})?" if st.fraction_digits else "(\\.[0-9]+)?"
    if st.fraction_digits == 0:
        fraction = ""
    total = f"(?=(?:[^0-9]*[0-9]){{1,{st.total_digits}}}[^0-9]*$)" if st.total_digits else ""
    return f"^{total}[+-]?[0-9]+{fraction}$"


def _leaf(st: SimpleType, documentation: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if documentation:
        schema["description"] = documentation
    if st.base == "decimal":
        schema["pattern"] = _decimal_pattern(st)
    elif st.base in {"int", "integer", "long", "short"}:
        digits = f"{{1,{st.total_digits}}}" if st.total_digits else "+"
        schema["pattern"] = f"^[+-]?[0-9]{digits}$"
    if st.length is not None:
        schema["minLength"] = schema["maxLength"] = st.length
    if st.min_length is not None:
        schema["minLength"] = st.min_length
    if st.max_length is not None:
        schema["maxLength"] = st.max_length
    if st.enumeration:
        schema["enum"] = list(st.enumeration)
    return schema


def _element(decl: ElementDecl) -> dict[str, Any]:
    if decl.opaque:
        return {
            "type": "string",
            "contentEncoding": "base64",
            "contentMediaType": "application/xml",
            "description": f"Base64 of the raw {decl.name} XML element. {decl.documentation}".strip(),
        }
    if decl.simple_type is not None:
        return _leaf(decl.simple_type, decl.documentation)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for attribute in decl.attributes:
        properties[attribute.name] = _leaf(attribute.simple_type, attribute.documentation)
        if attribute.required:
            required.append(attribute.name)
    for child in decl.children:
        properties[child.name] = _occurrences(child)
        if child.min_occurs >= 1:
            required.append(child.name)
    schema: dict[str, Any] = {"type": "object"}
    if decl.documentation:
        schema["description"] = decl.documentation
    schema["properties"] = properties
    schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def _occurrences(decl: ElementDecl) -> dict[str, Any]:
    item = _element(decl)
    if not decl.repeated:
        return item
    schema: dict[str, Any] = {"type": "array", "items": item}
    if decl.min_occurs:
        schema["minItems"] = decl.min_occurs
    if decl.max_occurs is not None:
        schema["maxItems"] = decl.max_occurs
    return schema


@functools.cache
def _generated(message_type: str) -> dict[str, Any]:
    lay = layout(message_type)
    if lay is None:
        raise KeyError(message_type)
    spec = spec_for(message_type)
    title = f"{message_type} {spec.chinese_name}" if spec is not None else message_type
    return {
        "$schema": DRAFT,
        "$id": _ID_PREFIX + message_type,
        "title": title,
        "description": (
            f"JSON form of {message_type} (CEB 202205, {lay.schema} schema): mirrors the XML; "
            "repeated elements are arrays, every value is a string, Signature is Base64 of the raw XML."
        ),
        "type": "object",
        "properties": {message_type: _element(lay.root)},
        "required": [message_type],
        "additionalProperties": False,
    }


def json_schema(message_type: str) -> dict[str, Any]:
    """Return the JSON Schema of one message type.

    Args:
        message_type: e.g. ``"CEB311Message"``.

    Returns:
        A fresh copy of the schema (safe to modify).

    Raises:
        KeyError: unknown message type.
    """
    return copy.deepcopy(_generated(message_type))


def json_schemas() -> dict[str, dict[str, Any]]:
    """Return the JSON Schema of every message type.

    Returns:
        ``message type → schema`` (fresh copies).
    """
    return {message_type: json_schema(message_type) for message_type in layouts()}
