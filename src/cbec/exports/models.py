"""Tables of export clearance (9610 / 9710 / 9810): export orders, summaries, overseas warehouses,
the 无票免税 register."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cbec.kernel.dates import utc_now
from cbec.store.base import Base, IdMixin
from cbec.store.types import JSONType, MessageDecimal, Money, UTCDateTime

_BigId = BigInteger().with_variant(Integer(), "sqlite")


class ExportOrder(IdMixin, Base):
    """One export order and its inventory, keyed by (consignor ebcCode, orderNo)."""

    __tablename__ = "export_orders"
    __table_args__ = (
        UniqueConstraint("ebc_code", "order_no"),
        Index("ix_export_orders_logistics", "logistics_code", "logistics_no"),
        Index("ix_export_orders_summary", "ebc_code", "state", "released_at"),
    )

    ebc_code: Mapped[str] = mapped_column(String(18))
    order_no: Mapped[str] = mapped_column(String(60))
    ebp_code: Mapped[str | None] = mapped_column(String(18), index=True)
    order_type: Mapped[str | None] = mapped_column(String(1))
    trade_mode: Mapped[str | None] = mapped_column(String(4))
    statistics_flag: Mapped[str | None] = mapped_column(String(1))
    logistics_code: Mapped[str | None] = mapped_column(String(18))
    logistics_no: Mapped[str | None] = mapped_column(String(60))
    order_doc_id: Mapped[str | None] = mapped_column(String(36))
    receipt_doc_id: Mapped[str | None] = mapped_column(String(36))
    waybill_doc_id: Mapped[str | None] = mapped_column(String(36))
    inventory_doc_id: Mapped[str | None] = mapped_column(String(36))
    state: Mapped[str] = mapped_column(String(16), default="waiting")
    return_status: Mapped[str | None] = mapped_column(String(10))
    invt_no: Mapped[str | None] = mapped_column(String(20), unique=True)
    pre_no: Mapped[str | None] = mapped_column(String(18))
    bill_no: Mapped[str | None] = mapped_column(String(37))
    country: Mapped[str | None] = mapped_column(String(3))
    parties: Mapped[list[str]] = mapped_column(JSONType, default=list)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    total_value: Mapped[Decimal | None] = mapped_column(MessageDecimal)
    currency: Mapped[str | None] = mapped_column(String(3))
    sum_no: Mapped[str | None] = mapped_column(String(18), index=True)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    departed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)


class ExportEvent(Base):
    """Every status an export went through (append-only)."""

    __tablename__ = "export_events"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("export_orders.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    state: Mapped[str] = mapped_column(String(16))
    return_status: Mapped[str] = mapped_column(String(10))
    info: Mapped[str] = mapped_column(Text)


class ExportSummary(IdMixin, Base):
    """One 汇总申报 result: the declarations formed from a consignor's released inventories."""

    __tablename__ = "export_summaries"

    sum_no: Mapped[str] = mapped_column(String(18), unique=True)
    ebc_code: Mapped[str] = mapped_column(String(18), index=True)
    agent_code: Mapped[str] = mapped_column(String(18))
    application_doc_id: Mapped[str | None] = mapped_column(String(36))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(default=False)
    declarations: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class OverseasWarehouse(IdMixin, Base):
    """An overseas warehouse (海外仓) filed by its owner, for 9810 exports."""

    __tablename__ = "overseas_warehouses"

    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"), index=True)
    country: Mapped[str] = mapped_column(String(3))
    address: Mapped[str] = mapped_column(String(300))
    area_m2: Mapped[Decimal | None] = mapped_column(Money)
    operator: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class OverseasStockMove(Base):
    """Stock into an overseas warehouse (a released 9810 export line) or out of it (a sale)."""

    __tablename__ = "overseas_stock_moves"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("overseas_warehouses.id"), index=True)
    item_no: Mapped[str] = mapped_column(String(60))
    gcode: Mapped[str] = mapped_column(String(10))
    qty: Mapped[Decimal] = mapped_column(MessageDecimal)
    unit: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(8))  # in | sale
    invt_no: Mapped[str | None] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class ExportTaxEntry(Base):
    """The 无票免税 register entry the zone platform keeps per released export line (财税〔2018〕103号)."""

    __tablename__ = "export_tax_register"
    __table_args__ = (UniqueConstraint("invt_no", "gnum"),)

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    enterprise_code: Mapped[str] = mapped_column(String(18), index=True)
    invt_no: Mapped[str] = mapped_column(String(20))
    gnum: Mapped[int] = mapped_column(Integer)
    export_date: Mapped[date] = mapped_column(Date, index=True)
    trade_mode: Mapped[str] = mapped_column(String(4))
    goods_name: Mapped[str] = mapped_column(String(250))
    gcode: Mapped[str] = mapped_column(String(10))
    unit: Mapped[str] = mapped_column(String(3))
    qty: Mapped[Decimal] = mapped_column(MessageDecimal)
    unit_price: Mapped[Decimal] = mapped_column(MessageDecimal)
    amount: Mapped[Decimal] = mapped_column(MessageDecimal)
    currency: Mapped[str] = mapped_column(String(3))
    qualifies: Mapped[bool] = mapped_column(default=True)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
