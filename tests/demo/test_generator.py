"""Demo data: deterministic enterprises and order sets, valid where they should be, faulty where labelled."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from cbec.demo import (
    DemoEnterprise,
    DemoOrder,
    DemoOutcome,
    Product,
    demo_enterprises,
    demo_orders,
    demo_parameters,
    load_catalogue,
)
from cbec.kernel.dates import SHANGHAI
from cbec.messages.ceb import CebMessage, field_findings, parse_xml, xsd_findings
from cbec.registry.enums import EnterpriseRole
from cbec.registry.identifiers import customs_code, ric, uscc
from cbec.zones import Zone, load_zone

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
N = 600  # 24 blocks of 25: four of each fault kind


@pytest.fixture(scope="module")
def zone() -> Zone:
    return load_zone("kunming")


@pytest.fixture(scope="module")
def firms(zone: Zone) -> list[DemoEnterprise]:
    return demo_enterprises(zone)


@pytest.fixture(scope="module")
def orders(zone: Zone, firms: list[DemoEnterprise]) -> list[DemoOrder]:
    return list(demo_orders(zone, firms, n=N, seed=11, now=NOW))


@pytest.fixture(scope="module")
def parsed(orders: list[DemoOrder]) -> dict[str, dict[str, CebMessage]]:
    """order_no of each ok set → its four parsed documents."""
    out: dict[str, dict[str, CebMessage]] = {}
    for o in orders:
        if o.expected is DemoOutcome.ok:
            out[o.order_no] = {name: parse_xml(body) for name, _, body in o.messages()}
    return out


def _head(message: CebMessage) -> dict[str, str]:
    assert len(message.records) == 1
    return message.records[0].head


def _lines(message: CebMessage) -> list[dict[str, str]]:
    (lines,) = message.records[0].lists.values()
    return lines


def _of(orders: list[DemoOrder], kind: DemoOutcome) -> Iterator[DemoOrder]:
    return (o for o in orders if o.expected is kind)


# --------------------------------------------------------------------------- enterprises


class TestDemoEnterprises:
    def test_about_twenty_with_every_role(self, firms: list[DemoEnterprise]) -> None:
        roles = Counter(role for firm in firms for role in firm.roles)
        assert len(firms) == 19
        assert roles[EnterpriseRole.ebp] == 3
        assert roles[EnterpriseRole.ebc] == 10  # 3 platforms + 7 sellers
        assert (roles[EnterpriseRole.payment], roles[EnterpriseRole.logistics]) == (2, 3)
        assert (roles[EnterpriseRole.agent], roles[EnterpriseRole.warehouse]) == (2, 2)

    def test_codes_are_valid_and_unique(self, firms: list[DemoEnterprise]) -> None:
        for firm in firms:
            assert customs_code.is_valid(firm.customs_code)
            assert firm.overseas or (firm.uscc is not None and uscc.is_valid(firm.uscc))
            assert firm.dxp_id.startswith("DXPENT") and len(firm.dxp_id) == 16
        for attribute in ("customs_code", "dxp_id", "name", "key", "doc_prefix"):
            values = [getattr(f, attribute) for f in firms]
            assert len(set(values)) == len(values), attribute

    def test_overseas_sellers_are_filed_through_an_agent(self, firms: list[DemoEnterprise]) -> None:
        agents = {f.customs_code for f in firms if f.has_role(EnterpriseRole.agent)}
        overseas = [f for f in firms if f.overseas]
        assert len(overseas) == 4
        for firm in overseas:
            assert firm.uscc is None and firm.park is None and firm.country
            assert firm.agent_code in agents

    def test_guarantors_are_the_agents_and_one_logistics_company(self, firms: list[DemoEnterprise]) -> None:
        guarantors = [f.key for f in firms if f.has_tax_guarantee]
        assert guarantors == ["logistics-2", "agent-1", "agent-2"]

    def test_parks_are_the_zones_and_warehouses_sit_in_bonded_ones(
        self, zone: Zone, firms: list[DemoEnterprise]
    ) -> None:
        names = {p.name for p in zone.parks}
        bonded = {p.name for p in zone.bonded_parks}
        for firm in firms:
            assert firm.overseas or firm.park in names
            if firm.has_role(EnterpriseRole.warehouse):
                assert firm.park in bonded and firm.ems_no

    def test_names_carry_the_zone_and_are_stable(self, zone: Zone, firms: list[DemoEnterprise]) -> None:
        assert firms[0].name == "昆明滇跨通电子商务有限公司"
        assert demo_enterprises(zone) == firms
        taiyuan = demo_enterprises(load_zone("taiyuan"))
        assert taiyuan[0].name == "太原晋跨通电子商务有限公司"
        assert all(f.customs_code.startswith("1401") for f in taiyuan)


# --------------------------------------------------------------------------- orders: shape


def test_same_arguments_give_the_same_bytes(
    zone: Zone, firms: list[DemoEnterprise], orders: list[DemoOrder]
) -> None:
    again = list(demo_orders(zone, firms, n=N, seed=11, now=NOW))
    assert again == orders
    other = list(demo_orders(zone, firms, n=20, seed=12, now=NOW))
    assert [o.order for o in other] != [o.order for o in orders[:20]]


def test_fault_share_is_between_3_and_5_percent_with_every_kind(orders: list[DemoOrder]) -> None:
    counts = Counter(o.expected for o in orders)
    faulty = sum(n for kind, n in counts.items() if kind.is_fault)
    assert 0.03 <= faulty / len(orders) <= 0.05
    assert {kind for kind in counts if kind.is_fault} == set(DemoOutcome) - {DemoOutcome.ok}


def test_fault_share_holds_for_other_sizes(zone: Zone, firms: list[DemoEnterprise]) -> None:
    for n, seed in ((100, 1), (1000, 2), (333, 3)):
        found = list(demo_orders(zone, firms, n=n, seed=seed, now=NOW))
        share = sum(o.expected.is_fault for o in found) / n
        assert 0.03 <= share <= 0.05, (n, share)
    assert not any(
        o.expected.is_fault for o in demo_orders(zone, firms, n=100, seed=1, now=NOW, fault_rate=0)
    )


def test_trade_modes_are_about_60_40(orders: list[DemoOrder]) -> None:
    share_9610 = sum(o.trade_mode == "9610" for o in orders) / len(orders)
    assert 0.5 <= share_9610 <= 0.7
    assert {o.trade_mode for o in orders} == {"9610", "1210"}


def test_every_body_is_schema_valid_and_passes_the_field_rules(orders: list[DemoOrder]) -> None:
    """All sets, faulty ones too: their faults are business faults the schema cannot see."""
    problems = []
    for o in orders:
        for name, _, body in o.messages():
            message = parse_xml(body)
            found = xsd_findings(message) + field_findings(message)
            if found:
                problems.append((o.order_no, o.expected, name, found[:2]))
    assert problems == []


def test_each_document_is_sent_by_its_party(orders: list[DemoOrder]) -> None:
    for o in orders[:100]:
        senders = {name: sender for name, sender, _ in o.messages()}
        assert senders["CEB311Message"] is o.platform and senders["CEB411Message"] is o.payment_company
        assert senders["CEB621Message"] is o.agent
        for name, sender, body in o.messages():
            transfer = parse_xml(body).base_transfer
            assert transfer is not None
            assert (transfer["copCode"], transfer["dxpId"]) == (sender.customs_code, sender.dxp_id), name


def test_order_times_are_in_the_past_and_in_order(orders: list[DemoOrder]) -> None:
    times = [o.ordered_at for o in orders]
    assert times == sorted(times)
    assert NOW - timedelta(hours=27) <= times[0] and times[-1] <= NOW - timedelta(hours=2)


# --------------------------------------------------------------------------- orders: content of ok sets


def test_the_three_documents_and_the_inventory_agree(
    zone: Zone, orders: list[DemoOrder], parsed: dict[str, dict[str, CebMessage]]
) -> None:
    limit = demo_parameters(date(2026, 3, 1)).single_transaction_limit
    for o in _of(orders, DemoOutcome.ok):
        docs = parsed[o.order_no]
        order, pay = _head(docs["CEB311Message"]), _head(docs["CEB411Message"])
        bill, invt = _head(docs["CEB511Message"]), _head(docs["CEB621Message"])
        assert order["orderNo"] == pay["orderNo"] == bill["orderNo"] == invt["orderNo"] == o.order_no
        assert order["buyerIdNumber"] == pay["payerIdNumber"] == invt["buyerIdNumber"] == o.buyer_id_number
        assert order["buyerName"] == pay["payerName"] == invt["buyerName"] == bill["consignee"]
        assert ric.is_valid(o.buyer_id_number)
        assert order["consigneeAddress"] == bill["consigneeAddress"] == invt["consigneeAddress"]
        assert order["consigneeTelephone"] == bill["consigneeTelephone"]
        assert order["payTransactionId"] == pay["payTransactionId"]
        assert Decimal(pay["amountPaid"]) == Decimal(order["acturalPaid"]) == o.actural_paid
        goods, freight = Decimal(order["goodsValue"]), Decimal(order["freight"])
        tax, discount = Decimal(order["taxTotal"]), Decimal(order["discount"])
        assert Decimal(order["acturalPaid"]) == goods + freight + tax - discount
        lines = _lines(docs["CEB311Message"])
        assert 1 <= len(lines) <= 3
        assert goods == sum(Decimal(line["totalPrice"]) for line in lines)
        assert all(Decimal(ln["totalPrice"]) == Decimal(ln["price"]) * Decimal(ln["qty"]) for ln in lines)
        assert goods + freight + tax <= limit
        assert invt["logisticsNo"] == bill["logisticsNo"] and invt["logisticsCode"] == bill["logisticsCode"]
        assert invt["assureCode"] == invt["agentCode"] == o.agent.customs_code and o.agent.has_tax_guarantee
        assert invt["customsCode"] == invt["portCode"] == zone.customs.code
        assert invt["ebpCode"] == order["ebpCode"] and invt["ebcCode"] == order["ebcCode"]
        assert invt["tradeMode"] == o.trade_mode
        items = _lines(docs["CEB621Message"])
        assert [i["gcode"] for i in items] == [p.hs_code for p in _products(lines)]
        if o.trade_mode == "1210":
            assert o.warehouse is not None
            assert invt["emsNo"] == o.warehouse.ems_no and invt["areaCode"] == o.warehouse.customs_code
            assert invt["areaName"] == o.warehouse.name and invt["country"] == "142"
            assert all(i.get("itemRecordNo") for i in items)
            assert "trafNo" not in invt and "billNo" not in bill
        else:
            assert o.warehouse is None and "emsNo" not in invt
            assert invt["trafNo"] and invt["voyageNo"] and invt["billNo"] == bill["billNo"]


def _products(lines: list[dict[str, str]]) -> list[Product]:
    by_sku = {p.sku: p for p in load_catalogue()}
    return [by_sku[line["itemNo"]] for line in lines]


def test_tax_total_is_the_70_percent_estimate(
    orders: list[DemoOrder], parsed: dict[str, dict[str, CebMessage]]
) -> None:
    """For goods with 13% VAT and no consumption tax: (goods + freight) × 13% × 70%, to the fen."""
    by_sku = {p.sku: p for p in load_catalogue()}
    checked = 0
    for o in _of(orders, DemoOutcome.ok):
        order = parsed[o.order_no]["CEB311Message"]
        products = [by_sku[line["itemNo"]] for line in _lines(order)]
        if any(p.vat != 13 or p.consumption_tax for p in products):
            continue
        head = _head(order)
        base = Decimal(head["goodsValue"]) + Decimal(head["freight"])
        expected = (base * Decimal("0.091")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert Decimal(head["taxTotal"]) == expected
        checked += 1
    assert checked > 50


def test_most_orders_are_100_to_2000_yuan(orders: list[DemoOrder]) -> None:
    paid = [o.actural_paid for o in _of(orders, DemoOutcome.ok)]
    assert sum(100 <= p <= 2000 for p in paid) / len(paid) > 0.7


def test_buyers_come_back_and_stay_within_the_annual_limit(zone: Zone, firms: list[DemoEnterprise]) -> None:
    found = list(demo_orders(zone, firms, n=3000, seed=5, now=NOW, span=timedelta(days=300)))
    annual = demo_parameters(date(2026, 3, 1)).annual_limit_per_person
    per_buyer = Counter(o.buyer_id_number for o in found if o.expected is DemoOutcome.ok)
    assert max(per_buyer.values()) >= 3
    assert sum(n > 1 for n in per_buyer.values()) > 100
    spent: dict[tuple[str, int], Decimal] = {}
    for o in _of(found, DemoOutcome.ok):
        key = (o.buyer_id_number, o.ordered_at.astimezone(SHANGHAI).year)
        spent[key] = spent.get(key, Decimal(0)) + o.actural_paid
    assert max(spent.values()) <= annual


# --------------------------------------------------------------------------- orders: faults


class TestEveryFaultIsReallyThere:
    def test_payer_mismatch(self, orders: list[DemoOrder]) -> None:
        for o in _of(orders, DemoOutcome.payer_mismatch):
            order, pay = _head(parse_xml(o.order)), _head(parse_xml(o.payment))
            assert pay["payerIdNumber"] != order["buyerIdNumber"]
            assert pay["amountPaid"] == order["acturalPaid"]

    def test_amount_mismatch(self, orders: list[DemoOrder]) -> None:
        for o in _of(orders, DemoOutcome.amount_mismatch):
            order, pay = _head(parse_xml(o.order)), _head(parse_xml(o.payment))
            assert Decimal(pay["amountPaid"]) != Decimal(order["acturalPaid"])
            assert pay["payerIdNumber"] == order["buyerIdNumber"]

    def test_over_single_limit(self, orders: list[DemoOrder]) -> None:
        limit = demo_parameters(date(2026, 3, 1)).single_transaction_limit
        for o in _of(orders, DemoOutcome.over_single_limit):
            order = parse_xml(o.order)
            assert Decimal(_head(order)["goodsValue"]) > limit
            assert len(_lines(order)) >= 2

    def test_off_list_goods(self, orders: list[DemoOrder]) -> None:
        off_list = {p.hs_code for p in load_catalogue() if not p.positive_list}
        for o in _of(orders, DemoOutcome.off_list_goods):
            codes = [line["gcode"] for line in _lines(parse_xml(o.inventory))]
            assert sum(code in off_list for code in codes) == 1

    def test_missing_waybill(self, orders: list[DemoOrder]) -> None:
        for o in _of(orders, DemoOutcome.missing_waybill):
            assert o.waybill is None
            assert [name for name, _, _ in o.messages()] == [
                "CEB311Message",
                "CEB411Message",
                "CEB621Message",
            ]

    def test_duplicate_order(self, orders: list[DemoOrder]) -> None:
        seen: dict[tuple[str, str], DemoOrder] = {}
        duplicates = 0
        for o in orders:
            key = (o.platform.customs_code, o.order_no)
            if o.expected is DemoOutcome.duplicate_order:
                first = seen[key]
                assert first.expected is DemoOutcome.ok
                new, old = parse_xml(o.order), parse_xml(first.order)
                assert new.guid != old.guid and new.records[0].guid != old.records[0].guid
                assert _lines(new) == _lines(old) and o.actural_paid == first.actural_paid
                duplicates += 1
            else:
                assert key not in seen
                seen[key] = o
        assert duplicates == 4

    def test_the_clean_sets_carry_none_of_these(self, orders: list[DemoOrder]) -> None:
        off_list = {p.hs_code for p in load_catalogue() if not p.positive_list}
        for o in _of(orders, DemoOutcome.ok):
            assert o.waybill is not None and o.detail == ""
            assert not any(line["gcode"] in off_list for line in _lines(parse_xml(o.inventory)))


# --------------------------------------------------------------------------- other zones, arguments, speed


@pytest.mark.parametrize("key", ["taiyuan", "luzhou"])
def test_other_zones_generate_valid_sets(key: str) -> None:
    zone = load_zone(key)
    for o in demo_orders(zone, demo_enterprises(zone), n=60, seed=3, now=NOW):
        invt = _head(parse_xml(o.inventory))
        assert invt["customsCode"] == zone.customs.code
        for _, _, body in o.messages():
            message = parse_xml(body)
            assert xsd_findings(message) == [] and field_findings(message) == []


def test_bad_arguments_are_refused(zone: Zone, firms: list[DemoEnterprise]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next(demo_orders(zone, firms, n=1, seed=1, now=datetime(2026, 3, 1)))  # noqa: DTZ001
    with pytest.raises(ValueError, match="fault_rate"):
        next(demo_orders(zone, firms, n=1, seed=1, now=NOW, fault_rate=0.9))
    with pytest.raises(ValueError, match="role agent"):
        next(
            demo_orders(
                zone, [f for f in firms if not f.has_role(EnterpriseRole.agent)], n=1, seed=1, now=NOW
            )
        )


def test_ten_thousand_sets_are_generated_quickly(zone: Zone, firms: list[DemoEnterprise]) -> None:
    started = time.perf_counter()
    bodies = sum(len(o.messages()) for o in demo_orders(zone, firms, n=10_000, seed=99, now=NOW))
    elapsed = time.perf_counter() - started
    assert bodies > 39_000
    assert elapsed < 8, f"10,000 sets took {elapsed:.2f} s"
