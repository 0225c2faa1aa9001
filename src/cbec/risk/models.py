"""Tables of risk prevention: alerts raised by rules, and the cases that work them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cbec.kernel.dates import utc_now
from cbec.store.base import Base, IdMixin
from cbec.store.types import JSONType, Money, UTCDateTime


class RiskAlert(IdMixin, Base):
    """A rule hit whose action asks for attention (alert / hold / must_inspect), queued for officers."""

    __tablename__ = "risk_alerts"

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, index=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("clearance_orders.id"), index=True)
    declaration_key: Mapped[str] = mapped_column(String(100))
    rule_id: Mapped[str] = mapped_column(String(80), index=True)
    action: Mapped[str] = mapped_column(String(16))
    score: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | in_case | closed
    case_id: Mapped[str | None] = mapped_column(String(36))


class RiskCase(IdMixin, Base):
    """A case: an officer works alerts of one declaration through inspection to an outcome."""

    __tablename__ = "risk_cases"

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    order_id: Mapped[str] = mapped_column(ForeignKey("clearance_orders.id"), index=True)
    invt_no: Mapped[str | None] = mapped_column(String(20))
    opened_by: Mapped[str] = mapped_column(String(100))
    assigned_to: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    result: Mapped[str | None] = mapped_column(String(32))
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    revenue_found: Mapped[Decimal | None] = mapped_column(Money)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(100))
