"""The platform's message bus: in-process (embedded default) behind one small interface.

Accepted records are written to the ``outbox`` table in the same transaction as the record;
:func:`relay_outbox` publishes them after the commit and marks them published, so a crash between
commit and publish only delays an event (at-least-once), never loses it.  NATS JetStream joins
behind the same interface with the clearance workers.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.kernel.dates import utc_now
from cbec.messages.models import OutboxEvent


@dataclass(frozen=True)
class Event:
    """One event on the bus."""

    id: int
    topic: str
    key: str
    payload: dict[str, Any]


Handler = Callable[[Event], None]


class Bus(Protocol):
    def publish(self, event: Event) -> None: ...

    def subscribe(self, topic: str, handler: Handler) -> None: ...


class InProcessBus:
    """Synchronous in-process bus: handlers run in the publisher's thread."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)
        self._lock = threading.Lock()
        self.published: list[Event] = []

    def publish(self, event: Event) -> None:
        with self._lock:
            self.published.append(event)
            handlers = list(self._handlers.get(event.topic, ())) + list(self._handlers.get("*", ()))
        for handler in handlers:
            handler(event)

    def subscribe(self, topic: str, handler: Handler) -> None:
        with self._lock:
            self._handlers[topic].append(handler)


def relay_outbox(session: Session, bus: Bus, *, limit: int = 1000) -> int:
    """Publish unpublished outbox events in id order; returns how many were published."""
    rows = session.scalars(
        select(OutboxEvent).where(OutboxEvent.published_at.is_(None)).order_by(OutboxEvent.id).limit(limit)
    ).all()
    for row in rows:
        bus.publish(Event(id=row.id, topic=row.topic, key=row.key, payload=row.payload))
        row.published_at = utc_now()
    return len(rows)
