"""CEB (China customs cross-border e-commerce, 202205 spec) message codecs and checks.

Typical ingest path::

    msg = parse_xml(raw_bytes)          # or parse_json(raw_bytes); DxpMsg envelopes too
    findings = validate_all(msg)        # XSD findings + field-rule findings
    spec = CATALOGUE[msg.message_type]  # sender roles, business key, negative codes …
    receipt = receipt_message(spec.receipt_type, [build_receipt(spec, r, …) for r in msg.records], guid)
    xml = build_xml(receipt)            # or to_json(receipt)

Errors that stop parsing (:class:`CebFormatError` and subclasses) carry findings
too; everything else comes back as :class:`Finding` lists with stable
:class:`FindingCode` values.
"""

from __future__ import annotations

from cbec.messages.ceb.catalogue import CATALOGUE, MessageSpec, SignatureRule, spec_for
from cbec.messages.ceb.checks import field_findings
from cbec.messages.ceb.errors import (
    CebFormatError,
    CebTooLargeError,
    CebUnsafeXmlError,
    CebUnsupportedMessageError,
)
from cbec.messages.ceb.findings import FINDING_TITLES, Finding, FindingCode
from cbec.messages.ceb.json_codec import dump_json, parse_json, to_json
from cbec.messages.ceb.json_schema import json_schema, json_schemas
from cbec.messages.ceb.model import CebMessage, CebRecord
from cbec.messages.ceb.receipts import (
    accepted_info,
    accepted_status,
    build_receipt,
    format_error_receipt,
    receipt_message,
    rejected_info,
)
from cbec.messages.ceb.safe import DEFAULT_MAX_BYTES
from cbec.messages.ceb.validate import validate_all, xsd_findings
from cbec.messages.ceb.xml_codec import build as build_xml
from cbec.messages.ceb.xml_codec import build_dxp
from cbec.messages.ceb.xml_codec import parse as parse_xml

__all__ = [
    "CATALOGUE",
    "DEFAULT_MAX_BYTES",
    "FINDING_TITLES",
    "CebFormatError",
    "CebMessage",
    "CebRecord",
    "CebTooLargeError",
    "CebUnsafeXmlError",
    "CebUnsupportedMessageError",
    "Finding",
    "FindingCode",
    "MessageSpec",
    "SignatureRule",
    "accepted_info",
    "accepted_status",
    "build_dxp",
    "build_receipt",
    "build_xml",
    "dump_json",
    "field_findings",
    "format_error_receipt",
    "json_schema",
    "json_schemas",
    "parse_json",
    "parse_xml",
    "receipt_message",
    "rejected_info",
    "spec_for",
    "to_json",
    "validate_all",
    "xsd_findings",
]
