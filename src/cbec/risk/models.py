"""Tables of risk prevention: alerts raised by rules, the cases that work them, the product-safety
list and agency signals that feed the rules."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cbec.kernel.dates import utc_now
from cbec.store.base import Base, IdMixin
from cbec.store.dated import DatedMixin
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


class SafetyListEntry(IdMixin, DatedMixin, Base):
    """A product-safety list entry (召回、风险预警) posted by market regulation or customs.

    A line matches when every matcher that is set agrees (barcode, brand, HS prefix)."""

    __tablename__ = "risk_safety_list"

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    posted_by: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(16))  # the posting agency's role
    reason: Mapped[str] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(200))  # notice number, recall id
    barcode: Mapped[str | None] = mapped_column(String(50))
    brand: Mapped[str | None] = mapped_column(String(100))
    hs_prefix: Mapped[str | None] = mapped_column(String(10))


class AgencySignalRow(IdMixin, DatedMixin, Base):
    """A signal posted by an agency on an enterprise or a buyer (信息互换、执法互助).

    A buyer is kept only as the keyed lookup hash of the ID number, never the number itself."""

    __tablename__ = "risk_agency_signals"

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    posted_by: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(16))  # the posting agency's role
    subject: Mapped[str] = mapped_column(String(16))  # enterprise | buyer
    subject_key: Mapped[str] = mapped_column(String(128), index=True)  # customs code or buyer hash
    code: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")


class PriceObservation(IdMixin, Base):
    """A unit price seen on an accepted declaration line: the raw material of reference prices.

    ``kind`` is ``hs6`` (key: the first six HS digits) or ``sku`` (key: ``sellerCode|itemNo``).
    Append-only and written in the same unit of work as the clearance decision, so a batch that is
    re-run after a crash neither loses nor doubles its observations."""

    __tablename__ = "risk_price_observations"
    __table_args__ = (Index("ix_risk_price_observations_lookup", "kind", "key", "observed_at"),)

    kind: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(120))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(19, 5))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    order_id: Mapped[str] = mapped_column(String(36))


class RuleSetVersion(IdMixin, Base):
    """A rule set uploaded at run time (YAML text, checked by the same parser as the shipped ones).

    Uploaded as a draft; activated from a date by a named person. The clearance batch uses the
    latest activation in force on its day, else the rule set shipped with the package."""

    __tablename__ = "risk_rule_sets"

    version: Mapped[str] = mapped_column(String(40), unique=True)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    active_from: Mapped[date | None] = mapped_column(Date, index=True)
    activated_by: Mapped[str | None] = mapped_column(String(100))
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
