"""Processing the same events again changes nothing (a redelivery from the bus, two SQLite workers claiming
the same rows, a batch retried after its commit was lost).

The engine is called directly with the outbox payloads of everything already processed, as a NATS
redelivery would hand them to it, and the database is compared before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest

from cbec.kernel.dates import utc_now
from tests.clearance.support import Line, OrderSpec, Zone


def _replay(zone: Zone, times: int = 1) -> None:
    payloads = zone.outbox_payloads()
    for _ in range(times):
        with zone.db() as session:
            zone.engine.process(session, payloads, utc_now())


def test_replaying_every_event_of_decided_orders_changes_nothing(zone: Zone) -> None:
    released = zone.send_set(zone.spec())
    over_limit = zone.send_set(zone.spec(lines=(Line(qty="2", price="3000"),)))
    zone.set_engine(inspection_rate=Decimal(1))
    inspecting = zone.send_set(zone.spec())
    zone.set_engine(inspection_rate=Decimal(0), match_wait=timedelta(0))
    timed_out = zone.send_set(zone.spec(), skip=("payment",))
    zone.worker.sweep()
    states = {
        s.order_no: zone.lifecycle(s.order_no)["state"] for s in (released, over_limit, inspecting, timed_out)
    }
    assert states == {
        released.order_no: "released",
        over_limit.order_no: "refused",
        inspecting.order_no: "inspecting",
        timed_out.order_no: "refused",
    }
    before = zone.snapshot()
    assert len(before["receipts"]) > 0 and len(before["events"]) == 4 + 2 + 3 + 2

    _replay(zone, times=2)
    assert zone.snapshot() == before
    # the same events twice in one batch, too
    with zone.db() as session:
        zone.engine.process(session, zone.outbox_payloads() * 2, utc_now())
    assert zone.snapshot() == before


def test_the_same_complete_set_twice_in_its_first_batch_is_decided_once(zone: Zone) -> None:
    spec = zone.send_set(zone.spec(), skip=("inventory",))  # order, payment and waybill are processed
    zone.send(*zone.documents(spec)["inventory"])
    inventory_event = zone.outbox_payloads()[-1]
    with zone.db() as session:
        zone.engine.process(session, [inventory_event], utc_now())
        zone.engine.process(session, [inventory_event], utc_now())  # same transaction, before the commit
    zone.drain()  # and the queued event a third time
    life = zone.lifecycle(spec.order_no)
    assert [(h["state"], h["returnStatus"]) for h in life["history"]] == [
        ("waiting", "2"),
        ("waiting", "120"),
        ("waiting", "399"),
        ("released", "800"),
    ]
    assert zone.quota_used(spec.buyer_id) == Decimal("210")
    assert [k for k, _ in zone.guarantee()[1]] == ["lodged", "debit"]
    assert len(zone.receipts(zone.agent, receipt_type="CEB816Message")) == 1


def _waiting_inventory(zone: Zone) -> OrderSpec:
    return zone.send_set(zone.spec(), skip=("waybill",))


def _arrived_and_signed(zone: Zone) -> OrderSpec:
    spec = zone.send_set(zone.spec())
    zone.arrive([spec])
    zone.sign_off(spec)
    zone.drain()
    return spec


def _cancelled(zone: Zone) -> OrderSpec:
    spec = zone.send_set(zone.spec())
    zone.cancel(spec, zone.order(spec.order_no).invt_no or "")
    zone.drain()
    return spec


def _fully_returned(zone: Zone) -> OrderSpec:
    spec = zone.send_set(zone.spec())
    zone.refund(spec, zone.order(spec.order_no).invt_no or "", {1: "2"})
    zone.drain()
    return spec


@pytest.mark.parametrize(
    "history",
    [
        pytest.param(
            _waiting_inventory,
            id="waiting inventory",
        ),
        pytest.param(
            _arrived_and_signed,
            id="arrival and sign-off",
        ),
        pytest.param(
            _cancelled,
            id="cancel",
        ),
        pytest.param(
            _fully_returned,
            id="full return",
        ),
    ],
)
def test_replaying_after_sale_and_incomplete_events_changes_nothing(
    zone: Zone, history: Callable[[Zone], OrderSpec]
) -> None:
    history(zone)
    before = zone.snapshot()
    _replay(zone)
    assert zone.snapshot() == before


def test_an_inventory_delivered_twice_in_one_batch_shows_once_in_the_history(zone: Zone) -> None:
    spec = zone.send_set(zone.spec(), skip=("inventory",))
    zone.send(*zone.documents(spec)["inventory"])
    inventory_event = zone.outbox_payloads()[-1]
    with zone.db() as session:
        zone.engine.process(session, [inventory_event, inventory_event], utc_now())
    life = zone.lifecycle(spec.order_no)
    assert life["state"] == "released"
    assert [(h["state"], h["returnStatus"]) for h in life["history"]] == [
        ("waiting", "2"),
        ("waiting", "120"),
        ("waiting", "399"),
        ("released", "800"),
    ]


def test_replaying_a_partial_return_credits_the_guarantee_once(zone: Zone) -> None:
    spec = zone.send_set(zone.spec())
    zone.refund(spec, zone.order(spec.order_no).invt_no or "", {1: "1"})
    zone.drain()
    assert zone.guarantee() == (
        Decimal("99990.45"),  # 100,000 − 19.11 + 9.56 (half of the tax, to the fen)
        [("lodged", Decimal("100000")), ("debit", Decimal("19.11")), ("credit", Decimal("9.56"))],
    )
    assert zone.quota_used(spec.buyer_id) == Decimal("105")
    before = zone.snapshot()
    _replay(zone)
    assert zone.guarantee()[0] == Decimal("99990.45")
    assert zone.quota_used(spec.buyer_id) == Decimal("105")
    assert zone.snapshot() == before
