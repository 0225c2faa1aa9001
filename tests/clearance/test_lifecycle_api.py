"""GET /api/v1/orders/{ebpCode}/{orderNo}: an order's whole life, for the parties named on it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.clearance.support import Line, Zone, auth


def _get(zone: Zone, order_no: str, key: str | None) -> tuple[int, dict[str, Any]]:
    headers = auth(key) if key else {}
    r = zone.client.get(f"/api/v1/orders/{zone.platform.customs_code}/{order_no}", headers=headers)
    return r.status_code, r.json()


def test_every_party_named_on_the_order_reads_it_and_nobody_else(zone: Zone) -> None:
    spec = zone.send_set(zone.spec())
    as_customs = zone.lifecycle(spec.order_no)
    for party in (zone.payer, zone.platform, zone.carrier, zone.agent):
        status, body = _get(zone, spec.order_no, party.key)
        assert status == 200, (party.name, body)
        assert body == as_customs
    assert _get(zone, spec.order_no, zone.factory.operator_key) == (200, as_customs)

    stranger = zone.factory.file("无关的电商企业有限公司", ["ebc"])
    status, body = _get(zone, spec.order_no, stranger.key)
    assert (status, body["code"]) == (404, "NOT_FOUND")  # not 403: its existence is not revealed
    status, body = _get(zone, "NO-SUCH-ORDER", zone.payer.key)
    assert (status, body["code"]) == (404, "NOT_FOUND")
    status, body = _get(zone, spec.order_no, None)
    assert (status, body["code"]) == (401, "AUTH_REQUIRED")


def test_the_history_lists_every_state_with_time_and_reason(zone: Zone) -> None:
    spec = zone.send_set(zone.spec())
    zone.arrive([spec])
    zone.sign_off(spec)
    zone.drain()
    life = zone.lifecycle(spec.order_no, zone.payer.key)
    assert [(h["state"], h["returnStatus"], h["info"], h["actor"]) for h in life["history"]] == [
        ("waiting", "2", "清单已接收，等待三单对碰", "clearance"),
        ("waiting", "120", "[Code:1800;Desc:逻辑校验通过]", "clearance"),
        ("waiting", "399", "[Code:2500;Desc:审结]", "clearance"),
        ("released", "800", "[Code:2600;Desc:放行]", "clearance"),
        ("released", "ARRIVED", "运抵监管场所（入库明细单）", "clearance"),
        ("released", "S", "运单已签收", "clearance"),
    ]
    times = [datetime.fromisoformat(h["at"]) for h in life["history"]]
    assert all(t.utcoffset() is not None for t in times)
    assert times == sorted(times)
    assert life["arrived_at"] is not None and life["signed_at"] is not None
    assert life["released_at"] == life["history"][3]["at"]
    assert (life["ebpCode"], life["orderNo"], life["tradeMode"]) == (
        zone.platform.customs_code,
        spec.order_no,
        "9610",
    )
    # the invtNo: 4-digit customs office + year + I + 9-digit serial (ceb.md §3.18)
    invt_no = life["invtNo"]
    assert len(invt_no) == 18 and invt_no[:4] == "8600" and invt_no[8] == "I" and invt_no[9:].isdigit()
    assert {name: doc["message_type"] for name, doc in life["documents"].items()} == {
        "order": "CEB311Message",
        "payment": "CEB411Message",
        "waybill": "CEB511Message",
        "inventory": "CEB621Message",
    }


def test_the_tax_is_explained(zone: Zone) -> None:
    spec = zone.send_set(zone.spec())
    tax = zone.lifecycle(spec.order_no, zone.agent.key)["tax"]
    assert {k: tax[k] for k in ("taxable_price", "customs_duty", "vat", "consumption_tax", "total")} == {
        "taxable_price": "210.00",
        "customs_duty": "0.00",
        "vat": "19.11",
        "consumption_tax": "0.00",
        "total": "19.11",
    }
    steps = {step["rule"]: step for step in tax["explanation"]["steps"]}
    assert steps["tax.retail_import.taxable_price"]["result"] == "210"
    assert steps["tax.retail_import.limits"]["result"] == "within_limits"
    assert steps["tax.retail_import.charged_share"]["result"] == "0.7"
    assert steps["tax.retail_import.import_vat_rate"]["result"] == "0.13"
    assert all(step["reference"] for step in steps.values())  # every step names its law


def test_a_refused_order_shows_every_finding(zone: Zone) -> None:
    spec = zone.send_set(
        zone.spec(
            lines=(
                Line(
                    qty="1", price="100", gcode="2402200000", name="卷烟", unit="011", unit1="011", qty1="1"
                ),
            )
        )
    )
    life = zone.lifecycle(spec.order_no, zone.platform.key)
    assert life["state"] == "refused"
    assert life["findings"][0]["code"] == "GOODS_NOT_ON_POSITIVE_LIST"
    assert life["findings"][0]["zh"] and life["findings"][0]["en"]
    assert life["history"][-1]["info"].startswith("[Code:GOODS_NOT_ON_POSITIVE_LIST;")


def test_the_declaring_agent_reads_its_waiting_order(zone: Zone) -> None:
    spec = zone.send_set(zone.spec(), skip=("waybill",))
    status, body = _get(zone, spec.order_no, zone.agent.key)
    assert status == 200, body
    assert (body["state"], body["documents"]["waybill"]) == ("waiting", None)
