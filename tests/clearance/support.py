"""Shared helpers of the clearance integration tests: a zone of filed enterprises, CEB builders with
several lines (and for 623 / 625 / 711 / 513), database snapshots.

The builders are shaped like :mod:`tests.factories` (the official samples) but take the goods lines,
the freight and the buyer, so that a set can be made that is consistent across the four documents
for any value (single-limit, annual-limit and full-tax cases).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cbec.clearance.models import ClearanceEvent, ClearanceOrder, Guarantee, GuaranteeEntry, QuotaLedger
from cbec.clearance.service import ClearanceEngine, EngineSettings
from cbec.config import Settings
from cbec.kernel.crypto import DataCipher
from cbec.kernel.dates import SHANGHAI, utc_now
from cbec.messages.models import OutboxEvent, Receipt
from cbec.registry import repository as registry_repo
from cbec.store.session import unit_of_work
from tests.factories import Factory, Filed, _sample_signature, base_transfer, make_ric, new_guid

_orders = itertools.count(1)

BUYER_NAME = "张三"
BUYER_PHONE = "13800138000"


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def order_no(prefix: str = "CLR") -> str:
    """A fresh order number (unique within the test session)."""
    return f"{prefix}{next(_orders):06d}"


@dataclass(frozen=True)
class Line:
    """One goods line, the same on the order and the inventory."""

    qty: str = "2"
    price: str = "100"
    gcode: str = "1901101090"
    name: str = "奶粉"
    unit: str = "122"
    unit1: str = "035"
    qty1: str | None = None  # legal quantity; default qty × 0.9 kg (900 g tins)

    @property
    def total(self) -> Decimal:
        return Decimal(self.qty) * Decimal(self.price)


INFANT_FORMULA = Line()


@dataclass(frozen=True)
class OrderSpec:
    """What one import order looks like across its four documents."""

    order_no: str
    lines: tuple[Line, ...] = (INFANT_FORMULA,)
    freight: str = "10"
    buyer_id: str = field(default_factory=lambda: make_ric(7))
    buyer_name: str = BUYER_NAME
    buyer_phone: str = BUYER_PHONE
    trade_mode: str = "9610"
    customs_code: str = "8600"

    @property
    def goods_value(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal(0))

    @property
    def paid(self) -> Decimal:
        return self.goods_value + Decimal(self.freight)

    @property
    def logistics_no(self) -> str:
        return f"L{self.order_no}"


def _order_lines(spec: OrderSpec) -> str:
    return "".join(
        f"<ceb:OrderList><ceb:gnum>{g}</ceb:gnum><ceb:itemNo>SKU{g}</ceb:itemNo><ceb:itemName>{line.name}</ceb:itemName>"
        f"<ceb:gmodel>规格{g}</ceb:gmodel><ceb:unit>{line.unit}</ceb:unit><ceb:qty>{line.qty}</ceb:qty>"
        f"<ceb:price>{line.price}</ceb:price><ceb:totalPrice>{line.total}</ceb:totalPrice>"
        f"<ceb:currency>142</ceb:currency><ceb:country>309</ceb:country></ceb:OrderList>"
        for g, line in enumerate(spec.lines, start=1)
    )


def order_xml(platform: Filed, payer: Filed, spec: OrderSpec) -> bytes:
    """CEB311: the platform is also the seller; taxTotal 0 so acturalPaid = goods + freight."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB311Message guid="{new_guid()}" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<ceb:Order><ceb:OrderHead>
