"""Demo export shipments (CEB303/403/505/603/507/607/509), the CEB701 application and the repaired samples."""

from __future__ import annotations

import doctest
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import cbec.demo.exports as exports_module
from cbec.demo.exports import (
    OVERSEAS_WAREHOUSES,
    DemoExport,
    demo_export_orders,
    demo_summary_application,
    load_export_catalogue,
)
from cbec.demo.generator import DemoEnterprise, demo_enterprises
from cbec.kernel.dates import SHANGHAI
from cbec.messages.ceb import CATALOGUE, CebMessage, field_findings, parse_xml, xsd_findings
from cbec.messages.ceb.code_tables import load_code_tables
from cbec.registry.enums import EnterpriseRole
from cbec.zones import Zone, load_zone

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
N = 400
REPAIRED = Path(__file__).parents[1] / "messages" / "ceb" / "fixtures" / "repaired"
SHARED_LINE_FIELDS = (
    "gnum",
    "itemNo",
    "itemName",
    "barCode",
    "unit",
    "currency",
    "qty",
    "price",
    "totalPrice",
)
"""Fields an order line and its inventory line both carry, equal on both."""


@pytest.fixture(scope="module")
def zone() -> Zone:
    return load_zone("kunming")


@pytest.fixture(scope="module")
def firms(zone: Zone) -> list[DemoEnterprise]:
    return demo_enterprises(zone)


@pytest.fixture(scope="module")
def sets(zone: Zone, firms: list[DemoEnterprise]) -> list[DemoExport]:
    return list(demo_export_orders(zone, firms, n=N, seed=5, now=NOW))


@pytest.fixture(scope="module")
def parsed(sets: list[DemoExport]) -> dict[str, dict[str, CebMessage]]:
    """order_no → message type → parsed document."""
    return {s.order_no: {name: parse_xml(body) for name, _, body in s.messages()} for s in sets}


def _head(message: CebMessage) -> dict[str, str]:
    assert len(message.records) == 1
    return message.records[0].head


def _lines(message: CebMessage) -> list[dict[str, str]]:
    (lines,) = message.records[0].lists.values()
    return lines


def _of(sets: list[DemoExport], mode: str) -> Iterator[DemoExport]:
    return (s for s in sets if s.trade_mode == mode)


# --------------------------------------------------------------------------- catalogue


class TestCatalogue:
    def test_codes_units_and_barcodes(self) -> None:
        tables = load_code_tables()
        products = load_export_catalogue()
        assert len(products) >= 20
        for p in products:
            assert len(p.hs_code) == 10 and p.hs_code.isdigit()
            assert {p.unit, p.unit1, p.unit2 or p.unit} <= tables.unit, p.sku
            assert len(p.bar_code) == 13 and p.bar_code.startswith("69")
            assert p.code_source

    def test_every_trade_mode_and_warehouse_has_goods(self) -> None:
        products = load_export_catalogue()
        for mode in ("9610", "9710", "9810"):
            assert any(mode in p.trade_modes for p in products), mode
        for warehouse in OVERSEAS_WAREHOUSES:
            assert any("9810" in p.trade_modes and p.category in warehouse.categories for p in products)
        assert {p.category for p in products if "9810" in p.trade_modes} >= {"furniture"}
        assert {p.category for p in products} >= {
            "clothing",
            "shoes",
            "phone_accessories",
            "led_lighting",
            "kitchenware",
            "toys",
            "tea",
            "small_appliances",
            "furniture",
        }


# --------------------------------------------------------------------------- shape


def test_module_doctest() -> None:
    assert doctest.testmod(exports_module, raise_on_error=False, verbose=False).failed == 0


def test_same_arguments_give_the_same_bytes(
    zone: Zone, firms: list[DemoEnterprise], sets: list[DemoExport]
) -> None:
    assert list(demo_export_orders(zone, firms, n=N, seed=5, now=NOW)) == sets
    other = list(demo_export_orders(zone, firms, n=20, seed=6, now=NOW))
    assert [s.order for s in other] != [s.order for s in sets[:20]]


