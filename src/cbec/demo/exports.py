"""Deterministic demo export shipments of a zone (CEB303/403/505/603/507/607/509) and CEB701 applications.

:func:`demo_export_orders` yields :class:`DemoExport` sets, each the documents of one export
shipment in the order the export flow sends them (ceb.md §7.2), every one with the responsible
party as sender (``BaseTransfer/copCode``, ceb.md §1.3):

* CEB303 order (出口电子订单) — sent by the platform (``orderType`` E 9610 retail, B 9710 B2B) or,
  for a 9810 海外仓订仓单 (``orderType`` W), by the consignor itself; ``ebpCode`` of a 订仓单 is the
  zone platform the booking goes through (the consignor when it is a platform), so that every
  enterprise code names a filed enterprise in its role;
* CEB403 receipt of payment (收款单) — sent by the payment company; none for 9810 (stock moved to
  the seller's overseas warehouse is not sold yet, so nothing is collected);
* CEB505 waybill (出口物流运单) — sent by the logistics company;
* CEB603 inventory (出口申报清单) — sent by the declaring agent, placeholder ``ds:Signature``
  (``appStatus`` 2 needs one; :mod:`cbec.demo.signature`);
* CEB507 arrival (运抵单) — sent by the supervised-site operator, sometimes by the logistics company;
* CEB607 master/sub waybill (清单总分单) — sent by the agent, placeholder signature;
* CEB509 departure (离境单) — sent by the logistics company.

The mix: about 85% 9610 parcels to some twenty countries (``statisticsFlag`` B 汇总申报 mostly,
A 简化申报 for about a fifth, whose ``gcode`` then carries only the 4-digit heading, ceb.md §4.11),
a few 9710 B2B orders of larger value and 9810 stock shipments to two overseas warehouses
(:data:`OVERSEAS_WAREHOUSES`). 9710 and 9810 shipments stay within 5,000 CNY per waybill, the
limit of the 清单 channel (ceb.md §4.24).

Money (what ties the documents of one shipment together):

* the order is priced in the buyer's currency (US → 502 USD, DE → 300 EUR, JP → 116 JPY …): the
  CEB303 lines, CEB603 lines and CEB403 ``charge`` use it; ``totalPrice = price × qty`` exactly and
  ``goodsValue = Σ totalPrice`` (FOB, without freight);
* CEB303 ``freight`` is the shipping fee the buyer paid (often 0); CEB403 ``charge = goodsValue +
  freight``;
* CEB505 ``freight`` is the carrier's charge for the parcel in CNY (142); the CEB603 head declares
  the same amount as ``freight``/``fCurrency`` (``fFlag`` 3 总价), ``insuredFee`` 0;
* ``grossWeight`` and ``packNo`` are the same on CEB505, CEB603 and (weight) CEB607.

Parcels leave on the carrier's daily flight of their route (or the daily train for the European
overseas warehouse): the parcels of one flight share ``billNo`` (master air waybill),
``trafName``/``voyageNo`` and ``leaveTime``; 9610 parcels also a ``totalPackageNo`` (mail bag).
``portCode`` and ``customsCode`` are the zone's customs district.

Everything is pure: the same zone, enterprises, ``n``, ``seed`` and ``now`` give the same bytes.
No database, network or clock is touched. The XML is built with string templates.

>>> from datetime import UTC, datetime
>>> from cbec.demo.generator import demo_enterprises
>>> from cbec.zones import load_zone
>>> zone = load_zone("kunming")
>>> now = datetime(2026, 3, 1, tzinfo=UTC)
>>> sets = list(demo_export_orders(zone, demo_enterprises(zone), n=3, seed=7, now=now))
>>> [len(s.messages()) >= 6 for s in sets]
[True, True, True]
"""

from __future__ import annotations

import csv
import io
import random
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources

from cbec.demo.generator import DemoEnterprise
from cbec.demo.signature import PLACEHOLDER_SIGNATURE
from cbec.kernel.dates import SHANGHAI
from cbec.registry.enums import EnterpriseRole
from cbec.zones import Zone, list_zones, load_zone

__all__ = [
    "OVERSEAS_WAREHOUSES",
    "TRADE_MODES",
    "DemoExport",
    "ExportProduct",
    "OverseasWarehouse",
    "demo_export_orders",
    "demo_summary_application",
    "load_export_catalogue",
]

# --------------------------------------------------------------------------- catalogue

TRADE_MODES = ("9610", "9710", "9810")
"""Export supervision modes the demo produces (ceb.md §4.11, §4.24)."""

_HS_CODE = re.compile(r"[0-9]{10}")
_UNIT_CODE = re.compile(r"[0-9]{3}")
_EAN13 = re.compile(r"[0-9]{13}")
_XML_SPECIAL = re.compile(r"[&<>\"']")


@dataclass(frozen=True)
class ExportProduct:
    """One line of ``export_catalogue.csv`` (the file header explains each column)."""

    sku: str
    category: str
    trade_modes: frozenset[str]
    hs_code: str
    gname: str
    item_name: str
    item_describe: str
    gmodel: str
    bar_code: str
    unit: str
    unit1: str
    qty1: Decimal
    unit2: str | None
    qty2: Decimal | None
    usd_min: Decimal
    usd_max: Decimal
    net_kg: Decimal
    per_carton: int
    soft: bool
    weight: int
    code_source: str


def _ean13_ok(code: str) -> bool:
    digits = [int(c) for c in code]
    return sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) % 10 == (10 - digits[12]) % 10


def _export_product(row: dict[str, str], line: int) -> ExportProduct:
    where = f"export_catalogue.csv line {line}"
    for name, value in row.items():
        if value is None:
            raise ValueError(f"{where}: too few columns")
        if _XML_SPECIAL.search(value):
            raise ValueError(f"{where}: {name} contains an XML special character")
    if not 0 < len(row["sku"]) <= 20:  # CEB603 itemNo is C..20
        raise ValueError(f"{where}: sku must have 1 to 20 characters")
    modes = frozenset(row["trade_modes"].split())
    if not modes or not modes <= set(TRADE_MODES):
        raise ValueError(f"{where}: trade_modes must be some of {' '.join(TRADE_MODES)}")
    if not _HS_CODE.fullmatch(row["hs_code"]):
        raise ValueError(f"{where}: hs_code must be 10 digits")
    if not (_EAN13.fullmatch(row["bar_code"]) and _ean13_ok(row["bar_code"])):
        raise ValueError(f"{where}: bar_code must be a valid EAN-13")
    for name in ("unit", "unit1"):
        if not _UNIT_CODE.fullmatch(row[name]):
            raise ValueError(f"{where}: {name} must be a 3-digit unit code")
    if (row["unit2"] == "") != (row["qty2"] == ""):
        raise ValueError(f"{where}: unit2 and qty2 go together")
    if row["unit2"] and not _UNIT_CODE.fullmatch(row["unit2"]):
        raise ValueError(f"{where}: unit2 must be a 3-digit unit code")
    if row["soft"] not in ("yes", "no"):
        raise ValueError(f"{where}: soft is yes or no")
    product = ExportProduct(
        sku=row["sku"],
        category=row["category"],
        trade_modes=modes,
        hs_code=row["hs_code"],
        gname=row["gname"],
        item_name=row["item_name"],
        item_describe=row["item_describe"],
        gmodel=row["gmodel"],
        bar_code=row["bar_code"],
        unit=row["unit"],
        unit1=row["unit1"],
        qty1=Decimal(row["qty1"]),
        unit2=row["unit2"] or None,
        qty2=Decimal(row["qty2"]) if row["qty2"] else None,
        usd_min=Decimal(row["usd_min"]),
        usd_max=Decimal(row["usd_max"]),
        net_kg=Decimal(row["net_kg"]),
        per_carton=int(row["per_carton"]),
        soft=row["soft"] == "yes",
        weight=int(row["weight"]),
        code_source=row["code_source"],
    )
    if not Decimal(0) < product.usd_min <= product.usd_max:
        raise ValueError(f"{where}: price range")
    if product.net_kg <= 0 or product.per_carton < 1 or product.weight < 0 or product.qty1 <= 0:
        raise ValueError(f"{where}: net_kg, qty1 and per_carton must be positive, weight not negative")
    if product.unit1 == product.unit and product.qty1 != 1:
        raise ValueError(f"{where}: qty1 must be 1 when unit1 is the transaction unit")
    return product