<ceb:guid>{new_guid()}</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>20260301120000</ceb:appTime><ceb:appStatus>2</ceb:appStatus>
<ceb:orderType>I</ceb:orderType><ceb:orderNo>{spec.order_no}</ceb:orderNo>
<ceb:ebpCode>{platform.customs_code}</ceb:ebpCode><ceb:ebpName>{platform.name}</ceb:ebpName>
<ceb:ebcCode>{platform.customs_code}</ceb:ebcCode><ceb:ebcName>{platform.name}</ceb:ebcName>
<ceb:goodsValue>{spec.goods_value}</ceb:goodsValue><ceb:freight>{spec.freight}</ceb:freight><ceb:discount>0</ceb:discount><ceb:taxTotal>0</ceb:taxTotal>
<ceb:acturalPaid>{spec.paid}</ceb:acturalPaid><ceb:currency>142</ceb:currency>
<ceb:buyerRegNo>buyer001</ceb:buyerRegNo><ceb:buyerName>{spec.buyer_name}</ceb:buyerName><ceb:buyerTelephone>{spec.buyer_phone}</ceb:buyerTelephone>
<ceb:buyerIdType>1</ceb:buyerIdType><ceb:buyerIdNumber>{spec.buyer_id}</ceb:buyerIdNumber>
<ceb:payCode>{payer.customs_code}</ceb:payCode><ceb:payName>{payer.name}</ceb:payName><ceb:payTransactionId>PAY{spec.order_no}</ceb:payTransactionId>
<ceb:consignee>{spec.buyer_name}</ceb:consignee><ceb:consigneeTelephone>{spec.buyer_phone}</ceb:consigneeTelephone><ceb:consigneeAddress>浙江省杭州市西湖区文三路1号</ceb:consigneeAddress>
</ceb:OrderHead>
{_order_lines(spec)}
</ceb:Order>
{base_transfer(platform)}
</ceb:CEB311Message>""".encode()


def payment_xml(payer: Filed, platform: Filed, spec: OrderSpec) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB411Message guid="{new_guid()}" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">
<ceb:Payment><ceb:PaymentHead>
<ceb:guid>{new_guid()}</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>20260301120500</ceb:appTime><ceb:appStatus>2</ceb:appStatus>
<ceb:payCode>{payer.customs_code}</ceb:payCode><ceb:payName>{payer.name}</ceb:payName><ceb:payTransactionId>PAY{spec.order_no}</ceb:payTransactionId>
<ceb:orderNo>{spec.order_no}</ceb:orderNo><ceb:ebpCode>{platform.customs_code}</ceb:ebpCode><ceb:ebpName>{platform.name}</ceb:ebpName>
<ceb:payerIdType>1</ceb:payerIdType><ceb:payerIdNumber>{spec.buyer_id}</ceb:payerIdNumber><ceb:payerName>{spec.buyer_name}</ceb:payerName>
<ceb:telephone>{spec.buyer_phone}</ceb:telephone><ceb:amountPaid>{spec.paid}</ceb:amountPaid><ceb:currency>142</ceb:currency><ceb:payTime>20260301120400</ceb:payTime>
</ceb:PaymentHead></ceb:Payment>
{base_transfer(payer)}
</ceb:CEB411Message>""".encode()


