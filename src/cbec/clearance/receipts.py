"""Receipts the clearance engine sends: CEB312/412/512 at 120, the CEB622 sequence, CEB816 and CEB818.

Each receipt is one row per recipient in ``receipts`` (the per-caller feed), with a ``dedupe_key`` so
that processing the same event twice never sends a receipt twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cbec.messages.ceb import CATALOGUE, CebRecord, build_receipt
from cbec.messages.models import Document, Receipt
from cbec.store.upsert import insert_ignore

#: ``[Code:…;Desc:…]`` texts customs writes in CEB622 ``returnInfo`` (observed, ceb.md §3.10).
LOGIC_CHECK_PASSED = "[Code:1800;Desc:逻辑校验通过]"
RELEASED = "[Code:2600;Desc:放行]"
CONCLUDED = "[Code:2500;Desc:审结]"
INSPECTION = "[Code:3000;Desc:查验]"


@dataclass(frozen=True)
class Outgoing:
    """One receipt record to store for some recipients."""

    document: Document
    receipt_type: str
    return_status: str
    return_info: str
    body: dict[str, Any]
    recipients: tuple[str, ...]
    dedupe: str


def record_of(document: Document) -> CebRecord:
    """The stored document as a codec record (head fields as declared; personal data stays encrypted)."""
    spec = CATALOGUE[document.message_type]
    return CebRecord(
        document.record_index, spec.record_element, document.record_guid, document.head, document.lists
    )


def declaration_receipt(
    document: Document,
    return_status: str,
    return_info: str,
    now: datetime,
    *,
    recipients: tuple[str, ...],
    dedupe: str,
    extra: dict[str, str | int] | None = None,
) -> Outgoing:
    """A receipt answering a declared document (CEB312 for an order, CEB622 for an inventory …)."""
    spec = CATALOGUE[document.message_type]
    assert spec.receipt_type is not None
    body = build_receipt(spec, record_of(document), return_status, return_info, now, extra)
    return Outgoing(document, spec.receipt_type, return_status, return_info, body, recipients, dedupe)


def store(session: Session, outgoing: list[Outgoing], message_guids: dict[str, str]) -> None:
    """Insert the receipts, one row per recipient, skipping any already sent (same dedupe key)."""
    rows: list[dict[str, Any]] = []
    for o in outgoing:
        for recipient in dict.fromkeys(o.recipients):
            rows.append(
                {
                    "message_id": o.document.message_id,
                    "message_guid": message_guids[o.document.message_id],
                    "document_id": o.document.id,
                    "recipient_enterprise_id": recipient,
                    "receipt_type": o.receipt_type,
                    "record_guid": o.document.record_guid,
                    "return_status": o.return_status,
                    "return_info": o.return_info,
                    "body": o.body,
                    "dedupe_key": f"{o.dedupe}:{recipient}",
                }
            )
    if rows:
        session.execute(insert_ignore(session, Receipt, ["dedupe_key"]), rows)