def test_mix_of_trade_modes_flags_and_destinations(zone: Zone, firms: list[DemoEnterprise]) -> None:
    found = list(demo_export_orders(zone, firms, n=1000, seed=9, now=NOW))
    modes = Counter(s.trade_mode for s in found)
    assert 0.80 <= modes["9610"] / 1000 <= 0.90
    assert 0.03 <= modes["9710"] / 1000 <= 0.12 and 0.03 <= modes["9810"] / 1000 <= 0.13
    for s in found:
        assert s.order_type == {"9610": "E", "9710": "B", "9810": "W"}[s.trade_mode]
    retail = [s for s in found if s.trade_mode == "9610"]
    simplified = sum(s.statistics_flag == "A" for s in retail) / len(retail)
    assert 0.1 <= simplified <= 0.3
    assert all(s.statistics_flag == "B" for s in found if s.trade_mode != "9610")
    countries = Counter(s.country for s in retail)
    assert len(countries) >= 15 and countries.most_common(1)[0][0] == "502"
    assert {s.currency for s in retail} >= {"502", "303", "300", "116", "133", "601", "501"}
    assert {s.overseas_warehouse.key for s in found if s.overseas_warehouse} == {"ow-de", "ow-us"}
    assert sum(s.owner is not s.consignor for s in found) / 1000 >= 0.1
    assert len({s.consignor.key for s in found}) >= 4


def test_every_body_is_schema_valid_and_passes_the_field_rules(sets: list[DemoExport]) -> None:
    problems = []
    for s in sets:
        for name, _, body in s.messages():
            message = parse_xml(body)
            found = xsd_findings(message) + field_findings(message)
            if found:
                problems.append((s.order_no, name, found[:2]))
    assert problems == []


@pytest.mark.parametrize("key", ["luzhou", "taiyuan"])
def test_other_zones_generate_valid_sets(key: str) -> None:
    zone = load_zone(key)
    for s in demo_export_orders(zone, demo_enterprises(zone), n=40, seed=2, now=NOW):
        for _, _, body in s.messages():
            message = parse_xml(body)
            assert xsd_findings(message) + field_findings(message) == []
            assert _head(message).get("customsCode", zone.customs.code) == zone.customs.code


def test_messages_come_in_sending_order_from_the_responsible_party(sets: list[DemoExport]) -> None:
    for s in sets:
        names = [name for name, _, _ in s.messages()]
        expected = ["CEB303Message", "CEB403Message", "CEB505Message", "CEB603Message"]
        expected += ["CEB507Message", "CEB607Message", "CEB509Message"]
        if s.trade_mode == "9810":
            expected.remove("CEB403Message")
            assert s.receipt is None and s.payment_company is None and s.charge is None
        assert names == expected
        for name, sender, body in s.messages():
            message = parse_xml(body)
            spec = CATALOGUE[name]
            transfer = message.base_transfer
            assert transfer is not None
            assert (transfer["copCode"], transfer["dxpId"]) == (sender.customs_code, sender.dxp_id), name
            # as ingest checks it: a sender role, and named in a field of that role
            assert set(spec.sender_roles) & {r.value for r in sender.roles}, name
            head = _head(message)
            assert any(
                head.get(field) == sender.customs_code
                for field, role in spec.party_fields.items()
                if role in spec.sender_roles
            ), name
        senders = {name: sender for name, sender, _ in s.messages()}
        assert senders["CEB303Message"] is (s.consignor if s.trade_mode == "9810" else s.platform)
        assert senders["CEB505Message"] is s.logistics is senders["CEB509Message"]
        assert senders["CEB603Message"] is s.agent is senders["CEB607Message"]
        assert senders["CEB507Message"] in (s.operator, s.logistics)


def test_every_party_is_filed_in_its_role(
    sets: list[DemoExport], parsed: dict[str, dict[str, CebMessage]]
) -> None:
    for s in sets:
        for name, message in parsed[s.order_no].items():
            head = _head(message)
            for field, role in CATALOGUE[name].party_fields.items():
                code = head.get(field)
                if not code:
                    continue
                party = next(
                    e
                    for e in (s.platform, s.consignor, s.payment_company, s.logistics, s.agent, s.operator)
                    if e is not None and e.customs_code == code
                )
                assert party.has_role(EnterpriseRole(role)), (name, field)
        assert not s.consignor.overseas and not s.owner.overseas and s.owner.has_role(EnterpriseRole.ebc)


