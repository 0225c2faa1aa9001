"""Cancellation (CEB605) and returns (CEB213) of demo exports through the engine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from cbec.config import Settings
from cbec.demo.exports import DemoExport
from cbec.kernel.dates import SHANGHAI, utc_now
from tests.exports.support_exports import (
    BY_KEY,
    ExportZone,
    auth_header,
    fresh_guids,
    repaired,
    set_element,
    shipments,
)

SETS = shipments(n=40, seed=7)
RETAIL = [s for s in SETS if s.trade_mode == "9610"]


@pytest.fixture
def zone(client: TestClient, settings: Settings, operator_key: str) -> ExportZone:
    return ExportZone(client, settings, operator_key)


def _cancel(zone: ExportZone, invt_no: str) -> str:
    body = set_element(repaired("CEB605Message"), "invtNo", invt_no)
    zone.send(BY_KEY["agent-1"], fresh_guids(set_element(body, "copNo", f"CX{invt_no[-12:]}")))
    zone.drain()
    (answer,) = [r for r in zone.receipts("CEB606Message") if r.return_status != "2"][-1:]
    return f"{answer.return_status} {answer.return_info}"


def _return(zone: ExportZone, invt_no: str) -> str:
    body = fresh_guids(set_element(repaired("CEB213Message"), "invtNo", invt_no))
    zone.send(BY_KEY["seller-1"], body)
    zone.drain()
    answers = [r for r in zone.receipts() if r.receipt_type.startswith("CEB214") and r.return_status != "2"]
    return f"{answers[-1].return_status} {answers[-1].return_info}"


def _register(zone: ExportZone, s: DemoExport) -> list[str]:
    today = utc_now().astimezone(SHANGHAI).date()
    params = {
        "enterprise": s.consignor.customs_code,
        "from": str(today - timedelta(days=40)),
        "to": str(today + timedelta(days=1)),
    }
    r = zone.client.get("/api/v1/export-register", params=params, headers=auth_header(zone.operator_key))
    assert r.status_code == 200, r.text
    return [e["invtNo"] for e in r.json()["entries"]]


def test_cancel_an_accepted_inventory(zone: ExportZone) -> None:
    s = RETAIL[0]
    zone.send_set(s, upto="CEB603Message")
    zone.drain()
    invt_no = zone.order(s.order_no).invt_no
    assert zone.order(s.order_no).state == "accepted" and invt_no
    assert _cancel(zone, invt_no).startswith("399")
    assert zone.order(s.order_no).state == "cancelled"
    # the goods arriving afterwards do not release it
    zone.send(s.arrival_sender, s.arrival)
    zone.drain()
    assert zone.order(s.order_no).state == "cancelled"
    assert not [r for r in zone.receipts("CEB604Message") if r.return_status == "800"]


def test_cancel_a_released_inventory_removes_its_register_entries(zone: ExportZone) -> None:
    s, other = RETAIL[0], RETAIL[1]
    for x in (s, other):
        zone.send_set(x, upto="CEB507Message")
    zone.drain()
    invt_no = zone.order(s.order_no).invt_no
    assert invt_no and invt_no in _register(zone, s)
    assert _cancel(zone, invt_no).startswith("399")
    assert zone.order(s.order_no).state == "cancelled"
    assert invt_no not in _register(zone, s)
    other_no = zone.order(other.order_no).invt_no
    assert other_no in _register(zone, other)
    # the departure that follows does not close a cancelled inventory
    zone.send(s.logistics, s.departure)
    zone.drain()
    assert zone.order(s.order_no).state == "cancelled"


def test_cancel_a_departed_inventory_is_refused(zone: ExportZone) -> None:
    s = RETAIL[0]
    zone.send_set(s)
    zone.drain()
    order = zone.order(s.order_no)
    assert order.state == "departed" and order.invt_no
    answer = _cancel(zone, order.invt_no)
    assert answer.startswith("100") and "EXPORT_CANCEL_STATE" in answer
    assert zone.order(s.order_no).state == "departed"
    assert _cancel(zone, "86002026E999999999").startswith("100")


def test_return_of_a_released_export(zone: ExportZone) -> None:
    s = RETAIL[0]
    zone.send_set(s, upto="CEB507Message")
    zone.drain()
    invt_no = zone.order(s.order_no).invt_no
    assert invt_no
    assert _return(zone, invt_no).startswith("399")
    assert zone.order(s.order_no).state == "returned"
    assert invt_no not in _register(zone, s)


def test_return_of_an_unreleased_export_is_refused(zone: ExportZone) -> None:
    s = RETAIL[0]
    zone.send_set(s, upto="CEB603Message")
    zone.drain()
    invt_no = zone.order(s.order_no).invt_no
    assert invt_no
    answer = _return(zone, invt_no)
    assert answer.startswith("100") and "EXPORT_RETURN_STATE" in answer
    assert zone.order(s.order_no).state == "accepted"
