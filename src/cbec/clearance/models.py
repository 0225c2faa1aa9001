"""Tables of import clearance: orders in clearance, their history, quotas, guarantees."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cbec.kernel.dates import utc_now
from cbec.store.base import Base, IdMixin
from cbec.store.types import JSONType, Money, UTCDateTime

_BigId = BigInteger().with_variant(Integer(), "sqlite")


class ClearanceOrder(IdMixin, Base):
    """One import order in clearance, keyed by (ebpCode, orderNo): its documents, decision and tax."""

    __tablename__ = "clearance_orders"
    __table_args__ = (
        UniqueConstraint("ebp_code", "order_no"),
        Index("ix_clearance_orders_logistics", "logistics_code", "logistics_no"),
        Index("ix_clearance_orders_state_since", "state", "waiting_since"),
    )

    ebp_code: Mapped[str] = mapped_column(String(18))
    order_no: Mapped[str] = mapped_column(String(60))
    logistics_code: Mapped[str | None] = mapped_column(String(18))
    logistics_no: Mapped[str | None] = mapped_column(String(60))
    order_doc_id: Mapped[str | None] = mapped_column(String(36))
    payment_doc_id: Mapped[str | None] = mapped_column(String(36))
    waybill_doc_id: Mapped[str | None] = mapped_column(String(36))
    inventory_doc_id: Mapped[str | None] = mapped_column(String(36))
    trade_mode: Mapped[str | None] = mapped_column(String(4))
    state: Mapped[str] = mapped_column(String(16), default="waiting")
    return_status: Mapped[str | None] = mapped_column(String(10))
    invt_no: Mapped[str | None] = mapped_column(String(20), unique=True)
    pre_no: Mapped[str | None] = mapped_column(String(18))
    buyer_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    #: Keyed hashes of the consignee address and the buyer's phone (rings of borrowed IDs).
    address_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    assure_code: Mapped[str | None] = mapped_column(String(30))
    #: Filing ids of every party named on the set (who may read the lifecycle).
    parties: Mapped[list[str]] = mapped_column(JSONType, default=list)
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    taxable_price: Mapped[Decimal | None] = mapped_column(Money)
    customs_duty: Mapped[Decimal | None] = mapped_column(Money)
    vat: Mapped[Decimal | None] = mapped_column(Money)
    consumption_tax: Mapped[Decimal | None] = mapped_column(Money)
    tax_total: Mapped[Decimal | None] = mapped_column(Money)
    #: Tax given back to the guarantee (returns, cancellation) or settled; never more than ``tax_total``.
    tax_credited: Mapped[Decimal | None] = mapped_column(Money)
    #: Quantities returned so far per line (``gnum`` → qty), so later returns see what is left.
    returned_qty: Mapped[dict[str, str] | None] = mapped_column(JSONType)
    #: Amount counted against the buyer's annual limit (0 once reversed).
    quota_used: Mapped[Decimal | None] = mapped_column(Money)
    quota_year: Mapped[int | None] = mapped_column(Integer)
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    #: Which path chose inspection: random / targeted / mandatory (risk issue); None = not inspected.
    inspection_path: Mapped[str | None] = mapped_column(String(16))
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)


class ClearanceEvent(Base):
    """Every status an order went through, with time and reason (append-only)."""

    __tablename__ = "clearance_events"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("clearance_orders.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    state: Mapped[str] = mapped_column(String(16))
    return_status: Mapped[str] = mapped_column(String(10))
    info: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))


class QuotaLedger(Base):
    """A buyer's running total for one year (个人年度交易限值), keyed by the buyer's lookup hash."""

    __tablename__ = "quota_ledger"

    buyer_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    used: Mapped[Decimal] = mapped_column(Money)
    #: Keyed hashes of the buyer's name and phone, for the consumer's own quota query.
    name_hash: Mapped[str | None] = mapped_column(String(64))
    phone_hash: Mapped[str | None] = mapped_column(String(64))


class Guarantee(Base):
    """A collecting agent's tax guarantee (汇总征税担保): amount and balance."""

    __tablename__ = "guarantees"

    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    balance: Mapped[Decimal] = mapped_column(Money)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)


class GuaranteeEntry(Base):
    """A debit or credit against a guarantee (append-only)."""

    __tablename__ = "guarantee_entries"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"), index=True)
    order_id: Mapped[str | None] = mapped_column(ForeignKey("clearance_orders.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    kind: Mapped[str] = mapped_column(String(16))  # lodged | debit | credit | settled
    amount: Mapped[Decimal] = mapped_column(Money)