def waybill_xml(carrier: Filed, spec: OrderSpec) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB511Message guid="{new_guid()}" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">
<ceb:Logistics><ceb:LogisticsHead>
<ceb:guid>{new_guid()}</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>20260301121000</ceb:appTime><ceb:appStatus>2</ceb:appStatus>
<ceb:logisticsCode>{carrier.customs_code}</ceb:logisticsCode><ceb:logisticsName>{carrier.name}</ceb:logisticsName><ceb:logisticsNo>{spec.logistics_no}</ceb:logisticsNo>
<ceb:orderNo>{spec.order_no}</ceb:orderNo><ceb:freight>{spec.freight}</ceb:freight><ceb:insuredFee>0</ceb:insuredFee><ceb:currency>142</ceb:currency>
<ceb:weight>1.2</ceb:weight><ceb:packNo>1</ceb:packNo><ceb:goodsInfo>商品</ceb:goodsInfo>
<ceb:consignee>{spec.buyer_name}</ceb:consignee><ceb:consigneeAddress>浙江省杭州市西湖区文三路1号</ceb:consigneeAddress><ceb:consigneeTelephone>{spec.buyer_phone}</ceb:consigneeTelephone>
</ceb:LogisticsHead></ceb:Logistics>
{base_transfer(carrier)}
</ceb:CEB511Message>""".encode()


def _inventory_lines(spec: OrderSpec) -> str:
    return "".join(
        f"<ceb:InventoryList><ceb:gnum>{g}</ceb:gnum><ceb:itemNo>SKU{g}</ceb:itemNo><ceb:itemName>{line.name}</ceb:itemName>"
        f"<ceb:gcode>{line.gcode}</ceb:gcode><ceb:gname>{line.name}</ceb:gname><ceb:gmodel>规格{g}</ceb:gmodel>"
        f"<ceb:barCode>无</ceb:barCode><ceb:country>309</ceb:country><ceb:currency>142</ceb:currency>"
        f"<ceb:qty>{line.qty}</ceb:qty><ceb:unit>{line.unit}</ceb:unit>"
        f"<ceb:qty1>{line.qty1 or Decimal(line.qty) * Decimal('0.9')}</ceb:qty1><ceb:unit1>{line.unit1}</ceb:unit1>"
        f"<ceb:price>{line.price}</ceb:price><ceb:totalPrice>{line.total}</ceb:totalPrice></ceb:InventoryList>"
        for g, line in enumerate(spec.lines, start=1)
    )


def inventory_xml(agent: Filed, platform: Filed, carrier: Filed, spec: OrderSpec) -> bytes:
    """CEB621 (9610 direct purchase): the agent declares and guarantees (assureCode)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB621Message guid="{new_guid()}" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<ceb:Inventory><ceb:InventoryHead>
