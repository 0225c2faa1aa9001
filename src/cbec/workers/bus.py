"""The platform's message bus behind one small interface.

Accepted records are written to the ``outbox`` table in the same transaction as the record, so a
crash never loses an event.  Two backends deliver them to the clearance workers:

* :class:`OutboxQueue` (embedded default): the outbox table *is* the queue.  A worker claims a
  batch (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer), processes it and marks
  it done **in the same transaction**, so killing a worker mid-batch loses nothing and doubles
  nothing.
* NATS JetStream (``CBEC_BUS_URL=nats://…``): a relay publishes outbox rows with their id as the
  JetStream message id (server-side dedupe) and workers consume with explicit acks after commit;
  processing is idempotent, so a redelivery changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.messages.models import OutboxEvent


@dataclass(frozen=True)
class Event:
    """One event on the bus."""

    id: int
    topic: str
    key: str
    payload: dict[str, Any]


class OutboxQueue:
    """The embedded bus: claim unprocessed outbox rows in id order, mark them done in the same transaction."""

    def claim(self, session: Session, limit: int) -> Sequence[OutboxEvent]:
        return session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.published_at.is_(None))
            .order_by(OutboxEvent.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()

    def done(self, rows: Sequence[OutboxEvent], now: datetime) -> None:
        for row in rows:
            row.published_at = now

    def pending(self, session: Session) -> int:
        from sqlalchemy import func

        return int(
            session.scalar(
                select(func.count()).select_from(OutboxEvent).where(OutboxEvent.published_at.is_(None))
            )
            or 0
        )