@cache
def load_export_catalogue() -> tuple[ExportProduct, ...]:
    """The demo export catalogue, in file order.

    Raises:
        ValueError: a line that does not follow the column rules in the file header.
    """
    text = (
        resources.files(__package__ or "cbec.demo")
        .joinpath("export_catalogue.csv")
        .read_text(encoding="utf-8")
    )
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    products = tuple(_export_product(row, i) for i, row in enumerate(reader, start=2))
    if len({p.sku for p in products}) != len(products):
        raise ValueError("export_catalogue.csv: duplicate sku")
    return products


# --------------------------------------------------------------------------- markets


@dataclass(frozen=True)
class _Currency:
    code: str  # JGS-20 币制代码
    iso: str
    cny: Decimal  # CNY per unit: demo rate (our choice, roughly 2025 averages; not for any real use)
    step: Decimal  # price granularity: 0.01, or whole yen/baht/peso, 10 yen, 100 won


_CENT = Decimal("0.01")
_CURRENCIES: dict[str, _Currency] = {
    c.code: c
    for c in (
        _Currency("502", "USD", Decimal("7.20"), _CENT),
        _Currency("300", "EUR", Decimal("7.85"), _CENT),
        _Currency("303", "GBP", Decimal("9.25"), _CENT),
        _Currency("116", "JPY", Decimal("0.048"), Decimal(10)),
        _Currency("133", "KRW", Decimal("0.0052"), Decimal(100)),
        _Currency("601", "AUD", Decimal("4.70"), _CENT),
        _Currency("501", "CAD", Decimal("5.20"), _CENT),
        _Currency("609", "NZD", Decimal("4.30"), _CENT),
        _Currency("132", "SGD", Decimal("5.40"), _CENT),
        _Currency("122", "MYR", Decimal("1.60"), _CENT),
        _Currency("136", "THB", Decimal("0.21"), Decimal(1)),
        _Currency("129", "PHP", Decimal("0.125"), Decimal(1)),
        _Currency("142", "CNY", Decimal(1), _CENT),
    )
}
_USD = _CURRENCIES["502"]
_CNY = "142"


@dataclass(frozen=True)
class _Destination:
    country: str  # JGS-20 国别(地区)代码: 运抵国, 最终目的国, POD
    currency: str  # JGS-20 币制代码 the buyer pays in
    route: str  # the carrier's flight group
    weight: int  # share of 9610/9710 orders (our choice)


# Countries without their own currency code in the customs table (RUB, MXN, BRL, SAR, AED) pay in USD.
_DESTINATIONS: tuple[_Destination, ...] = (
    _Destination("502", "502", "NA", 30),  # 美国
    _Destination("501", "501", "NA", 5),  # 加拿大
    _Destination("429", "502", "LA", 2),  # 墨西哥
    _Destination("410", "502", "LA", 2),  # 巴西
    _Destination("303", "303", "EU", 8),  # 英国
    _Destination("304", "300", "EU", 7),  # 德国
    _Destination("305", "300", "EU", 5),  # 法国
    _Destination("307", "300", "EU", 2),  # 意大利
    _Destination("312", "300", "EU", 3),  # 西班牙
    _Destination("309", "300", "EU", 2),  # 荷兰
    _Destination("344", "502", "RU", 6),  # 俄罗斯联邦
    _Destination("116", "116", "EA", 6),  # 日本
    _Destination("133", "133", "EA", 4),  # 韩国
    _Destination("601", "601", "OC", 5),  # 澳大利亚
    _Destination("609", "609", "OC", 1),  # 新西兰
    _Destination("132", "132", "SEA", 3),  # 新加坡
    _Destination("122", "122", "SEA", 3),  # 马来西亚
    _Destination("136", "136", "SEA", 3),  # 泰国
    _Destination("129", "129", "SEA", 2),  # 菲律宾
    _Destination("131", "502", "ME", 1),  # 沙特阿拉伯
    _Destination("138", "502", "ME", 2),  # 阿联酋
)
_DESTINATION_WEIGHTS = [d.weight for d in _DESTINATIONS]

# Air parcel rates by route: CNY per kg of gross weight and a handling fee per parcel (our choice).
_AIR_RATES: dict[str, tuple[Decimal, Decimal]] = {
    "NA": (Decimal(72), Decimal(18)),
    "LA": (Decimal(95), Decimal(20)),
    "EU": (Decimal(68), Decimal(18)),
    "RU": (Decimal(55), Decimal(15)),
    "EA": (Decimal(35), Decimal(12)),
    "SEA": (Decimal(32), Decimal(12)),
    "OC": (Decimal(65), Decimal(18)),
    "ME": (Decimal(60), Decimal(18)),
}
_RAIL_RATE = (Decimal(16), Decimal(350))  # CNY per kg, per consignment (our choice)
_AIRLINES = (("CZ", "784"), ("MU", "781"), ("CA", "999"), ("3U", "876"))  # IATA code, AWB prefix


@dataclass(frozen=True)
class OverseasWarehouse:
    """An overseas warehouse (海外仓) that 9810 stock is shipped to. Fictitious; not a filed enterprise.

    Attributes:
        key: stable key (``ow-de``, ``ow-us``).
        name: Chinese name, as written in the 订仓单 note.
        name_en: English name.
        country: JGS-20 country code (运抵国, 最终目的国, POD).
        address: street address.
        currency: JGS-20 currency code the stock is valued in.
        traf_mode: transport mode of the shipments (``3`` rail, ``5`` air).
        categories: catalogue categories it stocks.
    """

    key: str
    name: str
    name_en: str
    country: str
    address: str
    currency: str
    traf_mode: str
    categories: tuple[str, ...]


OVERSEAS_WAREHOUSES: tuple[OverseasWarehouse, ...] = (
    OverseasWarehouse(
        key="ow-de",
        name="莱茵河畔海外仓（杜伊斯堡）",
        name_en="Rheinufer Fulfilment GmbH, Duisburg",
        country="304",
        address="Logistikallee 8, 47138 Duisburg, Germany",
        currency="300",
        traf_mode="3",  # China-Europe rail freight
        categories=("furniture", "kitchenware", "led_lighting", "small_appliances"),
    ),
    OverseasWarehouse(
        key="ow-us",
        name="太平洋门户海外仓（安大略）",
        name_en="Pacific Gateway Fulfillment LLC, Ontario CA",
        country="502",
        address="1200 Fulfillment Way, Ontario, CA 91761, USA",
        currency="502",
        traf_mode="5",
        categories=("led_lighting", "kitchenware", "small_appliances"),
    ),
)
"""The two overseas warehouses 9810 stock goes to (names and addresses fictitious)."""

# --------------------------------------------------------------------------- the shipment set


