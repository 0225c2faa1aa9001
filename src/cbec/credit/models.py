"""The credit archive (信用档案): dated credit facts about an enterprise, each with its origin."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cbec.kernel.dates import utc_now
from cbec.store.base import Base, IdMixin
from cbec.store.dated import DatedMixin
from cbec.store.types import JSONType, UTCDateTime


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


class CreditScore(IdMixin, Base):
    """One computed rating (信用评价结果), kept for history: the inputs it was computed from, the model
    version and the explanation, so that it can be reproduced and explained later."""

    __tablename__ = "credit_scores"
    __table_args__ = (Index("ix_credit_scores_enterprise_at", "enterprise_id", "computed_at"),)

    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    as_of: Mapped[date] = mapped_column(Date)
    model_version: Mapped[str] = mapped_column(String(40))
    model_sha256: Mapped[str] = mapped_column(String(64))
    score: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    grade: Mapped[str] = mapped_column(String(8))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSONType)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSONType)
    trigger: Mapped[str] = mapped_column(String(60))  # nightly | credit.fact_posted | appeal:... | manual
    computed_by: Mapped[str] = mapped_column(String(100))


class CreditAppeal(IdMixin, Base):
    """An objection to a fact or listing (异议) or an application for credit repair (信用修复).

    The enterprise files it; the agency that posted the fact (the operator for the platform's own
    facts) decides. Upheld, the fact or listing is withdrawn (kept for the record) and the score is
    recomputed; both scores are recorded here."""

    __tablename__ = "credit_appeals"

    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # objection | repair
    target_type: Mapped[str] = mapped_column(String(8))  # fact | listing
    target_id: Mapped[str] = mapped_column(String(36))
    decider: Mapped[str] = mapped_column(String(16))  # the role that decides
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | upheld | rejected
    filed_by: Mapped[str] = mapped_column(String(100))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)
    score_before: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    grade_before: Mapped[str | None] = mapped_column(String(8))
    score_after: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    grade_after: Mapped[str | None] = mapped_column(String(8))
