"""Tables of the statistics read side: one fact row per declaration, the event cursors that keep it up to
date, the other channels' imported records, and the figures the operator enters.

``stat_declarations`` is derived data: ``cbec stats rebuild`` empties it and fills it again from the
clearance and export event histories (and the imported channel records) with the same result.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cbec.kernel.dates import utc_now
from cbec.store.base import Base, IdMixin
from cbec.store.types import MessageDecimal, Money, UTCDateTime

_BigId = BigInteger().with_variant(Integer(), "sqlite")
_BigInt = BigInteger()


class StatDeclaration(Base):
    """One declaration (申报清单) or one imported channel record, with its dimensions and measures.

    ``id`` is ``I:<clearance order id>``, ``E:<export order id>`` or ``C:<channel record id>``.
    """

    __tablename__ = "stat_declarations"
    __table_args__ = (
        # Day first with every column the dashboards group or sum by: a zone-wide figure for a range of
        # days reads this index alone (no row lookups), on SQLite and PostgreSQL alike.
        Index(
            "ix_stat_declarations_day_covering",
            "day",
            "month",
            "year",
            "direction",
            "segment",
            "trade_mode",
            "channel",
            "country",
            "hs_chapter",
            "park",
            "released",
            "accepted",
            "refused",
            "inspected",
            "value_fen",
            "tax_fen",
            "clearance_seconds",
            "ebp_id",
            "ebc_id",
        ),
        # A dimension first: a filter on it reads only its rows.
        Index("ix_stat_declarations_direction_day", "direction", "day"),
        Index("ix_stat_declarations_segment_day", "segment", "day"),
        Index("ix_stat_declarations_trade_mode_day", "trade_mode", "day"),
        Index("ix_stat_declarations_country_day", "country", "day"),
        Index("ix_stat_declarations_hs_chapter_day", "hs_chapter", "day"),
        Index("ix_stat_declarations_park_day", "park", "day"),
        Index("ix_stat_declarations_ebp_day", "ebp_id", "day"),
        Index("ix_stat_declarations_ebc_day", "ebc_id", "day"),
        Index("ix_stat_declarations_channel_day", "channel", "day"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: clearance | export | channel
    source: Mapped[str] = mapped_column(String(10))
    #: customs (a declaration on this platform) | post | express | platform (imported records)
    channel: Mapped[str] = mapped_column(String(10))
    direction: Mapped[str] = mapped_column(String(6))
    trade_mode: Mapped[str | None] = mapped_column(String(4))
    segment: Mapped[str] = mapped_column(String(12))
    #: Beijing date of the first acceptance of the list (channel records: the date they report).
    day: Mapped[date] = mapped_column(Date)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM of ``day``
    year: Mapped[int] = mapped_column(Integer)
    country: Mapped[str | None] = mapped_column(String(3))
    hs_chapter: Mapped[str | None] = mapped_column(String(2))
    park: Mapped[str | None] = mapped_column(String(100))
    ebp_id: Mapped[str | None] = mapped_column(String(36))
    ebc_id: Mapped[str | None] = mapped_column(String(36))
    order_no: Mapped[str | None] = mapped_column(String(60), index=True)
    waybill_no: Mapped[str | None] = mapped_column(String(60), index=True)
    #: Declared goods value in the declared currency (CEB N19,5), and that currency (JGS-20 code).
    value: Mapped[Decimal | None] = mapped_column(MessageDecimal)
    currency: Mapped[str | None] = mapped_column(String(3))
    #: The value in CNY fen when it is known without conversion (currency 142); None otherwise. Amounts
    #: are whole fen so that sums are exact on both databases (SQLite has no decimal type).
    value_fen: Mapped[int | None] = mapped_column(_BigInt)
    tax_fen: Mapped[int | None] = mapped_column(_BigInt)
    state: Mapped[str] = mapped_column(String(16))
    accepted: Mapped[bool] = mapped_column(Boolean)
    refused: Mapped[bool] = mapped_column(Boolean)
    inspected: Mapped[bool] = mapped_column(Boolean)
    #: Released and still standing: counts in value and tax.
    released: Mapped[bool] = mapped_column(Boolean)
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    clearance_seconds: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)


class StatCursor(Base):
    """The last event id of one history (``clearance_events`` / ``export_events``) applied to the facts."""

    __tablename__ = "stat_cursors"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_id: Mapped[int] = mapped_column(_BigId, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)


class ChannelBatch(IdMixin, Base):
    """One imported file of another channel (邮政、快递、平台): who, when, what came of its rows."""

    __tablename__ = "stat_channel_batches"

    channel: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows: Mapped[int] = mapped_column(Integer)
    imported: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)
    imported_by: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class ChannelRecord(IdMixin, Base):
    """One shipment or order reported by another channel, as imported (validated, not a duplicate)."""

    __tablename__ = "stat_channel_records"
    __table_args__ = (UniqueConstraint("channel", "channel_ref"),)

    batch_id: Mapped[str] = mapped_column(ForeignKey("stat_channel_batches.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(10))
    channel_ref: Mapped[str] = mapped_column(String(60))
    day: Mapped[date] = mapped_column(Date)
    direction: Mapped[str] = mapped_column(String(6))
    segment: Mapped[str] = mapped_column(String(12))
    trade_mode: Mapped[str | None] = mapped_column(String(4))
    country: Mapped[str] = mapped_column(String(3))
    hs_code: Mapped[str | None] = mapped_column(String(10))
    enterprise_id: Mapped[str | None] = mapped_column(String(36))
    order_no: Mapped[str | None] = mapped_column(String(60), index=True)
    waybill_no: Mapped[str | None] = mapped_column(String(60), index=True)
    value_cny: Mapped[Decimal] = mapped_column(Money)


class StatInput(Base):
    """A figure the platform cannot measure, entered by the operator (e.g. the zone's foreign-trade
    enterprises of a year, the denominator of the adoption share)."""

    __tablename__ = "stat_inputs"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[Decimal] = mapped_column(MessageDecimal)
    source: Mapped[str] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(100))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)
