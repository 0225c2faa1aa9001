"""kill -9 of a worker in the middle of its batches loses nothing and doubles nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from cbec.clearance.models import ClearanceOrder, GuaranteeEntry
from cbec.messages.models import OutboxEvent, Receipt
from tests.clearance.support import Zone

pytestmark = pytest.mark.slow

ORDERS = 30


def _worker(zone: Zone, *args: str, output: int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CBEC_")}
    env |= {
        "CBEC_DATABASE_URL": zone.settings.database_url,
        "CBEC_ENVIRONMENT": "testing",
        "CBEC_WORKER_BATCH_SIZE": "5",
        "CBEC_INSPECTION_RATE": "0",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "cbec.cli.main", "worker", *args],
        env=env,
        stdout=output,
        stderr=output,
    )


def _progress(zone: Zone) -> tuple[int, int]:
    """(orders decided, outbox rows done)."""
    with zone.db() as s:
        decided = s.scalar(
            select(func.count()).select_from(ClearanceOrder).where(ClearanceOrder.state != "waiting")
        )
        done = s.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.published_at.is_not(None))
        )
        return int(decided or 0), int(done or 0)


def test_a_worker_killed_mid_batch_is_finished_by_the_next_exactly_once(zone: Zone) -> None:
    specs = [zone.send_set(zone.spec(), drain=False) for _ in range(ORDERS)]
    events = ORDERS * 4
    assert _progress(zone) == (0, 0)

    proc = _worker(zone)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            decided, done = _progress(zone)
            if decided > 0:
                break
            assert proc.poll() is None, "the worker stopped by itself"
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    decided_at_kill, done_at_kill = _progress(zone)
    assert 0 < decided_at_kill < ORDERS, "the worker must be killed before it finished"
    assert 0 < done_at_kill < events
    assert done_at_kill % 5 == 0  # whole batches only: a killed batch left no trace

    finisher = _worker(zone, "--once", output=subprocess.PIPE)
    out, err = finisher.communicate(timeout=120)
    assert finisher.returncode == 0, err.decode()
    assert _progress(zone) == (ORDERS, events)

    agent = zone.enterprise_id(zone.agent)
    platform = zone.enterprise_id(zone.platform)
    with zone.db() as s:
        orders = s.scalars(select(ClearanceOrder)).all()
        assert sorted(o.state for o in orders) == ["released"] * ORDERS
        assert len({o.invt_no for o in orders}) == ORDERS
        inventory_ids = {o.inventory_doc_id for o in orders}
        released = s.execute(
            select(Receipt.document_id, Receipt.recipient_enterprise_id, func.count())
            .where(Receipt.receipt_type == "CEB622Message", Receipt.return_status == "800")
            .group_by(Receipt.document_id, Receipt.recipient_enterprise_id)
        ).all()
        # one 800 per recipient (the agent; the platform, also the seller) per order
        assert sorted((d, r, n) for d, r, n in released) == sorted(
            (d, r, 1) for d in inventory_ids for r in (agent, platform)
        )
        bills = s.execute(
            select(Receipt.document_id, func.count())
            .where(Receipt.receipt_type == "CEB816Message")
            .group_by(Receipt.document_id)
        ).all()
        assert sorted(bills) == sorted((d, 1) for d in inventory_ids)
        for kind in ("CEB312Message", "CEB412Message", "CEB512Message"):
            acks = s.scalar(
                select(func.count())
                .select_from(Receipt)
                .where(Receipt.receipt_type == kind, Receipt.return_status == "120")
            )
            assert acks == ORDERS, kind
        debits = s.execute(
            select(GuaranteeEntry.order_id, func.count())
            .where(GuaranteeEntry.kind == "debit")
            .group_by(GuaranteeEntry.order_id)
        ).all()
        assert sorted(debits) == sorted((o.id, 1) for o in orders)
        taxable = sum((o.taxable_price or Decimal(0) for o in orders), Decimal(0))
        tax = sum((o.tax_total or Decimal(0) for o in orders), Decimal(0))
    assert taxable == ORDERS * Decimal("210")
    assert zone.quota_used(specs[0].buyer_id) == taxable
    balance, entries = zone.guarantee()
    assert balance == Zone.GUARANTEE - tax == Zone.GUARANTEE - ORDERS * Decimal("19.11")
    assert [kind for kind, _ in entries] == ["lodged"] + ["debit"] * ORDERS
