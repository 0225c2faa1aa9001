"""Reading business documents (orders, payments, waybills, inventories …) back."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from cbec.api.deps import CallerDep, SessionDep
from cbec.messages import reading
from cbec.messages.ingest import AccessPoint

router = APIRouter(prefix="/api/v1/documents", tags=["messages 报文"])


class DocumentOut(BaseModel):
    id: str
    message_type: str
    business_key: str
    record_guid: str | None
    app_type: str
    app_status: str
    status: str
    return_status: str
    live: bool
    created_at: str
    head: dict[str, Any]
    lists: dict[str, Any]


@router.get("/{message_type}/{business_key}", response_model=list[DocumentOut])
def get_document(
    message_type: str, business_key: str, request: Request, caller: CallerDep, session: SessionDep
) -> list[DocumentOut]:
    """Every version of a document by business key (e.g. ``ebpCode|orderNo``), oldest first.

    Parties named in the document and agencies may read it; buyer ID numbers, names, phones and
    addresses are masked except for customs.
    """
    access_point = request.app.state.access_point
    assert isinstance(access_point, AccessPoint)
    live = reading.live_document_id(session, message_type, business_key)
    return [
        DocumentOut(
            id=d.id,
            message_type=d.message_type,
            business_key=d.business_key,
            record_guid=d.record_guid,
            app_type=d.app_type,
            app_status=d.app_status,
            status=d.status,
            return_status=d.return_status,
            live=d.id == live,
            created_at=d.created_at.isoformat(),
            head=reading.head_for(caller, d, access_point.cipher),
            lists=d.lists,
        )
        for d in reading.documents_for_key(session, caller, message_type, business_key)
    ]
