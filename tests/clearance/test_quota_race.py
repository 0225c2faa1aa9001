"""Two workers racing on one buyer's annual quota never overspend it.

Each worker runs in its own thread with its own sessions and takes its own order's four documents
from the outbox (a queue narrowed to one order, so the two transactions really overlap on SQLite as
on PostgreSQL, where ``SKIP LOCKED`` would hand them different batches anyway).  A batch that fails
on a lock, a snapshot or a key conflict is retried, as the worker loop does.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from cbec.clearance.models import QuotaLedger
from cbec.messages.models import OutboxEvent
from cbec.store.session import session_factory
from cbec.workers.bus import OutboxQueue
from cbec.workers.runner import ClearanceWorker, build_worker
from tests.clearance.support import (
    BUYER_NAME,
    BUYER_PHONE,
    Line,
    OrderSpec,
    Zone,
    inventory_receipts,
    this_year,
)
from tests.factories import make_ric

#: ¥140 goods + ¥10 freight: a taxable price of ¥150.
SMALL = (Line(qty="1", price="140"),)


class _OneOrderQueue(OutboxQueue):
    """The outbox, narrowed to the events of one order (its four business keys end with the order number)."""

    def __init__(self, order_no: str) -> None:
        self.order_no = order_no

    def claim(self, session: Session, limit: int) -> Sequence[OutboxEvent]:
        return session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.published_at.is_(None), OutboxEvent.key.like(f"%{self.order_no}"))
            .order_by(OutboxEvent.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()


def _race(zone: Zone, specs: list[OrderSpec]) -> list[ClearanceWorker]:
    """One worker per order, started together, each retried until its queue is empty."""
    pool = []
    for spec in specs:
        worker = build_worker(zone.settings, session_factory(zone.settings))
        worker.engine.settings = zone.engine.settings
        worker.queue = _OneOrderQueue(spec.order_no)
        pool.append(worker)
    start = threading.Barrier(len(pool))
    errors: list[BaseException] = []

    def run(worker: ClearanceWorker) -> None:
        start.wait()
        for _attempt in range(20):
            try:
                if not worker.run_once():
                    return
            except SQLAlchemyError:  # the other worker won this round: the batch was rolled back, retry it
                continue
        errors.append(AssertionError("the worker never emptied its queue"))

    threads = [threading.Thread(target=run, args=(w,)) for w in pool]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
        assert not t.is_alive()
    assert errors == []
    assert [w.stats.decided for w in pool] == [1] * len(pool)  # each worker decided its own order
    return pool


def _seed_ledger(zone: Zone, buyer: str, used: Decimal) -> None:
    cipher = zone.cipher
    with zone.db() as s:
        s.add(
            QuotaLedger(
                buyer_hash=cipher.lookup_hash(buyer),
                year=this_year(),
                used=used,
                name_hash=cipher.lookup_hash(BUYER_NAME),
                phone_hash=cipher.lookup_hash(BUYER_PHONE),
            )
        )


def test_two_workers_cannot_both_spend_the_last_of_a_buyers_quota(zone: Zone) -> None:
    buyer = make_ric(301)
    _seed_ledger(zone, buyer, Decimal("25800"))
    specs = [zone.send_set(zone.spec(lines=SMALL, buyer_id=buyer), drain=False) for _ in range(2)]
    _race(zone, specs)
    lives = {spec.order_no: zone.lifecycle(spec.order_no) for spec in specs}
    outcome = sorted((life["state"], life["returnStatus"]) for life in lives.values())
    assert outcome == [("refused", "-621018"), ("released", "800")]
    # 25,800 + 150 = 25,950 ≤ 26,000, but another 150 would make 26,100
    assert zone.quota_used(buyer) == Decimal("25950")
    for spec in specs:
        life = lives[spec.order_no]
        if life["state"] == "refused":
            assert [f["code"] for f in life["findings"]] == ["LIMIT_ANNUAL_EXCEEDED"]
            assert [s for s, _ in inventory_receipts(zone, spec)] == ["2", "-621018"]
            assert (life["quota"]["used"], life["invtNo"], life["tax"]["total"]) == (None, None, None)
        else:
            assert life["quota"]["used"] == "150.00"
            assert [s for s, _ in inventory_receipts(zone, spec)] == ["2", "120", "399", "800"]
    assert len(zone.receipts(zone.agent, receipt_type="CEB816Message")) == 1
    balance, entries = zone.guarantee()
    assert [kind for kind, _ in entries] == ["lodged", "debit"]


def test_two_workers_on_a_new_buyer_lose_no_update(zone: Zone) -> None:
    """No ledger row yet: both workers insert it; the loser retries and adds to the winner's total."""
    buyer = make_ric(302)
    specs = [zone.send_set(zone.spec(lines=SMALL, buyer_id=buyer), drain=False) for _ in range(2)]
    _race(zone, specs)
    assert [zone.lifecycle(spec.order_no)["state"] for spec in specs] == ["released", "released"]
    assert zone.quota_used(buyer) == Decimal("300")
    balance, entries = zone.guarantee()
    assert [kind for kind, _ in entries] == ["lodged", "debit", "debit"]
    assert balance == Zone.GUARANTEE - 2 * entries[1][1]