<ceb:guid>{new_guid()}</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>20260301121500</ceb:appTime><ceb:appStatus>2</ceb:appStatus>
<ceb:orderNo>{spec.order_no}</ceb:orderNo><ceb:ebpCode>{platform.customs_code}</ceb:ebpCode><ceb:ebpName>{platform.name}</ceb:ebpName>
<ceb:ebcCode>{platform.customs_code}</ceb:ebcCode><ceb:ebcName>{platform.name}</ceb:ebcName>
<ceb:logisticsNo>{spec.logistics_no}</ceb:logisticsNo><ceb:logisticsCode>{carrier.customs_code}</ceb:logisticsCode><ceb:logisticsName>{carrier.name}</ceb:logisticsName>
<ceb:copNo>C{spec.order_no[-19:]}</ceb:copNo><ceb:assureCode>{agent.customs_code}</ceb:assureCode>
<ceb:ieFlag>I</ceb:ieFlag><ceb:declTime>20260301</ceb:declTime><ceb:customsCode>{spec.customs_code}</ceb:customsCode><ceb:portCode>{spec.customs_code}</ceb:portCode>
<ceb:buyerIdType>1</ceb:buyerIdType><ceb:buyerIdNumber>{spec.buyer_id}</ceb:buyerIdNumber><ceb:buyerName>{spec.buyer_name}</ceb:buyerName><ceb:buyerTelephone>{spec.buyer_phone}</ceb:buyerTelephone>
<ceb:consigneeAddress>浙江省杭州市西湖区文三路1号</ceb:consigneeAddress>
<ceb:agentCode>{agent.customs_code}</ceb:agentCode><ceb:agentName>{agent.name}</ceb:agentName>
<ceb:tradeMode>{spec.trade_mode}</ceb:tradeMode><ceb:trafMode>5</ceb:trafMode><ceb:trafNo>MU5034</ceb:trafNo><ceb:voyageNo>20260301</ceb:voyageNo><ceb:billNo>78412345675</ceb:billNo>
<ceb:country>309</ceb:country><ceb:freight>{spec.freight}</ceb:freight><ceb:insuredFee>0</ceb:insuredFee><ceb:currency>142</ceb:currency>
<ceb:wrapType>2</ceb:wrapType><ceb:packNo>1</ceb:packNo><ceb:grossWeight>1.2</ceb:grossWeight><ceb:netWeight>1.0</ceb:netWeight>
</ceb:InventoryHead>
{_inventory_lines(spec)}
</ceb:Inventory>
{base_transfer(agent)}
{_sample_signature()}
</ceb:CEB621Message>""".encode()


def _after_sale_head(agent: Filed, platform: Filed, carrier: Filed, spec: OrderSpec, invt_no: str) -> str:
    """The head fields CEB623 and CEB625 share (ceb.md §3.11, §3.13), in XSD order up to ``agentName``."""
    return (
        f"<ceb:customsCode>{spec.customs_code}</ceb:customsCode><ceb:orderNo>{spec.order_no}</ceb:orderNo>"
        f"<ceb:ebpCode>{platform.customs_code}</ceb:ebpCode><ceb:ebpName>{platform.name}</ceb:ebpName>"
        f"<ceb:ebcCode>{platform.customs_code}</ceb:ebcCode><ceb:ebcName>{platform.name}</ceb:ebcName>"
        f"<ceb:logisticsNo>{spec.logistics_no}</ceb:logisticsNo><ceb:logisticsCode>{carrier.customs_code}</ceb:logisticsCode>"
        f"<ceb:logisticsName>{carrier.name}</ceb:logisticsName><ceb:copNo>R{spec.order_no[-19:]}</ceb:copNo>"
        f"<ceb:invtNo>{invt_no}</ceb:invtNo><ceb:buyerIdType>1</ceb:buyerIdType><ceb:buyerIdNumber>{spec.buyer_id}</ceb:buyerIdNumber>"
        f"<ceb:buyerName>{spec.buyer_name}</ceb:buyerName><ceb:buyerTelephone>{spec.buyer_phone}</ceb:buyerTelephone>"
        f"<ceb:agentCode>{agent.customs_code}</ceb:agentCode><ceb:agentName>{agent.name}</ceb:agentName>"
    )


def ceb623(agent: Filed, platform: Filed, carrier: Filed, spec: OrderSpec, *, invt_no: str) -> bytes:
    """CEB623 撤销申请单: one ``InvtCancel`` record directly under the root, signature mandatory."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB623Message guid="{new_guid()}" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">
<ceb:InvtCancel>
<ceb:guid>{new_guid()}</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>20260302090000</ceb:appTime><ceb:appStatus>2</ceb:appStatus>
{_after_sale_head(agent, platform, carrier, spec, invt_no)}
<ceb:reason>消费者取消订单</ceb:reason>
</ceb:InvtCancel>
{base_transfer(agent)}
{_sample_signature()}
</ceb:CEB623Message>""".encode()


def ceb625(
    agent: Filed,
    platform: Filed,
    carrier: Filed,
    spec: OrderSpec,
    *,
    invt_no: str,
    returned: dict[int, str],
    app_type: str = "1",
) -> bytes:
    """CEB625 退货申请单: ``InvtRefundHead`` + one ``InvtRefundList`` per returned line (gnum → qty)."""
    lines = "".join(
        f"<ceb:InvtRefundList><ceb:gnum>{gnum}</ceb:gnum><ceb:gcode>{spec.lines[gnum - 1].gcode}</ceb:gcode>"
        f"<ceb:gname>{spec.lines[gnum - 1].name}</ceb:gname><ceb:qty>{qty}</ceb:qty>"
        f"<ceb:unit>{spec.lines[gnum - 1].unit}</ceb:unit></ceb:InvtRefundList>"
        for gnum, qty in returned.items()
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB625Message guid="{new_guid()}" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">
<ceb:InvtRefund><ceb:InvtRefundHead>
<ceb:guid>{new_guid()}</ceb:guid><ceb:appType>{app_type}</ceb:appType><ceb:appTime>20260305090000</ceb:appTime><ceb:appStatus>2</ceb:appStatus>
{_after_sale_head(agent, platform, carrier, spec, invt_no)}
<ceb:reason>质量问题退货</ceb:reason>
</ceb:InvtRefundHead>
{lines}
</ceb:InvtRefund>
{base_transfer(agent)}
{_sample_signature()}
</ceb:CEB625Message>""".encode()


