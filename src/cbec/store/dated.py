"""Rows in force over a period and withdrawn rather than deleted (lists, signals, credit facts).

One mechanism for every such table: the columns (:class:`DatedMixin`), the "in force on a day"
filter, the period check and the withdrawal, so that a past decision can be explained from what was
in force then.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, String, or_
from sqlalchemy.orm import Mapped, mapped_column

from cbec.errors import ErrorCode, InvalidInputError
from cbec.kernel.dates import utc_now
from cbec.store.types import UTCDateTime


class DatedMixin:
    """In force from ``effective_from`` through ``expires_on`` (None: open-ended), unless withdrawn."""

    effective_from: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by: Mapped[str | None] = mapped_column(String(100))


def in_force_on(model: type[DatedMixin], day: date) -> list[Any]:
    """WHERE clauses selecting the rows of ``model`` in force on ``day``."""
    return [
        model.effective_from <= day,
        or_(model.expires_on.is_(None), model.expires_on >= day),
        model.withdrawn_at.is_(None),
    ]


def check_period(effective_from: date, expires_on: date | None) -> None:
    """Refuse a period that ends before it starts."""
    if expires_on is not None and expires_on < effective_from:
        raise InvalidInputError(
            ErrorCode.VALIDATION_FAILED, "失效日期早于生效日期", data={"field": "expires_on"}
        )


def withdraw(row: DatedMixin, *, actor: str) -> None:
    """Withdraw a row (kept for the record); withdrawing twice keeps the first withdrawal."""
    if row.withdrawn_at is None:
        row.withdrawn_at = utc_now()
        row.withdrawn_by = actor
