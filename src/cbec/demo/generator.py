"""Deterministic demo data for a zone: filed enterprises and B2C import order sets.

:func:`demo_enterprises` gives about twenty fictitious enterprises of a zone (platforms, sellers,
payment and logistics companies, declaring agents, bonded warehouses) with valid USCCs, 10-character
customs codes, DXP ids and the zone's parks.

:func:`demo_orders` yields order sets, each the four documents of one parcel as the customs
spec has them sent (ceb.md §3, regulation.md §3.1.2):

* CEB311 order, sent by the platform;
* CEB411 payment, sent by the payment company;
* CEB511 waybill, sent by the logistics company;
* CEB621 inventory (申报清单), sent by the declaring agent, with a placeholder ``ds:Signature``
  (the XSD requires one; :mod:`cbec.demo.signature`).

Each document's ``BaseTransfer`` names its sender (customs code and DXP id). 9610 (直购进口) sets
fly in on a master air waybill; 1210 (网购保税) sets leave a bonded warehouse of the zone
(``emsNo``, ``areaCode``/``areaName``, ``itemRecordNo``). Buyers come back (a growing pool, some
regulars) and stay within the annual limit; amounts follow the spec exactly
(``acturalPaid = goodsValue + freight + taxTotal − discount``, ``totalPrice = price × qty``,
``goodsValue = Σ totalPrice``, payment ``amountPaid = acturalPaid``) and ``taxTotal`` estimates
the 70% retail-import tax. About 4% of the sets carry one labelled fault (:class:`DemoOutcome`).

Everything is pure: the same zone, enterprises, ``n``, ``seed`` and ``now`` give the same bytes.
No database, network or clock is touched. The XML is built with string templates: 10,000 sets
(about 40,000 bodies) take about one second.

>>> from datetime import UTC, datetime
>>> from cbec.zones import load_zone
>>> zone = load_zone("kunming")
>>> firms = demo_enterprises(zone)
>>> orders = list(demo_orders(zone, firms, n=3, seed=7, now=datetime(2026, 3, 1, tzinfo=UTC)))
>>> [o.order.startswith(b"<?xml") for o in orders]
[True, True, True]
"""

from __future__ import annotations

import random
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from cbec.demo.catalogue import DemoParameters, Product, demo_parameters, load_catalogue
from cbec.demo.people import BUYER_DISTRICTS, Person, make_person, make_phone
from cbec.demo.signature import PLACEHOLDER_SIGNATURE
from cbec.kernel.dates import SHANGHAI
from cbec.registry.enums import EnterpriseRole
from cbec.registry.identifiers import uscc
from cbec.zones import Park, Zone

__all__ = ["FAULTS", "DemoEnterprise", "DemoOrder", "DemoOutcome", "demo_enterprises", "demo_orders"]

# --------------------------------------------------------------------------- enterprises


@dataclass(frozen=True)
class DemoEnterprise:
    """A fictitious enterprise filed in the zone.

    Attributes:
        key: stable key within the demo (``platform-1``, ``agent-2`` …).
        name: registered Chinese name (fictitious).
        name_en: English name.
        uscc: 18-character USCC (valid check character); ``None`` for an overseas seller.
        customs_code: 10-character customs registration code, the code its documents carry.
        roles: filed roles.
        dxp_id: China E-port data-exchange id (``BaseTransfer/dxpId``).
        park: the zone park it sits in (a name from the zone file), ``None`` for overseas sellers.
        address: registered address.
        contact_name: contact person.
        contact_phone: contact phone.
        has_tax_guarantee: has lodged a tax guarantee (汇总征税担保) and may be ``assureCode``.
        overseas: an overseas cross-border seller (跨境电子商务企业) filed through a domestic agent.
        country: its country code (overseas sellers).
        agent_code: customs code of its domestic agent (境内代理人; overseas sellers).
        ems_no: bonded account-book number (warehouses; CEB621 ``emsNo``).
        categories: catalogue categories it sells (sellers and platforms).
        trade_modes: customs procedures it carries (logistics companies).
        doc_prefix: letters that start its document numbers (orders, waybills, payment serials).
    """

    key: str
    name: str
    name_en: str
    uscc: str | None
    customs_code: str
    roles: tuple[EnterpriseRole, ...]
    dxp_id: str
    park: str | None
    address: str
    contact_name: str
    contact_phone: str
    has_tax_guarantee: bool
    overseas: bool
    country: str | None
    agent_code: str | None
    ems_no: str | None
    categories: tuple[str, ...]
    trade_modes: tuple[str, ...]
    doc_prefix: str

    def has_role(self, role: EnterpriseRole) -> bool:
        """Whether the enterprise is filed for ``role``."""
        return role in self.roles


_ALL = (
    "infant_formula",
    "milk_powder",
    "honey",
    "coffee_tea",
    "health_food",
    "wine",
    "skin_care",
    "cosmetics",
    "perfume",
    "clothing",
    "shoes",
    "bags",
    "toys",
    "electronics",
    "watches",
    "kitchenware",
)


@dataclass(frozen=True)
class _Blueprint:
    key: str
    kind: str
    name: str
    name_en: str
    prefix: str
    categories: tuple[str, ...] = ()
    trade_modes: tuple[str, ...] = ()
    guarantee: bool = False
    country: str | None = None
    address: str = ""