def test_times_are_in_order_and_in_the_past(
    sets: list[DemoExport], parsed: dict[str, dict[str, CebMessage]]
) -> None:
    now_local = NOW.astimezone(SHANGHAI).strftime("%Y%m%d%H%M%S")
    ordered = [s.ordered_at for s in sets]
    assert ordered == sorted(ordered) and ordered[-1] <= NOW - timedelta(hours=32)
    for s in sets:
        docs = parsed[s.order_no]
        times = [_head(docs[name])["appTime"] for name, _, _ in s.messages()]
        assert times == sorted(times) and times[-1] <= now_local, s.order_no
        leave = _head(docs["CEB509Message"])["leaveTime"]
        assert _head(docs["CEB607Message"])["appTime"] < leave < _head(docs["CEB509Message"])["appTime"]
        assert s.departed_at.astimezone(SHANGHAI).strftime("%Y%m%d%H%M%S") == leave
        if s.receipt is not None:
            assert _head(docs["CEB403Message"])["accountingDate"] <= _head(docs["CEB403Message"])["appTime"]


def test_numbers_and_guids_are_unique(
    sets: list[DemoExport], parsed: dict[str, dict[str, CebMessage]]
) -> None:
    for attribute in ("order_no", "logistics_no", "cop_no"):
        values = [getattr(s, attribute) for s in sets]
        assert len(set(values)) == len(values), attribute
    guids = [g for docs in parsed.values() for m in docs.values() for g in (m.guid, m.records[0].guid)]
    assert len(set(guids)) == len(guids)
    for name in ("CEB507Message", "CEB509Message", "CEB607Message"):
        keys = [
            tuple(_head(docs[name]).get(f) for f in CATALOGUE[name].business_key) for docs in parsed.values()
        ]
        assert len(set(keys)) == len(keys), name


# --------------------------------------------------------------------------- content


def test_the_documents_of_one_shipment_agree(
    zone: Zone, sets: list[DemoExport], parsed: dict[str, dict[str, CebMessage]]
) -> None:
    customs = zone.customs.code
    for s in sets:
        docs = parsed[s.order_no]
        order, waybill = _head(docs["CEB303Message"]), _head(docs["CEB505Message"])
        invt, arrival = _head(docs["CEB603Message"]), _head(docs["CEB507Message"])
        master, departure = _head(docs["CEB607Message"]), _head(docs["CEB509Message"])
        # keys and parties
        assert order["orderNo"] == invt["orderNo"] == s.order_no
        assert order["ebcCode"] == invt["ebcCode"] == waybill["ebcCode"] == s.consignor.customs_code
        assert order["ebpCode"] == invt["ebpCode"] == s.platform.customs_code
        carriers = {h["logisticsCode"] for h in (waybill, invt, arrival, master, departure)}
        assert carriers == {s.logistics.customs_code}
        assert invt["agentCode"] == master["agentCode"] == s.agent.customs_code
        assert (
            invt["ownerCode"] == s.owner.customs_code and arrival["operatorCode"] == s.operator.customs_code
        )
        numbers = {waybill["logisticsNo"], invt["logisticsNo"]}
        numbers |= {
            _lines(docs[n])[0]["logisticsNo"] for n in ("CEB507Message", "CEB607Message", "CEB509Message")
        }
        assert numbers == {s.logistics_no}
        # lines and money
        order_lines, invt_lines = _lines(docs["CEB303Message"]), _lines(docs["CEB603Message"])
        assert len(order_lines) == len(invt_lines) >= 1
        total = Decimal(0)
        for a, b in zip(order_lines, invt_lines, strict=True):
            for field in SHARED_LINE_FIELDS:
                assert a[field] == b[field], (s.order_no, field)
            assert Decimal(b["price"]) * Decimal(b["qty"]) == Decimal(b["totalPrice"])
            assert b["currency"] == order["currency"] == s.currency and b["country"] == s.country
            total += Decimal(b["totalPrice"])
        assert Decimal(order["goodsValue"]) == total == s.goods_value
        assert Decimal(order["freight"]) == s.freight
        if s.receipt is not None:
            receipt = _head(docs["CEB403Message"])
            assert receipt["orderNo"] == s.order_no and receipt["currency"] == s.currency
            assert (receipt["ebpCode"], receipt["ebcCode"]) == (order["ebpCode"], order["ebcCode"])
            assert Decimal(receipt["charge"]) == s.goods_value + s.freight == s.charge
        assert Decimal(waybill["freight"]) == Decimal(invt["freight"]) == s.carrier_freight
        assert waybill["currency"] == invt["fCurrency"] == "142" and invt["fFlag"] == "3"
        weights = {Decimal(h["grossWeight"]) for h in (waybill, invt, master)}
        assert weights == {s.gross_weight} and Decimal(invt["netWeight"]) < s.gross_weight
        assert waybill["packNo"] == invt["packNo"]
        # transport
        bills = {h["billNo"] for h in (invt, arrival, master, departure)}
        assert bills == {s.bill_no}
        for field in ("trafMode", "trafName", "voyageNo"):
            assert invt[field] == master[field] == departure[field], field
        assert (
            arrival["trafMode"] == invt["trafMode"] and arrival["domesticTrafNo"] == master["domesticTrafNo"]
        )
        assert invt["ieDate"] == departure["leaveTime"][:8]
        assert invt["customsCode"] == invt["portCode"] == arrival["customsCode"] == customs
        assert master["customsCode"] == departure["customsCode"] == customs
        assert invt["country"] == invt["POD"] == s.country != "142"
        assert invt["tradeMode"] == s.trade_mode and invt["statisticsFlag"] == s.statistics_flag


