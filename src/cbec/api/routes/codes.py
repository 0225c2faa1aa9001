"""The published catalogues: error codes, receipt codes, finding codes, message JSON Schemas."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from cbec.api.deps import CallerDep
from cbec.clearance.reasons import reason_catalogue
from cbec.errors import CODES, NotFoundError
from cbec.errors import ErrorCode as _ErrorCode
from cbec.exports.reasons import export_reason_catalogue
from cbec.exports.summary import SummaryFindingCode
from cbec.messages.ceb import CATALOGUE, FindingCode, json_schemas
from cbec.messages.ceb.findings import FINDING_TITLES
from cbec.messages.receipt_codes import RECEIPT_CODES
from cbec.tax import GoodsFindingCode, IssueCode
from cbec.tax.export import ExportTaxFindingCode

router = APIRouter(prefix="/api/v1", tags=["catalogue 目录"])


def code_catalogue() -> dict[str, Any]:
    """Every code the platform answers with (also rendered to docs/error-codes.md)."""
    return {
        "http_errors": [
            {"code": code.value, "http_status": info.http_status, "zh": info.zh, "en": info.en}
            for code, info in CODES.items()
        ],
        "receipt_statuses": [
            {"code": c.code, "zh": c.zh, "en": c.en, "source": c.source} for c in RECEIPT_CODES
        ],
        "findings": [
            {"code": code.value, "zh": FINDING_TITLES[code][0], "en": FINDING_TITLES[code][1]}
            for code in FindingCode
        ],
        "clearance_reasons": reason_catalogue() + export_reason_catalogue(),
        "tax_and_summary_findings": [
            {"code": code.value, "zh": code.zh, "en": code.en}
            for enum in (IssueCode, GoodsFindingCode, ExportTaxFindingCode, SummaryFindingCode)
            for code in enum
        ],
        "message_types": [
            {
                "name": spec.name,
                "chinese_name": spec.chinese_name,
                "direction": spec.direction,
                "kind": spec.kind,
                "sender_roles": list(spec.sender_roles),
                "receipt_type": spec.receipt_type,
                "business_key": list(spec.business_key),
                "duplicate_code": spec.duplicate_code,
                "check_failed_code": spec.check_failed_code,
            }
            for spec in CATALOGUE.values()
        ],
    }


@router.get("/codes")
def list_codes(caller: CallerDep) -> dict[str, Any]:
    """Every error code, receipt status and finding code, with Chinese and English text."""
    return code_catalogue()


@router.get("/schemas")
def list_schemas(caller: CallerDep) -> list[str]:
    """Message types that have a published JSON Schema."""
    return sorted(json_schemas())


@router.get("/schemas/{message_type}")
def get_schema(message_type: str, caller: CallerDep) -> dict[str, Any]:
    """The JSON Schema of the JSON form of one CEB message type."""
    schemas = json_schemas()
    if message_type not in schemas:
        raise NotFoundError(_ErrorCode.NOT_FOUND, data={"message_type": message_type})
    schema = schemas[message_type]
    assert isinstance(schema, dict)
    return schema
