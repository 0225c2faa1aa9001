"""Reading stored documents back: each party named may read, agencies read all; personal data
is decrypted only for roles that need it (customs) and masked for everyone else."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.auth.enums import CallerRole
from cbec.auth.service import Caller
from cbec.errors import ErrorCode, NotFoundError
from cbec.kernel.crypto import DataCipher, is_encrypted_token
from cbec.kernel.pii import PERSONAL_FIELDS, mask_field
from cbec.messages.models import Document, DocumentKey

#: Roles that see personal data in clear (customs clears the goods against the buyer's identity).
CLEAR_PERSONAL_DATA = frozenset({CallerRole.customs})


def may_read(caller: Caller, document: Document) -> bool:
    return caller.reads_everything or (caller.enterprise_id in document.parties)


def head_for(caller: Caller, document: Document, cipher: DataCipher) -> dict[str, Any]:
    """The document head as ``caller`` may see it."""
    head = dict(document.head)
    for name in PERSONAL_FIELDS:
        value = head.get(name)
        if not isinstance(value, str) or not is_encrypted_token(value):
            continue
        clear = cipher.decrypt_text(value)
        head[name] = clear if caller.role in CLEAR_PERSONAL_DATA else mask_field(name, clear)
    return head


def documents_for_key(
    session: Session, caller: Caller, message_type: str, business_key: str
) -> list[Document]:
    """Every version of a document (oldest first) the caller may read; 404 when none."""
    rows = session.scalars(
        select(Document)
        .where(Document.message_type == message_type, Document.business_key == business_key)
        .order_by(Document.created_at)
    ).all()
    readable = [d for d in rows if may_read(caller, d)]
    if not readable:
        raise NotFoundError(
            ErrorCode.NOT_FOUND, data={"message_type": message_type, "business_key": business_key}
        )
    return readable


def live_document_id(session: Session, message_type: str, business_key: str) -> str | None:
    row = session.get(DocumentKey, (message_type, business_key))
    return row.document_id if row else None
