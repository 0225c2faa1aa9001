"""Each export check through the engine: an edited demo set is refused (CEB604 100) naming its code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from cbec.config import Settings
from cbec.demo.exports import DemoExport
from cbec.exports.reasons import ExportReason
from tests.exports.support_exports import BY_KEY, ExportZone, auth_header, element, set_element, shipments

Edit = Callable[[bytes], bytes]


def _same(body: bytes) -> bytes:
    return body


@dataclass(frozen=True)
class Case:
    code: ExportReason
    order: Edit = _same
    waybill: Edit = _same
    inventory: Edit = _same
    also: tuple[ExportReason, ...] = field(default=())


def _halve_qty_double_price(body: bytes) -> bytes:
    qty, price = Decimal(element(body, "qty")), Decimal(element(body, "price"))
    return set_element(set_element(body, "qty", str(qty * 2)), "price", str(price / 2))


CASES = {
    "order type vs trade mode": Case(
        ExportReason.EXPORT_ORDER_TYPE_MISMATCH, order=lambda b: set_element(b, "orderType", "B")
    ),
    "line quantity and price": Case(
        ExportReason.EXPORT_LINE_QTY_MISMATCH,
        order=_halve_qty_double_price,
        also=(ExportReason.EXPORT_LINE_PRICE_MISMATCH,),
    ),
    "line total": Case(
        ExportReason.EXPORT_LINE_TOTAL_MISMATCH,
        order=lambda b: set_element(
            set_element(b, "qty", str(Decimal(element(b, "qty")) + 1)),
            "totalPrice",
            str((Decimal(element(b, "qty")) + 1) * Decimal(element(b, "price"))),
        ),
        also=(ExportReason.EXPORT_LINE_QTY_MISMATCH,),
    ),
    "goods value": Case(
        ExportReason.EXPORT_GOODS_VALUE_MISMATCH,
        order=lambda b: set_element(b, "goodsValue", str(Decimal(element(b, "goodsValue")) + 1)),
    ),
    "waybill consignor": Case(
        ExportReason.EXPORT_WAYBILL_CONSIGNOR_MISMATCH,
        waybill=lambda b: set_element(b, "ebcCode", BY_KEY["seller-3"].customs_code),
    ),
    "destination China": Case(
        ExportReason.EXPORT_DESTINATION_INVALID, inventory=lambda b: set_element(b, "country", "142")
    ),
    "platform not in the ebp role": Case(
        ExportReason.EXPORT_ENTERPRISE_ROLE_MISMATCH,
        inventory=lambda b: set_element(b, "ebpCode", BY_KEY["payment-1"].customs_code),
    ),
}


@pytest.fixture
def zone(client: TestClient, settings: Settings, operator_key: str) -> ExportZone:
    return ExportZone(client, settings, operator_key)


@pytest.fixture(scope="module")
def retail() -> DemoExport:
    return next(s for s in shipments() if s.trade_mode == "9610" and s.statistics_flag == "B")


def _send(zone: ExportZone, s: DemoExport, case: Case) -> None:
    assert s.payment_company is not None and s.receipt is not None
    zone.send(s.order_sender, case.order(s.order))
    zone.send(s.payment_company, s.receipt)
    zone.send(s.logistics, case.waybill(s.waybill))
    zone.send(s.agent, case.inventory(s.inventory))
    zone.drain()


def _refusal(zone: ExportZone, s: DemoExport) -> str:
    refused = [r for r in zone.receipts("CEB604Message", to=s.agent) if r.return_status == "100"]
    assert len(refused) == 1, [(r.return_status, r.return_info) for r in zone.receipts("CEB604Message")]
    assert not [r for r in zone.receipts("CEB604Message") if r.return_status in ("120", "800")]
    assert zone.order(s.order_no).state == "refused"
    return refused[0].return_info


@pytest.mark.parametrize("name", list(CASES))
def test_each_check_refuses_with_its_code(zone: ExportZone, retail: DemoExport, name: str) -> None:
    case = CASES[name]
    _send(zone, retail, case)
    info = _refusal(zone, retail)
    for code in (case.code, *case.also):
        assert code.value in info, info
    findings = {f["code"] for f in zone.order(retail.order_no).findings}
    assert case.code.value in findings


def test_the_unchanged_set_is_accepted(zone: ExportZone, retail: DemoExport) -> None:
    _send(zone, retail, Case(ExportReason.EXPORT_ORDER_MISSING))
    order = zone.order(retail.order_no)
    assert order.state == "accepted", order.findings
    assert order.invt_no


def test_platform_suspended_before_the_worker_decides(zone: ExportZone, retail: DemoExport) -> None:
    assert retail.payment_company is not None and retail.receipt is not None
    zone.send(retail.order_sender, retail.order)
    zone.send(retail.payment_company, retail.receipt)
    zone.send(retail.logistics, retail.waybill)
    zone.send(retail.agent, retail.inventory)
    r = zone.client.patch(
        f"/api/v1/enterprises/{retail.platform.customs_code}",
        json={"status": "suspended", "reason": "test"},
        headers=auth_header(zone.operator_key),
    )
    assert r.status_code == 200, r.text
    zone.drain()
    info = _refusal(zone, retail)
    assert ExportReason.EXPORT_ENTERPRISE_NOT_ACTIVE.value in info


def test_an_unfiled_platform_is_refused_at_the_access_point(zone: ExportZone, retail: DemoExport) -> None:
    """EXPORT_ENTERPRISE_NOT_FILED cannot reach the engine: the access point refuses the inventory first."""
    zone.send(retail.order_sender, retail.order)
    zone.send(retail.logistics, retail.waybill)
    answer = zone.send(retail.agent, set_element(retail.inventory, "ebpCode", "5301999990"), expect="-10102")
    assert "ENTERPRISE_NOT_FILED" in answer
    zone.drain()
    assert not zone.receipts("CEB604Message", to=retail.agent)[1:]


def test_an_order_of_another_consignor_leaves_the_inventory_waiting(
    zone: ExportZone, retail: DemoExport
) -> None:
    """The order is found by (ebcCode, orderNo) of the inventory: an order filed under another consignor is
    another order, so the inventory waits for its own (EXPORT_CONSIGNOR_MISMATCH cannot arise, no 100)."""
    other = BY_KEY["seller-3"].customs_code
    _send(
        zone,
        retail,
        Case(ExportReason.EXPORT_CONSIGNOR_MISMATCH, order=lambda b: set_element(b, "ebcCode", other)),
    )
    assert zone.order_of(retail.consignor.customs_code, retail.order_no).state == "waiting"
    assert zone.order_of(other, retail.order_no).state == "waiting"
    assert not [r for r in zone.receipts("CEB604Message") if r.return_status in ("100", "120")]

    # When the wait is over the sweep refuses it, naming the missing order.
    from datetime import timedelta

    from cbec.exports.service import sweep_exports
    from cbec.kernel.dates import utc_now
    from cbec.store.session import unit_of_work

    with unit_of_work(zone.settings) as session:
        assert sweep_exports(session, utc_now() + timedelta(seconds=1), timedelta(0)) >= 1
    refused = [r for r in zone.receipts("CEB604Message") if r.return_status == "100"]
    assert len({r.document_id for r in refused}) == 1  # one inventory, one receipt per recipient
    assert ExportReason.EXPORT_ORDER_MISSING.value in refused[0].return_info
    assert zone.order_of(retail.consignor.customs_code, retail.order_no).state == "refused"