# Names are fictitious; {c}/{a} are the city and province short names (昆明, 滇), {C}/{A} in English.
_BLUEPRINTS: tuple[_Blueprint, ...] = (
    _Blueprint(
        "platform-1",
        "platform",
        "{c}{a}跨通电子商务有限公司",
        "{C} {A} Kuatong E-commerce Co., Ltd.",
        "KT",
        _ALL,
    ),
    _Blueprint(
        "platform-2",
        "platform",
        "{c}{a}海淘优选网络科技有限公司",
        "{C} {A} Haitao Youxuan Network Technology Co., Ltd.",
        "HT",
        _ALL,
    ),
    _Blueprint(
        "platform-3",
        "platform",
        "{c}{a}全球购电子商务有限公司",
        "{C} {A} Quanqiugou E-commerce Co., Ltd.",
        "QQ",
        _ALL,
    ),
    _Blueprint(
        "seller-1",
        "seller",
        "{c}{a}优品国际贸易有限公司",
        "{C} {A} Youpin International Trading Co., Ltd.",
        "YP",
        _ALL,
    ),
    _Blueprint(
        "seller-2",
        "seller",
        "{c}{a}母婴之选供应链有限公司",
        "{C} {A} Muying Zhixuan Supply Chain Co., Ltd.",
        "MY",
        ("infant_formula", "milk_powder", "toys", "clothing", "health_food"),
    ),
    _Blueprint(
        "seller-3",
        "seller",
        "{c}{a}美妆汇进出口有限公司",
        "{C} {A} Meizhuanghui Import and Export Co., Ltd.",
        "MZ",
        ("skin_care", "cosmetics", "perfume", "bags", "shoes"),
    ),
    _Blueprint(
        "seller-4",
        "overseas_seller",
        "澳洲牧场优选有限公司",
        "AusPasture Select Pty Ltd",
        "AP",
        ("infant_formula", "milk_powder", "honey", "health_food", "wine"),
        country="601",
        address="Sydney NSW, Australia",
    ),
    _Blueprint(
        "seller-5",
        "overseas_seller",
        "日本樱和商事株式会社",
        "Sakurawa Shoji Co., Ltd.",
        "SW",
        ("skin_care", "cosmetics", "health_food", "kitchenware", "electronics", "watches", "clothing"),
        country="116",
        address="Chuo-ku, Tokyo, Japan",
    ),
    _Blueprint(
        "seller-6",
        "overseas_seller",
        "韩国妍熙国际株式会社",
        "Yeonhee International Co., Ltd.",
        "YH",
        ("skin_care", "cosmetics", "clothing"),
        country="133",
        address="Gangnam-gu, Seoul, Republic of Korea",
    ),
    _Blueprint(
        "seller-7",
        "overseas_seller",
        "法国香颂贸易有限公司",
        "Chanson Trading SAS",
        "CS",
        ("perfume", "skin_care", "cosmetics", "wine", "bags", "shoes", "coffee_tea"),
        country="305",
        address="Paris, France",
    ),
    _Blueprint(
        "payment-1", "payment", "{c}{a}付通网络支付有限公司", "{C} {A} Futong Network Payment Co., Ltd.", "FT"
    ),
    _Blueprint(
        "payment-2",
        "payment",
        "{c}{a}易结算支付服务有限公司",
        "{C} {A} Yijiesuan Payment Services Co., Ltd.",
        "YJ",
    ),
    _Blueprint(
        "logistics-1",
        "logistics",
        "{c}{a}速达国际快递有限公司",
        "{C} {A} Suda International Express Co., Ltd.",
        "SD",
        trade_modes=("9610",),
    ),
    _Blueprint(
        "logistics-2",
        "logistics",
        "{c}{a}邮捷供应链管理有限公司",
        "{C} {A} Youjie Supply Chain Management Co., Ltd.",
        "YE",
        trade_modes=("9610", "1210"),
        guarantee=True,
    ),
    _Blueprint(
        "logistics-3",
        "logistics",
        "{c}{a}顺程物流有限公司",
        "{C} {A} Shuncheng Logistics Co., Ltd.",
        "SC",
        trade_modes=("1210",),
    ),
    _Blueprint(
        "agent-1",
        "agent",
        "{c}{a}关通报关有限公司",
        "{C} {A} Guantong Customs Brokerage Co., Ltd.",
        "GT",
        guarantee=True,
    ),
    _Blueprint(
        "agent-2",
        "agent",
        "{c}{a}诚达国际货运代理有限公司",
        "{C} {A} Chengda International Freight Forwarding Co., Ltd.",
        "CD",
        guarantee=True,
    ),
    _Blueprint(
        "warehouse-1", "warehouse", "{c}{a}保税仓储有限公司", "{C} {A} Bonded Warehousing Co., Ltd.", "BW"
    ),
    _Blueprint(
        "warehouse-2",
        "warehouse",
        "{c}综保供应链服务有限公司",
        "{C} Zongbao Supply Chain Services Co., Ltd.",
        "ZB",
    ),
)

_ROLES: dict[str, tuple[EnterpriseRole, ...]] = {
    "platform": (EnterpriseRole.ebp, EnterpriseRole.ebc),
    "seller": (EnterpriseRole.ebc,),
    "overseas_seller": (EnterpriseRole.ebc,),
    "payment": (EnterpriseRole.payment,),
    "logistics": (EnterpriseRole.logistics,),
    "agent": (EnterpriseRole.agent,),
    "warehouse": (EnterpriseRole.warehouse,),
}

# Which parks suit which kind of enterprise, best first (our choice, from the plans' descriptions).
_PARK_KINDS: dict[str, tuple[str, ...]] = {
    "platform": (
        "ecommerce_base",
        "industrial_park",
        "development_zone",
        "free_trade_zone_area",
        "comprehensive_bonded_zone",
    ),
    "seller": ("ecommerce_base", "industrial_park", "development_zone", "trade_city", "free_trade_zone_area"),
    "payment": ("ecommerce_base", "industrial_park", "development_zone", "free_trade_zone_area"),
    "logistics": (
        "logistics_park",
        "international_mail_exchange",
        "airport",
        "bonded_logistics_center",
        "comprehensive_bonded_zone",
        "free_trade_zone_area",
    ),
    "agent": ("comprehensive_bonded_zone", "bonded_logistics_center", "free_trade_zone_area"),
}

# Positions 5-6 of the customs code: illustrative only (customs_code.py: no published structure).
_CUSTOMS_TYPE_DIGITS = {
    "platform": "96",
    "seller": "96",
    "overseas_seller": "94",
    "payment": "96",
    "logistics": "96",
    "agent": "98",
    "warehouse": "96",
}
_STREETS = (
    "春城路",
    "北京路",
    "环城南路",
    "科技路",
    "创业大道",
    "滨河路",
    "新区大道",
    "工业路",
    "港城大道",
    "迎宾大道",
)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 组织机构代码 check character


