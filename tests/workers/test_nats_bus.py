"""NATS JetStream as the bus: relay from the outbox, consume, ack after commit, redelivery is harmless."""

from __future__ import annotations

import os
import socket
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from cbec.config import Settings
from cbec.kernel.dates import utc_now
from cbec.messages.models import OutboxEvent, Receipt
from cbec.store.session import session_factory, unit_of_work
from cbec.workers.nats_bus import NatsBus
from cbec.workers.runner import build_worker
from tests.factories import Factory, ceb311

NATS_URL = os.environ.get("CBEC_TEST_NATS_URL", "nats://127.0.0.1:4222")


def _nats_up() -> bool:
    host, port = NATS_URL.removeprefix("nats://").split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not _nats_up() and not os.environ.get("CBEC_REQUIRE_NATS"),
    reason="no NATS server (CI starts one and sets CBEC_REQUIRE_NATS)",
)


def _receipts(settings: Settings, status: str) -> int:
    with unit_of_work(settings) as session:
        return int(
            session.scalar(select(func.count()).select_from(Receipt).where(Receipt.return_status == status))
            or 0
        )


def test_events_travel_through_jetstream_and_redelivery_changes_nothing(
    settings: Settings, factory: Factory, client: TestClient
) -> None:
    platform = factory.file("平台有限公司", ["ebp", "ebc"])
    payer = factory.file("支付有限公司", ["payment"])
    for i in range(3):
        r = client.post(
            "/api/v1/messages",
            content=ceb311(platform, platform, payer, order_no=f"N{i}"),
            headers={"Authorization": f"Bearer {platform.key}", "Content-Type": "application/xml"},
        )
        assert r.status_code == 200
    tag = uuid.uuid4().hex[:8]
    worker = build_worker(settings, session_factory(settings))
    worker.nats = NatsBus(NATS_URL, stream=f"T{tag}", subject=f"t{tag}.accepted", durable=f"d{tag}")
    try:
        assert worker.relay() == 3
        with unit_of_work(settings) as session:
            unpublished = session.scalar(
                select(func.count()).select_from(OutboxEvent).where(OutboxEvent.published_at.is_(None))
            )
        assert unpublished == 0
        deliveries = worker.nats.fetch(10, timeout=2)
        assert len(deliveries) == 3
        # Process the batch twice (as after a crash before the ack): one 120 receipt per order, no more.
        for _ in range(2):
            with unit_of_work(settings) as session:
                worker.engine.process(session, [payload for payload, _ in deliveries], utc_now())
        worker.nats.ack([m for _, m in deliveries])
        assert _receipts(settings, "120") == 3
        assert worker.nats.fetch(10, timeout=0.5) == []
    finally:
        worker.stop()