@dataclass(frozen=True)
class DemoExport:
    """One export shipment's documents, ready to send.

    Attributes:
        order_no: ``orderNo`` (CEB303/403/603): platform order, B2B order or 订仓单 number.
        trade_mode: ``9610`` (retail parcel), ``9710`` (B2B direct export) or ``9810`` (overseas warehouse).
        order_type: CEB303 ``orderType``: ``E``, ``B`` or ``W``.
        statistics_flag: CEB603 ``statisticsFlag``: ``A`` 简化申报 or ``B`` 汇总申报.
        order: CEB303 body, sent by ``order_sender``.
        receipt: CEB403 body, sent by ``payment_company``; ``None`` for 9810.
        waybill: CEB505 body, sent by ``logistics``.
        inventory: CEB603 body, sent by ``agent`` (placeholder signature).
        arrival: CEB507 body, sent by ``arrival_sender``.
        master_waybill: CEB607 body, sent by ``agent`` (placeholder signature).
        departure: CEB509 body, sent by ``logistics``.
        ordered_at: when the order was placed (UTC).
        departed_at: ``leaveTime`` of the flight or train (UTC).
        platform: ``ebpCode`` (for 9810 the platform the 订仓单 is booked through).
        consignor: ``ebcCode``, the 收发货人 (a domestic seller or a self-operated platform).
        owner: ``ownerCode``, the 生产销售单位 (the consignor, or another domestic seller supplying it).
        payment_company: ``payCode`` of the receipt; ``None`` for 9810.
        logistics: ``logisticsCode``.
        agent: ``agentCode`` (declaring agent of the inventory and the master/sub waybill).
        operator: CEB507 ``operatorCode`` (supervised-site operator).
        order_sender: sender of the CEB303 (the platform, or the consignor for 9810).
        arrival_sender: sender of the CEB507 (the operator, or the logistics company).
        country: 运抵国 and 最终目的国 (JGS-20 code).
        currency: currency of the order, its lines, the inventory lines and the receipt.
        goods_value: CEB303 ``goodsValue`` = Σ line totals.
        freight: CEB303 ``freight`` (paid by the buyer, in ``currency``).
        charge: CEB403 ``charge`` = ``goods_value + freight``; ``None`` for 9810.
        carrier_freight: CEB505 ``freight`` and CEB603 ``freight`` (CNY).
        gross_weight: kg, CEB505/603/607.
        logistics_no: ``logisticsNo`` on every document.
        bill_no: master air waybill or rail consignment note (``billNo``).
        cop_no: CEB603 ``copNo``.
        overseas_warehouse: where 9810 stock goes, else ``None``.
    """

    order_no: str
    trade_mode: str
    order_type: str
    statistics_flag: str
    order: bytes
    receipt: bytes | None
    waybill: bytes
    inventory: bytes
    arrival: bytes
    master_waybill: bytes
    departure: bytes
    ordered_at: datetime
    departed_at: datetime
    platform: DemoEnterprise
    consignor: DemoEnterprise
    owner: DemoEnterprise
    payment_company: DemoEnterprise | None
    logistics: DemoEnterprise
    agent: DemoEnterprise
    operator: DemoEnterprise
    order_sender: DemoEnterprise
    arrival_sender: DemoEnterprise
    country: str
    currency: str
    goods_value: Decimal
    freight: Decimal
    charge: Decimal | None
    carrier_freight: Decimal
    gross_weight: Decimal
    logistics_no: str
    bill_no: str
    cop_no: str
    overseas_warehouse: OverseasWarehouse | None

    def messages(self) -> list[tuple[str, DemoEnterprise, bytes]]:
        """(message type, sender, body) in sending order.

        Order, receipt (not for 9810), waybill, inventory, arrival, master/sub waybill, departure.
        """
        out = [("CEB303Message", self.order_sender, self.order)]
        if self.receipt is not None and self.payment_company is not None:
            out.append(("CEB403Message", self.payment_company, self.receipt))
        out += [
            ("CEB505Message", self.logistics, self.waybill),
            ("CEB603Message", self.agent, self.inventory),
            ("CEB507Message", self.arrival_sender, self.arrival),
            ("CEB607Message", self.agent, self.master_waybill),
            ("CEB509Message", self.logistics, self.departure),
        ]
        return out


# --------------------------------------------------------------------------- shares and sizes (our choice)

_SHARE_9610 = 0.85
_SHARE_9710 = 0.07  # 9810 takes the rest
_SIMPLIFIED_SHARE = 0.2  # 9610 inventories declared with statisticsFlag A
_SELF_OPERATED_SHARE = 0.3  # 9610/9710 orders whose consignor is the platform itself
_SECOND_PRODUCER_SHARE = 0.25  # ownerCode is another domestic seller (the supplier), not the consignor
_LOGISTICS_FILES_ARRIVAL = 0.3  # CEB507 filed by the logistics company instead of the site operator
_FREE_SHIPPING_SHARE = 0.55
_LINES = (1, 2, 3)
_LINE_WEIGHTS = (70, 22, 8)
_QTYS = (1, 2, 3)
_QTY_WEIGHTS = (75, 18, 7)
_WHOLESALE = (Decimal("0.45"), Decimal("0.60"))  # B2B and stock price as a share of the retail price
_SHIPPING_USD = (299, 999)  # buyer-paid shipping fee, US cents
_CLEARANCE_LIMIT_CNY = Decimal(5000)  # 9710/9810 by inventory: at most 5,000 CNY per waybill (ceb.md §4.24)
_B2B_MIN_CNY = Decimal(1500)
_GROSS_FACTOR = Decimal("1.1")
_PARCEL_PACKAGING_KG = Decimal("0.15")
_CARTON_FACTOR = Decimal("1.05")
_CARTON_KG = Decimal("0.8")
_GRAM = Decimal("0.001")
_ZERO = Decimal(0)
_LAG = timedelta(hours=32)  # the last order is placed this long before `now`: its flight has left by then
_BAG_SIZE = 30  # parcels per mail bag (总包)
_TAG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_NS = 'xmlns:ceb="http://www.chinaport.gov.cn/ceb"'
_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
_GROUPS: tuple[tuple[str, ...], ...] = (  # export categories dealt to the domestic sellers in turn
    ("clothing", "shoes", "bags", "toys"),
    ("phone_accessories", "led_lighting", "small_appliances", "toys"),
    ("kitchenware", "tea", "furniture", "led_lighting", "small_appliances"),
)
# Vehicle plates start with the province's plate character, which differs from the short name for some.
_PLATE_PROVINCE = {"滇": "云", "黔": "贵", "陇": "甘", "秦": "陕"}
_PLATE_CITY = {"luzhou": "E"}  # prefecture letter; "A" (the capital) otherwise


@dataclass
class _Line:
    product: ExportProduct
    qty: int
    price: Decimal
    total: Decimal


@dataclass(frozen=True)
class _Flight:
    traf_mode: str
    traf_name: str  # flight or train number
    voyage_no: str
    bill_no: str
    leave: datetime  # Shanghai time
    route: str


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


