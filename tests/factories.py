"""Builders for filings and CEB messages shaped like the official samples, with valid identifiers."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from cbec.registry.identifiers import ric, uscc

_serial = itertools.count(1)


def make_uscc(seed: int | None = None) -> str:
    """A valid USCC: 9 (enterprise) 1 (company) + region 330100 + a 9-char org code + check char."""
    n = next(_serial) if seed is None else seed
    body = f"91330100{n:09d}"[:17]
    return body + uscc.calc_check_digit(body)


def make_customs_code(seed: int | None = None) -> str:
    n = next(_serial) if seed is None else seed
    return f"3301{n:06d}"[:10]


def make_ric(seed: int = 1) -> str:
    body = f"11010119900307{seed % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def new_guid() -> str:
    return str(uuid.uuid4()).upper()


@dataclass
class Filed:
    uscc: str
    customs_code: str
    name: str
    key: str
    dxp_id: str


class Factory:
    def __init__(self, client: TestClient, operator_key: str) -> None:
        self.client = client
        self.operator_key = operator_key

    def file(self, name: str, roles: list[str], **extra: Any) -> Filed:
        code, customs = make_uscc(), make_customs_code()
        dxp = f"DXPENT{next(_serial):010d}"
        body = {"uscc": code, "customs_code": customs, "name": name, "roles": roles, "dxp_id": dxp, **extra}
        r = self.client.post("/api/v1/enterprises", json=body, headers=self.auth(self.operator_key))
        assert r.status_code == 201, r.text
        return Filed(code, customs, name, r.json()["api_key"], dxp)

    @staticmethod
    def auth(key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}


def base_transfer(sender: Filed) -> str:
    return (
        f"<ceb:BaseTransfer><ceb:copCode>{sender.customs_code}</ceb:copCode><ceb:copName>{sender.name}</ceb:copName>"
        f"<ceb:dxpMode>DXP</ceb:dxpMode><ceb:dxpId>{sender.dxp_id}</ceb:dxpId></ceb:BaseTransfer>"
    )


def ceb311(
    platform: Filed,
    seller: Filed,
    payer: Filed,
    *,
    order_no: str,
    guid: str | None = None,
    buyer_id: str | None = None,
    app_type: str = "1",
) -> bytes:
    """A CEB311 order of one record and one line, shaped like the official sample."""
    buyer = buyer_id or make_ric(7)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB311Message guid="{guid or new_guid()}" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<ceb:Order><ceb:OrderHead>
<ceb:guid>{new_guid()}</ceb:guid><ceb:appType>{app_type}</ceb:appType><ceb:appTime>20260301120000</ceb:appTime><ceb:appStatus>2</ceb:appStatus>
<ceb:orderType>I</ceb:orderType><ceb:orderNo>{order_no}</ceb:orderNo>
<ceb:ebpCode>{platform.customs_code}</ceb:ebpCode><ceb:ebpName>{platform.name}</ceb:ebpName>
<ceb:ebcCode>{seller.customs_code}</ceb:ebcCode><ceb:ebcName>{seller.name}</ceb:ebcName>
<ceb:goodsValue>200</ceb:goodsValue><ceb:freight>10</ceb:freight><ceb:discount>0</ceb:discount><ceb:taxTotal>23.8</ceb:taxTotal>
<ceb:acturalPaid>233.8</ceb:acturalPaid><ceb:currency>142</ceb:currency>
<ceb:buyerRegNo>buyer001</ceb:buyerRegNo><ceb:buyerName>张三</ceb:buyerName><ceb:buyerTelephone>13800138000</ceb:buyerTelephone>
<ceb:buyerIdType>1</ceb:buyerIdType><ceb:buyerIdNumber>{buyer}</ceb:buyerIdNumber>
<ceb:payCode>{payer.customs_code}</ceb:payCode><ceb:payName>{payer.name}</ceb:payName><ceb:payTransactionId>PAY{order_no}</ceb:payTransactionId>
<ceb:consignee>张三</ceb:consignee><ceb:consigneeTelephone>13800138000</ceb:consigneeTelephone><ceb:consigneeAddress>浙江省杭州市西湖区文三路1号</ceb:consigneeAddress>
</ceb:OrderHead>
<ceb:OrderList><ceb:gnum>1</ceb:gnum><ceb:itemNo>SKU1</ceb:itemNo><ceb:itemName>奶粉</ceb:itemName><ceb:gmodel>900g/罐</ceb:gmodel>
<ceb:unit>122</ceb:unit><ceb:qty>2</ceb:qty><ceb:price>100</ceb:price><ceb:totalPrice>200</ceb:totalPrice><ceb:currency>142</ceb:currency><ceb:country>309</ceb:country></ceb:OrderList>
</ceb:Order>
{base_transfer(platform)}
</ceb:CEB311Message>""".encode()