def _org_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714): 8 digits and the check character."""
    body = f"{rng.randrange(10_000_000, 100_000_000):08d}"
    value = 11 - sum(int(d) * w for d, w in zip(body, _ORG_CODE_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(value, str(value))


def _parks_for(zone: Zone, kind: str) -> list[Park]:
    if kind == "warehouse":
        return list(zone.bonded_parks)
    wanted = _PARK_KINDS.get(kind.removeprefix("overseas_"), ())
    ranked = [park for kind_name in wanted for park in zone.parks if park.kind == kind_name]
    return ranked or [park for park in zone.parks if park.kind != "import_platform"]


def demo_enterprises(zone: Zone) -> list[DemoEnterprise]:
    """About twenty fictitious enterprises of ``zone``, the same every time.

    Three platforms (``ebp`` + ``ebc``, self-operated stores), seven sellers (three domestic, four
    overseas filed through an agent), two payment companies, three logistics companies, two
    declaring agents and two bonded warehouses (1210). The agents and one logistics company hold a
    tax guarantee. Domestic enterprises have a valid USCC registered in one of the zone's districts.

    Args:
        zone: the zone (names, districts, customs code, parks).

    Returns:
        The enterprises: platforms, sellers, payment, logistics, agents, warehouses.
    """
    rng = random.Random(f"cbec-demo-enterprises:{zone.key}")  # noqa: S311 - demo data, not secrets
    fields = {
        "c": zone.city_short_zh,
        "a": zone.province_abbr_zh,
        "C": zone.city_en,
        "A": zone.province_abbr_en,
    }
    serials = rng.sample(range(1000, 10000), len(_BLUEPRINTS))
    dxp_numbers = rng.sample(range(10**9, 10**10), len(_BLUEPRINTS))
    region4 = zone.region_code[:4]
    used_by_kind: dict[str, int] = {}
    agents: list[str] = []
    out: list[DemoEnterprise] = []
    for i, bp in enumerate(_BLUEPRINTS):
        customs_code = f"{region4}{_CUSTOMS_TYPE_DIGITS[bp.kind]}{serials[i]:04d}"
        if bp.kind == "agent":
            agents.append(customs_code)
    warehouse_no = 0
    for i, bp in enumerate(_BLUEPRINTS):
        nth = used_by_kind.get(bp.kind, 0)
        used_by_kind[bp.kind] = nth + 1
        overseas = bp.kind == "overseas_seller"
        district = zone.districts[i % len(zone.districts)]
        customs_code = f"{region4}{_CUSTOMS_TYPE_DIGITS[bp.kind]}{serials[i]:04d}"
        code: str | None = None
        park: str | None = None
        if overseas:
            address = bp.address
        else:
            body = f"91{district.code}{_org_code(rng)}"
            code = body + uscc.calc_check_digit(body)
            parks = _parks_for(zone, bp.kind)
            park = parks[nth % len(parks)].name if parks else None
            address = (
                f"{zone.province_zh}{zone.city_zh}{district.name}"
                f"{rng.choice(_STREETS)}{rng.randrange(1, 999)}号"
            )
        contact = make_person(rng, [(district.code, "")])
        ems_no = None
        if bp.kind == "warehouse":
            warehouse_no += 1
            ems_no = f"T{zone.customs.code}W{rng.randrange(1, 1_000_000):06d}"
        out.append(
            DemoEnterprise(
                key=bp.key,
                name=bp.name.format(**fields),
                name_en=bp.name_en.format(**fields),
                uscc=code,
                customs_code=customs_code,
                roles=_ROLES[bp.kind],
                dxp_id=f"DXPENT{dxp_numbers[i]:010d}",
                park=park,
                address=address,
                contact_name=contact.name,
                contact_phone=make_phone(rng) if overseas else contact.phone,
                has_tax_guarantee=bp.guarantee,
                overseas=overseas,
                country=bp.country,
                agent_code=agents[nth % len(agents)] if overseas else None,
                ems_no=ems_no,
                categories=bp.categories,
                trade_modes=bp.trade_modes,
                doc_prefix=bp.prefix,
            )
        )
    return out


# --------------------------------------------------------------------------- orders


class DemoOutcome(StrEnum):
    """What a demo order set is expected to come to: ``ok`` or the one fault it carries."""

    ok = "ok"
    payer_mismatch = "payer_mismatch"  # payment payerIdNumber ≠ order buyerIdNumber
    amount_mismatch = "amount_mismatch"  # payment amountPaid ≠ order acturalPaid
    over_single_limit = "over_single_limit"  # several items, goodsValue over the single-transaction limit
    off_list_goods = "off_list_goods"  # one line's HS code is not on the positive list
    missing_waybill = "missing_waybill"  # no CEB511 is ever sent
    duplicate_order = "duplicate_order"  # an earlier order (same orderNo and content) sent again, new guids

    @property
    def is_fault(self) -> bool:
        """Whether the set carries a fault."""
        return self is not DemoOutcome.ok


FAULTS: tuple[DemoOutcome, ...] = tuple(o for o in DemoOutcome if o.is_fault)
"""The fault kinds, in the order they are scheduled."""


@dataclass(frozen=True)
class DemoOrder:
    """One parcel's documents, ready to send, and what should come of them.

    Attributes:
        order_no: the platform order number (``orderNo`` on all four documents).
        trade_mode: ``9610`` (直购进口) or ``1210`` (网购保税进口).
        order: CEB311 body, sent by ``platform``.
        payment: CEB411 body, sent by ``payment_company``.
        waybill: CEB511 body, sent by ``logistics``; ``None`` for a ``missing_waybill`` set.
        inventory: CEB621 body, sent by ``agent`` (placeholder signature).
        expected: ``ok`` or the fault the set carries.
        detail: what exactly is wrong (empty for ``ok``).
        ordered_at: when the buyer ordered (UTC).
        platform: the platform (``ebpCode``).
        seller: the seller (``ebcCode``).
        payment_company: the payment company (``payCode``).
        logistics: the logistics company (``logisticsCode``).
        agent: the declaring agent (``agentCode``, ``assureCode``).
        warehouse: the bonded warehouse (1210 ``areaCode``), else ``None``.
        buyer_id_number: the buyer's ID number (as on the order and the inventory).
        actural_paid: the order's ``acturalPaid``.
    """

    order_no: str
    trade_mode: str
    order: bytes
    payment: bytes
    waybill: bytes | None
    inventory: bytes
    expected: DemoOutcome
    detail: str
    ordered_at: datetime
    platform: DemoEnterprise
    seller: DemoEnterprise
    payment_company: DemoEnterprise
    logistics: DemoEnterprise
    agent: DemoEnterprise
    warehouse: DemoEnterprise | None
    buyer_id_number: str
    actural_paid: Decimal

    def messages(self) -> list[tuple[str, DemoEnterprise, bytes]]:
        """(message type, sender, body) in sending order: order, payment, waybill, inventory."""
        out = [
            ("CEB311Message", self.platform, self.order),
            ("CEB411Message", self.payment_company, self.payment),
        ]
        if self.waybill is not None:
            out.append(("CEB511Message", self.logistics, self.waybill))
        out.append(("CEB621Message", self.agent, self.inventory))
        return out


_CENT = Decimal("0.01")
_GRAM = Decimal("0.001")
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_PACKAGING_FACTOR = Decimal("1.1")  # gross = net × 1.1 + 0.3 kg carton (our choice)
_PACKAGING_KG = Decimal("0.3")
_NEW_BUYER_SHARE = 0.45  # share of orders placed by a first-time buyer (our choice)
_REGULARS = 200  # the first buyers are regulars who come back more often (our choice)
_REGULAR_SHARE = 0.3
_BONDED_SHARE = 0.4  # 1210 share; 9610 takes the rest (our choice)
_SELF_OPERATED_SHARE = 0.3  # orders the platform sells itself (our choice)
_LAG = timedelta(hours=2)  # the last order is placed this long before `now`, so every document is in the past
_LINES = (1, 2, 3)
_LINE_WEIGHTS = (60, 30, 10)
_QTYS = (1, 2, 3, 4, 6)
_QTY_WEIGHTS = (62, 22, 8, 5, 3)
_FREIGHT_9610 = (0, 10, 15, 20, 25, 30)
_FREIGHT_9610_WEIGHTS = (35, 15, 20, 15, 10, 5)
_FREIGHT_1210 = (0, 6, 8, 10, 12)
_FREIGHT_1210_WEIGHTS = (55, 10, 15, 15, 5)
_COUPONS = (5, 10, 20, 30, 50)
_COUPON_SHARE = 0.2
_AIRLINES = (("MU", "781"), ("CA", "999"), ("CZ", "784"), ("3U", "876"))  # IATA code, AWB prefix
_TAG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_NS = 'xmlns:ceb="http://www.chinaport.gov.cn/ceb"'
_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
_MAX_FAULT_RATE = 0.5  # at most every other set faulty


@dataclass
class _Line:
    product: Product
    qty: int
    price: Decimal
    total: Decimal
    record_no: str


@dataclass
class _Set:
    seq: int
    order_no: str
    trade_mode: str
    platform: DemoEnterprise
    seller: DemoEnterprise
    pay: DemoEnterprise
    carrier: DemoEnterprise
    agent: DemoEnterprise
    warehouse: DemoEnterprise | None
    buyer: Person
    payer: Person
    reg_no: str
    lines: list[_Line]
    goods: Decimal
    freight: Decimal
    discount: Decimal
    tax: Decimal
    paid: Decimal
    amount_paid: Decimal
    pay_tx: str
    logistics_no: str
    cop_no: str
    ordered: datetime
    pay_time: datetime
    country: str
    flight: tuple[str, str, str] | None
    gross: Decimal
    net: Decimal


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


def _money(value: Decimal) -> str:
    return format(value, "f")


def _base_transfer(sender: DemoEnterprise) -> str:
    return (
        f"<ceb:BaseTransfer><ceb:copCode>{sender.customs_code}</ceb:copCode><ceb:copName>{sender.name}"
        f"</ceb:copName><ceb:dxpMode>DXP</ceb:dxpMode><ceb:dxpId>{sender.dxp_id}</ceb:dxpId></ceb:BaseTransfer>"
    )


def _t14(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


class _Generator:
    """State of one generation run (pure: everything comes from the arguments and the seed)."""

    def __init__(
        self,
        zone: Zone,
        enterprises: Sequence[DemoEnterprise],
        *,
        seed: int,
        now: datetime,
    ) -> None:
        self.zone = zone
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        tag_rng = random.Random(f"cbec-demo-tag:{seed}")  # noqa: S311 - demo data, not secrets
        self.tag = "".join(tag_rng.choice(_TAG_ALPHABET) for _ in range(3))
        self.params: DemoParameters = demo_parameters(now.astimezone(SHANGHAI).date())

        def having(role: EnterpriseRole) -> list[DemoEnterprise]:
            found = [e for e in enterprises if e.has_role(role)]
            if not found:
                raise ValueError(f"demo_orders needs at least one enterprise with role {role.value}")
            return found

        self.platforms = having(EnterpriseRole.ebp)
        self.sellers = [
            e for e in having(EnterpriseRole.ebc) if not e.has_role(EnterpriseRole.ebp)
        ] or self.platforms
        self.payments = having(EnterpriseRole.payment)
        carriers = having(EnterpriseRole.logistics)
        self.carriers = {
            mode: [c for c in carriers if not c.trade_modes or mode in c.trade_modes] or carriers
            for mode in ("9610", "1210")
        }
        self.agents = having(EnterpriseRole.agent)
        self.agents_by_code = {a.customs_code: a for a in self.agents}
        self.warehouses = having(EnterpriseRole.warehouse)

        catalogue = load_catalogue()
        self.record_index = {p.sku: i + 1 for i, p in enumerate(catalogue)}
        listed = [p for p in catalogue if p.positive_list and p.weight > 0]
        self.off_list = [p for p in catalogue if not p.positive_list]
        if not self.off_list:
            raise ValueError("the catalogue has no off-list product")
        self.expensive = [p for p in listed if p.price_min >= 150]  # for over-limit baskets
        self.by_seller: dict[str, tuple[list[Product], list[int]]] = {}
        for e in [*self.platforms, *self.sellers]:
            mine = [p for p in listed if not e.categories or p.category in e.categories] or listed
            self.by_seller[e.key] = (mine, [p.weight for p in mine])
        share, threshold = self.params.retail_import_tax_share, self.params.cosmetics_threshold_per_ml
        self.rates: dict[str, tuple[Decimal, Decimal]] = {}
        for p in catalogue:
            vat = p.vat / _HUNDRED
            plain = vat * share
            if p.consumption_tax == "wine":
                plain = self._rate(self.params.wine_consumption_tax_rate, vat)
            with_ct = plain
            if p.consumption_tax == "cosmetics":
                with_ct = self._rate(self.params.cosmetics_consumption_tax_rate, vat)
            self.rates[p.sku] = (plain, with_ct)
        self.cosmetic_floor = {
            p.sku: p.content * threshold for p in catalogue if p.consumption_tax == "cosmetics" and p.content
        }

        zone_districts = [(d.code, f"{zone.province_zh}{zone.city_zh}{d.name}") for d in zone.districts]
        self.districts = [*BUYER_DISTRICTS, *zone_districts, *zone_districts]
        self.buyers: list[Person] = []
        self.buyer_no: dict[str, int] = {}
        self.spent: dict[tuple[str, int], Decimal] = {}
        self.history: deque[_Set] = deque(maxlen=500)
        self.flights: dict[tuple[str, date], tuple[str, str, str]] = {}

    def _rate(self, ct: Decimal, vat: Decimal) -> Decimal:
        """Composite retail-import rate (regulation.md §1.5): (c + v) / (1 − c) × 70%, duty 0."""
        return (ct + vat) / (1 - ct) * self.params.retail_import_tax_share

    # ----------------------------------------------------------------- parties

    def _new_buyer(self) -> Person:
        person = make_person(self.rng, self.districts)
        self.buyer_no[person.id_number] = len(self.buyers) + 1
        self.buyers.append(person)
        return person

    def _buyer(self) -> Person:
        rng = self.rng
        if not self.buyers or rng.random() < _NEW_BUYER_SHARE:
            return self._new_buyer()
        if rng.random() < _REGULAR_SHARE:
            return rng.choice(self.buyers[:_REGULARS])
        return rng.choice(self.buyers)

    def _other_person(self, buyer: Person) -> Person:
        for _ in range(5):
            other = self.rng.choice(self.buyers)
            if other.id_number != buyer.id_number:
                return other
        return self._new_buyer()

    # ----------------------------------------------------------------- goods

    def _price(self, p: Product) -> Decimal:
        low, high = int(p.price_min * 10), int(p.price_max * 10)
        return Decimal(self.rng.randint(low, high)).scaleb(-1).quantize(_CENT)

    def _line(self, p: Product, qty: int, warehouse: DemoEnterprise | None) -> _Line:
        price = self._price(p)
        record_no = ""
        if warehouse is not None:
            record_no = f"{self.warehouses.index(warehouse) + 1}{self.record_index[p.sku]:05d}"
        return _Line(p, qty, price, price * qty, record_no)

    def _basket(
        self, seller: DemoEnterprise, warehouse: DemoEnterprise | None, max_lines: int
    ) -> list[_Line]:
        rng = self.rng
        products, weights = self.by_seller[seller.key]
        count = min(rng.choices(_LINES, _LINE_WEIGHTS)[0], max_lines, len(products))
        chosen: list[Product] = []
        for _ in range(count * 3):
            p = rng.choices(products, weights)[0]
            if p not in chosen:
                chosen.append(p)
            if len(chosen) == count:
                break
        return [self._line(p, rng.choices(_QTYS, _QTY_WEIGHTS)[0], warehouse) for p in chosen]

    @staticmethod
    def _sum(lines: list[_Line]) -> Decimal:
        total = _ZERO
        for line in lines:
            total += line.total
        return total

    def _within_limit(self, lines: list[_Line], freight: Decimal) -> list[_Line]:
        """Shrink a basket until goods + freight + estimated tax is within the single-transaction limit.

        The limit applies to the dutiable price (goods + freight + insurance); keeping the tax
        inside as well leaves no doubt about any amount a reader might compare with it.
        """
        limit = self.params.single_transaction_limit

        def total() -> Decimal:
            goods = self._sum(lines)
            return goods + freight + self._tax(lines, goods, freight)

        if total() <= limit:
            return lines
        for line in lines:
            line.qty, line.total = 1, line.price
        while len(lines) > 1 and total() > limit:
            lines.pop()
        if total() > limit:  # one dear item: sell it at the low end of its range
            line = lines[0]
            line.price = line.total = line.product.price_min.quantize(_CENT)
        return lines

    def _tax(self, lines: list[_Line], goods: Decimal, freight: Decimal) -> Decimal:
        """Estimated retail-import tax: 70% of statutory VAT and consumption tax on goods + freight."""
        tax = _ZERO
        for line in lines:
            plain, with_ct = self.rates[line.product.sku]
            floor = self.cosmetic_floor.get(line.product.sku)
            rate = with_ct if floor is None or line.price >= floor else plain
            dutiable = line.total + (freight * line.total / goods if goods else _ZERO)
            tax += dutiable * rate
        return tax.quantize(_CENT, rounding=ROUND_HALF_UP)

    # ----------------------------------------------------------------- sets

    def _flight(self, carrier: DemoEnterprise, day: date) -> tuple[str, str, str]:
        key = (carrier.key, day)
        found = self.flights.get(key)
        if found is None:
            code, prefix = self.rng.choice(_AIRLINES)
            serial = self.rng.randrange(10**7)
            traf_no = f"{code}{self.rng.randrange(100, 10000)}"
            found = (traf_no, f"{traf_no}-{day:%Y%m%d}", f"{prefix}-{serial:07d}{serial % 7}")
            self.flights[key] = found
        return found

    def build(self, seq: int, ordered: datetime, fault: DemoOutcome) -> tuple[_Set, str]:
        rng, params = self.rng, self.params
        trade_mode = "1210" if rng.random() < _BONDED_SHARE else "9610"
        platform = rng.choice(self.platforms)
        seller = platform if rng.random() < _SELF_OPERATED_SHARE else rng.choice(self.sellers)
        pay = rng.choice(self.payments)
        carrier = rng.choice(self.carriers[trade_mode])
        agent = self.agents_by_code.get(seller.agent_code or "") or rng.choice(self.agents)
        warehouse = rng.choice(self.warehouses) if trade_mode == "1210" else None
        freight_choices = (
            (_FREIGHT_1210, _FREIGHT_1210_WEIGHTS) if warehouse else (_FREIGHT_9610, _FREIGHT_9610_WEIGHTS)
        )
        freight = Decimal(rng.choices(*freight_choices)[0])
        detail = ""

        if fault is DemoOutcome.over_single_limit:
            picks = rng.sample(self.expensive, rng.choice((2, 3)))
            lines = [self._line(p, 1, warehouse) for p in picks]
            while self._sum(lines) <= params.single_transaction_limit:
                line = rng.choice(lines)
                line.qty += 1
                line.total = line.price * line.qty
        elif fault is DemoOutcome.off_list_goods:
            lines = self._basket(seller, warehouse, 2)
            bad = self._line(rng.choice(self.off_list), rng.choice((1, 2)), warehouse)
            lines.insert(rng.randrange(len(lines) + 1), bad)
            lines = self._within_limit(lines, freight)
            if bad not in lines:
                lines = [bad]
            detail = f"{bad.product.hs_code} {bad.product.gname} is not on the positive list"
        else:
            lines = self._within_limit(self._basket(seller, warehouse, 3), freight)
        goods = self._sum(lines)
        if fault is DemoOutcome.over_single_limit:
            detail = f"goodsValue {goods} > single-transaction limit {params.single_transaction_limit}"

        # The buyer: stay within the annual limit for the sets expected to clear.
        year = ordered.astimezone(SHANGHAI).year
        tax = self._tax(lines, goods, freight)
        amount = goods + freight + tax  # what is counted against the annual limit (an upper bound)
        buyer = self._buyer()
        if not fault.is_fault:
            while self.spent.get((buyer.id_number, year), _ZERO) + amount > params.annual_limit_per_person:
                buyer = self._new_buyer()
            self.spent[(buyer.id_number, year)] = self.spent.get((buyer.id_number, year), _ZERO) + amount

        discount = _ZERO
        if fault is not DemoOutcome.over_single_limit and rng.random() < _COUPON_SHARE:
            coupon = Decimal(rng.choice(_COUPONS))
            if coupon * 2 < goods:
                discount = coupon
        paid = goods + freight + tax - discount
        amount_paid = paid
        payer = buyer
        if fault is DemoOutcome.payer_mismatch:
            payer = self._other_person(buyer)
            detail = "payerIdNumber is not the order's buyerIdNumber"
        elif fault is DemoOutcome.amount_mismatch:
            amount_paid = paid - (tax if tax > 0 else freight if freight > 0 else Decimal(-10))
            detail = f"amountPaid {amount_paid} ≠ acturalPaid {paid}"
        elif fault is DemoOutcome.missing_waybill:
            detail = "no CEB511 waybill is sent"

        local = ordered.astimezone(SHANGHAI)
        net = _ZERO
        for line in lines:
            net += line.product.net_kg * line.qty
        gross = (net * _PACKAGING_FACTOR + _PACKAGING_KG).quantize(_GRAM)
        country = "142"
        flight = None
        if warehouse is None:
            country = seller.country or lines[0].product.country
            flight = self._flight(carrier, local.date())
        tag = self.tag
        pay_time = local + timedelta(seconds=rng.randrange(20, 180))
        return (
            _Set(
                seq=seq,
                order_no=f"{platform.doc_prefix}{local:%Y%m%d}{tag}{seq:07d}",
                trade_mode=trade_mode,
                platform=platform,
                seller=seller,
                pay=pay,
                carrier=carrier,
                agent=agent,
                warehouse=warehouse,
                buyer=buyer,
                payer=payer,
                reg_no=f"{platform.doc_prefix}U{self.buyer_no[buyer.id_number]:08d}",
                lines=lines,
                goods=goods,
                freight=freight,
                discount=discount,
                tax=tax,
                paid=paid,
                amount_paid=amount_paid,
                pay_tx=f"{pay.doc_prefix}{pay_time:%Y%m%d%H%M%S}{tag}{seq:07d}",
                logistics_no=f"{carrier.doc_prefix}{tag}{seq:010d}",
                cop_no=f"{agent.doc_prefix}{local:%y%m%d}{tag}{seq:07d}",
                ordered=ordered,
                pay_time=pay_time,
                country=country,
                flight=flight,
                gross=gross,
                net=net.quantize(_GRAM),
            ),
            detail,
        )

    # ----------------------------------------------------------------- XML

    def render(
        self, s: _Set, ordered: datetime, with_waybill: bool
    ) -> tuple[bytes, bytes, bytes | None, bytes]:
        rng = self.rng
        local = ordered.astimezone(SHANGHAI)
        pay_time = s.pay_time  # a business fact: the same when a set is sent again
        shift = local - s.ordered.astimezone(SHANGHAI)
        order_time = pay_time + shift + timedelta(seconds=rng.randrange(10, 120))
        payment_time = pay_time + shift + timedelta(seconds=rng.randrange(30, 240))
        waybill_time = local + timedelta(seconds=rng.randrange(600, 3600))
        inventory_time = local + timedelta(seconds=rng.randrange(3700, 6000))
        buyer = s.buyer
        money = _money

        order_lines = "".join(
            f"<ceb:OrderList><ceb:gnum>{i}</ceb:gnum><ceb:itemNo>{ln.product.sku}</ceb:itemNo>"
            f"<ceb:itemName>{ln.product.item_name}</ceb:itemName><ceb:gmodel>{ln.product.gmodel}</ceb:gmodel>"
            f"<ceb:unit>{ln.product.unit}</ceb:unit><ceb:qty>{ln.qty}</ceb:qty><ceb:price>{money(ln.price)}"
            f"</ceb:price><ceb:totalPrice>{money(ln.total)}</ceb:totalPrice><ceb:currency>142</ceb:currency>"
            f"<ceb:country>{ln.product.country}</ceb:country></ceb:OrderList>\n"
            for i, ln in enumerate(s.lines, start=1)
        )
        order = (
            f'{_DECL}<ceb:CEB311Message guid="{_guid(rng)}" version="1.0" {_NS}>\n'
            f"<ceb:Order>\n<ceb:OrderHead><ceb:guid>{_guid(rng)}</ceb:guid><ceb:appType>1</ceb:appType>"
            f"<ceb:appTime>{_t14(order_time)}</ceb:appTime><ceb:appStatus>2</ceb:appStatus>"
            f"<ceb:orderType>I</ceb:orderType><ceb:orderNo>{s.order_no}</ceb:orderNo>"
            f"<ceb:ebpCode>{s.platform.customs_code}</ceb:ebpCode><ceb:ebpName>{s.platform.name}</ceb:ebpName>"
            f"<ceb:ebcCode>{s.seller.customs_code}</ceb:ebcCode><ceb:ebcName>{s.seller.name}</ceb:ebcName>"
            f"<ceb:goodsValue>{money(s.goods)}</ceb:goodsValue><ceb:freight>{money(s.freight)}</ceb:freight>"
            f"<ceb:discount>{money(s.discount)}</ceb:discount><ceb:taxTotal>{money(s.tax)}</ceb:taxTotal>"
            f"<ceb:acturalPaid>{money(s.paid)}</ceb:acturalPaid><ceb:currency>142</ceb:currency>"
            f"<ceb:buyerRegNo>{s.reg_no}</ceb:buyerRegNo><ceb:buyerName>{buyer.name}</ceb:buyerName>"
            f"<ceb:buyerTelephone>{buyer.phone}</ceb:buyerTelephone><ceb:buyerIdType>1</ceb:buyerIdType>"
            f"<ceb:buyerIdNumber>{buyer.id_number}</ceb:buyerIdNumber><ceb:payCode>{s.pay.customs_code}</ceb:payCode>"
            f"<ceb:payName>{s.pay.name}</ceb:payName><ceb:payTransactionId>{s.pay_tx}</ceb:payTransactionId>"
            f"<ceb:consignee>{buyer.name}</ceb:consignee><ceb:consigneeTelephone>{buyer.phone}</ceb:consigneeTelephone>"
            f"<ceb:consigneeAddress>{buyer.address}</ceb:consigneeAddress>"
            f"<ceb:consigneeDistrict>{buyer.district_code}</ceb:consigneeDistrict></ceb:OrderHead>\n"
            f"{order_lines}</ceb:Order>\n{_base_transfer(s.platform)}\n</ceb:CEB311Message>\n"
        )
        payer = s.payer
        payment = (
            f'{_DECL}<ceb:CEB411Message guid="{_guid(rng)}" version="1.0" {_NS}>\n'
            f"<ceb:Payment><ceb:PaymentHead><ceb:guid>{_guid(rng)}</ceb:guid><ceb:appType>1</ceb:appType>"
            f"<ceb:appTime>{_t14(payment_time)}</ceb:appTime><ceb:appStatus>2</ceb:appStatus>"
            f"<ceb:payCode>{s.pay.customs_code}</ceb:payCode><ceb:payName>{s.pay.name}</ceb:payName>"
            f"<ceb:payTransactionId>{s.pay_tx}</ceb:payTransactionId><ceb:orderNo>{s.order_no}</ceb:orderNo>"
            f"<ceb:ebpCode>{s.platform.customs_code}</ceb:ebpCode><ceb:ebpName>{s.platform.name}</ceb:ebpName>"
            f"<ceb:payerIdType>1</ceb:payerIdType><ceb:payerIdNumber>{payer.id_number}</ceb:payerIdNumber>"
            f"<ceb:payerName>{payer.name}</ceb:payerName><ceb:telephone>{payer.phone}</ceb:telephone>"
            f"<ceb:amountPaid>{money(s.amount_paid)}</ceb:amountPaid><ceb:currency>142</ceb:currency>"
            f"<ceb:payTime>{_t14(pay_time)}</ceb:payTime></ceb:PaymentHead></ceb:Payment>\n"
            f"{_base_transfer(s.pay)}\n</ceb:CEB411Message>\n"
        )
        goods_info = "；".join(f"{ln.product.item_name}×{ln.qty}" for ln in s.lines)[:200]
        bill = f"<ceb:billNo>{s.flight[2]}</ceb:billNo>" if s.flight else ""
        waybill = None
        if with_waybill:
            waybill = (
                f'{_DECL}<ceb:CEB511Message guid="{_guid(rng)}" version="1.0" {_NS}>\n'
                f"<ceb:Logistics><ceb:LogisticsHead><ceb:guid>{_guid(rng)}</ceb:guid><ceb:appType>1</ceb:appType>"
                f"<ceb:appTime>{_t14(waybill_time)}</ceb:appTime><ceb:appStatus>2</ceb:appStatus>"
                f"<ceb:logisticsCode>{s.carrier.customs_code}</ceb:logisticsCode>"
                f"<ceb:logisticsName>{s.carrier.name}</ceb:logisticsName>"
                f"<ceb:logisticsNo>{s.logistics_no}</ceb:logisticsNo>{bill}<ceb:orderNo>{s.order_no}</ceb:orderNo>"
                f"<ceb:freight>{money(s.freight)}</ceb:freight><ceb:insuredFee>0</ceb:insuredFee>"
                f"<ceb:currency>142</ceb:currency><ceb:weight>{money(s.gross)}</ceb:weight><ceb:packNo>1</ceb:packNo>"
                f"<ceb:goodsInfo>{goods_info}</ceb:goodsInfo><ceb:consignee>{buyer.name}</ceb:consignee>"
                f"<ceb:consigneeAddress>{buyer.address}</ceb:consigneeAddress>"
                f"<ceb:consigneeTelephone>{buyer.phone}</ceb:consigneeTelephone></ceb:LogisticsHead></ceb:Logistics>\n"
                f"{_base_transfer(s.carrier)}\n</ceb:CEB511Message>\n"
            ).encode()

        customs = self.zone.customs.code
        warehouse = s.warehouse
        if warehouse is not None:
            bonded = f"<ceb:emsNo>{warehouse.ems_no}</ceb:emsNo>"
            area = (
                f"<ceb:areaCode>{warehouse.customs_code}</ceb:areaCode>"
                f"<ceb:areaName>{warehouse.name}</ceb:areaName>"
            )
            transport = "<ceb:trafMode>4</ceb:trafMode>"
            trade_country = ""
        else:
            assert s.flight is not None
            bonded = area = ""
            transport = (
                f"<ceb:trafMode>5</ceb:trafMode><ceb:trafNo>{s.flight[0]}</ceb:trafNo>"
                f"<ceb:voyageNo>{s.flight[1]}</ceb:voyageNo><ceb:billNo>{s.flight[2]}</ceb:billNo>"
            )
            trade_country = f"<ceb:tradeCountry>{s.country}</ceb:tradeCountry>"
        inventory_lines = "".join(
            f"<ceb:InventoryList><ceb:gnum>{i}</ceb:gnum>"
            + (f"<ceb:itemRecordNo>{ln.record_no}</ceb:itemRecordNo>" if ln.record_no else "")
            + f"<ceb:itemNo>{ln.product.sku}</ceb:itemNo><ceb:itemName>{ln.product.item_name}</ceb:itemName>"
            f"<ceb:gcode>{ln.product.hs_code}</ceb:gcode><ceb:gname>{ln.product.gname}</ceb:gname>"
            f"<ceb:gmodel>{ln.product.gmodel}</ceb:gmodel><ceb:country>{ln.product.country}</ceb:country>"
            f"{trade_country}<ceb:currency>142</ceb:currency><ceb:qty>{ln.qty}</ceb:qty>"
            f"<ceb:unit>{ln.product.unit}</ceb:unit><ceb:qty1>{money(ln.product.qty1 * ln.qty)}</ceb:qty1>"
            f"<ceb:unit1>{ln.product.unit1}</ceb:unit1>"
            + (
                f"<ceb:qty2>{money(ln.product.qty2 * ln.qty)}</ceb:qty2>"
                f"<ceb:unit2>{ln.product.unit2}</ceb:unit2>"
                if ln.product.qty2 is not None
                else ""
            )
            + f"<ceb:price>{money(ln.price)}</ceb:price><ceb:totalPrice>{money(ln.total)}</ceb:totalPrice>"
            "</ceb:InventoryList>\n"
            for i, ln in enumerate(s.lines, start=1)
        )
        inventory = (
            f'{_DECL}<ceb:CEB621Message guid="{_guid(rng)}" version="1.0" {_NS}>\n'
            f"<ceb:Inventory>\n<ceb:InventoryHead><ceb:guid>{_guid(rng)}</ceb:guid><ceb:appType>1</ceb:appType>"
            f"<ceb:appTime>{_t14(inventory_time)}</ceb:appTime><ceb:appStatus>2</ceb:appStatus>"
            f"<ceb:orderNo>{s.order_no}</ceb:orderNo><ceb:ebpCode>{s.platform.customs_code}</ceb:ebpCode>"
            f"<ceb:ebpName>{s.platform.name}</ceb:ebpName><ceb:ebcCode>{s.seller.customs_code}</ceb:ebcCode>"
            f"<ceb:ebcName>{s.seller.name}</ceb:ebcName><ceb:logisticsNo>{s.logistics_no}</ceb:logisticsNo>"
            f"<ceb:logisticsCode>{s.carrier.customs_code}</ceb:logisticsCode>"
            f"<ceb:logisticsName>{s.carrier.name}</ceb:logisticsName><ceb:copNo>{s.cop_no}</ceb:copNo>"
            f"<ceb:assureCode>{s.agent.customs_code}</ceb:assureCode>{bonded}<ceb:ieFlag>I</ceb:ieFlag>"
            f"<ceb:declTime>{inventory_time:%Y%m%d}</ceb:declTime><ceb:customsCode>{customs}</ceb:customsCode>"
            f"<ceb:portCode>{customs}</ceb:portCode><ceb:buyerIdType>1</ceb:buyerIdType>"
            f"<ceb:buyerIdNumber>{buyer.id_number}</ceb:buyerIdNumber><ceb:buyerName>{buyer.name}</ceb:buyerName>"
            f"<ceb:buyerTelephone>{buyer.phone}</ceb:buyerTelephone>"
            f"<ceb:consigneeAddress>{buyer.address}</ceb:consigneeAddress>"
            f"<ceb:agentCode>{s.agent.customs_code}</ceb:agentCode><ceb:agentName>{s.agent.name}</ceb:agentName>"
            f"{area}<ceb:tradeMode>{s.trade_mode}</ceb:tradeMode>{transport}<ceb:country>{s.country}</ceb:country>"
            f"<ceb:freight>{money(s.freight)}</ceb:freight><ceb:insuredFee>0</ceb:insuredFee>"
            f"<ceb:currency>142</ceb:currency><ceb:wrapType>2</ceb:wrapType><ceb:packNo>1</ceb:packNo>"
            f"<ceb:grossWeight>{money(s.gross)}</ceb:grossWeight><ceb:netWeight>{money(s.net)}</ceb:netWeight>"
            f"</ceb:InventoryHead>\n{inventory_lines}</ceb:Inventory>\n{_base_transfer(s.agent)}\n"
            f"{PLACEHOLDER_SIGNATURE}\n</ceb:CEB621Message>\n"
        )
        return order.encode(), payment.encode(), waybill, inventory.encode()


def _fault_schedule(rng: random.Random, n: int, fault_rate: float) -> dict[int, DemoOutcome]:
    """Which order indexes carry which fault: one per block of 1/fault_rate orders, kinds in turn.

    Blocks keep the fault share steady for any ``n`` (exactly one fault per block); the kinds are
    dealt from shuffled rounds of all six, so each kind is present once ``n`` covers six blocks.
    """
    if fault_rate <= 0:
        return {}
    block = max(2, round(1 / fault_rate))
    schedule: dict[int, DemoOutcome] = {}
    pending: list[DemoOutcome] = []
    for start in range(0, n, block):
        if not pending:
            pending = list(FAULTS)
            rng.shuffle(pending)
        index = start + rng.randrange(min(block, n - start))
        kind = pending.pop()
        if kind is DemoOutcome.duplicate_order and index == 0:
            index = min(1, n - 1)  # a duplicate needs an earlier order
            if index == 0:
                continue
        schedule[index] = kind
    return schedule


def demo_orders(
    zone: Zone,
    enterprises: Sequence[DemoEnterprise],
    *,
    n: int,
    seed: int,
    now: datetime,
    fault_rate: float = 0.04,
    span: timedelta = timedelta(hours=24),
) -> Iterator[DemoOrder]:
    """Yield ``n`` B2C import order sets of ``zone``, the same for the same arguments.

    Orders are placed over ``span`` ending two hours before ``now`` (so every document's time is
    in the past), 9610 about 60% and 1210 about 40%. One order in every ``1/fault_rate`` carries a
    fault (:class:`DemoOutcome`), the kinds taking turns; every ``ok`` set is XSD-valid, passes the
    field rules and stays within the single and annual limits in force on ``now``'s date.

    Args:
        zone: the zone (customs code, bonded parks).
        enterprises: the filed enterprises, normally :func:`demo_enterprises` of the zone; at least one
            each of ebp, payment, logistics, agent and warehouse.
        n: number of sets.
        seed: random seed.
        now: the moment of generation (timezone-aware).
        fault_rate: share of faulty sets (0 for none, at most 0.5).
        span: the period the orders are spread over.

    Yields:
        The sets, in order time.

    Raises:
        ValueError: a naive ``now``, a bad ``n``, ``fault_rate`` or ``span``, or a missing role.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if n < 0:
        raise ValueError("n must not be negative")
    if not 0 <= fault_rate <= _MAX_FAULT_RATE:
        raise ValueError("fault_rate must be between 0 and 0.5")
    if span <= timedelta(0):
        raise ValueError("span must be positive")
    gen = _Generator(zone, enterprises, seed=seed, now=now)
    rng = gen.rng
    schedule = _fault_schedule(random.Random(f"cbec-demo-faults:{seed}"), n, fault_rate)  # noqa: S311 - demo data
    start = now - _LAG - span
    step = span / max(n, 1)
    for i in range(n):
        ordered = start + step * i + step * rng.random()
        fault = schedule.get(i, DemoOutcome.ok)
        if fault is DemoOutcome.duplicate_order and gen.history:
            s = rng.choice(gen.history)
            detail = f"orderNo {s.order_no} was already sent (set {s.seq}); same content, new guids"
        else:
            if fault is DemoOutcome.duplicate_order:
                fault = DemoOutcome.ok
            s, detail = gen.build(i + 1, ordered, fault)
        order, payment, waybill, inventory = gen.render(s, ordered, fault is not DemoOutcome.missing_waybill)
        if fault is DemoOutcome.ok:
            gen.history.append(s)
        yield DemoOrder(
            order_no=s.order_no,
            trade_mode=s.trade_mode,
            order=order,
            payment=payment,
            waybill=waybill,
            inventory=inventory,
            expected=fault,
            detail=detail,
            ordered_at=ordered.astimezone(UTC),
            platform=s.platform,
            seller=s.seller,
            payment_company=s.pay,
            logistics=s.carrier,
            agent=s.agent,
            warehouse=s.warehouse,
            buyer_id_number=s.buyer.id_number,
            actural_paid=s.paid,
        )
