"""The incomplete set: an inventory waits for its documents, and is refused naming them when the wait is over."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest

from cbec.clearance.models import ClearanceOrder
from cbec.clearance.service import _Batch
from cbec.config import Settings
from cbec.kernel.dates import utc_now
from tests.clearance.support import Zone, inventory_receipts


def test_an_inventory_without_its_waybill_waits_then_is_refused_naming_it(zone: Zone) -> None:
    spec = zone.send_set(zone.spec(), skip=("waybill",))
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["returnStatus"], life["invtNo"]) == ("waiting", None, None)
    assert life["documents"]["waybill"] is None

    zone.worker.sweep()  # the default wait (24 h) is not over: nothing happens
    assert zone.lifecycle(spec.order_no)["state"] == "waiting"

    zone.set_engine(match_wait=timedelta(0))
    zone.worker.sweep()
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["returnStatus"], life["invtNo"]) == ("refused", "100", None)
    codes = [f["code"] for f in life["findings"]]
    assert codes[0] == "SET_INCOMPLETE_TIMEOUT"
    assert "MATCH_WAYBILL_MISSING" in codes
    assert "MATCH_ORDER_MISSING" not in codes and "MATCH_PAYMENT_MISSING" not in codes
    assert life["findings"][0]["field"] == "waybill"
    assert life["history"][-1]["state"] == "refused"
    receipts = inventory_receipts(zone, spec)
    assert [status for status, _info in receipts] == ["2", "100"]
    info = receipts[-1][1]
    assert info.startswith("[Code:SET_INCOMPLETE_TIMEOUT;Desc:等待超时，缺少：物流运单]")
    assert "[Code:MATCH_WAYBILL_MISSING;" in info
    # nothing was charged or counted
    assert life["tax"]["total"] is None and life["quota"]["used"] is None
    assert zone.quota_used(spec.buyer_id) == Decimal(0)
    assert zone.receipts(zone.agent, receipt_type="CEB816Message") == []
    assert zone.guarantee() == (Zone.GUARANTEE, [("lodged", Zone.GUARANTEE)])

    # the waybill arriving after the refusal is acknowledged but does not reopen the inventory
    zone.send(*zone.documents(spec)["waybill"])
    zone.drain()
    zone.worker.sweep()
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["returnStatus"]) == ("refused", "100")
    assert [status for status, _info in inventory_receipts(zone, spec)] == ["2", "100"]


def test_an_inventory_alone_names_all_three_missing_documents(zone: Zone) -> None:
    spec = zone.send_set(zone.spec(), skip=("order", "payment", "waybill"))
    zone.set_engine(match_wait=timedelta(0))
    zone.worker.sweep()
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["returnStatus"]) == ("refused", "100")
    codes = [f["code"] for f in life["findings"]]
    assert codes[0] == "SET_INCOMPLETE_TIMEOUT"
    assert life["findings"][0]["field"] == "order,payment,waybill"
    assert {"MATCH_ORDER_MISSING", "MATCH_PAYMENT_MISSING", "MATCH_WAYBILL_MISSING"} <= set(codes)
    info = inventory_receipts(zone, spec)[-1][1]
    assert info.startswith("[Code:SET_INCOMPLETE_TIMEOUT;Desc:等待超时，缺少：电子订单、支付凭证、物流运单]")


def test_a_complete_set_is_not_touched_by_the_sweep_and_orders_without_inventory_never_time_out(
    zone: Zone,
) -> None:
    released = zone.send_set(zone.spec())
    no_inventory = zone.send_set(zone.spec(), skip=("inventory",))
    zone.set_engine(match_wait=timedelta(0))
    zone.worker.sweep()
    assert zone.lifecycle(released.order_no)["state"] == "released"
    life = zone.lifecycle(no_inventory.order_no)
    assert (life["state"], life["returnStatus"], life["history"]) == ("waiting", None, [])


def test_a_waybill_arriving_while_the_sweep_refuses_does_not_release_the_order_too(
    zone: Zone, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    if settings.is_sqlite:
        pytest.skip(
            "SQLite (the embedded default) runs one worker: the sweep and the routing of a waybill are "
            "sequential there. Concurrent workers need PostgreSQL, where SELECT … FOR UPDATE serialises them."
        )
    spec = zone.send_set(zone.spec(), skip=("waybill",))
    zone.send(*zone.documents(spec)["waybill"])  # queued, not processed yet
    waybill_event = zone.outbox_payloads()[-1]
    zone.set_engine(match_wait=timedelta(0))

    read = threading.Event()
    original = _Batch.order_by_logistics

    def order_by_logistics(self: _Batch, code: str, number: str) -> ClearanceOrder | None:
        read.set()  # the worker is about to look the order up
        return original(self, code, number)

    monkeypatch.setattr(_Batch, "order_by_logistics", order_by_logistics)
    errors: list[BaseException] = []

    def route_the_waybill() -> None:
        try:
            with zone.db() as session:
                zone.engine.process(session, [waybill_event], utc_now())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with zone.db() as sweeping:
        zone.engine.sweep(sweeping, utc_now())  # refused, not yet committed
        worker = threading.Thread(target=route_the_waybill)
        worker.start()
        assert read.wait(10)
        time.sleep(0.3)  # let the worker read (or wait for the sweep's lock)
    worker.join(30)
    assert errors == []
    life = zone.lifecycle(spec.order_no)
    decisions = [s for s, _ in inventory_receipts(zone, spec) if s in ("100", "800")]
    assert (life["state"], decisions) == ("refused", ["100"])
    assert zone.quota_used(spec.buyer_id) == Decimal(0)
