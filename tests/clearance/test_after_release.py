"""Cancel (CEB623 撤销申请单) and return (CEB625 退货申请单): tax and quota reversed within the window.

A return may be applied for within 30 days of release, for all or part of the lines, never above the
declared quantity (GACC 2020 No.45; regulation.md §3.1.7; ceb.md §3.11, §3.13).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import update

from cbec.clearance.models import ClearanceOrder
from tests.clearance.support import OrderSpec, Zone

TAX = Decimal("19.11")  # ¥200 infant formula + ¥10 freight


def _released(zone: Zone) -> tuple[OrderSpec, str]:
    spec = zone.send_set(zone.spec())
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["tax"]["total"]) == ("released", str(TAX))
    return spec, life["invtNo"]


def _answers(zone: Zone, receipt_type: str) -> list[tuple[str, str]]:
    """(status, returnInfo) of the answers to the agent's 623 or 625, without the access point's own 2."""
    return [
        (r.return_status, r.return_info)
        for r in zone.receipts(zone.agent, receipt_type=receipt_type)
        if r.return_status != "2"
    ]


def _tax_statuses(zone: Zone, spec: OrderSpec) -> list[str]:
    order = zone.order(spec.order_no)
    return [
        r.return_status
        for r in zone.receipts(zone.agent, receipt_type="CEB818Message", document_id=order.inventory_doc_id)
    ]


def _age_release(zone: Zone, spec: OrderSpec, days: int) -> None:
    with zone.db() as s:
        released_at = zone.order(spec.order_no).released_at
        assert released_at is not None
        s.execute(
            update(ClearanceOrder)
            .where(ClearanceOrder.order_no == spec.order_no)
            .values(released_at=released_at - timedelta(days=days))
        )


# --------------------------------------------------------------------------- cancel (CEB623)


def test_cancel_of_an_inspecting_inventory(zone: Zone) -> None:
    zone.set_engine(inspection_rate=Decimal(1))
    spec = zone.send_set(zone.spec())
    invt_no = zone.lifecycle(spec.order_no)["invtNo"]
    assert zone.quota_used(spec.buyer_id) == Decimal("210")
    zone.cancel(spec, invt_no)
    zone.drain()
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["returnStatus"], life["quota"]["used"]) == ("cancelled", "399", "0.00")
    assert life["history"][-1]["info"] == "[Code:CANCELLED;Desc:撤单审结]"
    assert zone.quota_used(spec.buyer_id) == Decimal(0)
    # never debited (not released), so nothing to credit back
    assert zone.guarantee() == (Zone.GUARANTEE, [("lodged", Zone.GUARANTEE)])
    assert _tax_statuses(zone, spec) == ["1", "3"]
    assert _answers(zone, "CEB624Message") == [("399", "撤单审结")]
    # customs can no longer release it
    r = zone.client.post(
        "/api/v1/inspections",
        json={"invt_no": invt_no, "result": "clean"},
        headers={"Authorization": f"Bearer {zone.customs}"},
    )
    assert (r.status_code, r.json()["code"]) == (422, "INVALID_STATUS_CHANGE")


def test_cancel_after_release_within_the_window_credits_the_guarantee(zone: Zone) -> None:
    spec, invt_no = _released(zone)
    other, _ = _released(zone)
    assert zone.guarantee()[0] == Zone.GUARANTEE - 2 * TAX
    _age_release(zone, spec, 29)
    zone.cancel(spec, invt_no)
    zone.drain()
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["returnStatus"], life["quota"]["used"]) == ("cancelled", "399", "0.00")
    assert zone.quota_used(spec.buyer_id) == Decimal("210")  # the other order still counts
    balance, entries = zone.guarantee()
    assert balance == Zone.GUARANTEE - TAX
    assert entries == [("lodged", Zone.GUARANTEE), ("debit", TAX), ("debit", TAX), ("credit", TAX)]
    assert _tax_statuses(zone, spec) == ["1", "3"]
    assert _tax_statuses(zone, other) == ["1"]
    assert _answers(zone, "CEB624Message") == [("399", "撤单审结")]


def test_cancel_refusals(zone: Zone) -> None:
    released, invt_no = _released(zone)
    zone.cancel(released, "86002026I000009999")  # no such inventory
    _age_release(zone, released, 31)
    zone.cancel(released, invt_no)  # released 31 days ago
    zone.drain()
    answers = _answers(zone, "CEB624Message")
    assert answers == [
        ("100", "[Code:CANCEL_NOT_FOUND;Desc:原清单不存在]"),
        ("100", "[Code:CANCEL_STATE;Desc:清单状态released不允许撤单]"),
    ]
    life = zone.lifecycle(released.order_no)
    assert (life["state"], life["returnStatus"], life["quota"]["used"]) == ("released", "800", "210.00")
    assert zone.guarantee()[0] == Zone.GUARANTEE - TAX
    assert _tax_statuses(zone, released) == ["1"]


# --------------------------------------------------------------------------- return (CEB625)


def test_a_partial_return_gives_back_its_share(zone: Zone) -> None:
    spec, invt_no = _released(zone)
    zone.refund(spec, invt_no, {1: "1"})  # one tin of two
    zone.drain()
    life = zone.lifecycle(spec.order_no)
    assert life["state"] == "released"
    assert life["history"][-1]["info"] == "[Code:RETURNED;Desc:退货审结，退货比例0.5000]"
    assert life["quota"]["used"] == "105.00"
    assert zone.quota_used(spec.buyer_id) == Decimal("105")
    balance, entries = zone.guarantee()
    # half of 19.11 is 9.555, credited as 9.56
    assert entries == [("lodged", Zone.GUARANTEE), ("debit", TAX), ("credit", Decimal("9.56"))]
    assert balance == Zone.GUARANTEE - TAX + Decimal("9.56")
    assert _tax_statuses(zone, spec) == ["1"]  # the bill stands for what was kept
    assert _answers(zone, "CEB626Message") == [("399", "退货审结")]


def test_a_full_return_voids_the_tax_and_the_quota(zone: Zone) -> None:
    spec, invt_no = _released(zone)
    _age_release(zone, spec, 29)
    zone.refund(spec, invt_no, {1: "2"})
    zone.drain()
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["returnStatus"], life["quota"]["used"]) == ("returned", "399", "0.00")
    assert life["history"][-1]["info"] == "[Code:RETURNED;Desc:退货审结，退货比例1.0000]"
    assert zone.quota_used(spec.buyer_id) == Decimal(0)
    assert zone.guarantee() == (Zone.GUARANTEE, [("lodged", Zone.GUARANTEE), ("debit", TAX), ("credit", TAX)])
    assert _tax_statuses(zone, spec) == ["1", "3"]
    assert _answers(zone, "CEB626Message") == [("399", "退货审结")]


def test_return_refusals(zone: Zone) -> None:
    over, over_invt = _released(zone)
    late, late_invt = _released(zone)
    guarantee_before = zone.guarantee()
    zone.refund(over, over_invt, {1: "3"})  # 3 of 2 tins
    _age_release(zone, late, 31)
    zone.refund(late, late_invt, {1: "1"})
    zone.refund(zone.spec(), "86002026I000009999", {1: "1"})  # no such inventory
    zone.drain()
    assert _answers(zone, "CEB626Message") == [
        ("100", "[Code:REFUND_LINE;Desc:退货项1超出原清单未退数量]"),
        ("100", "[Code:REFUND_LATE;Desc:超过放行之日起30日的退货申请期限]"),
        ("100", "[Code:REFUND_STATE;Desc:原清单不存在或未放行]"),
    ]
    for spec in (over, late):
        life = zone.lifecycle(spec.order_no)
        assert (life["state"], life["returnStatus"], life["quota"]["used"]) == ("released", "800", "210.00")
    assert zone.quota_used(over.buyer_id) == Decimal("420")
    assert zone.guarantee() == guarantee_before


def test_a_return_of_an_unreleased_inventory_is_refused(zone: Zone) -> None:
    zone.set_engine(inspection_rate=Decimal(1))
    spec = zone.send_set(zone.spec())
    invt_no = zone.lifecycle(spec.order_no)["invtNo"]
    zone.refund(spec, invt_no, {1: "1"})
    zone.drain()
    assert _answers(zone, "CEB626Message") == [("100", "[Code:REFUND_STATE;Desc:原清单不存在或未放行]")]
    assert zone.lifecycle(spec.order_no)["state"] == "inspecting"


def test_a_returned_order_cannot_be_returned_or_cancelled_again(zone: Zone) -> None:
    spec, invt_no = _released(zone)
    zone.refund(spec, invt_no, {1: "2"})
    zone.drain()
    zone.cancel(spec, invt_no)
    zone.drain()
    assert _answers(zone, "CEB624Message") == [("100", "[Code:CANCEL_STATE;Desc:清单状态returned不允许撤单]")]
    assert zone.guarantee() == (Zone.GUARANTEE, [("lodged", Zone.GUARANTEE), ("debit", TAX), ("credit", TAX)])


def test_returns_never_credit_more_than_the_tax_debited(zone: Zone) -> None:
    spec, invt_no = _released(zone)
    zone.refund(spec, invt_no, {1: "1"})
    zone.drain()
    zone.refund(spec, invt_no, {1: "2"}, app_type="2")  # the application changed: both tins come back
    zone.drain()
    balance, entries = zone.guarantee()
    credited = sum((amount for kind, amount in entries if kind == "credit"), Decimal(0))
    assert credited == TAX
    assert balance == Zone.GUARANTEE
    assert zone.quota_used(spec.buyer_id) == Decimal(0)
    assert zone.lifecycle(spec.order_no)["state"] == "returned"


def test_a_cancel_after_a_partial_return_never_credits_more_than_the_tax_debited(zone: Zone) -> None:
    spec, invt_no = _released(zone)
    zone.refund(spec, invt_no, {1: "1"})
    zone.drain()
    zone.cancel(spec, invt_no)
    zone.drain()
    balance, entries = zone.guarantee()
    credited = sum((amount for kind, amount in entries if kind == "credit"), Decimal(0))
    assert credited <= TAX  # whether the cancel is refused or credits the rest, never more than the debit
    assert balance <= Zone.GUARANTEE
    assert zone.quota_used(spec.buyer_id) >= Decimal(0)


def test_settlement_after_a_partial_return_restores_only_what_is_still_owed(zone: Zone) -> None:
    spec, invt_no = _released(zone)
    zone.refund(spec, invt_no, {1: "1"})
    zone.drain()
    _age_release(zone, spec, 31)
    zone.worker.sweep()  # 汇总征税: settled and closed
    assert zone.lifecycle(spec.order_no)["state"] == "closed"
    balance, entries = zone.guarantee()
    debited = sum((amount for kind, amount in entries if kind == "debit"), Decimal(0))
    given_back = sum((amount for kind, amount in entries if kind in ("credit", "settled")), Decimal(0))
    assert (debited, given_back) == (TAX, TAX)
    assert balance == Zone.GUARANTEE
