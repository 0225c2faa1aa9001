"""The single access point (一点接入) and the receipt feed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy import select

from cbec.api.deps import CallerDep, SessionDep, SettingsDep
from cbec.errors import ErrorCode, InvalidInputError, PayloadTooLargeError
from cbec.messages.ingest import AccessPoint, Answer
from cbec.messages.models import Message, Receipt

router = APIRouter(prefix="/api/v1", tags=["messages 报文"])

_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/xml": {"schema": {"type": "string"}, "example": "<ceb:CEB311Message …/>"},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The request body, refusing (413) as soon as it passes ``max_bytes``."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLargeError(data={"max_bytes": max_bytes})
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLargeError(data={"max_bytes": max_bytes})
        chunks.append(chunk)
    return b"".join(chunks)


def _access_point(request: Request) -> AccessPoint:
    access_point = request.app.state.access_point
    assert isinstance(access_point, AccessPoint)
    return access_point


def _response(answer: Answer) -> Response:
    media = "application/xml; charset=utf-8" if answer.content_type.endswith("xml") else "application/json"
    return Response(content=answer.body, status_code=answer.status, media_type=media)


@router.post("/messages", openapi_extra=_BODY_DOC, response_class=Response)
async def submit_message(request: Request, caller: CallerDep, settings: SettingsDep) -> Response:
    """Submit a CEB message (XML, DxpMsg or the JSON form); the answer is the spec's receipt."""
    body = await read_body(request, settings.max_message_bytes)
    answer = await run_in_threadpool(
        _access_point(request).submit, caller, body, request.headers.get("content-type")
    )
    return _response(answer)


@router.post("/messages/check", openapi_extra=_BODY_DOC, response_class=Response)
async def check_message(request: Request, caller: CallerDep, settings: SettingsDep) -> Response:
    """Conformance sandbox: the same checks as ``POST /messages``; nothing stored or published."""
    body = await read_body(request, settings.max_message_bytes)
    answer = await run_in_threadpool(
        _access_point(request).check, caller, body, request.headers.get("content-type")
    )
    return _response(answer)


class ReceiptOut(BaseModel):
    cursor: str
    message_guid: str
    receipt_type: str
    record_guid: str | None
    return_status: str
    return_info: str
    created_at: str
    receipt: dict[str, Any]


class ReceiptPage(BaseModel):
    items: list[ReceiptOut]
    next_cursor: str | None
    has_more: bool


@router.get("/receipts", response_model=ReceiptPage)
def list_receipts(
    caller: CallerDep,
    session: SessionDep,
    settings: SettingsDep,
    guid: Annotated[str | None, Query(description="root guid of a message you sent")] = None,
    since: Annotated[
        str | None, Query(description="cursor from the previous page; 0 = from the start")
    ] = None,
    type: Annotated[str | None, Query(description="receipt type, e.g. CEB312Message")] = None,  # noqa: A002
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> ReceiptPage:
    """Receipts by message guid (oldest first), or the caller's feed after a cursor (paged)."""
    if guid is None and since is None:
        raise InvalidInputError(ErrorCode.QUERY_REQUIRED)
    size = limit or settings.page_size
    query = select(Receipt).order_by(Receipt.id)
    if not caller.reads_everything:
        query = query.where(Receipt.recipient_enterprise_id == caller.enterprise_id)
    if guid is not None:
        query = query.where(Receipt.message_guid == guid)
        if not caller.reads_everything:
            query = query.join(Message, Message.id == Receipt.message_id).where(
                Message.sender_enterprise_id == caller.enterprise_id
            )
    if since is not None:
        if not since.isdigit():
            raise InvalidInputError(ErrorCode.INVALID_CURSOR, data={"since": since})
        query = query.where(Receipt.id > int(since))
    if type:
        query = query.where(Receipt.receipt_type == type)
    rows = session.scalars(query.limit(size + 1)).all()
    has_more = len(rows) > size
    rows = rows[:size]
    items = [
        ReceiptOut(
            cursor=str(r.id),
            message_guid=r.message_guid,
            receipt_type=r.receipt_type,
            record_guid=r.record_guid,
            return_status=r.return_status,
            return_info=r.return_info,
            created_at=r.created_at.isoformat(),
            receipt=r.body,
        )
        for r in rows
    ]
    next_cursor = items[-1].cursor if items else since
    return ReceiptPage(items=items, next_cursor=next_cursor, has_more=has_more)