def ceb411(
    payer: Filed,
    platform: Filed,
    *,
    order_no: str,
    guid: str | None = None,
    cop: Filed | None = None,
    buyer_id: str | None = None,
) -> bytes:
    buyer = buyer_id or make_ric(7)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB411Message guid="{guid or new_guid()}" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">
<ceb:Payment><ceb:PaymentHead>
<ceb:guid>{new_guid()}</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>20260301120500</ceb:appTime><ceb:appStatus>2</ceb:appStatus>
<ceb:payCode>{payer.customs_code}</ceb:payCode><ceb:payName>{payer.name}</ceb:payName><ceb:payTransactionId>PAY{order_no}</ceb:payTransactionId>
<ceb:orderNo>{order_no}</ceb:orderNo><ceb:ebpCode>{platform.customs_code}</ceb:ebpCode><ceb:ebpName>{platform.name}</ceb:ebpName>
<ceb:payerIdType>1</ceb:payerIdType><ceb:payerIdNumber>{buyer}</ceb:payerIdNumber><ceb:payerName>张三</ceb:payerName>
<ceb:telephone>13800138000</ceb:telephone><ceb:amountPaid>233.8</ceb:amountPaid><ceb:currency>142</ceb:currency><ceb:payTime>20260301120400</ceb:payTime>
</ceb:PaymentHead></ceb:Payment>
{base_transfer(cop or payer)}
</ceb:CEB411Message>""".encode()


def ceb511(carrier: Filed, *, order_no: str, logistics_no: str, guid: str | None = None) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB511Message guid="{guid or new_guid()}" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">
<ceb:Logistics><ceb:LogisticsHead>
<ceb:guid>{new_guid()}</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>20260301121000</ceb:appTime><ceb:appStatus>2</ceb:appStatus>
<ceb:logisticsCode>{carrier.customs_code}</ceb:logisticsCode><ceb:logisticsName>{carrier.name}</ceb:logisticsName><ceb:logisticsNo>{logistics_no}</ceb:logisticsNo>
<ceb:orderNo>{order_no}</ceb:orderNo><ceb:freight>10</ceb:freight><ceb:insuredFee>0</ceb:insuredFee><ceb:currency>142</ceb:currency>
<ceb:weight>1.2</ceb:weight><ceb:packNo>1</ceb:packNo><ceb:goodsInfo>奶粉2罐</ceb:goodsInfo>
<ceb:consignee>张三</ceb:consignee><ceb:consigneeAddress>浙江省杭州市西湖区文三路1号</ceb:consigneeAddress><ceb:consigneeTelephone>13800138000</ceb:consigneeTelephone>
</ceb:LogisticsHead></ceb:Logistics>
{base_transfer(carrier)}
</ceb:CEB511Message>""".encode()


_SIGNATURE_SAMPLE = Path(__file__).parent / "messages" / "ceb" / "fixtures" / "CEB621Message.xml"


def _sample_signature() -> str:
    """The official CEB621 sample's placeholder signature element (the XSD requires one)."""
    text = _SIGNATURE_SAMPLE.read_text(encoding="utf-8-sig")
    start = text.index("<ds:Signature")
    return text[start : text.index("</ds:Signature>") + len("</ds:Signature>")]