def _t14(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def _money(value: Decimal) -> str:
    return format(value, "f")


def _base_transfer(sender: DemoEnterprise) -> str:
    return (
        f"<ceb:BaseTransfer><ceb:copCode>{sender.customs_code}</ceb:copCode><ceb:copName>{sender.name}"
        f"</ceb:copName><ceb:dxpMode>DXP</ceb:dxpMode><ceb:dxpId>{sender.dxp_id}</ceb:dxpId></ceb:BaseTransfer>"
    )


def _local_price(usd: Decimal, currency: _Currency, *, charm: bool) -> Decimal:
    """A USD amount in ``currency``, rounded to the currency's granularity (``x.99`` retail endings)."""
    local = usd * _USD.cny / currency.cny
    if currency.step == _CENT:
        if charm:
            return max(local.to_integral_value(ROUND_FLOOR), Decimal(0)) + Decimal("0.99")
        return local.quantize(_CENT, rounding=ROUND_HALF_UP)
    steps = (local / currency.step).to_integral_value(ROUND_HALF_UP)
    return max(steps, Decimal(1)) * currency.step


class _Generator:
    """State of one generation run (pure: everything comes from the arguments and the seed)."""

    def __init__(self, zone: Zone, enterprises: Sequence[DemoEnterprise], *, seed: int) -> None:
        self.zone = zone
        self.customs = zone.customs.code
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        tag_rng = random.Random(f"cbec-demo-export-tag:{seed}")  # noqa: S311 - demo data, not secrets
        self.tag = "".join(tag_rng.choice(_TAG_ALPHABET) for _ in range(3))
        plate_province = _PLATE_PROVINCE.get(zone.province_abbr_zh, zone.province_abbr_zh)
        self.plate_prefix = plate_province + _PLATE_CITY.get(zone.key, "A")

        def having(role: EnterpriseRole) -> list[DemoEnterprise]:
            return [e for e in enterprises if e.has_role(role)]

        def need(found: list[DemoEnterprise], what: str) -> list[DemoEnterprise]:
            if not found:
                raise ValueError(f"demo_export_orders needs at least one {what}")
            return found

        self.platforms = need(having(EnterpriseRole.ebp), "platform (ebp)")
        domestic = need([e for e in having(EnterpriseRole.ebc) if not e.overseas], "domestic consignor (ebc)")
        self.domestic = domestic
        self.payments = need(having(EnterpriseRole.payment), "payment company")
        carriers = need(having(EnterpriseRole.logistics), "logistics company")
        self.carriers = [c for c in carriers if not c.trade_modes or "9610" in c.trade_modes] or carriers
        self.agents = need(having(EnterpriseRole.agent), "declaring agent")
        operators = having(EnterpriseRole.warehouse) or self.carriers  # 邮路: the postal carrier operates
        self.operator_of = {c.key: operators[i % len(operators)] for i, c in enumerate(self.carriers)}
        self.agent_of = {e.key: self.agents[i % len(self.agents)] for i, e in enumerate(domestic)}

        catalogue = [p for p in load_export_catalogue() if p.weight > 0]
        every = tuple(sorted({p.category for p in catalogue}))
        sellers = [e for e in domestic if not e.has_role(EnterpriseRole.ebp)]
        categories = {e.key: every for e in domestic}
        for i, e in enumerate(sellers):
            categories[e.key] = _GROUPS[i % len(_GROUPS)]
        # (consignor key, trade mode, warehouse key or "") → the products it ships that way
        self.stock: dict[tuple[str, str, str], tuple[list[ExportProduct], list[int]]] = {}
        for e in domestic:
            for mode in TRADE_MODES:
                places: list[OverseasWarehouse | None] = [*OVERSEAS_WAREHOUSES] if mode == "9810" else [None]
                for w in places:
                    mine = [
                        p
                        for p in catalogue
                        if mode in p.trade_modes
                        and p.category in categories[e.key]
                        and (w is None or p.category in w.categories)
                    ]
                    if mine:
                        self.stock[(e.key, mode, w.key if w else "")] = (mine, [p.weight for p in mine])
        self.consignors: dict[tuple[str, str], list[DemoEnterprise]] = {}
        for mode in TRADE_MODES:
            for w in [*OVERSEAS_WAREHOUSES] if mode == "9810" else [None]:
                where = w.key if w else ""
                self.consignors[(mode, where)] = [e for e in domestic if (e.key, mode, where) in self.stock]
        if not self.consignors[("9610", "")]:
            raise ValueError("no domestic consignor sells any catalogue product")
        self.schedules: dict[tuple[str, str, str], tuple[str, str, time]] = {}
        self.flights: dict[tuple[str, str, str, date], _Flight] = {}
        self.bag_counts: dict[str, int] = {}
        self.plates: dict[tuple[str, date], str] = {}

    # ----------------------------------------------------------------- goods

    def _usd(self, p: ExportProduct) -> Decimal:
        low, high = int(p.usd_min * 100), int(p.usd_max * 100)
        return Decimal(self.rng.randint(low, high)).scaleb(-2)

    def _pick(self, products: list[ExportProduct], weights: list[int], count: int) -> list[ExportProduct]:
        chosen: list[ExportProduct] = []
        for _ in range(count * 3):
            p = self.rng.choices(products, weights)[0]
            if p not in chosen:
                chosen.append(p)
            if len(chosen) == count:
                break
        return chosen

    def _retail_lines(self, products: list[ExportProduct], weights: list[int], cur: _Currency) -> list[_Line]:
        rng = self.rng
        count = min(rng.choices(_LINES, _LINE_WEIGHTS)[0], len(products))
        lines = []
        for p in self._pick(products, weights, count):
            qty = rng.choices(_QTYS, _QTY_WEIGHTS)[0]
            price = _local_price(self._usd(p), cur, charm=True)
            lines.append(_Line(p, qty, price, price * qty))
        return lines

    def _bulk_lines(
        self, products: list[ExportProduct], weights: list[int], cur: _Currency, max_lines: int
    ) -> list[_Line]:
        """B2B or stock lines: whole cartons at a wholesale price, within the 5,000 CNY limit."""
        rng = self.rng
        count = min(rng.randint(1, max_lines), len(products))
        low, high = (int(x * 100) for x in _WHOLESALE)
        lines = []
        for p in self._pick(products, weights, count):
            share = Decimal(rng.randint(low, high)).scaleb(-2)
            price = _local_price(self._usd(p) * share, cur, charm=False)
            qty = p.per_carton * rng.randint(1, 4)
            lines.append(_Line(p, qty, price, price * qty))

        def cny() -> Decimal:
            return sum((ln.total for ln in lines), _ZERO) * cur.cny

        while cny() > _CLEARANCE_LIMIT_CNY:  # take away cartons (then units) from the dearest line
            line = max(lines, key=lambda ln: ln.total)
            step = line.product.per_carton if line.qty > line.product.per_carton else 1
            if line.qty <= step and len(lines) > 1:
                lines.remove(line)
                continue
            line.qty = max(line.qty - step, 1)
            line.total = line.price * line.qty
            if line.qty == 1 and len(lines) == 1:
                break
        for line in lines:  # top up small orders with whole cartons while they stay within the limit
            while cny() < _B2B_MIN_CNY:
                extra = line.price * line.product.per_carton * cur.cny
                if cny() + extra > _CLEARANCE_LIMIT_CNY:
                    break
                line.qty += line.product.per_carton
                line.total = line.price * line.qty
        return lines

    # ----------------------------------------------------------------- transport

    def _flight(self, carrier: DemoEnterprise, route: str, traf_mode: str, cutoff: datetime) -> _Flight:
        """The carrier's first departure on ``route`` at or after ``cutoff`` (one a day)."""
        rng = self.rng
        sched_key = (carrier.key, route, traf_mode)
        sched = self.schedules.get(sched_key)
        if sched is None:
            if traf_mode == "3":
                name, prefix = f"X{rng.randrange(8001, 9000)}", ""
            else:
                code, prefix = rng.choice(_AIRLINES)
                name = f"{code}{rng.randrange(1000, 10000)}"
            sched = (name, prefix, time(rng.randrange(0, 24), rng.choice((0, 15, 30, 45))))
            self.schedules[sched_key] = sched
        name, prefix, at = sched
        scheduled = datetime.combine(cutoff.date(), at, tzinfo=SHANGHAI)
        if scheduled < cutoff:
            scheduled += timedelta(days=1)
        key = (carrier.key, route, traf_mode, scheduled.date())
        flight = self.flights.get(key)
        if flight is None:
            if traf_mode == "3":
                bill = f"{rng.randrange(10**7, 10**8)}"  # rail consignment note (CIM/SMGS) number
            else:
                serial = rng.randrange(10**7)
                bill = f"{prefix}-{serial:07d}{serial % 7}"  # master air waybill, mod-7 check digit
            flight = _Flight(
                traf_mode=traf_mode,
                traf_name=name,
                voyage_no=f"{name}-{scheduled:%Y%m%d}",
                bill_no=bill,
                leave=scheduled + timedelta(minutes=rng.randrange(0, 45)),
                route=route,
            )
            self.flights[key] = flight
        return flight

    def _bag(self, carrier: DemoEnterprise, flight: _Flight) -> str:
        count = self.bag_counts.get(flight.bill_no, 0)
        self.bag_counts[flight.bill_no] = count + 1
        return f"{carrier.doc_prefix}{flight.leave:%y%m%d}{flight.route}{count // _BAG_SIZE + 1:03d}"

    def _plate(self, operator: DemoEnterprise, day: date) -> str:
        key = (operator.key, day)
        plate = self.plates.get(key)
        if plate is None:
            letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
            plate = f"{self.plate_prefix}{self.rng.choice(letters)}{self.rng.randrange(10000):04d}"
            self.plates[key] = plate
        return plate

    # ----------------------------------------------------------------- one shipment

    def build(self, seq: int, ordered: datetime) -> DemoExport:
        rng = self.rng
        draw = rng.random()
        mode = "9610" if draw < _SHARE_9610 else "9710" if draw < _SHARE_9610 + _SHARE_9710 else "9810"
        warehouse: OverseasWarehouse | None = None
        if mode == "9810":
            warehouse = rng.choice(OVERSEAS_WAREHOUSES)
            if not self.consignors[(mode, warehouse.key)]:
                warehouse, mode = None, "9710"
        if mode == "9710" and not self.consignors[(mode, "")]:
            mode = "9610"
        where = warehouse.key if warehouse else ""
        candidates = self.consignors[(mode, where)]

        # Parties
        if warehouse is not None:
            consignor = rng.choice(candidates)
            # ebpCode is mandatory: the zone platform the booking goes through (itself when it is one)
            platform = consignor if consignor.has_role(EnterpriseRole.ebp) else rng.choice(self.platforms)
            destination = None
            country, currency = warehouse.country, warehouse.currency
        else:
            own = [e for e in candidates if e.has_role(EnterpriseRole.ebp)]
            sellers = [e for e in candidates if not e.has_role(EnterpriseRole.ebp)]
            if own and (not sellers or rng.random() < _SELF_OPERATED_SHARE):
                consignor = platform = rng.choice(own)
            else:
                consignor = rng.choice(sellers or candidates)
                platform = rng.choice(self.platforms)
            destination = rng.choices(_DESTINATIONS, _DESTINATION_WEIGHTS)[0]
            country, currency = destination.country, destination.currency
        owner = consignor
        others = [e for e in self.domestic if e is not consignor and not e.has_role(EnterpriseRole.ebp)]
        if others and rng.random() < _SECOND_PRODUCER_SHARE:
            owner = rng.choice(others)
        pay = rng.choice(self.payments) if warehouse is None else None
        carrier = rng.choice(self.carriers)
        agent = self.agent_of[consignor.key]
        operator = self.operator_of[carrier.key]
        arrival_sender = carrier if rng.random() < _LOGISTICS_FILES_ARRIVAL else operator

        # Goods and money
        cur = _CURRENCIES[currency]
        products, weights = self.stock[(consignor.key, mode, where)]
        if mode == "9610":
            lines = self._retail_lines(products, weights, cur)
            flag = "A" if rng.random() < _SIMPLIFIED_SHARE else "B"
            freight = _ZERO
            if rng.random() >= _FREE_SHIPPING_SHARE:
                freight = _local_price(Decimal(rng.randint(*_SHIPPING_USD)).scaleb(-2), cur, charm=True)
        else:
            lines = self._bulk_lines(products, weights, cur, 3 if mode == "9710" else 2)
            flag = "B"
            freight = _ZERO  # B2B priced FOB; stock is not sold
        goods = sum((ln.total for ln in lines), _ZERO)
        charge = goods + freight if pay is not None else None
        net = sum((ln.product.net_kg * ln.qty for ln in lines), _ZERO)
        if mode == "9610":
            packs = 1
            gross = (net * _GROSS_FACTOR + _PARCEL_PACKAGING_KG).quantize(_GRAM)
        else:
            packs = sum(-(-ln.qty // ln.product.per_carton) for ln in lines)
            gross = (net * _CARTON_FACTOR + _CARTON_KG * packs).quantize(_GRAM)
        traf_mode = warehouse.traf_mode if warehouse else "5"
        route = "EUR" if traf_mode == "3" else destination.route if destination else "NA"
        if traf_mode == "3":
            per_kg, fee = _RAIL_RATE
        else:
            per_kg, fee = _AIR_RATES[route]
            if mode != "9610":  # consolidated cargo rate
                per_kg, fee = (per_kg * Decimal("0.55")).quantize(_CENT), fee * 8
        carrier_freight = (gross * per_kg + fee).quantize(_CENT, rounding=ROUND_HALF_UP)

        # Times (Beijing time), each document after the one before it
        local = ordered.astimezone(SHANGHAI)
        order_time = local + timedelta(seconds=rng.randrange(30, 300))
        paid_time = local + timedelta(seconds=rng.randrange(5, 60))
        receipt_time = order_time + timedelta(seconds=rng.randrange(60, 900))
        waybill_time = (receipt_time if pay else order_time) + timedelta(minutes=rng.randrange(10, 60))
        inventory_time = waybill_time + timedelta(minutes=rng.randrange(10, 40))
        arrival_time = inventory_time + timedelta(minutes=rng.randrange(30, 120))
        master_time = arrival_time + timedelta(minutes=rng.randrange(10, 30))
        flight = self._flight(carrier, route, traf_mode, master_time + timedelta(hours=1))
        departure_time = flight.leave + timedelta(minutes=rng.randrange(20, 90))
        bag = self._bag(carrier, flight) if mode == "9610" else None

        tag = self.tag
        day = f"{local:%Y%m%d}"
        short = f"{local:%y%m%d}"
        order_no = {
            "9610": f"{platform.doc_prefix}E{day}{tag}{seq:07d}",
            "9710": f"{platform.doc_prefix}B{day}{tag}{seq:07d}",
            "9810": f"{consignor.doc_prefix}W{day}{tag}{seq:07d}",
        }[mode]
        order_type = {"9610": "E", "9710": "B", "9810": "W"}[mode]
        logistics_no = f"{carrier.doc_prefix}{tag}{seq:09d}CN"
        cop_no = f"{agent.doc_prefix}E{short}{tag}{seq:07d}"
        s = _Shipment(
            seq=seq,
            mode=mode,
            order_type=order_type,
            flag=flag,
            order_no=order_no,
            platform=platform,
            consignor=consignor,
            owner=owner,
            pay=pay,
            carrier=carrier,
            agent=agent,
            operator=operator,
            arrival_sender=arrival_sender,
            warehouse=warehouse,
            country=country,
            currency=currency,
            lines=lines,
            goods=goods,
            freight=freight,
            charge=charge,
            net=net.quantize(_GRAM),
            gross=gross,
            packs=packs,
            wrap=(
                "6"
                if mode == "9610" and all(ln.product.soft for ln in lines)
                else "5"
                if mode == "9810" and any(ln.product.category == "furniture" for ln in lines)
                else "2"
            ),
            carrier_freight=carrier_freight,
            logistics_no=logistics_no,
            cop_no=cop_no,
            pay_no=f"{pay.doc_prefix}{paid_time:%Y%m%d%H%M%S}{tag}{seq:07d}" if pay else "",
            flight=flight,
            bag=bag,
            plate=self._plate(operator, arrival_time.date()),
            order_time=order_time,
            paid_time=paid_time,
            receipt_time=receipt_time,
            waybill_time=waybill_time,
            inventory_time=inventory_time,
            arrival_time=arrival_time,
            master_time=master_time,
            departure_time=departure_time,
        )
        return self.render(s, ordered)

    # ----------------------------------------------------------------- XML

    def render(self, s: _Shipment, ordered: datetime) -> DemoExport:
        rng = self.rng
        money = _money
        customs = self.customs
        flight = s.flight
        consignor, platform, carrier, agent = s.consignor, s.platform, s.carrier, s.agent
        cur = s.currency
        note = (
            f"<ceb:note>海外仓订仓单：{s.warehouse.name}，{s.warehouse.address}</ceb:note>"
            if s.warehouse is not None
            else ""
        )
        order_lines = "".join(
            f"<ceb:OrderList><ceb:gnum>{i}</ceb:gnum><ceb:itemNo>{ln.product.sku}</ceb:itemNo>"
            f"<ceb:itemName>{ln.product.item_name}</ceb:itemName>"
            f"<ceb:itemDescribe>{ln.product.item_describe}</ceb:itemDescribe>"
            f"<ceb:barCode>{ln.product.bar_code}</ceb:barCode><ceb:unit>{ln.product.unit}</ceb:unit>"
            f"<ceb:currency>{cur}</ceb:currency><ceb:qty>{ln.qty}</ceb:qty><ceb:price>{money(ln.price)}</ceb:price>"
            f"<ceb:totalPrice>{money(ln.total)}</ceb:totalPrice></ceb:OrderList>\n"
            for i, ln in enumerate(s.lines, start=1)
        )
        order_sender = consignor if s.warehouse is not None else platform
        order = (
            f'{_DECL}<ceb:CEB303Message guid="{_guid(rng)}" version="1.0" {_NS}>\n'
            f"<ceb:Order>\n<ceb:OrderHead><ceb:guid>{_guid(rng)}</ceb:guid><ceb:appType>1</ceb:appType>"
            f"<ceb:appTime>{_t14(s.order_time)}</ceb:appTime><ceb:appStatus>2</ceb:appStatus>"
            f"<ceb:orderType>{s.order_type}</ceb:orderType><ceb:orderNo>{s.order_no}</ceb:orderNo>"
            f"<ceb:ebpCode>{platform.customs_code}</ceb:ebpCode><ceb:ebpName>{platform.name}</ceb:ebpName>"
            f"<ceb:ebcCode>{consignor.customs_code}</ceb:ebcCode><ceb:ebcName>{consignor.name}</ceb:ebcName>"
            f"<ceb:goodsValue>{money(s.goods)}</ceb:goodsValue><ceb:freight>{money(s.freight)}</ceb:freight>"
            f"<ceb:currency>{cur}</ceb:currency>{note}</ceb:OrderHead>\n"
            f"{order_lines}</ceb:Order>\n{_base_transfer(order_sender)}\n</ceb:CEB303Message>\n"
        )
        receipt = None
        if s.pay is not None and s.charge is not None:
            pay = s.pay
            receipt = (
                f'{_DECL}<ceb:CEB403Message guid="{_guid(rng)}" version="1.0" {_NS}>\n'
                f"<ceb:Receipts><ceb:guid>{_guid(rng)}</ceb:guid><ceb:appType>1</ceb:appType>"
                f"<ceb:appTime>{_t14(s.receipt_time)}</ceb:appTime><ceb:appStatus>2</ceb:appStatus>"
                f"<ceb:ebpCode>{platform.customs_code}</ceb:ebpCode><ceb:ebpName>{platform.name}</ceb:ebpName>"
                f"<ceb:ebcCode>{consignor.customs_code}</ceb:ebcCode><ceb:ebcName>{consignor.name}</ceb:ebcName>"
                f"<ceb:orderNo>{s.order_no}</ceb:orderNo><ceb:payCode>{pay.customs_code}</ceb:payCode>"
                f"<ceb:payName>{pay.name}</ceb:payName><ceb:payNo>{s.pay_no}</ceb:payNo>"
                f"<ceb:charge>{money(s.charge)}</ceb:charge><ceb:currency>{cur}</ceb:currency>"
                f"<ceb:accountingDate>{_t14(s.paid_time)}</ceb:accountingDate></ceb:Receipts>\n"
                f"{_base_transfer(pay)}\n</ceb:CEB403Message>\n"
            ).encode()
        goods_info = "；".join(f"{ln.product.item_name}×{ln.qty}" for ln in s.lines)[:200]
        waybill = (
            f'{_DECL}<ceb:CEB505Message guid="{_guid(rng)}" version="1.0" {_NS}>\n'
            f"<ceb:Logistics><ceb:guid>{_guid(rng)}</ceb:guid><ceb:appType>1</ceb:appType>"
            f"<ceb:appTime>{_t14(s.waybill_time)}</ceb:appTime><ceb:appStatus>2</ceb:appStatus>"
            f"<ceb:logisticsCode>{carrier.customs_code}</ceb:logisticsCode>"
            f"<ceb:logisticsName>{carrier.name}</ceb:logisticsName><ceb:logisticsNo>{s.logistics_no}</ceb:logisticsNo>"
            f"<ceb:freight>{money(s.carrier_freight)}</ceb:freight><ceb:insuredFee>0</ceb:insuredFee>"
            f"<ceb:currency>{_CNY}</ceb:currency><ceb:grossWeight>{money(s.gross)}</ceb:grossWeight>"
            f"<ceb:packNo>{s.packs}</ceb:packNo><ceb:goodsInfo>{goods_info}</ceb:goodsInfo>"
            f"<ceb:ebcCode>{consignor.customs_code}</ceb:ebcCode><ceb:ebcName>{consignor.name}</ceb:ebcName>"
            f"<ceb:ebcTelephone>{consignor.contact_phone}</ceb:ebcTelephone></ceb:Logistics>\n"
            f"{_base_transfer(carrier)}\n</ceb:CEB505Message>\n"
        )
        simplified = s.flag == "A"
        bag = f"<ceb:totalPackageNo>{s.bag}</ceb:totalPackageNo>" if s.bag else ""
        inventory_lines = "".join(
            f"<ceb:InventoryList><ceb:gnum>{i}</ceb:gnum><ceb:itemNo>{p.sku}</ceb:itemNo>"
            f"<ceb:itemName>{p.item_name}</ceb:itemName>"
            f"<ceb:gcode>{p.hs_code[:4] + '000000' if simplified else p.hs_code}</ceb:gcode>"
            f"<ceb:gname>{p.gname}</ceb:gname><ceb:gmodel>{p.gmodel}</ceb:gmodel>"
            f"<ceb:barCode>{p.bar_code}</ceb:barCode><ceb:country>{s.country}</ceb:country>"
            f"<ceb:currency>{cur}</ceb:currency><ceb:qty>{ln.qty}</ceb:qty>"
            f"<ceb:qty1>{money(p.qty1 * ln.qty)}</ceb:qty1>"
            + (f"<ceb:qty2>{money(p.qty2 * ln.qty)}</ceb:qty2>" if p.qty2 is not None else "")
            + f"<ceb:unit>{p.unit}</ceb:unit><ceb:unit1>{p.unit1}</ceb:unit1>"
            + (f"<ceb:unit2>{p.unit2}</ceb:unit2>" if p.unit2 is not None else "")
            + f"<ceb:price>{money(ln.price)}</ceb:price><ceb:totalPrice>{money(ln.total)}</ceb:totalPrice>"
            "</ceb:InventoryList>\n"
            for i, ln in enumerate(s.lines, start=1)
            for p in (ln.product,)
        )
        transport = (
            f"<ceb:trafMode>{flight.traf_mode}</ceb:trafMode><ceb:trafName>{flight.traf_name}</ceb:trafName>"
            f"<ceb:voyageNo>{flight.voyage_no}</ceb:voyageNo><ceb:billNo>{flight.bill_no}</ceb:billNo>"
        )
        inventory = (
            f'{_DECL}<ceb:CEB603Message guid="{_guid(rng)}" version="1.0" {_NS}>\n'
            f"<ceb:Inventory>\n<ceb:InventoryHead><ceb:guid>{_guid(rng)}</ceb:guid><ceb:appType>1</ceb:appType>"
            f"<ceb:appTime>{_t14(s.inventory_time)}</ceb:appTime><ceb:appStatus>2</ceb:appStatus>"
            f"<ceb:customsCode>{customs}</ceb:customsCode>"
            f"<ceb:ebpCode>{platform.customs_code}</ceb:ebpCode><ceb:ebpName>{platform.name}</ceb:ebpName>"
            f"<ceb:orderNo>{s.order_no}</ceb:orderNo><ceb:logisticsCode>{carrier.customs_code}</ceb:logisticsCode>"
            f"<ceb:logisticsName>{carrier.name}</ceb:logisticsName><ceb:logisticsNo>{s.logistics_no}</ceb:logisticsNo>"
            f"<ceb:copNo>{s.cop_no}</ceb:copNo><ceb:ieFlag>E</ceb:ieFlag><ceb:portCode>{customs}</ceb:portCode>"
            f"<ceb:ieDate>{flight.leave:%Y%m%d}</ceb:ieDate><ceb:statisticsFlag>{s.flag}</ceb:statisticsFlag>"
            f"<ceb:agentCode>{agent.customs_code}</ceb:agentCode><ceb:agentName>{agent.name}</ceb:agentName>"
            f"<ceb:ebcCode>{consignor.customs_code}</ceb:ebcCode><ceb:ebcName>{consignor.name}</ceb:ebcName>"
            f"<ceb:ownerCode>{s.owner.customs_code}</ceb:ownerCode><ceb:ownerName>{s.owner.name}</ceb:ownerName>"
            f"<ceb:tradeMode>{s.mode}</ceb:tradeMode>{transport}{bag}"
            f"<ceb:country>{s.country}</ceb:country><ceb:POD>{s.country}</ceb:POD>"
            f"<ceb:freight>{money(s.carrier_freight)}</ceb:freight><ceb:fCurrency>{_CNY}</ceb:fCurrency>"
            f"<ceb:fFlag>3</ceb:fFlag><ceb:insuredFee>0</ceb:insuredFee><ceb:iCurrency>{_CNY}</ceb:iCurrency>"
            f"<ceb:iFlag>3</ceb:iFlag><ceb:wrapType>{s.wrap}</ceb:wrapType><ceb:packNo>{s.packs}</ceb:packNo>"
            f"<ceb:grossWeight>{money(s.gross)}</ceb:grossWeight><ceb:netWeight>{money(s.net)}</ceb:netWeight>"
            f"{note}</ceb:InventoryHead>\n{inventory_lines}</ceb:Inventory>\n{_base_transfer(agent)}\n"
            f"{PLACEHOLDER_SIGNATURE}\n</ceb:CEB603Message>\n"
        )
        operator = s.operator
        arrival = (
            f'{_DECL}<ceb:CEB507Message guid="{_guid(rng)}" version="1.0" {_NS}>\n'
            f"<ceb:Arrival>\n<ceb:ArrivalHead><ceb:guid>{_guid(rng)}</ceb:guid><ceb:appType>1</ceb:appType>"
            f"<ceb:appTime>{_t14(s.arrival_time)}</ceb:appTime><ceb:appStatus>2</ceb:appStatus>"
            f"<ceb:customsCode>{customs}</ceb:customsCode>"
            f"<ceb:copNo>{operator.doc_prefix}A{s.arrival_time:%y%m%d}{self.tag}{s.seq:07d}</ceb:copNo>"
            f"<ceb:operatorCode>{operator.customs_code}</ceb:operatorCode>"
            f"<ceb:operatorName>{operator.name}</ceb:operatorName><ceb:ieFlag>E</ceb:ieFlag>"
            f"<ceb:trafMode>{flight.traf_mode}</ceb:trafMode><ceb:billNo>{flight.bill_no}</ceb:billNo>"
            f"<ceb:domesticTrafNo>{s.plate}</ceb:domesticTrafNo>"
            f"<ceb:logisticsCode>{carrier.customs_code}</ceb:logisticsCode>"
            f"<ceb:logisticsName>{carrier.name}</ceb:logisticsName>"
            f"<ceb:msgCount>1</ceb:msgCount><ceb:msgSeqNo>1</ceb:msgSeqNo></ceb:ArrivalHead>\n"
            f"<ceb:ArrivalList><ceb:gnum>1</ceb:gnum><ceb:logisticsNo>{s.logistics_no}</ceb:logisticsNo>{bag}"
            f"</ceb:ArrivalList>\n</ceb:Arrival>\n{_base_transfer(s.arrival_sender)}\n</ceb:CEB507Message>\n"
        )
        master_waybill = (
            f'{_DECL}<ceb:CEB607Message guid="{_guid(rng)}" version="1.0" {_NS}>\n'
            f"<ceb:WayBill>\n<ceb:WayBillHead><ceb:guid>{_guid(rng)}</ceb:guid><ceb:appType>1</ceb:appType>"
            f"<ceb:appTime>{_t14(s.master_time)}</ceb:appTime><ceb:appStatus>2</ceb:appStatus>"
            f"<ceb:customsCode>{customs}</ceb:customsCode>"
            f"<ceb:copNo>{agent.doc_prefix}M{s.master_time:%y%m%d}{self.tag}{s.seq:07d}</ceb:copNo>"
            f"<ceb:agentCode>{agent.customs_code}</ceb:agentCode><ceb:agentName>{agent.name}</ceb:agentName>"
            f"{transport}<ceb:domesticTrafNo>{s.plate}</ceb:domesticTrafNo>"
            f"<ceb:grossWeight>{money(s.gross)}</ceb:grossWeight>"
            f"<ceb:logisticsCode>{carrier.customs_code}</ceb:logisticsCode>"
            f"<ceb:logisticsName>{carrier.name}</ceb:logisticsName>"
            f"<ceb:msgCount>1</ceb:msgCount><ceb:msgSeqNo>1</ceb:msgSeqNo></ceb:WayBillHead>\n"
            f"<ceb:WayBillList><ceb:gnum>1</ceb:gnum>{bag}<ceb:logisticsNo>{s.logistics_no}</ceb:logisticsNo>"
            f"</ceb:WayBillList>\n</ceb:WayBill>\n{_base_transfer(agent)}\n{PLACEHOLDER_SIGNATURE}\n"
            f"</ceb:CEB607Message>\n"
        )
        departure = (
            f'{_DECL}<ceb:CEB509Message guid="{_guid(rng)}" version="1.0" {_NS}>\n'
            f"<ceb:Departure>\n<ceb:DepartureHead><ceb:guid>{_guid(rng)}</ceb:guid><ceb:appType>1</ceb:appType>"
            f"<ceb:appTime>{_t14(s.departure_time)}</ceb:appTime><ceb:appStatus>2</ceb:appStatus>"
            f"<ceb:customsCode>{customs}</ceb:customsCode>"
            f"<ceb:copNo>{carrier.doc_prefix}D{s.departure_time:%y%m%d}{self.tag}{s.seq:07d}</ceb:copNo>"
            f"<ceb:logisticsCode>{carrier.customs_code}</ceb:logisticsCode>"
            f"<ceb:logisticsName>{carrier.name}</ceb:logisticsName>{transport}"
            f"<ceb:leaveTime>{_t14(flight.leave)}</ceb:leaveTime>"
            f"<ceb:msgCount>1</ceb:msgCount><ceb:msgSeqNo>1</ceb:msgSeqNo></ceb:DepartureHead>\n"
            f"<ceb:DepartureList><ceb:gnum>1</ceb:gnum>{bag}<ceb:logisticsNo>{s.logistics_no}</ceb:logisticsNo>"
            f"</ceb:DepartureList>\n</ceb:Departure>\n{_base_transfer(carrier)}\n</ceb:CEB509Message>\n"
        )
        return DemoExport(
            order_no=s.order_no,
            trade_mode=s.mode,
            order_type=s.order_type,
            statistics_flag=s.flag,
            order=order.encode(),
            receipt=receipt,
            waybill=waybill.encode(),
            inventory=inventory.encode(),
            arrival=arrival.encode(),
            master_waybill=master_waybill.encode(),
            departure=departure.encode(),
            ordered_at=ordered.astimezone(UTC),
            departed_at=flight.leave.astimezone(UTC),
            platform=platform,
            consignor=consignor,
            owner=s.owner,
            payment_company=s.pay,
            logistics=carrier,
            agent=agent,
            operator=operator,
            order_sender=order_sender,
            arrival_sender=s.arrival_sender,
            country=s.country,
            currency=cur,
            goods_value=s.goods,
            freight=s.freight,
            charge=s.charge,
            carrier_freight=s.carrier_freight,
            gross_weight=s.gross,
            logistics_no=s.logistics_no,
            bill_no=flight.bill_no,
            cop_no=s.cop_no,
            overseas_warehouse=s.warehouse,
        )


@dataclass
class _Shipment:
    seq: int
    mode: str
    order_type: str
    flag: str
    order_no: str
    platform: DemoEnterprise
    consignor: DemoEnterprise
    owner: DemoEnterprise
    pay: DemoEnterprise | None
    carrier: DemoEnterprise
    agent: DemoEnterprise
    operator: DemoEnterprise
    arrival_sender: DemoEnterprise
    warehouse: OverseasWarehouse | None
    country: str
    currency: str
    lines: list[_Line]
    goods: Decimal
    freight: Decimal
    charge: Decimal | None
    net: Decimal
    gross: Decimal
    packs: int
    wrap: str
    carrier_freight: Decimal
    logistics_no: str
    cop_no: str
    pay_no: str
    flight: _Flight
    bag: str | None
    plate: str
    order_time: datetime
    paid_time: datetime
    receipt_time: datetime
    waybill_time: datetime
    inventory_time: datetime
    arrival_time: datetime
    master_time: datetime
    departure_time: datetime


def demo_export_orders(
    zone: Zone,
    enterprises: Sequence[DemoEnterprise],
    *,
    n: int,
    seed: int,
    now: datetime,
    span: timedelta = timedelta(hours=24),
) -> Iterator[DemoExport]:
    """Yield ``n`` export shipments of ``zone``, the same for the same arguments.

    Orders are placed over ``span`` ending 32 hours before ``now``, so that every shipment's
    flight has left and every document time is in the past. About 85% are 9610 parcels, 7% 9710
    B2B orders and 8% 9810 stock shipments (our choice). Every body is XSD-valid and passes the
    field rules (:func:`cbec.messages.ceb.xsd_findings`, :func:`cbec.messages.ceb.field_findings`).

    Args:
        zone: the zone (customs district for ``customsCode``/``portCode``, vehicle plates).
        enterprises: the filed enterprises, normally :func:`cbec.demo.generator.demo_enterprises` of the
            zone; at least one platform, domestic seller, payment company, logistics company and agent
            (supervised-site operators are the ``warehouse`` enterprises, else the logistics companies).
        n: number of shipments.
        seed: random seed.
        now: the moment of generation (timezone-aware).
        span: the period the orders are spread over.

    Yields:
        The shipments, in order time.

    Raises:
        ValueError: a naive ``now``, a negative ``n``, a non-positive ``span`` or a missing role.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if n < 0:
        raise ValueError("n must not be negative")
    if span <= timedelta(0):
        raise ValueError("span must be positive")
    gen = _Generator(zone, enterprises, seed=seed)
    rng = gen.rng
    start = now - _LAG - span
    step = span / max(n, 1)
    for i in range(n):
        ordered = start + step * i + step * rng.random()
        yield gen.build(i + 1, ordered)


# --------------------------------------------------------------------------- CEB701


@cache
def _customs_by_region() -> dict[str, str]:
    return {load_zone(key).region_code[:4]: load_zone(key).customs.code for key in list_zones()}


def demo_summary_application(
    consignor: DemoEnterprise,
    month: date,
    *,
    agent: DemoEnterprise,
    now: datetime,
    customs_code: str | None = None,
    summary_flag: str = "1",
    item_name_flag: str = "1",
) -> bytes:
    """A CEB701 汇总申请单 for one consignor's inventories of one month, by time range.

    ``startTime``/``endTime`` span the whole calendar month (Beijing time), so the list of
    inventories is left out (ceb.md §4.21: 如指定时间范围将忽略表体数据). The month must have ended
    before ``now``: 汇总申报 gathers a month's released 9610 inventories with ``statisticsFlag`` B
    afterwards (ceb.md §7.2). The agent both declares (``agentCode``) and is the customs broker
    of the resulting 报关单 (``declAgentCode``); it also sends the message. Pure: the guids come
    from the arguments.

    Args:
        consignor: the 收发货人 (``ebcCode``): a domestic enterprise with the ``ebc`` role.
        month: any day of the month to summarise.
        agent: the declaring agent (``agent`` role).
        now: the moment of the application (timezone-aware); ``appTime``.
        customs_code: ``customsCode``; default: the customs district of the zone the consignor is
            registered in (matched by the first four characters of its customs code).
        summary_flag: ``1`` 按收发货人汇总 or ``2`` 按收发货人和生产销售单位汇总.
        item_name_flag: ``1`` 按企业商品名汇总 (the XSD makes the element mandatory; the spec gives no
            other value, ``0`` is our reading of "不填").

    Returns:
        The CEB701 body (UTF-8).

    Raises:
        ValueError: a naive ``now``, a month not yet over, roles that do not fit, an unknown
            customs district or a flag outside its values.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if consignor.overseas or not consignor.has_role(EnterpriseRole.ebc):
        raise ValueError("the consignor must be a domestic enterprise with the ebc role")
    if not agent.has_role(EnterpriseRole.agent):
        raise ValueError("the agent must have the agent role")
    if summary_flag not in ("1", "2") or item_name_flag not in ("0", "1"):
        raise ValueError("summary_flag is 1 or 2, item_name_flag 0 or 1")
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    start = datetime.combine(first, time(0, 0), tzinfo=SHANGHAI)
    end = datetime.combine(following, time(0, 0), tzinfo=SHANGHAI) - timedelta(seconds=1)
    local_now = now.astimezone(SHANGHAI)
    if local_now <= end:
        raise ValueError(f"{first:%Y-%m} is not over yet at {local_now:%Y-%m-%d %H:%M:%S}")
    customs = customs_code or _customs_by_region().get(consignor.customs_code[:4])
    if customs is None:
        raise ValueError("the consignor's customs district is unknown: pass customs_code")
    rng = random.Random(  # noqa: S311 - demo data, not secrets
        f"cbec-demo-summary:{consignor.customs_code}:{agent.customs_code}:{first:%Y%m}:{now.isoformat()}"
    )
    body = (
        f'{_DECL}<ceb:CEB701Message guid="{_guid(rng)}" version="1.0" {_NS}>\n'
        f"<ceb:SummaryApply>\n<ceb:SummaryApplyHead><ceb:guid>{_guid(rng)}</ceb:guid><ceb:appType>1</ceb:appType>"
        f"<ceb:appTime>{_t14(local_now)}</ceb:appTime><ceb:appStatus>2</ceb:appStatus>"
        f"<ceb:customsCode>{customs}</ceb:customsCode>"
        f"<ceb:copNo>{agent.doc_prefix}S{first:%Y%m}{consignor.customs_code}</ceb:copNo>"
        f"<ceb:agentCode>{agent.customs_code}</ceb:agentCode><ceb:agentName>{agent.name}</ceb:agentName>"
        f"<ceb:ebcCode>{consignor.customs_code}</ceb:ebcCode><ceb:ebcName>{consignor.name}</ceb:ebcName>"
        f"<ceb:declAgentCode>{agent.customs_code}</ceb:declAgentCode>"
        f"<ceb:declAgentName>{agent.name}</ceb:declAgentName>"
        f"<ceb:startTime>{_t14(start)}</ceb:startTime><ceb:endTime>{_t14(end)}</ceb:endTime>"
        f"<ceb:summaryFlag>{summary_flag}</ceb:summaryFlag><ceb:itemNameFlag>{item_name_flag}</ceb:itemNameFlag>"
        f"<ceb:msgCount>1</ceb:msgCount><ceb:msgSeqNo>1</ceb:msgSeqNo></ceb:SummaryApplyHead>\n"
        f"</ceb:SummaryApply>\n{_base_transfer(agent)}\n</ceb:CEB701Message>\n"
    )
    return body.encode()