def test_bags_and_flights_are_shared(
    sets: list[DemoExport], parsed: dict[str, dict[str, CebMessage]]
) -> None:
    by_bill: dict[str, set[tuple[str, str]]] = {}
    for s in sets:
        docs = parsed[s.order_no]
        invt = _head(docs["CEB603Message"])
        by_bill.setdefault(s.bill_no, set()).add(
            (invt["voyageNo"], _head(docs["CEB509Message"])["leaveTime"])
        )
        bag = invt.get("totalPackageNo")
        if s.trade_mode == "9610":
            assert bag
            for name in ("CEB507Message", "CEB607Message", "CEB509Message"):
                assert _lines(docs[name])[0]["totalPackageNo"] == bag
        else:
            assert bag is None
    assert all(len(flights) == 1 for flights in by_bill.values())
    assert len(by_bill) < len(sets) / 3  # parcels are consolidated


def test_goods_codes_follow_the_statistics_flag(
    sets: list[DemoExport], parsed: dict[str, dict[str, CebMessage]]
) -> None:
    codes = {p.sku: p for p in load_export_catalogue()}
    for s in sets:
        for line in _lines(parsed[s.order_no]["CEB603Message"]):
            product = codes[line["itemNo"]]
            assert s.trade_mode in product.trade_modes
            if s.statistics_flag == "A":
                assert line["gcode"] == product.hs_code[:4] + "000000"
            else:
                assert line["gcode"] == product.hs_code
            qty = Decimal(line["qty"])
            assert Decimal(line["qty1"]) == product.qty1 * qty
            assert (line.get("unit2"), line.get("qty2")) == (
                (product.unit2, format(product.qty2 * qty, "f")) if product.qty2 is not None else (None, None)
            )