def ceb621(
    agent: Filed,
    platform: Filed,
    seller: Filed,
    carrier: Filed,
    *,
    order_no: str,
    logistics_no: str,
    guid: str | None = None,
    buyer_id: str | None = None,
    qty: str = "2",
    price: str = "100",
    gcode: str = "1901101090",
    trade_mode: str = "9610",
    freight: str = "10",
    customs_code: str = "8600",
) -> bytes:
    """A CEB621 import inventory of one record and one line matching :func:`ceb311` (infant formula)."""
    buyer = buyer_id or make_ric(7)
    total = str(Decimal(qty) * Decimal(price))
    bonded = trade_mode == "1210"
    transport = (
        "<ceb:trafMode>5</ceb:trafMode><ceb:trafNo>MU5034</ceb:trafNo><ceb:voyageNo>20260301</ceb:voyageNo>"
        "<ceb:billNo>78412345675</ceb:billNo>"
        if not bonded
        else "<ceb:trafMode>Y</ceb:trafMode>"
    )
    ems = "<ceb:emsNo>T8600W000001</ceb:emsNo>" if bonded else ""
    area = (
        f"<ceb:areaCode>{agent.customs_code}</ceb:areaCode><ceb:areaName>{agent.name}</ceb:areaName>"
        if bonded
        else ""
    )
    record_no = "<ceb:itemRecordNo>1</ceb:itemRecordNo>" if bonded else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB621Message guid="{guid or new_guid()}" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<ceb:Inventory><ceb:InventoryHead>
<ceb:guid>{new_guid()}</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>20260301121500</ceb:appTime><ceb:appStatus>2</ceb:appStatus>
<ceb:orderNo>{order_no}</ceb:orderNo><ceb:ebpCode>{platform.customs_code}</ceb:ebpCode><ceb:ebpName>{platform.name}</ceb:ebpName>
<ceb:ebcCode>{seller.customs_code}</ceb:ebcCode><ceb:ebcName>{seller.name}</ceb:ebcName>
<ceb:logisticsNo>{logistics_no}</ceb:logisticsNo><ceb:logisticsCode>{carrier.customs_code}</ceb:logisticsCode><ceb:logisticsName>{carrier.name}</ceb:logisticsName>
<ceb:copNo>C{order_no[-19:]}</ceb:copNo><ceb:assureCode>{agent.customs_code}</ceb:assureCode>{ems}
<ceb:ieFlag>I</ceb:ieFlag><ceb:declTime>20260301</ceb:declTime><ceb:customsCode>{customs_code}</ceb:customsCode><ceb:portCode>{customs_code}</ceb:portCode>
<ceb:buyerIdType>1</ceb:buyerIdType><ceb:buyerIdNumber>{buyer}</ceb:buyerIdNumber><ceb:buyerName>张三</ceb:buyerName><ceb:buyerTelephone>13800138000</ceb:buyerTelephone>
<ceb:consigneeAddress>浙江省杭州市西湖区文三路1号</ceb:consigneeAddress>
<ceb:agentCode>{agent.customs_code}</ceb:agentCode><ceb:agentName>{agent.name}</ceb:agentName>{area}
<ceb:tradeMode>{trade_mode}</ceb:tradeMode>{transport}
<ceb:country>{"142" if bonded else "309"}</ceb:country><ceb:freight>{freight}</ceb:freight><ceb:insuredFee>0</ceb:insuredFee><ceb:currency>142</ceb:currency>
<ceb:wrapType>2</ceb:wrapType><ceb:packNo>1</ceb:packNo><ceb:grossWeight>1.2</ceb:grossWeight><ceb:netWeight>1.0</ceb:netWeight>
</ceb:InventoryHead>
<ceb:InventoryList><ceb:gnum>1</ceb:gnum>{record_no}<ceb:itemNo>SKU1</ceb:itemNo><ceb:itemName>奶粉</ceb:itemName><ceb:gcode>{gcode}</ceb:gcode>
<ceb:gname>奶粉</ceb:gname><ceb:gmodel>900g/罐</ceb:gmodel><ceb:barCode>无</ceb:barCode><ceb:country>309</ceb:country><ceb:currency>142</ceb:currency>
<ceb:qty>{qty}</ceb:qty><ceb:unit>122</ceb:unit><ceb:qty1>{Decimal(qty) * Decimal("0.9")}</ceb:qty1><ceb:unit1>035</ceb:unit1>
<ceb:price>{price}</ceb:price><ceb:totalPrice>{total}</ceb:totalPrice></ceb:InventoryList>
</ceb:Inventory>
{base_transfer(agent)}
{_sample_signature()}
</ceb:CEB621Message>""".encode()