def ceb711(warehouse: Filed, carrier: Filed, specs: list[OrderSpec], *, bill_no: str) -> bytes:
    """CEB711 入库明细单: the supervised site lists the waybills that arrived (one ``DeliveryList`` each)."""
    lines = "".join(
        f"<ceb:DeliveryList><ceb:gnum>{g}</ceb:gnum><ceb:logisticsNo>{spec.logistics_no}</ceb:logisticsNo></ceb:DeliveryList>"
        for g, spec in enumerate(specs, start=1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB711Message guid="{new_guid()}" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">
<ceb:Delivery><ceb:DeliveryHead>
<ceb:guid>{new_guid()}</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>20260302080000</ceb:appTime><ceb:appStatus>2</ceb:appStatus>
<ceb:customsCode>8600</ceb:customsCode><ceb:copNo>RK{bill_no[-18:]}</ceb:copNo>
<ceb:operatorCode>{warehouse.customs_code}</ceb:operatorCode><ceb:operatorName>{warehouse.name}</ceb:operatorName>
<ceb:ieFlag>I</ceb:ieFlag><ceb:trafMode>5</ceb:trafMode><ceb:trafNo>MU5034</ceb:trafNo><ceb:voyageNo>20260301</ceb:voyageNo>
<ceb:billNo>{bill_no}</ceb:billNo><ceb:logisticsCode>{carrier.customs_code}</ceb:logisticsCode><ceb:logisticsName>{carrier.name}</ceb:logisticsName>
</ceb:DeliveryHead>
{lines}
</ceb:Delivery>
{base_transfer(warehouse)}
{_sample_signature()}
</ceb:CEB711Message>""".encode()


def ceb513(carrier: Filed, spec: OrderSpec) -> bytes:
    """CEB513 物流运单状态: the parcel was signed for (``S``)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB513Message guid="{new_guid()}" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">
<ceb:LogisticsStatus>
<ceb:guid>{new_guid()}</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>20260303180000</ceb:appTime><ceb:appStatus>2</ceb:appStatus>
<ceb:logisticsCode>{carrier.customs_code}</ceb:logisticsCode><ceb:logisticsName>{carrier.name}</ceb:logisticsName>
<ceb:logisticsNo>{spec.logistics_no}</ceb:logisticsNo><ceb:logisticsStatus>S</ceb:logisticsStatus>
<ceb:logisticsTime>20260303175900</ceb:logisticsTime>
</ceb:LogisticsStatus>
{base_transfer(carrier)}
</ceb:CEB513Message>""".encode()


# --------------------------------------------------------------------------- the zone


class Zone:
    """A platform (also the seller), a payment company, a carrier and an agent with a ¥100,000 guarantee,
    plus a customs key; documents go in through the real access point, the worker is drained by hand."""

    GUARANTEE = Decimal("100000")

    def __init__(self, factory: Factory, client: TestClient, settings: Settings) -> None:
        self.client = client
        self.factory = factory
        self.settings = settings
        self.platform = factory.file("杭州某某跨境电商平台有限公司", ["ebp", "ebc"])
        self.payer = factory.file("某某支付有限公司", ["payment"])
        self.carrier = factory.file("某某国际物流有限公司", ["logistics"])
        self.agent = factory.file("某某报关有限公司", ["agent", "warehouse"])
        r = client.post(
            "/api/v1/guarantees",
            json={"enterprise": self.agent.uscc, "amount": str(self.GUARANTEE)},
            headers=auth(factory.operator_key),
        )
        assert r.status_code == 200, r.text
        r = client.post(
            "/api/v1/keys", json={"name": "海关", "role": "customs"}, headers=auth(factory.operator_key)
        )
        assert r.status_code == 201, r.text
        self.customs = r.json()["api_key"]
        self.set_engine(inspection_rate=Decimal(0))

    def agency_key(self, role: str) -> str:
        """A new API key of an agency role (market, tax, forex, commerce, customs)."""
        r = self.client.post(
            "/api/v1/keys", json={"name": role, "role": role}, headers=auth(self.factory.operator_key)
        )
        assert r.status_code == 201, r.text
        key: str = r.json()["api_key"]
        return key

    # -- the engine ---------------------------------------------------------------------------------

    @property
    def worker(self) -> Any:
        return self.client.app.state.worker  # type: ignore[attr-defined]

    @property
    def engine(self) -> ClearanceEngine:
        engine: ClearanceEngine = self.worker.engine
        return engine

    def set_engine(
        self, *, inspection_rate: Decimal = Decimal(0), match_wait: timedelta = timedelta(hours=24)
    ) -> None:
        self.engine.settings = EngineSettings(match_wait=match_wait, inspection_rate=inspection_rate)

    def drain(self) -> None:
        self.worker.drain()

    # -- documents -----------------------------------------------------------------------------------

    def spec(self, number: str | None = None, **kw: Any) -> OrderSpec:
        return OrderSpec(number or order_no(), **kw)

    def documents(self, spec: OrderSpec) -> dict[str, tuple[Filed, bytes]]:
        return {
            "order": (self.platform, order_xml(self.platform, self.payer, spec)),
            "payment": (self.payer, payment_xml(self.payer, self.platform, spec)),
            "waybill": (self.carrier, waybill_xml(self.carrier, spec)),
            "inventory": (self.agent, inventory_xml(self.agent, self.platform, self.carrier, spec)),
        }

    def send(self, sender: Filed, body: bytes, *, expect: str = "2") -> str:
        """Send one message; assert the access point's answer status; return the answer text."""
        r = self.client.post(
            "/api/v1/messages", content=body, headers={**auth(sender.key), "Content-Type": "application/xml"}
        )
        assert r.status_code == 200, r.text
        text: str = r.text
        assert f"<returnStatus>{expect}</returnStatus>" in text, text
        return text

    def send_set(self, spec: OrderSpec, *, skip: tuple[str, ...] = (), drain: bool = True) -> OrderSpec:
        for name, (sender, body) in self.documents(spec).items():
            if name not in skip:
                self.send(sender, body)
        if drain:
            self.drain()
        return spec

    def cancel(self, spec: OrderSpec, invt_no: str) -> None:
        self.send(self.agent, ceb623(self.agent, self.platform, self.carrier, spec, invt_no=invt_no))

    def refund(self, spec: OrderSpec, invt_no: str, returned: dict[int, str], *, app_type: str = "1") -> None:
        body = ceb625(
            self.agent,
            self.platform,
            self.carrier,
            spec,
            invt_no=invt_no,
            returned=returned,
            app_type=app_type,
        )
        self.send(self.agent, body)

    def arrive(self, specs: list[OrderSpec], *, bill_no: str = "78412345675") -> None:
        self.send(self.agent, ceb711(self.agent, self.carrier, specs, bill_no=bill_no))

    def sign_off(self, spec: OrderSpec) -> None:
        self.send(self.carrier, ceb513(self.carrier, spec))

    # -- reading -------------------------------------------------------------------------------------

    def lifecycle(self, number: str, key: str | None = None) -> dict[str, Any]:
        r = self.client.get(
            f"/api/v1/orders/{self.platform.customs_code}/{number}", headers=auth(key or self.customs)
        )
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    @contextmanager
    def db(self) -> Iterator[Session]:
        with unit_of_work(self.settings) as session:
            yield session

    def order(self, number: str) -> ClearanceOrder:
        with self.db() as s:
            row = s.scalars(select(ClearanceOrder).where(ClearanceOrder.order_no == number)).one()
            s.expunge(row)
            return row

    def enterprise_id(self, filed: Filed) -> str:
        with self.db() as s:
            row = registry_repo.by_code(s, filed.customs_code)
            assert row is not None
            return row.id

    def receipts(self, filed: Filed | None = None, **where: Any) -> list[Receipt]:
        """Receipts (all, or to one enterprise), oldest first, filtered by column values."""
        with self.db() as s:
            query = select(Receipt).order_by(Receipt.id)
            if filed is not None:
                query = query.where(Receipt.recipient_enterprise_id == self.enterprise_id(filed))
            for name, value in where.items():
                query = query.where(getattr(Receipt, name) == value)
            rows = list(s.scalars(query).all())
            s.expunge_all()
            return rows

    def guarantee(self) -> tuple[Decimal, list[tuple[str, Decimal]]]:
        """The agent's guarantee balance and its entries (kind, amount), oldest first."""
        agent = self.enterprise_id(self.agent)
        with self.db() as s:
            row = s.get(Guarantee, agent)
            assert row is not None
            entries = s.execute(
                select(GuaranteeEntry.kind, GuaranteeEntry.amount)
                .where(GuaranteeEntry.enterprise_id == agent)
                .order_by(GuaranteeEntry.id)
            ).all()
            return Decimal(row.balance), [(k, Decimal(a)) for k, a in entries]

    def quota_used(self, buyer_id: str) -> Decimal:
        with self.db() as s:
            row = s.get(QuotaLedger, (self.cipher.lookup_hash(buyer_id), this_year()))
            return Decimal(row.used) if row is not None else Decimal(0)

    @property
    def cipher(self) -> DataCipher:
        return DataCipher(self.settings.data_key_bytes, self.settings.data_key_id)

    def snapshot(self) -> dict[str, Any]:
        """Everything the engine writes, in a comparable form."""
        with self.db() as s:
            orders = sorted(
                (
                    o.order_no,
                    o.state,
                    o.return_status,
                    o.invt_no,
                    str(o.quota_used),
                    str(o.tax_total),
                    o.findings,
                )
                for o in s.scalars(select(ClearanceOrder))
            )
            events = sorted(
                (e.order_id, e.state, e.return_status, e.info) for e in s.scalars(select(ClearanceEvent))
            )
            receipts = sorted(
                (r.recipient_enterprise_id, r.receipt_type, r.return_status, r.document_id or "")
                for r in s.scalars(select(Receipt))
            )
            quota = sorted((q.buyer_hash, q.year, str(q.used)) for q in s.scalars(select(QuotaLedger)))
            guarantees = sorted((g.enterprise_id, str(g.balance)) for g in s.scalars(select(Guarantee)))
            entries = s.scalar(select(func.count()).select_from(GuaranteeEntry))
            return {
                "orders": orders,
                "events": events,
                "receipts": receipts,
                "quota": quota,
                "guarantees": guarantees,
                "guarantee_entries": entries,
            }

    def outbox_payloads(self) -> list[dict[str, Any]]:
        with self.db() as s:
            return [dict(p) for p in s.scalars(select(OutboxEvent.payload).order_by(OutboxEvent.id))]


def this_year() -> int:
    return utc_now().astimezone(SHANGHAI).year


def inventory_receipts(zone: Zone, spec: OrderSpec) -> list[tuple[str, str]]:
    """(return status, returnInfo) of the CEB622 receipts of one order to the agent, oldest first."""
    order = zone.order(spec.order_no)
    return [
        (r.return_status, r.return_info)
        for r in zone.receipts(zone.agent, receipt_type="CEB622Message", document_id=order.inventory_doc_id)
    ]
