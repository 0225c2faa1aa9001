"""Tables of the enterprise registry: filings and the history of every change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cbec.kernel.dates import utc_now
from cbec.registry.enums import FilingStatus
from cbec.store.base import Base, IdMixin, TimestampMixin
from cbec.store.types import JSONType, UTCDateTime


class Enterprise(IdMixin, TimestampMixin, Base):
    """One filing (备案): an enterprise known by its USCC and/or customs code."""

    __tablename__ = "enterprises"

    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    customs_code: Mapped[str | None] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSONType)
    dxp_id: Mapped[str | None] = mapped_column(String(30))
    contact_name: Mapped[str | None] = mapped_column(String(60))
    contact_phone: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(200))
    park: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(3))
    overseas: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Domestic agent (境内代理人) through which an overseas seller is filed.
    agent_id: Mapped[str | None] = mapped_column(ForeignKey("enterprises.id"))
    status: Mapped[str] = mapped_column(String(16), default=FilingStatus.active.value)
    status_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)


class EnterpriseChange(IdMixin, Base):
    """Append-only history of a filing: who changed what, when and why."""

    __tablename__ = "enterprise_changes"

    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(Integer)
