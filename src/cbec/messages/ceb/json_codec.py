"""The JSON form of CEB messages: it mirrors the XML exactly.

Rules:

* one top-level key, the message element name: ``{"CEB311Message": {...}}``;
* element names verbatim (``OrderHead``, ``acturalPaid`` — spelling as in the spec);
* the root attributes ``guid`` and ``version`` are keys of the message object;
* an element that may repeat (``maxOccurs`` > 1 in the XSD) is **always** an array
  (``"Order": [...]``, ``"OrderList": [...]``, ``"BaseSubscribe": [...]``), even with one item;
  an element that cannot repeat is an object (``"OrderHead": {...}``, ``"BaseTransfer": {...}``,
  CEB711 ``"Delivery": {...}``);
* every leaf value is a JSON **string**, exactly as it would appear in the XML (decimals too:
  ``"19050"``, ``"200.50"``; codes keep leading zeros: ``"007"``); an empty element is ``""``,
  an absent optional element is an absent key; ``null``, numbers and booleans are refused;
* ``"Signature"`` is the **Base64 of the raw ``ds:Signature`` XML** (the bytes kept in
  :attr:`CebMessage.signature <cbec.messages.ceb.model.CebMessage.signature>`), and
  ``"ExtendMessage"`` likewise the Base64 of the raw ``ExtendMessage`` element.

Example::

    {"CEB311Message": {"guid": "4CDE1CFD-…", "version": "1.0",
      "Order": [{"OrderHead": {"guid": "…", "appType": "1", …},
                 "OrderList": [{"gnum": "1", …}]}],
      "BaseTransfer": {"copCode": "…", …},
      "Signature": "PGRzOlNpZ25hdHVyZSB4bWxucz…"}}

:func:`parse_json` gives the same checks as XML: it builds the XML tree from the
JSON (in schema order, unknown keys included), keeps that tree as the message's
``source`` and reads the model from it, so :func:`~cbec.messages.ceb.validate.xsd_findings`
validates JSON input against the same XSD.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cbec.messages.ceb.errors import CebFormatError, CebTooLargeError
from cbec.messages.ceb.findings import FindingCode, finding
from cbec.messages.ceb.model import CebMessage
from cbec.messages.ceb.safe import DEFAULT_MAX_BYTES
from cbec.messages.ceb.tree import element_from_json, message_from_element, model_json_shape

__all__ = ["dump_json", "parse_json", "to_json"]

_BOM = "\ufeff"


def to_json(message: CebMessage) -> dict[str, Any]:
    """Return the JSON form of a message as Python objects (dicts, lists, strings).

    Args:
        message: the message.

    Returns:
        ``{"CEBxxxMessage": {...}}`` ready for ``json.dumps``.
    """
    return model_json_shape(message, raw_opaque=False)


def dump_json(message: CebMessage) -> bytes:
    """Return the JSON form serialised as UTF-8 (Chinese kept as is, not ``\\u`` escaped).

    Args:
        message: the message.

    Returns:
        UTF-8 JSON bytes.
    """
    return json.dumps(to_json(message), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


class _DuplicateKeyError(ValueError):
    pass


def _malformed(detail_zh: str, detail_en: str) -> CebFormatError:
    return CebFormatError([finding(FindingCode.JSON_MALFORMED, None, "", detail_zh, detail_en)])


def parse_json(
    data: bytes | str | Mapping[str, Any],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> CebMessage:
    """Parse the JSON form of a CEB message.

    Args:
        data: UTF-8 JSON bytes (a BOM is accepted), a JSON string, or an already decoded object.
        max_bytes: size cap for the document (and for embedded Signature/ExtendMessage XML).

    Returns:
        The message; its ``source`` is the XML tree built from the JSON, so
        ``xsd_findings`` checks it against the XSD like an XML message.

    Raises:
        CebTooLargeError: the document exceeds ``max_bytes``.
        CebFormatError: not JSON, duplicate keys, or not the JSON form's shape (``CEB_JSON_MALFORMED``).
        CebUnsupportedMessageError: unknown message type.
        CebUnsafeXmlError: an embedded XML block declares a DTD.
    """
    if isinstance(data, bytes | str):
        size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8"))
        if size > max_bytes:
            raise CebTooLargeError(
                [
                    finding(
                        FindingCode.TOO_LARGE,
                        None,
                        "",
                        f"{size}字节，上限{max_bytes}字节",
                        f"{size} bytes, limit {max_bytes} bytes",
                    )
                ]
            )
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            obj = json.loads(text.removeprefix(_BOM), object_pairs_hook=_no_duplicate_keys)
        except _DuplicateKeyError as exc:
            raise _malformed(f"重复的键：{exc}", f"duplicate key: {exc}") from None
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise _malformed(f"不是有效的UTF-8 JSON：{exc}", f"not valid UTF-8 JSON: {exc}") from None
    else:
        obj = data
    root = element_from_json(obj, max_bytes=max_bytes)
    return message_from_element(root)
