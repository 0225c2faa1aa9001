"""The credit archive (信用档案): dated credit facts about an enterprise, each with its origin."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cbec.kernel.dates import utc_now
from cbec.store.base import Base, IdMixin
from cbec.store.dated import DatedMixin
from cbec.store.types import UTCDateTime


class CreditFact(IdMixin, DatedMixin, Base):
    """One credit fact: a rating or a listing posted by an agency, in force over a period.

    Facts are never edited or deleted: a new rating is a new fact (the latest in force wins) and a
    mistaken one is withdrawn, so every past decision can be explained from what was known then."""

    __tablename__ = "credit_facts"

    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # customs_level | tax_level | forex_class | ...
    value: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(16))  # the posting agency's role
    basis: Mapped[str | None] = mapped_column(String(200))  # decision or document number
    note: Mapped[str] = mapped_column(Text, default="")
    posted_by: Mapped[str] = mapped_column(String(100))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class CreditListing(IdMixin, DatedMixin, Base):
    """An enterprise on a red, black or watch list (红名单、黑名单、重点关注名单), over a period."""

    __tablename__ = "credit_listings"

    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"), index=True)
    list_name: Mapped[str] = mapped_column(String(8))  # red | black | watch
    reason: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(String(200))  # legal basis or decision number
    source: Mapped[str] = mapped_column(String(16))  # the listing agency's role
    listed_by: Mapped[str] = mapped_column(String(100))
    listed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
