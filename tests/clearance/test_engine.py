"""The clearance engine end to end: documents in any order, decisions, receipts, tax, quota, lifecycle."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from cbec.config import Settings
from tests.factories import Factory, Filed, ceb311, ceb411, ceb511, ceb621


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


class Zone:
    """A platform (also the seller), a payment company, a carrier and an agent with a guarantee."""

    def __init__(self, factory: Factory, client: TestClient) -> None:
        self.client = client
        self.factory = factory
        self.platform = factory.file("杭州某某跨境电商平台有限公司", ["ebp", "ebc"])
        self.payer = factory.file("某某支付有限公司", ["payment"])
        self.carrier = factory.file("某某国际物流有限公司", ["logistics"])
        self.agent = factory.file("某某报关有限公司", ["agent", "warehouse"])
        r = client.post(
            "/api/v1/guarantees",
            json={"enterprise": self.agent.uscc, "amount": "100000"},
            headers=_auth(factory.operator_key),
        )
        assert r.status_code == 200, r.text
        self.customs = client.post(
            "/api/v1/keys", json={"name": "海关", "role": "customs"}, headers=_auth(factory.operator_key)
        ).json()["api_key"]

    def send(self, sender: Filed, body: bytes) -> None:
        r = self.client.post(
            "/api/v1/messages", content=body, headers={**_auth(sender.key), "Content-Type": "application/xml"}
        )
        assert r.status_code == 200, r.text
        assert b"<returnStatus>2</returnStatus>" in r.content, r.text

    def documents(
        self,
        order_no: str,
        *,
        buyer: str | None = None,
        qty: str = "2",
        price: str = "100",
        skip: tuple[str, ...] = (),
        **inventory: Any,
    ) -> dict[str, tuple[Filed, bytes]]:
        docs = {
            "order": (
                self.platform,
                ceb311(self.platform, self.platform, self.payer, order_no=order_no, buyer_id=buyer),
            ),
            "payment": (self.payer, ceb411(self.payer, self.platform, order_no=order_no, buyer_id=buyer)),
            "waybill": (self.carrier, ceb511(self.carrier, order_no=order_no, logistics_no=f"L{order_no}")),
            "inventory": (
                self.agent,
                ceb621(
                    self.agent,
                    self.platform,
                    self.platform,
                    self.carrier,
                    order_no=order_no,
                    logistics_no=f"L{order_no}",
                    buyer_id=buyer,
                    qty=qty,
                    price=price,
                    **inventory,
                ),
            ),
        }
        return {k: v for k, v in docs.items() if k not in skip}

    def drain(self) -> None:
        self.client.app.state.worker.drain()  # type: ignore[attr-defined]

    def lifecycle(self, order_no: str, key: str | None = None) -> dict[str, Any]:
        r = self.client.get(
            f"/api/v1/orders/{self.platform.customs_code}/{order_no}", headers=_auth(key or self.customs)
        )
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body


def _no_inspection(settings: Settings) -> None:
    settings.inspection_rate = Decimal(0)  # type: ignore[misc]


def test_a_clean_set_is_released_with_tax_and_receipts(factory: Factory, client: TestClient) -> None:
    zone = Zone(factory, client)
    client.app.state.worker.engine.settings = type(client.app.state.worker.engine.settings)(  # type: ignore[attr-defined]
        inspection_rate=Decimal(0)
    )
    for sender, body in zone.documents("CLR0001").values():
        zone.send(sender, body)
    zone.drain()
    life = zone.lifecycle("CLR0001")
    assert life["state"] == "released"
    assert life["returnStatus"] == "800"
    assert [h["returnStatus"] for h in life["history"]][-3:] == ["120", "399", "800"]
    assert life["invtNo"].startswith("86002026I") or life["invtNo"][4:8].isdigit()
    # ¥200 goods + ¥10 freight, infant formula: duty 0, VAT 13% × 70% = 9.1% → 19.11
    assert life["tax"]["vat"] == "19.11"
    assert life["tax"]["customs_duty"] == "0.00"
    # Receipts: 120 to order, payment, waybill senders; 120/399/800 to the agent; CEB816/818 to the guarantor.
    feed = client.get("/api/v1/receipts?since=0", headers=_auth(zone.agent.key)).json()["items"]
    statuses = [(i["receipt_type"], i["return_status"]) for i in feed]
    assert ("CEB622Message", "800") in statuses
    assert ("CEB816Message", "1") in statuses
    payer_feed = client.get("/api/v1/receipts?since=0", headers=_auth(zone.payer.key)).json()["items"]
    assert [(i["receipt_type"], i["return_status"]) for i in payer_feed] == [
        ("CEB412Message", "2"),
        ("CEB412Message", "120"),
    ]
