"""NATS JetStream behind the bus interface (``CBEC_BUS_URL=nats://…``).

The relay publishes outbox rows to the stream with the outbox id as ``Nats-Msg-Id`` (JetStream drops
a duplicate publish inside its dedupe window) and marks them published; workers pull batches from a
durable consumer and ack only after their transaction committed.  A worker killed before its ack
gets the batch redelivered (to itself or another worker); the engine is idempotent, so nothing is
doubled.  nats-py is asyncio-only: this class runs its own event loop in a thread and offers a
blocking API to the synchronous workers.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

import nats
from nats.aio.msg import Msg
from nats.js.api import StreamConfig
from nats.js.errors import BadRequestError

from cbec.workers.bus import Event

T = TypeVar("T")

STREAM = "CBEC"
SUBJECT = "cbec.messages.accepted"
DURABLE = "clearance"


class NatsBus:
    """A blocking facade over a JetStream stream and one durable pull consumer."""

    def __init__(
        self, url: str, *, stream: str = STREAM, subject: str = SUBJECT, durable: str = DURABLE
    ) -> None:
        self.url = url
        self.stream = stream
        self.subject = subject
        self.durable = durable
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="nats-loop", daemon=True)
        self._thread.start()
        self._call(self._connect())

    def _call(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _connect(self) -> None:
        self._nc = await nats.connect(self.url, connect_timeout=5, max_reconnect_attempts=3)
        self._js = self._nc.jetstream()
        config = StreamConfig(name=self.stream, subjects=[f"{self.subject.split('.')[0]}.>"])
        try:
            await self._js.add_stream(config)
        except BadRequestError:
            await self._js.update_stream(config)
        self._sub = await self._js.pull_subscribe(self.subject, durable=self.durable)

    def publish(self, events: Sequence[Event]) -> None:
        """Publish events and wait for the stream's acknowledgement of each."""

        async def go() -> None:
            for event in events:
                await self._js.publish(
                    self.subject,
                    json.dumps(event.payload, ensure_ascii=False).encode("utf-8"),
                    headers={"Nats-Msg-Id": f"outbox-{event.id}"},
                )

        self._call(go())

    def fetch(self, batch: int, timeout: float = 0.5) -> list[tuple[dict[str, Any], Msg]]:
        """Up to ``batch`` deliveries (payload, message to ack); empty when none arrived in ``timeout``."""

        async def go() -> list[Msg]:
            try:
                return list(await self._sub.fetch(batch, timeout=timeout))
            except (TimeoutError, nats.errors.TimeoutError):
                return []

        msgs = self._call(go(), timeout=timeout + 30)
        return [(json.loads(m.data), m) for m in msgs]

    def ack(self, msgs: Sequence[Msg]) -> None:
        async def go() -> None:
            for m in msgs:
                await m.ack()

        self._call(go())

    def close(self) -> None:
        async def go() -> None:
            await self._nc.close()
            await asyncio.sleep(0.05)  # let the transport's close callbacks run before the loop stops

        try:
            self._call(go(), timeout=10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            if not self._thread.is_alive():
                self._loop.close()
