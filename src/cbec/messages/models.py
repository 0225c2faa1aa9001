"""Tables of the access point: raw arrivals, messages, business documents, receipts, the outbox.

``raw_messages`` is append-only: every request body that reaches the access point is stored,
encrypted, before anything else happens, so nothing accepted is ever lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cbec.kernel.dates import utc_now
from cbec.store.base import Base, IdMixin
from cbec.store.types import JSONType, UTCDateTime

_BigId = BigInteger().with_variant(Integer(), "sqlite")


class RawMessage(Base):
    """One arrival: the request body as received (encrypted), who sent it, when, its SHA-256."""

    __tablename__ = "raw_messages"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    api_key_id: Mapped[str] = mapped_column(String(36))
    sender_enterprise_id: Mapped[str | None] = mapped_column(String(36), index=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    key_id: Mapped[str] = mapped_column(String(32))
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class Message(IdMixin, Base):
    """A message known by (sender, root guid): its outcome and the exact receipt returned."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("sender_enterprise_id", "guid"),)

    raw_id: Mapped[int] = mapped_column(ForeignKey("raw_messages.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    sender_enterprise_id: Mapped[str] = mapped_column(String(36))
    message_type: Mapped[str] = mapped_column(String(20), index=True)
    guid: Mapped[str] = mapped_column(String(64))
    cop_msg_id: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    record_count: Mapped[int] = mapped_column(Integer)
    accepted_count: Mapped[int] = mapped_column(Integer)
    receipt_type: Mapped[str] = mapped_column(String(20))
    response_content_type: Mapped[str] = mapped_column(String(100))
    response_body: Mapped[bytes] = mapped_column(LargeBinary)


class Document(IdMixin, Base):
    """One business record of a message (an order, a payment, a waybill, an inventory …).

    ``head`` keeps the CEB fields exactly as sent, except personal data fields, which hold
    encrypted tokens; ``buyer_hash`` is a keyed hash of the buyer/payer ID for lookups.
    """

    __tablename__ = "documents"

    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id"), index=True)
    record_index: Mapped[int] = mapped_column(Integer)
    message_type: Mapped[str] = mapped_column(String(20))
    record_guid: Mapped[str | None] = mapped_column(String(64), index=True)
    business_key: Mapped[str] = mapped_column(String(300), index=True)
    app_type: Mapped[str] = mapped_column(String(1))
    app_status: Mapped[str] = mapped_column(String(3))
    #: accepted | stored | refused | replaced | deleted
    status: Mapped[str] = mapped_column(String(16))
    return_status: Mapped[str] = mapped_column(String(10))
    head: Mapped[dict[str, Any]] = mapped_column(JSONType)
    lists: Mapped[dict[str, Any]] = mapped_column(JSONType)
    #: Filing ids of every enterprise named in the record (who may read it).
    parties: Mapped[list[str]] = mapped_column(JSONType)
    buyer_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class DocumentKey(Base):
    """The live business key of each document kind: a unique row is the duplicate check."""

    __tablename__ = "document_keys"

    message_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    business_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))


class Receipt(Base):
    """A receipt record (回执) sent to an enterprise; ``id`` is the feed cursor."""

    __tablename__ = "receipts"
    __table_args__ = (Index("ix_receipts_recipient_id", "recipient_enterprise_id", "id"),)

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id"), index=True)
    message_guid: Mapped[str] = mapped_column(String(64), index=True)
    document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"), index=True)
    recipient_enterprise_id: Mapped[str] = mapped_column(String(36))
    receipt_type: Mapped[str] = mapped_column(String(20))
    record_guid: Mapped[str | None] = mapped_column(String(64))
    return_status: Mapped[str] = mapped_column(String(10))
    return_info: Mapped[str] = mapped_column(Text)
    body: Mapped[dict[str, Any]] = mapped_column(JSONType)
    #: Set by the engines so an event processed twice never sends a receipt twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)


class OutboxEvent(Base):
    """Events written in the same transaction as the change; the bus publishes them after commit."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    topic: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(300))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