def test_b2b_and_stock_shipments(sets: list[DemoExport], parsed: dict[str, dict[str, CebMessage]]) -> None:
    rates = {"502": Decimal("7.20"), "300": Decimal("7.85")}
    retail = [s.goods_value for s in _of(sets, "9610") if s.currency == "502"]
    b2b = list(_of(sets, "9710"))
    assert b2b and retail
    assert sorted(s.goods_value for s in b2b if s.currency == "502")[0] > sorted(retail)[len(retail) // 2]
    for s in [*b2b, *_of(sets, "9810")]:
        if s.currency in rates:
            assert s.goods_value * rates[s.currency] <= 5000
        assert s.freight == 0 and int(_head(parsed[s.order_no]["CEB603Message"])["packNo"]) >= 1
    stock = list(_of(sets, "9810"))
    assert stock
    for s in stock:
        warehouse = s.overseas_warehouse
        assert warehouse is not None
        order = _head(parsed[s.order_no]["CEB303Message"])
        assert warehouse.name in order["note"] and warehouse.address in order["note"]
        assert s.country == warehouse.country and s.currency == warehouse.currency
        assert _head(parsed[s.order_no]["CEB603Message"])["trafMode"] == warehouse.traf_mode
        assert s.platform.has_role(EnterpriseRole.ebp)


def test_bad_arguments_are_refused(zone: Zone, firms: list[DemoEnterprise]) -> None:
    with pytest.raises(ValueError, match="timezone"):
        list(demo_export_orders(zone, firms, n=1, seed=1, now=datetime(2026, 3, 1)))  # noqa: DTZ001
    with pytest.raises(ValueError, match="negative"):
        list(demo_export_orders(zone, firms, n=-1, seed=1, now=NOW))
    with pytest.raises(ValueError, match="span"):
        list(demo_export_orders(zone, firms, n=1, seed=1, now=NOW, span=timedelta(0)))
    with pytest.raises(ValueError, match="agent"):
        list(
            demo_export_orders(
                zone, [f for f in firms if not f.has_role(EnterpriseRole.agent)], n=1, seed=1, now=NOW
            )
        )


def test_a_thousand_shipments_are_generated_quickly(zone: Zone, firms: list[DemoEnterprise]) -> None:
    started = time.perf_counter()
    found = list(demo_export_orders(zone, firms, n=1000, seed=3, now=NOW))
    assert len(found) == 1000
    assert time.perf_counter() - started < 2.0


# --------------------------------------------------------------------------- CEB701


class TestSummaryApplication:
    def test_a_month_by_time_range(self, zone: Zone, firms: list[DemoEnterprise]) -> None:
        consignor, agent = firms[3], firms[15]
        body = demo_summary_application(consignor, date(2026, 2, 14), agent=agent, now=NOW)
        message = parse_xml(body)
        assert xsd_findings(message) == [] and field_findings(message) == []
        head = _head(message)
        assert (head["startTime"], head["endTime"]) == ("20260201000000", "20260228235959")
        assert head["customsCode"] == zone.customs.code
        assert head["ebcCode"] == consignor.customs_code
        assert head["agentCode"] == head["declAgentCode"] == agent.customs_code
        assert (head["summaryFlag"], head["itemNameFlag"], head["msgCount"], head["msgSeqNo"]) == (
            "1",
            "1",
            "1",
            "1",
        )
        assert message.records[0].lists.get("SummaryApplyList", []) == []
        assert message.base_transfer is not None and message.base_transfer["copCode"] == agent.customs_code
        assert demo_summary_application(consignor, date(2026, 2, 1), agent=agent, now=NOW) == body

    def test_flags_and_the_customs_district_can_be_given(self, firms: list[DemoEnterprise]) -> None:
        body = demo_summary_application(
            firms[0], date(2025, 12, 1), agent=firms[16], now=NOW, customs_code="8601", summary_flag="2"
        )
        head = _head(parse_xml(body))
        assert (head["customsCode"], head["summaryFlag"], head["endTime"]) == ("8601", "2", "20251231235959")

    def test_refusals(self, firms: list[DemoEnterprise]) -> None:
        seller, agent = firms[3], firms[15]
        with pytest.raises(ValueError, match="not over"):
            demo_summary_application(seller, date(2026, 3, 1), agent=agent, now=NOW)
        with pytest.raises(ValueError, match="domestic"):
            demo_summary_application(firms[6], date(2026, 2, 1), agent=agent, now=NOW)
        with pytest.raises(ValueError, match="agent role"):
            demo_summary_application(seller, date(2026, 2, 1), agent=seller, now=NOW)
        with pytest.raises(ValueError, match="summary_flag"):
            demo_summary_application(seller, date(2026, 2, 1), agent=agent, now=NOW, summary_flag="3")

    def test_covers_the_shipments_of_the_consignor(self, zone: Zone, firms: list[DemoEnterprise]) -> None:
        now = datetime(2026, 3, 5, tzinfo=UTC)
        found = list(demo_export_orders(zone, firms, n=50, seed=4, now=now, span=timedelta(days=20)))
        s = next(s for s in found if s.statistics_flag == "B")
        head = _head(
            parse_xml(demo_summary_application(s.consignor, s.departed_at.date(), agent=s.agent, now=now))
        )
        leave = s.departed_at.astimezone(SHANGHAI).strftime("%Y%m%d%H%M%S")
        assert head["startTime"] <= leave <= head["endTime"]
        assert head["agentCode"] == _head(parse_xml(s.inventory))["agentCode"]


# --------------------------------------------------------------------------- repaired official samples

REPAIRED_FILES = [f"CEB{n}Message.xml" for n in ("303", "403", "505", "507", "509", "603", "605", "607")] + [
    f"CEB{n}Message.xml" for n in ("213", "215", "701", "792")
]


@pytest.fixture(scope="module")
def repaired() -> dict[str, CebMessage]:
    return {name[:6]: parse_xml((REPAIRED / name).read_bytes()) for name in REPAIRED_FILES}


class TestRepairedSamples:
    @pytest.mark.parametrize("name", REPAIRED_FILES)
    def test_valid_and_without_findings(self, name: str) -> None:
        message = parse_xml((REPAIRED / name).read_bytes())
        assert message.message_type == name.removesuffix(".xml")
        assert xsd_findings(message) == []
        assert field_findings(message) == []
        assert len(message.records) == 1

    def test_sources_lists_every_file(self) -> None:
        sources = (REPAIRED / "SOURCES.md").read_text(encoding="utf-8")
        for name in REPAIRED_FILES:
            assert f"`{name}`" in sources
        assert sorted(p.name for p in REPAIRED.glob("*.xml")) == sorted(REPAIRED_FILES)

    def test_the_parties_are_the_kunming_demo_enterprises(
        self, repaired: dict[str, CebMessage], firms: list[DemoEnterprise]
    ) -> None:
        by_code = {f.customs_code: f for f in firms}
        for number, message in repaired.items():
            spec = CATALOGUE[message.message_type]
            head = _head(message)
            for field, role in spec.party_fields.items():
                if not head.get(field):
                    continue  # CEB603 iacCode: special-zone exports only
                assert by_code[head[field]].has_role(EnterpriseRole(role)), (number, field)
                assert (
                    head.get(field.replace("Code", "Name"), by_code[head[field]].name)
                    == by_code[head[field]].name
                )
            if message.base_transfer is not None:
                sender = by_code[message.base_transfer["copCode"]]
                assert message.base_transfer["dxpId"] == sender.dxp_id
                assert set(spec.sender_roles) & {r.value for r in sender.roles}, number
                assert sender.customs_code in {
                    head[f] for f, r in spec.party_fields.items() if r in spec.sender_roles
                }
            if "customsCode" in head:
                assert head["customsCode"] == "8600"
        consignors = {_head(m)["ebcCode"] for m in repaired.values() if "ebcCode" in _head(m)}
        agents = {_head(m)["agentCode"] for m in repaired.values() if "agentCode" in _head(m)}
        carriers = {_head(m)["logisticsCode"] for m in repaired.values() if "logisticsCode" in _head(m)}
        platforms = {_head(m)["ebpCode"] for m in repaired.values() if "ebpCode" in _head(m)}
        assert all(len(codes) == 1 for codes in (consignors, agents, carriers, platforms))

    def test_one_export_order_across_its_documents(self, repaired: dict[str, CebMessage]) -> None:
        order, receipt, waybill = (_head(repaired[n]) for n in ("CEB303", "CEB403", "CEB505"))
        invt, arrival, master, departure = (
            _head(repaired[n]) for n in ("CEB603", "CEB507", "CEB607", "CEB509")
        )
        assert order["orderNo"] == receipt["orderNo"] == invt["orderNo"]
        logistics_no = waybill["logisticsNo"]
        assert invt["logisticsNo"] == logistics_no
        for n in ("CEB507", "CEB607", "CEB509"):
            assert [line["logisticsNo"] for line in _lines(repaired[n])] == [logistics_no]
        order_lines, invt_lines = _lines(repaired["CEB303"]), _lines(repaired["CEB603"])
        assert len(order_lines) == len(invt_lines) == 2
        for a, b in zip(order_lines, invt_lines, strict=True):
            for field in SHARED_LINE_FIELDS:
                assert a[field] == b[field], field
        goods = sum(Decimal(line["totalPrice"]) for line in invt_lines)
        assert Decimal(order["goodsValue"]) == goods
        assert Decimal(receipt["charge"]) == goods + Decimal(order["freight"])
        assert receipt["currency"] == order["currency"] == invt_lines[0]["currency"]
        assert (
            Decimal(waybill["freight"]) == Decimal(invt["freight"])
            and waybill["currency"] == invt["fCurrency"]
        )
        assert (
            Decimal(waybill["grossWeight"]) == Decimal(invt["grossWeight"]) == Decimal(master["grossWeight"])
        )
        assert waybill["packNo"] == invt["packNo"]
        assert invt["billNo"] == arrival["billNo"] == master["billNo"] == departure["billNo"]
        for field in ("trafMode", "trafName", "voyageNo"):
            assert invt[field] == master[field] == departure[field]
        assert invt["ieDate"] == departure["leaveTime"][:8]
        bag = invt["totalPackageNo"]
        assert all(_lines(repaired[n])[0]["totalPackageNo"] == bag for n in ("CEB507", "CEB607", "CEB509"))
        times = [
            _head(repaired[n])["appTime"]
            for n in ("CEB303", "CEB403", "CEB505", "CEB603", "CEB507", "CEB607")
        ]
        assert times == sorted(times) and times[-1] < departure["leaveTime"] < departure["appTime"]

    def test_the_later_documents_refer_to_the_inventory(self, repaired: dict[str, CebMessage]) -> None:
        invt = _head(repaired["CEB603"])
        invt_lines = _lines(repaired["CEB603"])
        invt_no = _lines(repaired["CEB607"])[0]["invtNo"]
        assert invt["statisticsFlag"] == "B"  # summarised by CEB701/792
        assert [row["invtNo"] for row in _lines(repaired["CEB701"])] == [invt_no]
        result = _lines(repaired["CEB792"])
        assert [(r["invtNo"], r["logisticsNo"], r["gnum"], r["gcode"]) for r in result] == [
            (invt_no, invt["logisticsNo"], line["gnum"], line["gcode"]) for line in invt_lines
        ]
        assert [r["gseqno"] for r in result] == ["1", "2"]
        summary = _head(repaired["CEB792"])
        assert (Decimal(summary["grossWeight"]), Decimal(summary["netWeight"])) == (
            Decimal(invt["grossWeight"]),
            Decimal(invt["netWeight"]),
        )
        refund, tally = _head(repaired["CEB213"]), _head(repaired["CEB215"])
        assert refund["invtNo"] == tally["invtNo"] == invt_no
        assert refund["logisticsNo"] == tally["logisticsNo"] == invt["logisticsNo"]
        assert refund["billNo"] == tally["billNo"] and refund["ieFlag"] == tally["ieFlag"] == "I"
        refund_line = _lines(repaired["CEB213"])[0]
        source = invt_lines[int(refund_line["gnum"]) - 1]
        for field in ("gcode", "gname", "gmodel", "unit", "unit1", "unit2"):
            assert refund_line[field] == source[field], field
        assert Decimal(refund_line["qty"]) <= Decimal(source["qty"])
        assert Decimal(refund_line["qty1"]) <= Decimal(source["qty1"])
        cancel = _head(repaired["CEB605"])
        assert cancel["invtNo"] != invt_no and cancel["copNo"] != invt["copNo"]  # another inventory
        assert cancel["ebcCode"] == invt["ebcCode"] and cancel["agentCode"] == invt["agentCode"]
