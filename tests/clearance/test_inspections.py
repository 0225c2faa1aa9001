"""Inspection (查验): a sampled inventory waits at 500 until customs records the result."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.clearance.support import OrderSpec, Zone, auth, inventory_receipts


@pytest.fixture
def inspected(zone: Zone) -> Zone:
    zone.set_engine(inspection_rate=Decimal(1))
    return zone


def _inspect(
    zone: Zone, invt_no: str, result: str, key: str | None = None, note: str = ""
) -> tuple[int, dict[str, Any]]:
    r = zone.client.post(
        "/api/v1/inspections",
        json={"invt_no": invt_no, "result": result, "note": note},
        headers=auth(key or zone.customs),
    )
    return r.status_code, r.json()


def _inspecting(zone: Zone) -> tuple[OrderSpec, str]:
    spec = zone.send_set(zone.spec())
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["returnStatus"], life["inspection_path"]) == ("inspecting", "500", "random")
    assert [(h["state"], h["returnStatus"], h["info"]) for h in life["history"]] == [
        ("waiting", "2", "清单已接收，等待三单对碰"),
        ("waiting", "120", "[Code:1800;Desc:逻辑校验通过]"),
        ("inspecting", "500", "[Code:3000;Desc:查验]"),
    ]
    assert [s for s, _ in inventory_receipts(zone, spec)] == ["2", "120", "500"]
    assert life["quota"]["used"] == "210.00"  # counted at the decision, given back if the goods do not clear
    assert life["released_at"] is None
    return spec, life["invtNo"]


def test_a_clean_inspection_releases_and_debits_the_guarantee_once(inspected: Zone) -> None:
    zone = inspected
    spec, invt_no = _inspecting(zone)
    assert zone.guarantee() == (
        Zone.GUARANTEE,
        [("lodged", Zone.GUARANTEE)],
    )  # nothing debited before release

    status, body = _inspect(zone, invt_no, "clean", note="开箱查验，货证相符")
    assert status == 200, body
    assert body == {"invtNo": invt_no, "state": "released", "returnStatus": "800"}
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["returnStatus"]) == ("released", "800")
    assert life["released_at"] is not None
    assert [(h["state"], h["returnStatus"]) for h in life["history"]][-2:] == [
        ("inspecting", "399"),
        ("released", "800"),
    ]
    assert life["history"][-1]["info"] == "[Code:2600;Desc:查验无异常，放行]开箱查验，货证相符"
    assert [s for s, _ in inventory_receipts(zone, spec)] == ["2", "120", "500", "399", "800"]
    assert zone.guarantee() == (
        Zone.GUARANTEE - Decimal("19.11"),
        [("lodged", Zone.GUARANTEE), ("debit", Decimal("19.11"))],
    )
    assert zone.quota_used(spec.buyer_id) == Decimal("210")

    # the result is recorded once: a second result for a released inventory is refused
    status, body = _inspect(zone, invt_no, "detained_smuggling")
    assert (status, body["code"]) == (422, "INVALID_STATUS_CHANGE")
    assert zone.lifecycle(spec.order_no)["state"] == "released"


def test_detention_gives_the_quota_back_and_charges_nothing(inspected: Zone) -> None:
    zone = inspected
    kept, kept_invt = _inspecting(zone)
    spec, invt_no = _inspecting(zone)
    assert zone.quota_used(spec.buyer_id) == Decimal("420")

    status, body = _inspect(zone, invt_no, "detained_smuggling", note="夹藏")
    assert status == 200, body
    assert body == {"invtNo": invt_no, "state": "detained", "returnStatus": "502"}
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["returnStatus"], life["released_at"]) == ("detained", "502", None)
    assert life["history"][-1]["info"] == "[Code:detained_smuggling;Desc:查验异常]夹藏"
    assert life["history"][-1]["actor"].startswith("customs:海关:")  # who recorded it
    assert life["quota"]["used"] == "0.00"
    assert [s for s, _ in inventory_receipts(zone, spec)] == ["2", "120", "500", "502"]
    assert zone.quota_used(spec.buyer_id) == Decimal("210")  # only the other order still counts
    assert zone.guarantee() == (Zone.GUARANTEE, [("lodged", Zone.GUARANTEE)])
    assert zone.lifecycle(kept.order_no)["state"] == "inspecting"


@pytest.mark.parametrize(
    ("result", "state", "status"), [("sent_back", "sent_back", "700"), ("detained_other", "detained", "599")]
)
def test_other_inspection_results(inspected: Zone, result: str, state: str, status: str) -> None:
    spec, invt_no = _inspecting(inspected)
    code, body = _inspect(inspected, invt_no, result)
    assert (code, body) == (200, {"invtNo": invt_no, "state": state, "returnStatus": status})
    assert inspected.quota_used(spec.buyer_id) == Decimal(0)


def test_a_detained_inventorys_tax_bill_is_voided(inspected: Zone) -> None:
    spec, invt_no = _inspecting(inspected)
    assert _inspect(inspected, invt_no, "detained_smuggling")[0] == 200
    order = inspected.order(spec.order_no)
    statuses = [
        r.return_status
        for r in inspected.receipts(
            inspected.agent, receipt_type="CEB818Message", document_id=order.inventory_doc_id
        )
    ]
    assert statuses == ["1", "3"]


def test_only_customs_records_inspections_and_unknown_inventories_are_404(inspected: Zone) -> None:
    zone = inspected
    spec, invt_no = _inspecting(zone)
    for key in (zone.agent.key, zone.platform.key, zone.factory.operator_key):
        status, body = _inspect(zone, invt_no, "clean", key=key)
        assert (status, body["code"]) == (403, "PERMISSION_DENIED")
    r = zone.client.post("/api/v1/inspections", json={"invt_no": invt_no, "result": "clean"})
    assert r.status_code == 401
    assert zone.lifecycle(spec.order_no)["state"] == "inspecting"

    status, body = _inspect(zone, "86002026I999999999", "clean")
    assert (status, body["code"], body["data"]) == (404, "NOT_FOUND", {"invtNo": "86002026I999999999"})
    status, body = _inspect(zone, invt_no, "looks fine")
    assert (status, body["code"]) == (422, "VALIDATION_FAILED")
